package vaultgen

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Per-link odds of each planted class; the rest resolve.
const (
	pBroken    = 0.030
	pVariant   = 0.030
	pAlias     = 0.003
	pAmbiguous = 0.002
	pDuplicate = 0.002
	pCode      = 0.053 // link-shaped text in code, per link outside code
	// resolvedEvery: one resolved link in this many goes into the truth.
	resolvedEvery = 32
)

// noteOut is what writing one note produces.
type noteOut struct {
	links     []Link // truth entries, in file order
	code      []Link
	nLinks    int // links outside code in the body
	nCode     int
	external  int
	classes   [6]int // by class index, dialect default
	strict    [6]int
	forms     map[string]int
	fmLinks   int
	byteCount int
}

var classNames = [6]string{cResolved, cVariant, cBroken, cAmbiguous, cAlias, cDuplicate}

func classIndex(c string) int { return slices.Index(classNames[:], c) }

// gen writes one note. All randomness comes from r, seeded from the vault
// seed and the note's index, so notes can be written in any order.
type gen struct {
	p   *plan
	i   int
	m   *meta
	r   *rand.Rand
	nz  *normalizer
	buf []byte
	lc  lineCounter
	out *noteOut

	start, target   int // body start offset, target file size
	total, left     int // links outside code: planned, still to write
	codeTotal, code int // links in code: planned, written
	forced          string
	blocks          []string // block ids still to place
	lastPara        bool
}

const noteStream = 0x6e6f7465 // "note"

func (p *plan) writeNote(i int, nz *normalizer, buf []byte) ([]byte, *noteOut) {
	g := &gen{
		p: p, i: i, m: &p.notes[i], nz: nz, buf: buf[:0],
		r:   rand.New(rand.NewPCG(uint64(p.o.Seed), noteStream<<32|uint64(i))),
		out: &noteOut{forms: map[string]int{}},
	}
	// Make sure even a small vault has one of every class.
	if p.o.Notes >= 20 && i < 5 {
		g.forced = []string{cVariant, cBroken, cAlias, cAmbiguous, cDuplicate}[i]
	}
	g.total = 5 + g.r.IntN(26)
	g.left = g.total
	for range g.total {
		if g.r.Float64() < pCode {
			g.codeTotal++
		}
	}
	a, b, c := g.r.Float64(), g.r.Float64(), g.r.Float64()
	g.target = 1024 + int(6912*(0.55*a+0.45*max(b, c)))
	g.blocks = slices.Clone(g.m.blocks)

	g.frontmatter()
	g.body()
	g.out.byteCount = len(g.buf)
	return g.buf, g.out
}

func (g *gen) s(s string) { g.buf = append(g.buf, s...) }

func (g *gen) frontmatter() {
	m := g.m
	r := g.r
	g.s("---\ntitle: ")
	g.s(m.title)
	g.s("\naliases: [")
	g.s(strings.Join(m.aliases, ", "))
	g.s("]\nid: ")
	g.s(m.id)
	g.s("\ncanonical_id: ")
	if m.role == roleDup {
		canon := &g.p.notes[m.other]
		g.s(canon.id)
		g.s("\nduplicate_of: \"")
		sp := spec{form: fWiki, target: canon.title}
		g.record(sp, Link{Form: fFrontmatter, Class: cResolved, Target: canon.rel}, true)
		g.out.fmLinks++
		g.s("\"")
	} else {
		g.s("self\nduplicate_of: none")
	}
	g.s("\ntags: [")
	g.s(pick(r, tagWords))
	g.s(", generated]\nstatus: ")
	g.s(pick(r, statuses))
	g.s("\nconfidence_score: ")
	g.s(strconv.FormatFloat(float64(10+r.IntN(10))/20, 'f', -1, 64))
	g.s("\n---\n\n")
}

// record writes the link and, when keep, adds it to the truth.
func (g *gen) record(sp spec, l Link, keep bool) {
	st := len(g.buf)
	g.buf = sp.appendTo(g.buf)
	if !keep {
		return
	}
	l.File = g.m.rel
	l.Start, l.End = st, len(g.buf)
	l.Line, l.Col = g.lc.at(g.buf, st)
	l.Text = string(g.buf[st:])
	g.out.links = append(g.out.links, l)
}

func (g *gen) body() {
	g.start = len(g.buf)
	g.s("# ")
	g.s(g.m.title)
	g.s("\n\n")
	g.paragraph()
	nh := len(g.m.headings)
	for k, h := range g.m.headings {
		g.s("## ")
		g.s(h)
		g.s("\n\n")
		end := g.start + (g.target-g.start)*(k+1)/nh
		g.paragraph()
		for len(g.buf)+150 < end {
			g.block()
		}
	}
	if g.left > 0 {
		g.list(g.left)
	}
	if g.code < g.codeTotal {
		g.fenced(g.codeTotal - g.code)
	}
	// End the file with exactly one newline.
	for len(g.buf) > 0 && g.buf[len(g.buf)-1] == '\n' {
		g.buf = g.buf[:len(g.buf)-1]
	}
	g.s("\n")
}

// progress is how far the body is towards its size once est more bytes are
// written, in [0, 1].
func (g *gen) progress(est int) float64 {
	f := float64(len(g.buf)-g.start+est) / float64(max(1, g.target-g.start))
	return min(f, 1)
}

// quota is how many links the next block of about est bytes should carry.
func (g *gen) quota(est int) int {
	want := int(float64(g.total)*g.progress(est)+0.5) - (g.total - g.left)
	return max(0, min(want, g.left))
}

func (g *gen) codeDue() bool {
	return g.code < g.codeTotal && float64(g.code) < float64(g.codeTotal)*g.progress(300)
}

func (g *gen) block() {
	if g.codeDue() {
		g.codeBlock()
		return
	}
	switch x := g.r.IntN(100); {
	case x < 48:
		g.paragraph()
	case x < 63:
		g.list(g.quota(250))
	case x < 73:
		g.table(g.quota(300))
	case x < 83:
		g.quote(g.quota(200))
	case x < 90:
		g.fenced(0)
	case x < 95 && g.lastPara:
		g.indented(0)
	default:
		g.paragraph()
	}
}

// lang picks a language for a block: 0 English, 1 Korean, 2 mixed.
func (g *gen) lang() int {
	switch x := g.r.IntN(100); {
	case x < 45:
		return 0
	case x < 80:
		return 1
	default:
		return 2
	}
}

func (g *gen) sentence(lang int) {
	if lang == 2 {
		lang = g.r.IntN(2)
	}
	if lang == 0 {
		g.enSentence()
	} else {
		g.koSentence()
	}
}

func lower(s string) string { return strings.ToLower(s) }

func (g *gen) enSentence() {
	r := g.r
	switch r.IntN(6) {
	case 0:
		g.s("The " + lower(pick(r, enAdj)) + " " + lower(pick(r, enNoun)) + " " + pick(r, enVerb) + " the " + lower(pick(r, enNoun)) + ".")
	case 1:
		g.s(pick(r, enNoun) + " " + pick(r, enVerb) + " " + lower(pick(r, enNoun)) + " " + pick(r, enAdv) + ".")
	case 2:
		g.s("In practice, the " + lower(pick(r, enNoun)) + " " + pick(r, enVerb) + " every " + lower(pick(r, enNoun)) + " it touches.")
	case 3:
		g.s("A " + lower(pick(r, enAdj)) + " " + lower(pick(r, enNoun)) + " is " + pick(r, enAdv) + " " + lower(pick(r, enAdj)) + " when the " + lower(pick(r, enNoun)) + " " + pick(r, enVerb) + " the " + lower(pick(r, enNoun)) + ".")
	case 4:
		g.s("Most teams keep the " + lower(pick(r, enNoun)) + " next to the " + lower(pick(r, enNoun)) + ", which " + pick(r, enVerb) + " the " + lower(pick(r, enNoun)) + " " + pick(r, enAdv) + ".")
	default:
		g.s(pick(r, enTech) + " " + pick(r, enVerb) + " the " + lower(pick(r, enNoun)) + " **" + pick(r, enAdv) + "**.")
	}
}

// particle attaches the right form of a Korean particle to a noun:
// topic 은/는, object 을/를, subject 이/가, with 과/와.
func particle(noun string, kind int) string {
	r, _ := utf8.DecodeLastRuneInString(noun)
	batchim := r >= 0xAC00 && r <= 0xD7A3 && (r-0xAC00)%28 != 0
	forms := [...][2]string{{"는", "은"}, {"를", "을"}, {"가", "이"}, {"와", "과"}}
	if batchim {
		return noun + forms[kind][1]
	}
	return noun + forms[kind][0]
}

func (g *gen) koSentence() {
	r := g.r
	switch r.IntN(5) {
	case 0:
		g.s(particle(pick(r, koNoun), 0) + " " + particle(pick(r, koNoun), 1) + " " + pick(r, koVerb) + ".")
	case 1:
		g.s(particle(pick(r, koNoun), 2) + " " + pick(r, koAdjPred) + ".")
	case 2:
		g.s(pick(r, enTech) + " " + particle(pick(r, koNoun), 0) + " " + particle(pick(r, koNoun), 3) + " " + particle(pick(r, koNoun), 1) + " " + pick(r, koVerb) + ".")
	case 3:
		g.s("이 " + particle(pick(r, koNoun), 0) + " " + pick(r, koNoun) + " 단계에서 " + pick(r, koVerb) + ".")
	default:
		g.s("**" + pick(r, koNoun) + "**" + " 관점에서 보면 " + particle(pick(r, koNoun), 2) + " " + pick(r, koAdjPred) + ".")
	}
}

// short writes a few words, for list items and table cells.
func (g *gen) short(lang int) {
	r := g.r
	if lang == 2 {
		lang = r.IntN(2)
	}
	if lang == 0 {
		g.s(pick(r, enAdj) + " " + lower(pick(r, enNoun)) + " " + pick(r, enVerb) + " " + lower(pick(r, enNoun)))
	} else {
		g.s(pick(r, koNoun) + " " + particle(pick(r, koNoun), 1) + " " + pick(r, koVerb))
	}
}

func (g *gen) display() string {
	r := g.r
	switch r.IntN(4) {
	case 0:
		return lower(pick(r, enNoun)) + " notes"
	case 1:
		return lower(pick(r, enAdj)) + " " + lower(pick(r, enNoun))
	case 2:
		return pick(r, koNoun) + " 문서"
	default:
		return pick(r, koNoun)
	}
}

// linkPhrase writes a sentence around one link outside code.
func (g *gen) linkPhrase(lang int) {
	if lang == 2 {
		lang = g.r.IntN(2)
	}
	ph := pick(g.r, enLinkPhrase)
	if lang == 1 {
		ph = pick(g.r, koLinkPhrase)
	}
	g.s(ph[0])
	g.link(false)
	g.s(ph[1])
}

func (g *gen) paragraph() {
	g.paraWith(g.quota(350), -1)
}

// paraWith writes a one-line paragraph with nLinks links and, when
// codeKind >= 0, one link hidden in inline code or a comment.
func (g *gen) paraWith(nLinks, codeKind int) {
	r := g.r
	lang := g.lang()
	ns := 2 + r.IntN(4)
	at := make([]int, ns)
	for range nLinks {
		at[r.IntN(ns)]++
	}
	codeAt := r.IntN(ns)
	for k := range ns {
		if k > 0 {
			g.s(" ")
		}
		g.sentence(lang)
		for range at[k] {
			g.s(" ")
			g.linkPhrase(lang)
		}
		if k == codeAt && codeKind >= 0 {
			g.s(" ")
			g.inlineCode(codeKind)
		}
		if k == 0 && r.IntN(12) == 0 {
			g.s(" Upstream docs: [reference](https://example.com/" + lower(pick(r, enNoun)) + ").")
			g.out.external++
		}
	}
	if len(g.blocks) > 0 {
		g.s(" ^")
		g.s(g.blocks[0])
		g.blocks = g.blocks[1:]
	}
	g.s("\n\n")
	g.lastPara = true
}

func (g *gen) list(n int) {
	r := g.r
	lang := g.lang()
	items := max(n, 3+r.IntN(4))
	with := make([]bool, items)
	for _, k := range r.Perm(items)[:n] {
		with[k] = true
	}
	style := r.IntN(3)
	for k := range items {
		switch style {
		case 0:
			g.s("- ")
		case 1:
			g.s(strconv.Itoa(k+1) + ". ")
		default:
			g.s("- [" + []string{" ", "x"}[r.IntN(2)] + "] ")
		}
		g.short(lang)
		if with[k] {
			g.s(": ")
			g.link(false)
		}
		g.s("\n")
	}
	g.s("\n")
	g.lastPara = false
}

func (g *gen) table(n int) {
	r := g.r
	lang := g.lang()
	rows := max((n+1)/2, 2+r.IntN(4))
	per := make([]int, rows)
	for k := range n {
		per[k%rows]++
	}
	if lang == 1 {
		g.s("| 항목 | 설명 | 링크 |\n| --- | --- | --- |\n")
	} else {
		g.s("| Item | Notes | Link |\n| --- | :-- | --- |\n")
	}
	for k := range rows {
		g.s("| " + pick(r, koNoun) + " " + strconv.Itoa(k+1) + " | ")
		g.short(lang)
		g.s(" | ")
		if per[k] == 0 {
			g.s("-")
		}
		for j := range per[k] {
			if j > 0 {
				g.s(", ")
			}
			g.link(true)
		}
		g.s(" |\n")
	}
	g.s("\n")
	g.lastPara = false
}

func (g *gen) quote(n int) {
	r := g.r
	lang := g.lang()
	lines := max(n, 1+r.IntN(3))
	if r.IntN(3) == 0 {
		g.s("> [!" + pick(r, callouts) + "] " + pick(r, enAdj) + " " + lower(pick(r, enNoun)) + "\n")
	}
	for k := range lines {
		g.s("> ")
		g.sentence(lang)
		if k < n {
			g.s(" ")
			g.linkPhrase(lang)
		}
		g.s("\n")
	}
	g.s("\n")
	g.lastPara = false
}

// Code kinds for a hidden link.
const (
	kInlineCode = iota
	kComment
	kPercent
	kFenced
	kTilde
	kIndented
	kPercentBlock
	kCommentBlock
)

func (g *gen) codeBlock() {
	switch k := g.r.IntN(8); k {
	case kInlineCode, kComment, kPercent:
		g.paraWith(g.quota(350), k)
	case kFenced, kTilde:
		g.fenced(1)
	case kIndented:
		if !g.lastPara {
			g.paragraph()
		}
		g.indented(1)
	case kPercentBlock:
		g.s("%%\n")
		g.codeLink()
		g.s(" 나중에 정리\n%%\n\n")
		g.lastPara = false
	default:
		g.s("<!--\nTODO: ")
		g.codeLink()
		g.s("\n-->\n\n")
		g.lastPara = false
	}
}

func (g *gen) inlineCode(kind int) {
	switch kind {
	case kInlineCode:
		g.s("Write `")
		g.codeLink()
		g.s("` to link it.")
	case kComment:
		g.s("<!-- ")
		g.codeLink()
		g.s(" -->")
	default:
		g.s("%%")
		g.codeLink()
		g.s(" 검토 필요%%")
	}
}

func (g *gen) fenced(nLinks int) {
	r := g.r
	fence := "```"
	if r.IntN(4) == 0 {
		fence = "~~~"
	}
	g.s(fence + pick(r, codeLangs) + "\n")
	lines := max(nLinks, 2+r.IntN(5))
	with := make([]bool, lines)
	for _, k := range r.Perm(lines)[:nLinks] {
		with[k] = true
	}
	for k := range lines {
		g.s(pick(r, codeLines))
		if with[k] {
			g.s(" // ")
			g.codeLink()
		}
		g.s("\n")
	}
	g.s(fence + "\n\n")
	g.lastPara = false
}

// indented writes an indented code block; callers make sure a paragraph
// came before it, so it cannot continue a list item.
func (g *gen) indented(nLinks int) {
	r := g.r
	lines := max(nLinks, 2+r.IntN(3))
	with := r.IntN(lines)
	for k := range lines {
		g.s("    ")
		g.s(pick(r, codeLines))
		if nLinks > 0 && k == with {
			g.s(" # ")
			g.codeLink()
		}
		g.s("\n")
	}
	g.s("\n")
	g.lastPara = false
}

// codeLink writes link-shaped text inside code: it must not count.
func (g *gen) codeLink() {
	r := g.r
	var sp spec
	if r.IntN(10) < 7 {
		t := &g.p.notes[r.IntN(len(g.p.notes))]
		sp = spec{form: pick(r, []string{fWiki, fDisplay, fEmbed, fHeading, fMD}), target: t.title}
		switch sp.form {
		case fDisplay, fMD:
			sp.display = g.display()
		case fHeading:
			sp.anchor = pick(r, t.headings)
		}
		if sp.form == fMD {
			sp.target = relURL(g.m.folder, t.rel, true)
		}
	} else {
		sp = spec{form: fWiki, target: g.brokenName()}
	}
	st := len(g.buf)
	g.buf = sp.appendTo(g.buf)
	l := Link{File: g.m.rel, Start: st, End: len(g.buf), Text: string(g.buf[st:]), Form: sp.form}
	l.Line, l.Col = g.lc.at(g.buf, st)
	g.out.code = append(g.out.code, l)
	g.code++
	g.out.nCode++
}

func (g *gen) brokenName() string {
	r := g.r
	for {
		var t string
		if r.IntN(2) == 0 {
			t = pick(r, brokenLead[:5]) + " " + pick(r, enNoun) + " " + strconv.Itoa(1+r.IntN(999))
		} else {
			t = pick(r, brokenLead[5:]) + " " + pick(r, koNoun) + " " + strconv.Itoa(1+r.IntN(999))
		}
		if !g.p.taken[g.nz.key(t, lvlCompact)] {
			return t
		}
	}
}

func (g *gen) pickClass() string {
	if c := g.forced; c != "" {
		g.forced = ""
		switch {
		case c == cAlias && len(g.p.aliases) == 0,
			c == cAmbiguous && len(g.p.pairs) == 0,
			c == cDuplicate && len(g.p.dups) == 0:
		default:
			return c
		}
	}
	x := g.r.Float64()
	p := g.p
	switch {
	case x < pBroken:
		return cBroken
	case x < pBroken+pVariant && len(p.variantable) > 0:
		return cVariant
	case x >= pBroken+pVariant && x < pBroken+pVariant+pAlias && len(p.aliases) > 0:
		return cAlias
	case x >= pBroken+pVariant+pAlias && x < pBroken+pVariant+pAlias+pAmbiguous && len(p.pairs) > 0:
		return cAmbiguous
	case x >= pBroken+pVariant+pAlias+pAmbiguous && x < pBroken+pVariant+pAlias+pAmbiguous+pDuplicate && len(p.dups) > 0:
		return cDuplicate
	}
	return cResolved
}

// weighted picks a form from alternating name, weight pairs.
func weighted(r *rand.Rand, choices ...any) string {
	total := 0
	for i := 1; i < len(choices); i += 2 {
		total += choices[i].(int)
	}
	x := r.IntN(total)
	for i := 0; i < len(choices); i += 2 {
		x -= choices[i+1].(int)
		if x < 0 {
			return choices[i].(string)
		}
	}
	panic("unreachable")
}

// link writes one link outside code, of a class and form chosen here, and
// records it. inTable restricts the forms to what a table cell can hold.
func (g *gen) link(inTable bool) {
	r := g.r
	g.left--
	g.out.nLinks++
	class := g.pickClass()
	l := Link{Class: class}
	var sp spec
	keep := true
	switch class {
	case cResolved:
		t := g.pickResolvable()
		tm := &g.p.notes[t]
		if inTable {
			sp.form = weighted(r, fWiki, 40, fTable, 40, fHeading, 10, fMD, 10)
		} else {
			sp.form = weighted(r, fWiki, 30, fDisplay, 15, fHeading, 8, fHeadingDisplay, 3, fBlock, 5,
				fEmbed, 5, fPath, 7, fRootPath, 4, fExt, 5, fMD, 9, fMDAngle, 6, fSelfHeading, 3)
		}
		sp.target = tm.title
		switch sp.form {
		case fDisplay, fTable, fHeadingDisplay, fMD, fMDAngle:
			sp.display = g.display()
		}
		switch sp.form {
		case fHeading, fHeadingDisplay:
			sp.anchor = pick(r, tm.headings)
		case fBlock:
			sp.anchor = "^" + pick(r, tm.blocks)
		case fPath, fRootPath:
			sp.target = strings.TrimSuffix(tm.rel, ".md")
		case fMD:
			sp.target = relURL(g.m.folder, tm.rel, true)
		case fMDAngle:
			sp.target = relURL(g.m.folder, tm.rel, false)
		case fSelfHeading:
			tm = g.m
			sp.target = ""
			sp.anchor = pick(r, tm.headings)
		}
		l.Target = tm.rel
		keep = r.IntN(resolvedEvery) == 0
	case cVariant:
		t := pick(r, g.p.variantable)
		tm := &g.p.notes[t]
		text, kinds, lvl := g.variantText(tm.title)
		if inTable {
			sp.form = weighted(r, fWiki, 50, fTable, 50)
		} else {
			sp.form = weighted(r, fWiki, 35, fDisplay, 20, fHeading, 10, fHeadingDisplay, 5, fBlock, 5, fEmbed, 7, fExt, 18)
		}
		switch sp.form {
		case fDisplay, fTable, fHeadingDisplay:
			sp.display = g.display()
		}
		switch sp.form {
		case fHeading, fHeadingDisplay:
			sp.anchor = pick(r, tm.headings)
		case fBlock:
			sp.anchor = "^" + pick(r, tm.blocks)
		}
		if (sp.form == fWiki || sp.form == fDisplay) && r.IntN(100) < 15 {
			sp.pad = true
			kinds = append(kinds, vPad)
		}
		sp.target = tm.title
		l.New = sp.String()
		sp.target = text
		l.Target = tm.rel
		l.Kind = strings.Join(kinds, "+")
		l.Level = lvl.String()
		if g.p.o.Dialect == "obsidian" && obsidianForgives(kinds) || g.p.o.Dialect == "foam" && foamForgives(kinds, text, tm.title) {
			l.Class, l.StrictClass = cResolved, cVariant
		}
	case cBroken:
		sp.target = g.brokenName()
		if inTable {
			sp.form = weighted(r, fWiki, 50, fTable, 50)
		} else {
			sp.form = weighted(r, fWiki, 40, fDisplay, 20, fHeading, 10, fEmbed, 10, fExt, 20)
		}
		switch sp.form {
		case fDisplay, fTable:
			sp.display = g.display()
		case fHeading:
			sp.anchor = pick(r, headingWords)
		}
	case cAlias:
		a := pick(r, g.p.aliases)
		sp.target = a.alias
		l.Target = g.p.notes[a.note].rel
		g.simpleForm(&sp, inTable)
	case cAmbiguous:
		pr := pick(r, g.p.pairs)
		sp.target = pr.base
		if r.IntN(2) == 0 {
			sp.target = lower(pr.base)
		}
		l.Level = lvlSeparators.String()
		l.Candidates = []string{g.p.notes[pr.a].rel, g.p.notes[pr.b].rel}
		slices.Sort(l.Candidates)
		g.simpleForm(&sp, inTable)
	case cDuplicate:
		d := pick(r, g.p.dups)
		sp.target = g.p.notes[d.dup].title
		l.Target = g.p.notes[d.dup].rel
		l.Canonical = g.p.notes[d.canonical].rel
		g.simpleForm(&sp, inTable)
	}
	l.Form = sp.form
	g.out.forms[sp.form]++
	g.out.classes[classIndex(l.Class)]++
	if l.StrictClass != "" {
		g.out.strict[classIndex(l.StrictClass)]++
	} else {
		g.out.strict[classIndex(l.Class)]++
	}
	g.record(sp, l, keep)
}

func (g *gen) simpleForm(sp *spec, inTable bool) {
	if inTable {
		sp.form = weighted(g.r, fWiki, 50, fTable, 50)
	} else {
		sp.form = weighted(g.r, fWiki, 60, fDisplay, 40)
	}
	if sp.form != fWiki {
		sp.display = g.display()
	}
}

func (g *gen) pickResolvable() int {
	rs := g.p.resolvable
	for {
		t := rs[g.r.IntN(len(rs))]
		if t != g.i || len(rs) == 1 {
			return t
		}
	}
}

// variantText returns a misspelling of title that matches it first at one
// of the levels unicode…separators, the transforms used and that level.
func (g *gen) variantText(title string) (string, []string, level) {
	r := g.r
	var cands []string
	if lower(title) != title {
		cands = append(cands, vLower, vLower)
	}
	if strings.ToUpper(title) != title {
		cands = append(cands, vUpper)
	}
	if hasHangul(title) {
		cands = append(cands, vNFD, vNFD)
	}
	if hasASCIIAlnum(title) {
		cands = append(cands, vFullwidth)
	}
	if strings.Contains(title, " ") {
		cands = append(cands, vHyphen, vHyphen, vUnderscore, vDouble)
	}
	if strings.Contains(title, "-") {
		cands = append(cands, vSpaced)
	}
	for {
		kinds := []string{pick(r, cands)}
		s := applyVariant(r, kinds[0], title)
		switch kinds[0] {
		case vLower, vUpper:
			if strings.Contains(title, " ") && r.IntN(100) < 40 {
				k := pick(r, []string{vHyphen, vUnderscore})
				s = applyVariant(r, k, s)
				kinds = append(kinds, k)
			}
		case vHyphen:
			if lower(s) != s && r.IntN(100) < 30 {
				s = lower(s)
				kinds = append([]string{vLower}, kinds...)
			}
		}
		if kinds[0] != vNFD && hasHangul(s) && r.IntN(100) < 15 {
			s = applyVariant(r, vNFD, s)
			kinds = append(kinds, vNFD)
		}
		lvl := g.nz.firstLevel(s, title)
		if s != title && lvl >= lvlUnicode && lvl <= lvlSeparators {
			return s, kinds, lvl
		}
	}
}
