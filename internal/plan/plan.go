// Package plan turns resolution results into the edits apply would make and
// the findings it leaves to a person (SPEC §4, §6). It does no I/O: Build is
// a pure function of the index and the options.
//
// # Invariants
//
//   - One edit per link; an edit replaces exactly the bytes of the link
//     (Start..End) and changes only its target and/or anchor part.
//   - The name written resolves exactly, and only, to the intended note
//     under the vault's dialect; when no such name exists there is no edit.
//   - Edits and findings are sorted by file and offset.
package plan

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/filename"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// Options are the opt-ins of SPEC §4.
type Options struct {
	AllowAlias       bool // rewrite alias-only matches
	FollowDuplicates bool // redirect links to duplicate notes to their canonical note
	KeepDisplay      bool // keep the old spelling as display text
	Workers          int
	// Progress, if set, is called as each note's links are resolved.
	Progress func(done, total int)
	// Memo, if set, gives the plans of notes planned before, and records
	// the others unless MemoReadOnly is set (apply: the notes it rewrites
	// change right after).
	Memo         Memo
	MemoReadOnly bool
	// Ledger, if set, is filled with each note's share of the plan
	// (Build and BuildNotes) or kept current (Patch).
	Ledger *Ledger
	// OnLinks, if set, is called with the links of each note planned
	// from its links (not taken from the memo) and the findings they
	// gave, from the planning goroutines: a server files them by key,
	// and the plan cache keeps what a change of names reads, while they
	// are decoded anyway. Both are the caller's only during the call.
	OnLinks func(note int32, links []note.Link, findings []Finding)
}

// Edit is one link rewrite. Start and End are byte offsets of Old in File.
type Edit struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Old    string `json:"old"`
	New    string `json:"new"`
	Target string `json:"target"`
	Class  string `json:"class"`
	Level  string `json:"level"`
}

// Finding is a link that is not fine and gets no edit.
type Finding struct {
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Col        int      `json:"col"`
	Link       string   `json:"link"`
	Class      string   `json:"class"`
	Candidates []string `json:"candidates"`
	Level      string   `json:"level,omitempty"`
	Message    string   `json:"message,omitempty"`
	Hints      []string `json:"hints,omitempty"`
	// Aliases are the candidates that only an alias matched, with the
	// alias (ambiguous and alias findings).
	Aliases []CandidateAlias `json:"aliases,omitempty"`
}

// CandidateAlias is a candidate note of a finding and the alias of it that
// the link matched.
type CandidateAlias struct {
	Note  string `json:"note"`
	Alias string `json:"alias"`
}

// Stats counts notes and links; each link is counted once, in its class.
type Stats struct {
	Notes     int `json:"notes"`
	Links     int `json:"links"`
	Resolved  int `json:"resolved"`
	Variant   int `json:"variant"`
	Ambiguous int `json:"ambiguous"`
	Alias     int `json:"alias"`
	Broken    int `json:"broken"`
	Duplicate int `json:"duplicate"`
	Heading   int `json:"heading"`
	// Renamed counts links to a note by a name it had before it was
	// moved, renamed or retitled (SPEC §4); the JSON shows it when not 0.
	Renamed int `json:"renamed,omitempty"`
}

// Plan is everything check and plan report.
type Plan struct {
	Stats    Stats
	Edits    []Edit
	Findings []Finding
	// NoteLinks counts links to notes (not attachments); the dialect guard
	// uses it.
	NoteLinks, NoteLinksOff int
}

// Build resolves every link of every note and plans the repairs.
func Build(ix *index.Index, opt Options) *Plan {
	return buildSome(ix, opt, nil)
}

// BuildNotes is Build for the notes given (indices into ix.Notes, in
// increasing order) alone: the links of the others are not resolved, and
// Stats.Notes counts the notes given. A check of what a change touched
// plans the few notes it can concern and none of the rest.
func BuildNotes(ix *index.Index, opt Options, notes []int32) *Plan {
	if notes == nil {
		notes = []int32{}
	}
	return buildSome(ix, opt, notes)
}

// buildSome plans the notes given, or every note when notes is nil.
func buildSome(ix *index.Index, opt Options, notes []int32) *Plan {
	if notes == nil {
		notes = make([]int32, len(ix.Notes))
		for i := range notes {
			notes[i] = int32(i)
		}
	}
	// Without a ledger, no note's share is asked for again: the plan
	// takes a run's at once.
	parts := planParts(ix, opt, notes, opt.Ledger != nil)
	if opt.Ledger != nil {
		opt.Ledger.reset(ix, notes, parts)
	}
	pl := &Plan{}
	pl.Stats.Notes = len(notes)
	var edits, findings int
	for _, p := range parts {
		edits += len(p.edits)
		findings += len(p.findings)
		add(&pl.Stats, p.stats)
		pl.NoteLinks += p.nl
		pl.NoteLinksOff += p.off
	}
	pl.Edits = make([]Edit, edits)
	pl.Findings = make([]Finding, findings)
	gatherParts(parts, pl, max(opt.Workers, 1))
	// Notes are sorted by path and links by offset, so edits already are;
	// findings from one link come in order too.
	// (Checked first: sorting is a tenth of a second at 100,000 notes.)
	byPlace := func(a, b Finding) int {
		if a.File != b.File { // mostly one string, which == sees at once
			return strings.Compare(a.File, b.File)
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	}
	if !slices.IsSortedFunc(pl.Findings, byPlace) {
		slices.SortStableFunc(pl.Findings, byPlace)
	}
	return pl
}

// gatherParts copies the parts' edits and findings, in order, into pl's,
// which have their lengths: on the workers, a contiguous share of the
// parts each. (On one goroutine, at 100,000 notes, this was some 40 ms
// of a core while the other idled: most of it the first touch of the
// arrays' fresh memory.)
func gatherParts(parts []notePlan, pl *Plan, workers int) {
	total := len(pl.Edits) + len(pl.Findings)
	if total < 4096 {
		workers = 1
	}
	var wg sync.WaitGroup
	k, e, f := 0, 0, 0
	for w := 1; w <= workers; w++ {
		// This share ends where the parts copied reach w/workers of all.
		lo, e0, f0 := k, e, f
		for k < len(parts) && (w == workers || (e+f)*workers < total*w) {
			e += len(parts[k].edits)
			f += len(parts[k].findings)
			k++
		}
		share := parts[lo:k]
		wg.Go(func() {
			e, f := e0, f0
			for i := range share {
				e += copy(pl.Edits[e:], share[i].edits)
				f += copy(pl.Findings[f:], share[i].findings)
			}
		})
	}
	wg.Wait()
}

// planParts plans the notes given (indices into ix.Notes) on opt.Workers
// goroutines and returns each one's share, in the same order; or, when
// perNote is false, the share of each run of planRun notes, in order,
// which is all a plan made once needs (a share a note was 16 MB at
// 100,000 notes).
//
// A worker takes planRun notes at a time and keeps the edits and findings
// of a run's notes in its scratch; when the run ends, they get one array
// of the run's edits and one of its findings, each note a part of them,
// instead of a slice each that grew link by link.
func planParts(ix *index.Index, opt Options, notes []int32, perNote bool) []notePlan {
	workers := max(opt.Workers, 1)
	var parts []notePlan
	if perNote {
		parts = make([]notePlan, len(notes))
	} else {
		parts = make([]notePlan, (len(notes)+planRun-1)/planRun)
	}
	var anchors *anchorSums
	if opt.Memo != nil {
		anchors = newAnchorSums(ix, workers)
		if st, ok := opt.Memo.(StableNumbering); ok {
			anchors.stable = st.NumbersStable()
		}
	}
	var planned, taken atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sc planScratch
			// The notes of the run planned here, not taken from the
			// memo: where their edits and findings lie in the scratch.
			type made struct{ k, e0, e1, f0, f1 int }
			var run []made
			for {
				lo := int(taken.Add(planRun)) - planRun
				if lo >= len(notes) {
					return
				}
				hi := min(lo+planRun, len(notes))
				sc.edits, sc.findings, run = sc.edits[:0], sc.findings[:0], run[:0]
				var whole notePlan // the run's, when not a note's each
				for k := lo; k < hi; k++ {
					if opt.Progress != nil {
						opt.Progress(int(planned.Add(1)), len(notes))
					}
					i := notes[k]
					if ix.Notes[i].Err != nil {
						continue
					}
					e0, f0 := len(sc.edits), len(sc.findings)
					p := planNote(ix, opt, i, &sc, anchors)
					if perNote {
						parts[k] = p
						if len(sc.edits) > e0 || len(sc.findings) > f0 {
							run = append(run, made{k, e0, len(sc.edits), f0, len(sc.findings)})
						}
						continue
					}
					if len(sc.edits) == e0 && len(sc.findings) == f0 {
						// Taken from the memo: its own slices.
						sc.edits = append(sc.edits, p.edits...)
						sc.findings = append(sc.findings, p.findings...)
					}
					add(&whole.stats, p.stats)
					whole.nl += p.nl
					whole.off += p.off
				}
				edits, findings := slices.Clone(sc.edits), slices.Clone(sc.findings)
				if !perNote {
					if len(edits) > 0 {
						whole.edits = edits
					}
					if len(findings) > 0 {
						whole.findings = findings
					}
					parts[lo/planRun] = whole
					continue
				}
				for _, m := range run {
					parts[m.k].edits, parts[m.k].findings = nil, nil
					if m.e1 > m.e0 {
						parts[m.k].edits = edits[m.e0:m.e1:m.e1]
					}
					if m.f1 > m.f0 {
						parts[m.k].findings = findings[m.f0:m.f1:m.f1]
					}
				}
			}
		}()
	}
	wg.Wait()
	return parts
}

// planRun is how many notes a planning worker takes at a time: enough
// that a run's edits and findings are few arrays, few enough that the
// workers finish together.
const planRun = 64

func count(s *Stats, c index.Class) {
	if c == index.External {
		return
	}
	s.Links++
	switch c {
	case index.Resolved:
		s.Resolved++
	case index.Variant:
		s.Variant++
	case index.Ambiguous:
		s.Ambiguous++
	case index.Alias:
		s.Alias++
	case index.Broken:
		s.Broken++
	case index.Duplicate:
		s.Duplicate++
	case index.Heading:
		s.Heading++
	case index.Renamed:
		s.Renamed++
	}
}

func add(s *Stats, o Stats) {
	s.Links += o.Links
	s.Resolved += o.Resolved
	s.Variant += o.Variant
	s.Ambiguous += o.Ambiguous
	s.Alias += o.Alias
	s.Broken += o.Broken
	s.Duplicate += o.Duplicate
	s.Heading += o.Heading
	s.Renamed += o.Renamed
}

// planLink decides the edit and/or finding for one link. anchorOf is the
// note whose headings and anchors the link's fragment was checked
// against, or -1: the plan cache keeps a note's plan only while those are
// unchanged.
// The edit and finding are written to eb and fb, which e and f point to
// when there is one.
func planLink(ix *index.Index, opt Options, src int32, l *note.Link, eb *Edit, fb *Finding) (e *Edit, f *Finding, c index.Class, isNote bool, anchorOf int32) {
	r := ix.Resolve(src, l)
	anchorOf = -1
	if l.HasFrag && r.Target >= 0 {
		anchorOf = r.Target
	}
	e, f, c, isNote = planResolved(ix, opt, index.Source{Note: src, Path: ix.Notes[src].Path}, l, &r, eb, fb)
	return e, f, c, isNote, anchorOf
}

// LinkFrom plans link l, written in the note at src (one of the vault's
// or not), as Build plans every link of the vault's notes: r is what the
// link resolves to, e the edit apply would make of it (nil for none) and
// f the finding check would report (nil for none). A link can have both:
// a target repaired and a #heading that matches nothing.
func LinkFrom(ix *index.Index, opt Options, src index.Source, l *note.Link) (r index.Result, e *Edit, f *Finding) {
	r = ix.ResolveFrom(src, l)
	e, f, _, _ = planResolved(ix, opt, src, l, &r, new(Edit), new(Finding))
	return r, e, f
}

// planResolved is planLink once the link is resolved to r. It writes the
// edit and the finding it returns to eb and fb.
func planResolved(ix *index.Index, opt Options, src index.Source, l *note.Link, r *index.Result, eb *Edit, fb *Finding) (*Edit, *Finding, index.Class, bool) {
	finding := func(class, msg string, cands []string) *Finding {
		if cands == nil {
			cands = []string{}
		}
		*fb = Finding{File: src.Path, Line: int(l.Line), Col: int(l.Col), Link: l.Text, Class: class, Candidates: cands, Message: msg}
		return fb
	}
	if r.Class == index.External {
		return nil, nil, r.Class, false
	}
	if r.Attachment || r.Outside {
		if r.Class == index.Broken {
			msg := "file not found"
			if r.Outside {
				msg = "points outside the vault"
			}
			return nil, finding("broken", msg, nil), index.Broken, !r.Attachment
		}
		return nil, nil, r.Class, false
	}
	paths := func(ids []int32) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = ix.Notes[id].Path
		}
		sort.Strings(out)
		return out
	}
	var retarget bool
	class := r.Class
	switch r.Class {
	case index.Resolved:
		if r.Anchor.State == index.AnchorNone || r.Anchor.State == index.AnchorOK {
			return nil, nil, class, true
		}
	case index.Variant, index.Renamed:
		retarget = true
	case index.Alias:
		if !opt.AllowAlias {
			f := finding("alias", "only an alias matches; --allow-alias rewrites it", paths(r.Candidates))
			f.Level = r.Level.String()
			f.Aliases = candidateAliases(ix, r.Aliases)
			return nil, f, class, true
		}
		retarget = true
	case index.Duplicate:
		if !opt.FollowDuplicates {
			return nil, finding("duplicate", "the target is a duplicate of "+filename.Quote(ix.Notes[r.Target].Path)+"; --follow-duplicates redirects it", paths([]int32{r.Target})), class, true
		}
		retarget = true
	case index.Ambiguous:
		f := finding("ambiguous", "matches several notes", paths(r.Candidates))
		f.Level = r.Level.String()
		f.Aliases = candidateAliases(ix, r.Aliases)
		return nil, f, class, true
	case index.Broken:
		f := finding("broken", "no note matches", nil)
		f.Hints = paths(ix.Hints(l.Target, 3))
		return nil, f, class, true
	case index.Heading:
		// handled below
	}
	var findings *Finding
	newFrag := ""
	switch r.Anchor.State {
	case index.AnchorRepair:
		newFrag = ix.Dialect.AnchorText(r.Anchor.Heading)
		if !safeFragment(newFrag) {
			newFrag = ""
			findings = finding("heading", "heading "+quote(r.Anchor.Heading)+" cannot be written in a link", nil)
		}
	case index.AnchorBroken:
		findings = finding("heading", "no heading or block "+quoteAsWritten(fragAsWritten(l))+" in "+filename.Quote(ix.Notes[r.Target].Path), nil)
	case index.AnchorAmbiguous:
		findings = finding("heading", "the anchor "+quoteAsWritten(fragAsWritten(l))+" matches several headings", r.Anchor.Candidates)
		findings.Level = r.Anchor.Level.String()
	}
	if !retarget && newFrag == "" {
		return nil, findings, class, true
	}
	newTarget := ""
	if retarget {
		var ok bool
		newTarget, ok = writeNameFrom(ix, src, r.Target, l, r.PathForm)
		if !ok {
			f := finding(r.Class.String(), "no name of "+filename.Quote(ix.Notes[r.Target].Path)+" can be written that resolves to it alone", paths([]int32{r.Target}))
			f.Level = r.Level.String()
			return nil, f, class, true
		}
	}
	newText := rewrite(l, newTarget, newFrag, opt.KeepDisplay && retarget, ix.Dialect)
	if l.InFrontmatter && !yamlSafe(l.Text, newText) {
		f := finding(r.Class.String(), "the new link "+newText+" is not safe to write into frontmatter", paths([]int32{r.Target}))
		return nil, f, class, true
	}
	if newText == l.Text {
		return nil, findings, class, true
	}
	ec := "variant"
	lv := r.Level
	switch {
	case !retarget:
		ec, lv = "heading", r.Anchor.Level
	case r.Class == index.Alias:
		ec = "alias"
	case r.Class == index.Duplicate:
		ec = "duplicate"
	case r.Class == index.Renamed:
		ec = ClassRenamed
	}
	*eb = Edit{
		File: src.Path, Line: int(l.Line), Col: int(l.Col),
		Start: int(l.Whole.Start), End: int(l.Whole.End),
		Old: l.Text, New: newText,
		Target: ix.Notes[r.Target].Path, Class: ec, Level: levelName(lv),
	}
	return eb, findings, class, true
}

// candidateAliases is a result's alias matches as paths, in path order.
func candidateAliases(ix *index.Index, ms []index.AliasMatch) []CandidateAlias {
	if len(ms) == 0 {
		return nil
	}
	out := make([]CandidateAlias, len(ms))
	for i, m := range ms {
		out[i] = CandidateAlias{Note: ix.Notes[m.Note].Path, Alias: m.Alias}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Note < out[j].Note })
	return out
}

func levelName(l fold.Level) string {
	if l == fold.Exact {
		return "exact"
	}
	return l.String()
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// quoteAsWritten quotes text from a link without escaping it, so that a
// message shows it byte for byte as the note has it.
func quoteAsWritten(s string) string { return `"` + s + `"` }

// fragAsWritten is a link's fragment as the note spells it: before
// percent-decoding, with its own quotes and '#'s.
func fragAsWritten(l *note.Link) string {
	if f := l.Link.Frag; f.Valid() {
		base := l.Whole.Start
		return l.Text[f.Start-base : f.End-base]
	}
	return l.Frag
}

// writeName picks the name to write for note target: the dialect's first
// choice that resolves to target alone.
func writeName(ix *index.Index, src, target int32, l *note.Link, pathForm bool) (string, bool) {
	return writeNameFrom(ix, index.Source{Note: src, Path: ix.Notes[src].Path}, target, l, pathForm)
}

// writeNameFrom is writeName for a link written in the note at src.
func writeNameFrom(ix *index.Index, src index.Source, target int32, l *note.Link, pathForm bool) (string, bool) {
	return writeNameIn(ix, src, target, l, pathForm, func(r index.Result) bool {
		return r.Class == index.Resolved && r.Target == target
	})
}

// writeNameFor is writeName with the test a name's resolution r must pass
// to be written.
func writeNameFor(ix *index.Index, src, target int32, l *note.Link, pathForm bool, finds func(r index.Result) bool) (string, bool) {
	return writeNameIn(ix, index.Source{Note: src, Path: ix.Notes[src].Path}, target, l, pathForm, finds)
}

// writeNameIn is writeNameFor for a link written in the note at src.
func writeNameIn(ix *index.Index, src index.Source, target int32, l *note.Link, pathForm bool, finds func(r index.Result) bool) (string, bool) {
	tn := ix.Notes[target]
	if l.Kind == wikilink.Markdown {
		rel := relPath(src.Path, tn.Path, l)
		if !utf8.ValidString(rel) {
			return "", false // see safeTarget
		}
		// Decode as the parser will when it reads the rewritten link (a
		// destination in <...> too).
		dest, err := note.DecodeDestination(rel)
		if err != nil {
			return "", false
		}
		probe := note.Link{Link: wikilink.Link{Kind: wikilink.Markdown}, Target: dest}
		return rel, finds(ix.ResolveFrom(src, &probe))
	}
	var cands []string
	if pathForm {
		// A link written as a path keeps being a path: from the root when it
		// was, else the full vault path.
		p := dialect.PathName(tn.Path)
		if strings.HasPrefix(fold.TrimSpace(l.Target), "/") {
			p = "/" + p
		}
		cands = []string{p}
	} else {
		cands = ix.Dialect.WriteNames(tn)
	}
	for _, c := range cands {
		c = fold.TrimSpace(c)
		if c == "" || !safeTarget(c) {
			continue
		}
		probe := note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, Target: c}
		if finds(ix.ResolveFrom(src, &probe)) {
			return c, true
		}
	}
	return "", false
}

// safeTarget reports whether s can stand as a wikilink target.
// safeTarget reports whether s can be written as a link's target. A note
// is UTF-8 text, so a name holding a byte that is not UTF-8 (a file named
// on an old file system) cannot be spelled in a link: written, it would
// make the whole note unreadable.
func safeTarget(s string) bool {
	return !strings.ContainsAny(s, "#|\n\r[]") && !strings.Contains(s, "]]") && utf8.ValidString(s)
}

func safeFragment(s string) bool { return !strings.ContainsAny(s, "|\n\r[]") }

// rewrite builds the new link text: only the target and fragment spans
// change.
func rewrite(l *note.Link, newTarget, newFrag string, keepDisplay bool, d dialect.Dialect) string {
	base := int(l.Whole.Start)
	type repl struct {
		s, e int
		text string
	}
	var rs []repl
	if newTarget != "" {
		end := int(l.Link.Target.End)
		// [[t.md]] keeps its ".md": only the name is the target.
		if l.Kind == wikilink.Wiki {
			if ext := path.Ext(l.Target); index.IsNoteExt(ext) && !strings.HasSuffix(newTarget, ext) {
				end -= len(ext)
			}
		}
		rs = append(rs, repl{int(l.Link.Target.Start) - base, end - base, newTarget})
	}
	if newFrag != "" && l.Frag != "" {
		fs := l.Link.Frag
		text := newFrag
		if l.Kind == wikilink.Markdown {
			text = encodeDestination(newFrag, l.Angle)
		}
		rs = append(rs, repl{int(fs.Start) - base, int(fs.End) - base, text})
	}
	out := l.Text
	// Apply from the end so earlier offsets stay valid.
	sort.Slice(rs, func(i, j int) bool { return rs[i].s > rs[j].s })
	for _, r := range rs {
		out = out[:r.s] + r.text + out[r.e:]
	}
	if keepDisplay && newTarget != "" && l.Kind == wikilink.Wiki && !l.Display.Valid() && !l.Embed {
		old := fold.TrimSpace(l.Target)
		sep := "|"
		if l.InFrontmatter {
			return out
		}
		if d.Syntax().LabelFirst {
			// [[old|new]]: the label comes first.
			return out[:2] + old + sep + out[2:]
		}
		return out[:len(out)-2] + sep + old + "]]"
	}
	return out
}

// relPath writes the path of note `to` as seen from note `from`, in the
// encoding style of the original destination.
func relPath(from, to string, l *note.Link) string {
	fromDir := path.Dir(from)
	var rel string
	if strings.HasPrefix(l.Target, "/") {
		rel = "/" + to
	} else {
		rel = relative(fromDir, to)
		// "./t.md" keeps its "./" while the path stays below the folder.
		if strings.HasPrefix(l.Target, "./") && !strings.HasPrefix(rel, "../") {
			rel = "./" + rel
		}
	}
	return encodeDestination(rel, l.Angle)
}

// encodeDestination writes p (a path or a fragment) into a Markdown link
// destination: percent-encoded where a bare destination cannot hold a
// byte, or inside <...> with its spaces kept and only what would end the
// brackets, or be read as an escape, encoded.
func encodeDestination(p string, angle bool) string {
	if !angle {
		return encodePath(p)
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c < 0x20 && c != '\t' || c == '<' || c == '>' || c == '%' || c == '\\' || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func relative(dir, to string) string {
	if dir == "." {
		return to
	}
	ds := strings.Split(dir, "/")
	ts := strings.Split(to, "/")
	i := 0
	for i < len(ds) && i < len(ts)-1 && ds[i] == ts[i] {
		i++
	}
	var parts []string
	for range ds[i:] {
		parts = append(parts, "..")
	}
	return strings.Join(append(parts, ts[i:]...), "/")
}

// encodePath percent-encodes what a bare Markdown destination cannot hold.
func encodePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == ' ':
			b.WriteString("%20")
		case c < 0x20 || c == '(' || c == ')' || c == '<' || c == '>' || c == '%' || c == '#' || c == '\\' || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// yamlSafe reports whether replacing old by new inside a frontmatter value
// cannot change the YAML structure: the new text adds no character that is
// special in flow or quoted scalars.
func yamlSafe(old, new string) bool {
	for _, c := range []string{",", ":", "#", "{", "}", "\"", "'", "\\", "&", "*", "!", "%", "@", "`", ">", "|"} {
		if strings.Count(new, c) > strings.Count(old, c) {
			return false
		}
	}
	return true
}

// RetargetEdit builds the edit that points link l of note src at note
// target, by the same rules as Build: only the target part changes, and the
// name written must resolve to target alone. It serves choices a person
// makes (an ambiguous link's candidate, a hint for a broken link); the
// edit's class is the link's own class.
func RetargetEdit(ix *index.Index, src int32, l *note.Link, target int32, opt Options) (Edit, error) {
	n := ix.Notes[src]
	if n.Err != nil {
		return Edit{}, fmt.Errorf("%s: %w", n.Path, n.Err)
	}
	if target < 0 || int(target) >= len(ix.Notes) {
		return Edit{}, fmt.Errorf("no such note")
	}
	r := ix.Resolve(src, l)
	if r.Attachment || r.Outside || r.Class == index.External {
		return Edit{}, fmt.Errorf("%s:%d:%d: %s is not a note link that can be retargeted", n.Path, l.Line, l.Col, l.Text)
	}
	name, ok := writeName(ix, src, target, l, r.PathForm)
	if !ok {
		return Edit{}, fmt.Errorf("no name of %s can be written that resolves to it alone", filename.Quote(ix.Notes[target].Path))
	}
	newText := rewrite(l, name, "", opt.KeepDisplay, ix.Dialect)
	if l.InFrontmatter && !yamlSafe(l.Text, newText) {
		return Edit{}, fmt.Errorf("the new link %s is not safe to write into frontmatter", newText)
	}
	return Edit{
		File: n.Path, Line: int(l.Line), Col: int(l.Col),
		Start: int(l.Whole.Start), End: int(l.Whole.End),
		Old: l.Text, New: newText,
		Target: ix.Notes[target].Path, Class: r.Class.String(), Level: levelName(r.Level),
	}, nil
}

// Note plans the links of note i alone, as Build does for every note: an
// editor re-plans the note it shows, not the vault.
func Note(ix *index.Index, opt Options, i int32) (edits []Edit, findings []Finding) {
	if i < 0 || int(i) >= len(ix.Notes) || ix.Notes[i].Err != nil {
		return nil, nil
	}
	opt.Memo = nil
	p := planNote(ix, opt, i, new(planScratch), nil)
	return p.edits, p.findings
}

// LinkName is the name a new wikilink in note src writes for note target:
// the dialect's first choice that resolves to target alone, as a repair
// writes it. ok is false when no such name exists.
func LinkName(ix *index.Index, src, target int32) (name string, ok bool) {
	return writeName(ix, src, target, &note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}}, false)
}

// MarkdownDestination is the destination a new Markdown link in the note
// at path from writes for the note at path to: relative to from's folder,
// percent-encoded where a bare destination needs it.
func MarkdownDestination(from, to string) string {
	return encodePath(relative(path.Dir(from), to))
}
