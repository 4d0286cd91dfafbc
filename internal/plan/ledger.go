package plan

import (
	"cmp"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

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
	// ready is closed once notes is filled: Build files the shares in
	// the background (a fifth of a second at 100,000 notes, which the
	// first answer of a server need not wait for), and every method
	// waits for it.
	ready chan struct{}
	notes map[string]ledgerEntry
}

type ledgerEntry struct {
	stats   Stats
	nl, off int
	// deps are the notes the note's links' fragments were checked
	// against, as they were then (their records: only their paths are
	// read).
	deps []*note.Note
}

// Ready is closed once the ledger's shares are filed.
func (l *Ledger) Ready() <-chan struct{} { return l.ready }

// NewLedger returns an empty Ledger for Options.Ledger.
func NewLedger() *Ledger {
	l := &Ledger{notes: map[string]ledgerEntry{}, ready: make(chan struct{})}
	close(l.ready)
	return l
}

// reset makes l the ledger of a plan of notes (indices into ix.Notes)
// whose shares are parts.
func (l *Ledger) reset(ix *index.Index, notes []int32, parts []notePlan) {
	<-l.ready
	l.ready = make(chan struct{})
	go func() {
		defer close(l.ready)
		l.notes = make(map[string]ledgerEntry, len(notes))
		for k, i := range notes {
			l.record(ix, ix.Notes[i].Path, &parts[k])
		}
	}()
}

func (l *Ledger) record(ix *index.Index, p string, part *notePlan) {
	e := ledgerEntry{stats: part.stats, nl: part.nl, off: part.off}
	if len(part.deps) > 0 {
		e.deps = make([]*note.Note, len(part.deps))
		for j, d := range part.deps {
			e.deps[j] = ix.Notes[d]
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
	<-l.ready
	want := make(map[string]bool, len(paths))
	for _, p := range paths {
		want[p] = true
	}
	var out []string
	for src, e := range l.notes {
		for _, d := range e.deps {
			if want[d.Path] {
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

// A Lazy is a plan as Patch keeps it: a flat Plan and the shares of the
// notes planned since, with the counts of the whole. Of reads a note's
// edits and findings from it; Plan makes the flat lists (once). So a
// keystroke costs the note typed in, not a copy of the vault's findings
// (tens of megabytes at 100,000 notes, and the garbage collection that
// follows): the lists are made when a reader asks for them, or once the
// notes planned since the flat plan are many (maxLazy).
type Lazy struct {
	Stats                   Stats
	NoteLinks, NoteLinksOff int

	base            *Plan
	over            map[string]*notePlan // nil: the note is gone or unreadable
	edits, findings int
	once            sync.Once
	flat            atomic.Pointer[Plan]
}

// Flat is the Lazy of a plan made whole.
func Flat(p *Plan) *Lazy {
	z := &Lazy{Stats: p.Stats, NoteLinks: p.NoteLinks, NoteLinksOff: p.NoteLinksOff, base: p, edits: len(p.Edits), findings: len(p.Findings)}
	z.flat.Store(p)
	z.once.Do(func() {})
	return z
}

// maxLazy is the most notes a Lazy holds shares of beside its flat plan
// before Patch makes the lists (one copy per so many notes planned).
const maxLazy = 512

// Of returns the edits and findings of the note at file, sorted by
// offset. They share the plan's memory.
func (z *Lazy) Of(file string) ([]Edit, []Finding) {
	if f := z.flat.Load(); f != nil {
		return f.Of(file)
	}
	if part, ok := z.over[file]; ok {
		if part == nil {
			return nil, nil
		}
		return part.edits, part.findings
	}
	return z.base.Of(file)
}

// EditCount is the number of edits, without making the lists.
func (z *Lazy) EditCount() int { return z.edits }

// Plan returns the plan with its lists, made on first call (safe for
// concurrent use).
func (z *Lazy) Plan() *Plan {
	z.once.Do(func() {
		paths := slices.Sorted(maps.Keys(z.over))
		p := &Plan{Stats: z.Stats, NoteLinks: z.NoteLinks, NoteLinksOff: z.NoteLinksOff}
		p.Edits, _ = splice(z.base.Edits, paths, z.over, func(e *Edit) string { return e.File }, func(p *notePlan) []Edit { return p.edits })
		p.Findings, _ = splice(z.base.Findings, paths, z.over, func(f *Finding) string { return f.File }, func(p *notePlan) []Finding { return p.findings })
		z.flat.Store(p)
	})
	return z.flat.Load()
}

// Of returns the edits and findings of the note at file in p, sorted by
// offset. They share p's memory.
func (p *Plan) Of(file string) ([]Edit, []Finding) {
	lo := sort.Search(len(p.Edits), func(i int) bool { return p.Edits[i].File >= file })
	hi := lo
	for hi < len(p.Edits) && p.Edits[hi].File == file {
		hi++
	}
	flo := sort.Search(len(p.Findings), func(i int) bool { return p.Findings[i].File >= file })
	fhi := flo
	for fhi < len(p.Findings) && p.Findings[fhi].File == file {
		fhi++
	}
	return p.Edits[lo:hi], p.Findings[flo:fhi]
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
// paths whose share old has and l does not): the caller builds the plan
// whole then.
func (l *Ledger) Patch(old *Lazy, ix *index.Index, opt Options, paths []string) (z *Lazy, ok bool) {
	<-l.ready
	paths = slices.Clone(paths)
	slices.Sort(paths)
	paths = slices.Compact(paths)
	for _, p := range paths {
		if _, was := l.notes[p]; !was {
			if e, f := old.Of(p); len(e)+len(f) > 0 {
				return nil, false
			}
		}
	}
	var notes []int32
	for _, p := range paths {
		if i, found := ix.NoteByPath(p); found && ix.Notes[i].Err == nil {
			notes = append(notes, i)
		}
	}
	// The ledger stays set so that the notes planned here record the
	// notes their fragments were checked against (planParts only reads
	// it as that flag): without them a later change of those notes'
	// headings would not name these notes again.
	opt.Memo, opt.Progress, opt.OnLinks = nil, nil, nil
	opt.Ledger = l
	if len(notes) < 16 {
		opt.Workers = 1
	}
	parts := planParts(ix, opt, notes, true)
	byPath := make(map[string]*notePlan, len(notes))
	for k, i := range notes {
		p := &parts[k]
		slices.SortStableFunc(p.findings, func(a, b Finding) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col)) })
		for _, e := range p.edits {
			if e.File != ix.Notes[i].Path {
				return nil, false
			}
		}
		for _, f := range p.findings {
			if f.File != ix.Notes[i].Path {
				return nil, false
			}
		}
		byPath[ix.Notes[i].Path] = p
	}

	z = &Lazy{Stats: old.Stats, NoteLinks: old.NoteLinks, NoteLinksOff: old.NoteLinksOff, edits: old.edits, findings: old.findings}
	if f := old.flat.Load(); f != nil {
		z.base, z.over = f, map[string]*notePlan{}
	} else {
		z.base, z.over = old.base, maps.Clone(old.over)
	}
	for _, p := range paths {
		if e, was := l.notes[p]; was {
			sub(&z.Stats, e.stats)
			z.NoteLinks -= e.nl
			z.NoteLinksOff -= e.off
		}
		oe, of := old.Of(p)
		z.edits -= len(oe)
		z.findings -= len(of)
		part := byPath[p]
		if part != nil {
			add(&z.Stats, part.stats)
			z.NoteLinks += part.nl
			z.NoteLinksOff += part.off
			z.edits += len(part.edits)
			z.findings += len(part.findings)
		}
		z.over[p] = part
	}
	z.Stats.Notes = len(ix.Notes)
	for _, p := range paths {
		delete(l.notes, p)
	}
	for p, part := range byPath {
		l.record(ix, p, part)
	}
	if len(z.over) > maxLazy {
		return Flat(z.Plan()), true
	}
	return z, true
}

// splice returns old with the items of each file at paths (sorted)
// replaced by that file's new part's (none when it has no part). Items
// are sorted by file, and a note's items all name it.
func splice[T any](old []T, paths []string, parts map[string]*notePlan, file func(*T) string, items func(*notePlan) []T) ([]T, bool) {
	n := len(old)
	for _, p := range parts {
		if p != nil {
			n += len(items(p))
		}
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
