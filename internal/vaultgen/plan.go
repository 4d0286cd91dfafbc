package vaultgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// role is what a note is planted as.
type role uint8

const (
	roleNormal role = iota
	rolePair        // one of a deliberately ambiguous pair ("Cache-Line", "Cache_Line")
	roleDup         // duplicate_of another note
)

// meta is everything about a note that other notes need before any body is
// written: names, place, anchors.
type meta struct {
	title    string
	id       string
	folder   string // "" at the root, else "A/B" with '/'
	rel      string // vault-relative path with ".md"
	aliases  []string
	headings []string
	blocks   []string // block ids without '^'
	role     role
	other    int // pair partner, or the canonical note of a duplicate; -1 otherwise
}

type aliasRef struct {
	alias string
	note  int
}

type pairRef struct {
	base string // the spelling both titles share at the separators level, e.g. "Cache Line"
	a, b int
}

type dupRef struct{ dup, canonical int }

// plan is the read-only layout of the vault, built sequentially from one
// PCG stream; bodies are then written in parallel, each from its own stream.
type plan struct {
	o           Options
	notes       []meta
	folders     []string
	taken       map[string]bool // compact keys of every title, id and alias
	resolvable  []int           // notes a resolved link may target (not duplicates)
	variantable []int           // notes a variant may target (plain notes only)
	aliases     []aliasRef
	pairs       []pairRef
	dups        []dupRef
}

const planStream = 0x7661756c7467656e // "vaultgen"

func newPlan(o Options) *plan {
	r := rand.New(rand.NewPCG(uint64(o.Seed), planStream))
	nz := newNormalizer()
	n := o.Notes
	p := &plan{o: o, taken: make(map[string]bool, 2*n)}

	idWidth := max(6, len(strconv.Itoa(n-1)))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%0*d", idWidth, i)
		p.taken[nz.key(ids[i], lvlCompact)] = true
	}

	nPairs, nDups := 0, 0
	if n >= 20 {
		nPairs, nDups = max(1, n/1000), max(1, n/500)
	}

	type proto struct {
		title string
		role  role
		other int // proto index
		base  string
	}
	protos := make([]proto, 0, n)
	for len(protos) < 2*nPairs {
		w1, w2 := pick(r, enNoun), pick(r, enNoun)
		if w1 == w2 || strings.ContainsAny(w1+w2, " -") {
			continue
		}
		base := w1 + " " + w2
		k := nz.key(base, lvlCompact)
		if p.taken[k] {
			continue
		}
		p.taken[k] = true
		i := len(protos)
		protos = append(protos,
			proto{title: w1 + "-" + w2, role: rolePair, other: i + 1, base: base},
			proto{title: w1 + "_" + w2, role: rolePair, other: i, base: base})
	}
	firstNormal := len(protos)
	nNormal := n - len(protos) - nDups
	for range nNormal {
		protos = append(protos, proto{title: p.newTitle(r, nz), other: -1})
	}
	usedCanon := make(map[int]bool, nDups)
	for range nDups {
		a := firstNormal + r.IntN(nNormal)
		for usedCanon[a] {
			a = firstNormal + r.IntN(nNormal)
		}
		usedCanon[a] = true
		protos = append(protos, proto{title: p.dupTitle(r, nz, protos[a].title), role: roleDup, other: a})
	}

	// Spread the planted notes over the vault: proto k becomes note perm[k].
	perm := r.Perm(n)
	p.notes = make([]meta, n)
	for k, pr := range protos {
		other := -1
		if pr.role != roleNormal {
			other = perm[pr.other]
		}
		p.notes[perm[k]] = meta{title: pr.title, role: pr.role, other: other}
	}
	for k, pr := range protos {
		switch {
		case pr.role == rolePair && k < pr.other:
			p.pairs = append(p.pairs, pairRef{base: pr.base, a: perm[k], b: perm[pr.other]})
		case pr.role == roleDup:
			p.dups = append(p.dups, dupRef{dup: perm[k], canonical: perm[pr.other]})
		}
	}

	p.layout(r)

	for i := range p.notes {
		m := &p.notes[i]
		m.id = ids[i]
		m.headings = pickN(r, headingWords, 2+r.IntN(4))
		nb := 1 + r.IntN(3)
		for len(m.blocks) < nb {
			id := fmt.Sprintf("%06x", r.Uint32()&0xffffff)
			if !contains(m.blocks, id) {
				m.blocks = append(m.blocks, id)
			}
		}
		if m.role == roleNormal {
			p.addAliases(r, nz, i)
		}
		if m.role != roleDup {
			p.resolvable = append(p.resolvable, i)
		}
		if m.role == roleNormal {
			p.variantable = append(p.variantable, i)
		}
	}
	return p
}

// layout puts a few notes at the root and the rest into folders two or three
// levels deep, 50–200 notes each.
func (p *plan) layout(r *rand.Rand) {
	n := len(p.notes)
	nRoot := min(20, n/100)
	for i := range nRoot {
		p.notes[i].folder = ""
	}
	used := map[string]bool{}
	i := nRoot
	for i < n {
		var f string
		for try := 0; ; try++ {
			f = pick(r, folderTop) + "/" + pick(r, folderMid)
			if r.IntN(2) == 0 {
				f += "/" + pick(r, folderLeaf)
			}
			if try > 20 {
				f += " " + strconv.Itoa(try)
			}
			if !used[f] {
				break
			}
		}
		used[f] = true
		p.folders = append(p.folders, f)
		size := 50 + r.IntN(151)
		for ; size > 0 && i < n; size-- {
			p.notes[i].folder = f
			i++
		}
	}
	for i := range p.notes {
		m := &p.notes[i]
		m.rel = m.title + ".md"
		if m.folder != "" {
			m.rel = m.folder + "/" + m.rel
		}
	}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// pickN returns k distinct elements of s in random order.
func pickN(r *rand.Rand, s []string, k int) []string {
	idx := r.Perm(len(s))[:k]
	out := make([]string, k)
	for i, j := range idx {
		out[i] = s[j]
	}
	return out
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// newTitle returns a title whose compact key no other name or alias has, and
// reserves that key. Compact is the top of the ladder, so two titles never
// meet at any level.
func (p *plan) newTitle(r *rand.Rand, nz *normalizer) string {
	for try := 0; ; try++ {
		var t string
		switch x := r.IntN(100); {
		case x < 14:
			t = pick(r, enAdj) + " " + pick(r, enNoun)
		case x < 30:
			t = pick(r, enNoun) + " " + pick(r, enNoun)
		case x < 40:
			t = pick(r, enTech) + " " + pick(r, enNoun)
		case x < 50:
			t = pick(r, enAdj) + " " + pick(r, enNoun) + " " + pick(r, enNoun)
		case x < 66:
			t = pick(r, koNoun) + " " + pick(r, koNoun)
		case x < 76:
			t = pick(r, koNoun) + " " + pick(r, koNoun) + " " + pick(r, koNoun)
		case x < 82:
			t = pick(r, koNoun) + pick(r, koNoun)
		case x < 92:
			t = pick(r, enTech) + " " + pick(r, koNoun)
		default:
			t = pick(r, koNoun) + " " + pick(r, enNoun)
		}
		if try >= 2 || r.IntN(8) == 0 {
			t += " " + strconv.Itoa(2+r.IntN(10+try*try))
		}
		if k := nz.key(t, lvlCompact); !p.taken[k] {
			p.taken[k] = true
			return t
		}
	}
}

var dupSuffixes = []string{" Draft", " 초안", " Copy", " 사본", " Old", " v2"}

func (p *plan) dupTitle(r *rand.Rand, nz *normalizer, canon string) string {
	for try := 0; ; try++ {
		t := canon + pick(r, dupSuffixes)
		if try > 3 {
			t += " " + strconv.Itoa(try)
		}
		if k := nz.key(t, lvlCompact); !p.taken[k] {
			p.taken[k] = true
			return t
		}
	}
}

// yamlWords are plain scalars YAML may read as something other than a string.
var yamlWords = []string{"Y", "N", "YES", "NO", "ON", "OFF", "TRUE", "FALSE", "NULL", "NAN", "INF"}

// addAliases gives note i up to two aliases (an acronym, a translation),
// each unique among all names and aliases at the compact level.
func (p *plan) addAliases(r *rand.Rand, nz *normalizer, i int) {
	m := &p.notes[i]
	words := strings.Split(m.title, " ")
	var cands []string
	if len(words) >= 2 && r.IntN(100) < 45 {
		var b strings.Builder
		for _, w := range words {
			c := rune(w[0])
			if c >= utf8RuneSelf || !unicode.IsLetter(c) {
				b.Reset()
				break
			}
			b.WriteRune(unicode.ToUpper(c))
		}
		if a := b.String(); len(a) >= 2 && !contains(yamlWords, a) {
			cands = append(cands, a)
		}
	}
	if r.IntN(100) < 60 {
		if t, ok := translate(words); ok {
			cands = append(cands, t)
		}
	}
	for _, a := range cands {
		k := nz.key(a, lvlCompact)
		if p.taken[k] {
			continue
		}
		p.taken[k] = true
		m.aliases = append(m.aliases, a)
		p.aliases = append(p.aliases, aliasRef{alias: a, note: i})
	}
}

const utf8RuneSelf = 0x80

// translate maps every word of a title to the other language, if it can.
func translate(words []string) (string, bool) {
	out := make([]string, len(words))
	for i, w := range words {
		found := false
		for _, tr := range translations {
			switch w {
			case tr[0]:
				out[i], found = tr[1], true
			case tr[1]:
				out[i], found = tr[0], true
			}
			if found {
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return strings.Join(out, " "), true
}
