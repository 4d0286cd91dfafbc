package plan

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// A Ledger keeps, for a Plan of every note, each note's share of it that
// the Plan's flat lists do not show: its counts and the notes its links'
// fragments were checked against. With it, Patch makes the plan of a
// changed vault by planning only the notes the caller names and copying
// every other note's edits and findings from the plan before — so a
// long-lived server's update costs the notes a change can affect, not the
// vault. Build fills it (Options.Ledger); Patch keeps it current.
//
// A Ledger belongs to one Plan at a time: the last one Build or Patch
// made with it. It is not safe for concurrent use.
type Ledger struct {
	notes map[string]ledgerEntry
}

type ledgerEntry struct {
	stats   Stats
	nl, off int
	// deps are the paths of the notes the note's links' fragments were
	// checked against.
	deps []string
}

// NewLedger returns an empty Ledger for Options.Ledger.
func NewLedger() *Ledger { return &Ledger{notes: map[string]ledgerEntry{}} }

// reset makes l the ledger of a plan of notes (indices into ix.Notes)
// whose shares are parts.
func (l *Ledger) reset(ix *index.Index, notes []int32, parts []notePlan) {
	l.notes = make(map[string]ledgerEntry, len(notes))
	for k, i := range notes {
		l.record(ix, ix.Notes[i].Path, &parts[k])
	}
}

func (l *Ledger) record(ix *index.Index, p string, part *notePlan) {
	e := ledgerEntry{stats: part.stats, nl: part.nl, off: part.off}
	if len(part.deps) > 0 {
		e.deps = make([]string, len(part.deps))
		for j, d := range part.deps {
			e.deps[j] = ix.Notes[d].Path
		}
	}
	l.notes[p] = e
}

// FragmentDependents returns the paths of the notes whose plans checked a
// link's fragment against one of the notes at paths (the notes whose
// plans a change of those notes' headings or anchors can change), sorted.
func (l *Ledger) FragmentDependents(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	want := make(map[string]bool, len(paths))
	for _, p := range paths {
		want[p] = true
	}
	var out []string
	for src, e := range l.notes {
		for _, d := range e.deps {
			if want[d] {
				out = append(out, src)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// SameAnchors reports whether two parses of a note offer a fragment the
// same headings, block ids and anchors: a plan that checked a fragment
// against one holds for the other.
func SameAnchors(a, b *note.Note) bool {
	return slices.Equal(a.Headings, b.Headings) && slices.Equal(a.BlockIDs, b.BlockIDs) && slices.Equal(a.AnchorIDs, b.AnchorIDs)
}

// Patch returns the plan of ix, whose notes are those of the plan old
// (made with l, by Build or Patch, on an index of the same options) but
// for the notes at paths: read again, added or gone. It plans the notes
// at paths that ix holds, drops the share of those it does not, and keeps
// every other note's share of old as it is. The caller names every note
// whose plan the change can have changed (what its plan depends on:
// see Memo); Patch cannot tell.
//
// ok is false, with no plan, when old and l do not agree (a note at
// paths whose share old has and l does not, or the reverse): the caller
// builds the plan whole then.
func (l *Ledger) Patch(old *Plan, ix *index.Index, opt Options, paths []string) (pl *Plan, ok bool) {
	paths = slices.Clone(paths)
	slices.Sort(paths)
	paths = slices.Compact(paths)
	var notes []int32
	for _, p := range paths {
		if i, found := ix.NoteByPath(p); found && ix.Notes[i].Err == nil {
			notes = append(notes, i)
		}
	}
	opt.Memo, opt.Progress, opt.Ledger = nil, nil, nil
	if len(notes) < 16 {
		opt.Workers = 1
	}
	parts := planParts(ix, opt, notes)
	byPath := make(map[string]*notePlan, len(notes))
	for k, i := range notes {
		byPath[ix.Notes[i].Path] = &parts[k]
	}

	pl = &Plan{Stats: old.Stats, NoteLinks: old.NoteLinks, NoteLinksOff: old.NoteLinksOff}
	pl.Stats.Notes = len(ix.Notes)
	for _, p := range paths {
		if e, was := l.notes[p]; was {
			sub(&pl.Stats, e.stats)
			pl.NoteLinks -= e.nl
			pl.NoteLinksOff -= e.off
		}
		if part := byPath[p]; part != nil {
			add(&pl.Stats, part.stats)
			pl.NoteLinks += part.nl
			pl.NoteLinksOff += part.off
		}
	}
	pl.Stats.Notes = len(ix.Notes)

	edits, eok := splice(old.Edits, paths, byPath, func(e *Edit) string { return e.File }, func(p *notePlan) []Edit { return p.edits })
	findings, fok := splice(old.Findings, paths, byPath, func(f *Finding) string { return f.File }, func(p *notePlan) []Finding {
		slices.SortStableFunc(p.findings, func(a, b Finding) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col)) })
		return p.findings
	})
	if !eok || !fok {
		return nil, false
	}
	// Old's shares of notes not in l are shares l does not know of.
	for _, p := range paths {
		if _, was := l.notes[p]; !was && (hasFile(old.Edits, p, func(e *Edit) string { return e.File }) || hasFile(old.Findings, p, func(f *Finding) string { return f.File })) {
			return nil, false
		}
	}
	pl.Edits, pl.Findings = edits, findings
	for _, p := range paths {
		delete(l.notes, p)
	}
	for p, part := range byPath {
		l.record(ix, p, part)
	}
	return pl, true
}

// splice returns old with the items of each file at paths (sorted)
// replaced by that file's new part's (none when it has no part). Items
// are sorted by file, and a note's items all name it.
func splice[T any](old []T, paths []string, parts map[string]*notePlan, file func(*T) string, items func(*notePlan) []T) ([]T, bool) {
	n := len(old)
	for _, p := range parts {
		n += len(items(p))
	}
	out := make([]T, 0, n)
	rest := old
	for _, p := range paths {
		lo := sort.Search(len(rest), func(i int) bool { return file(&rest[i]) >= p })
		hi := lo
		for hi < len(rest) && file(&rest[hi]) == p {
			hi++
		}
		out = append(out, rest[:lo]...)
		rest = rest[hi:]
		if part := parts[p]; part != nil {
			add := items(part)
			for i := range add {
				if file(&add[i]) != p {
					return nil, false
				}
			}
			out = append(out, add...)
		}
	}
	return append(out, rest...), true
}

func hasFile[T any](items []T, p string, file func(*T) string) bool {
	i := sort.Search(len(items), func(i int) bool { return strings.Compare(file(&items[i]), p) >= 0 })
	return i < len(items) && file(&items[i]) == p
}

func sub(s *Stats, o Stats) {
	s.Links -= o.Links
	s.Resolved -= o.Resolved
	s.Variant -= o.Variant
	s.Ambiguous -= o.Ambiguous
	s.Alias -= o.Alias
	s.Broken -= o.Broken
	s.Duplicate -= o.Duplicate
	s.Heading -= o.Heading
	s.Renamed -= o.Renamed
}
