package index

import (
	"math"
	"slices"
	"unsafe"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// An overlay is what Rename puts over the tables of a base index: the
// names of the notes whose records changed since the base was built, in
// tables of their own, and the set of those notes, whose entries in the
// base's tables are passed over. A lookup reads both and merges them in
// the order a table built whole would give, so that an index with an
// overlay answers every question as Build's index of the same notes
// does (TestRenameMatchesBuild, and the engine's tests against a fresh
// load).
type overlay struct {
	base    *Index   // the index whose tables are read; it has no overlay
	changed []int32  // sorted
	dead    []uint64 // bit set of changed
	exact   table
	ladder  ladder
	hints   hintTable
}

func (o *overlay) isDead(n int32) bool { return o.dead[n>>6]&(1<<(n&63)) != 0 }

// maxRenamed is the most notes an overlay holds: beyond it, Rename says
// no and the caller builds the index whole (a few hundred milliseconds at
// 100,000 notes, against the lookups an overlay slows).
const maxRenamed = 256

// Rename returns an index of notes, which must be the notes of ix one for
// one by path (the same count, the same paths in the same order) with
// some records replaced, and names that may differ: a title, aliases, an
// id, a canonical reference changed. It shares ix's tables of paths and
// attachments, and reads ix's name tables (ix's base's, when ix has an
// overlay) through an overlay of the replaced notes' names, instead of
// building them all again. ok is false when the notes are not ix's by
// path, when more than maxRenamed notes differ from the base, or when
// the level has no ladder: the caller builds the index then. The former
// names (SetRenamed) and the completions are not carried over.
func (ix *Index) Rename(notes []*note.Note) (nx *Index, ok bool) {
	base := ix
	if ix.over != nil {
		base = ix.over.base
	}
	if len(notes) != len(base.Notes) || base.MaxLevel < fold.Unicode {
		return nil, false
	}
	var changed []int32
	for i, n := range notes {
		if o := base.Notes[i]; o != n {
			if o.Path != n.Path || len(changed) == maxRenamed {
				return nil, false
			}
			changed = append(changed, int32(i))
		}
	}
	// The base's ladder and hints are built in the background: they are
	// read from now on.
	base.Settle()
	nx = &Index{
		Notes:       notes,
		Dialect:     base.Dialect,
		MaxLevel:    base.MaxLevel,
		LocalVaults: ix.LocalVaults,
		exact:       base.exact,
		byPath:      base.byPath,
		attach:      base.attach,
		attachBy:    base.attachBy,
		attachExt:   base.attachExt,
		trimKey:     base.trimKey,
		ladder:      base.ladder,
		hints:       base.hints,
		hintMemo:    new(hintCache),
		anchors:     base.anchors,
		completions: &lazyCompletions{},
	}
	nx.ladderOnce.Do(func() {})
	nx.hintOnce.Do(func() {})
	o := &overlay{base: base, changed: changed, dead: make([]uint64, (len(notes)+63)/64)}
	for _, i := range changed {
		o.dead[i>>6] |= 1 << (i & 63)
	}
	o.exact = table{head: newStrtab(6 * len(changed))}
	var buf []name
	for k := len(changed) - 1; k >= 0; k-- {
		i := changed[k]
		buf = namesOf(notes[i], buf[:0])
		for _, nm := range buf {
			if nx.Dialect.Resolves(nm.kind) {
				o.exact.add(nx.Dialect.ExactKey(nm.name), i, nm.kind)
			}
		}
	}
	o.ladder = ladderOf(notes, changed, nx.MaxLevel)
	o.hints = hintsOf(notes, changed)
	nx.over = o
	// The references, from ix's when it has them: only the notes that
	// changed since ix are matched again.
	ix.WarmRefs()
	var refs *canonicalRefs
	if ix.refs != nil {
		var delta []int32
		for i, n := range notes {
			if ix.Notes[i] != n {
				delta = append(delta, int32(i))
			}
		}
		refs, _ = ix.refs.derive(notes, delta)
	}
	if refs == nil {
		refs = nx.canonRefs()
	}
	nx.refs = refs
	nx.canonFrom(refs)
	return nx, true
}

// ladderOf is the ladder of the names and aliases of the notes given
// (indices into notes, increasing), as buildLadder makes it for all.
func ladderOf(notes []*note.Note, ids []int32, max fold.Level) ladder {
	ld := ladder{}
	var buf []name
	var seen map[rungKey]int
	for _, id := range ids {
		buf = ld.addNote(notes[id], id, buf, &seen)
	}
	if len(ld.names) > math.MaxUint32 {
		panic("index: more than 4 GB of names")
	}
	ld.head = newStrtab(len(ld.rungs))
	for i := range ld.rungs {
		k := fold.Key(max, ld.name(&ld.rungs[i]))
		off, existed := ld.head.upsert(k)
		ld.rungs[i].next = -1
		if existed {
			ld.rungs[i].next = int32(ld.head.load(off))
		}
		ld.head.store(off, uint64(i))
	}
	return ld
}

// hintsOf is the hint table of the notes given, as buildHints makes it
// for all.
func hintsOf(notes []*note.Note, ids []int32) hintTable {
	sub := &Index{Notes: make([]*note.Note, 0, len(ids))}
	for _, id := range ids {
		sub.Notes = append(sub.Notes, notes[id])
	}
	sub.buildHints()
	h := sub.hints
	for i := range h.names {
		h.names[i].note = ids[h.names[i].note]
	}
	return h
}

// exactLookup appends the entries under key to buf, in note order.
func (ix *Index) exactLookup(key string, buf []entry) []entry {
	o := ix.over
	if o == nil {
		return ix.exact.lookup(key, buf)
	}
	start := len(buf)
	buf = ix.exact.lookup(key, buf)
	kept := start
	for k := start; k < len(buf); k++ {
		if !o.isDead(buf[k].Note) {
			buf[kept] = buf[k]
			kept++
		}
	}
	buf = buf[:kept]
	mid := len(buf)
	buf = o.exact.lookup(key, buf)
	if len(buf) > mid && mid > start {
		// Both in note order and no note in both: a stable sort merges.
		slices.SortStableFunc(buf[start:], func(a, b entry) int { return int(a.Note) - int(b.Note) })
	}
	return buf
}

// chain appends to buf the rungs under key top (the highest level), in
// the order a ladder built whole chains them: by note, the last first,
// and a note's rungs the last first.
func (ix *Index) chain(top string, buf []*rung) []*rung {
	ld := &ix.ladder
	if first, ok := ld.head.get(top); ok {
		for i := int32(first); i >= 0; i = ld.rungs[i].next {
			if r := &ld.rungs[i]; ix.over == nil || !ix.over.isDead(r.note) {
				buf = append(buf, r)
			}
		}
	}
	o := ix.over
	if o == nil {
		return buf
	}
	mid := len(buf)
	if first, ok := o.ladder.head.get(top); ok {
		for i := int32(first); i >= 0; i = o.ladder.rungs[i].next {
			buf = append(buf, &o.ladder.rungs[i])
		}
	}
	if len(buf) > mid && mid > 0 {
		// Each part is in chain order and no note is in both.
		slices.SortStableFunc(buf, func(a, b *rung) int { return int(b.note) - int(a.note) })
	}
	return buf
}

// rungName returns r's name, from the ladder that holds r.
func (ix *Index) rungName(r *rung) string {
	if o := ix.over; o != nil && owns(o.ladder.rungs, r) {
		return o.ladder.name(r)
	}
	return ix.ladder.name(r)
}

// owns reports whether r points into rungs.
func owns(rungs []rung, r *rung) bool {
	if len(rungs) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(&rungs[0]))
	p := uintptr(unsafe.Pointer(r))
	return p >= lo && p < lo+uintptr(len(rungs))*unsafe.Sizeof(rung{})
}

// hintBucketNames calls f with the hint names in bucket b, from the
// table that holds each.
func (ix *Index) hintBucketNames(b string, f func(h *hintTable, n *hintName)) {
	names := ix.hints.bucket(b)
	for i := range names {
		if ix.over == nil || !ix.over.isDead(names[i].note) {
			f(&ix.hints, &names[i])
		}
	}
	if o := ix.over; o != nil {
		names := o.hints.bucket(b)
		for i := range names {
			f(&o.hints, &names[i])
		}
	}
}

// hasOverlay reports whether ix reads its names through an overlay
// (Rename): its tables are not its own to write.
func (ix *Index) hasOverlay() bool { return ix.over != nil }
