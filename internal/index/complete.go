package index

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// Completion is a note offered for a link target being typed.
type Completion struct {
	// Note is the note to link: the canonical note of the one whose name
	// matched, so that completion never starts the drift a duplicate is.
	Note int32
	// Name is the name or alias that matched what was typed.
	Name  string
	Alias bool
}

// completionEntry is one name or alias under its key at the index's level.
type completionEntry struct {
	key   string
	name  string
	note  int32 // the canonical note of the note that has the name
	size  int32 // the name's length in runes
	alias bool
	// src is the note that has the name and ord the name's place among
	// its names: a table derived from another (DeriveCompletions) orders
	// equal keys as a fresh one does.
	src int32
	ord int32
}

// completionTable holds every name and alias twice over: by key, where
// the names a typed prefix matches are one run; and by rank — names
// before aliases, shorter first, then by path — the order Complete
// answers in.
type completionTable struct {
	byKey []completionEntry
	// rank lists byKey's indexes in rank order.
	rank []int32
	// over, when set, is a table derived from another: byKey and rank
	// are empty, and the entries are over.base's but for the notes that
	// changed, whose entries are over.add's (DeriveCompletions).
	over *completionOverlay
}

// completionOverlay holds the entries of the notes whose names changed
// since a table was built, over that table.
type completionOverlay struct {
	base      *completionTable // built whole
	baseNotes []*note.Note     // the notes base was built from
	changed   []int32          // sorted: notes whose base entries are passed over
	dead      []uint64         // bit set of changed
	add       []completionEntry
	addRank   []int32 // add's indexes in rank order
}

func (o *completionOverlay) isDead(n int32) bool { return o.dead[n>>6]&(1<<(n&63)) != 0 }

// denseMatch is the share of the table above which Complete walks the
// rank order instead of the matching run: a short prefix ("", "n")
// matches most names, and the first notes in rank order that it matches
// are the answer, found after a few hundred entries instead of all.
const denseMatch = 64

// Complete returns up to max completions for typed: the notes with a
// name (stem, path, title, id) that begins with typed once both are
// folded at the index's level, then the aliases that do. The same ladder
// that repairs links filters completion, so "disaster-rec" offers the
// note "Disaster Recovery" at separators. Each note comes once by a name
// (its shortest that matched), each alias once; closer matches (shorter)
// first, then path order.
func (ix *Index) Complete(typed string, max int) []Completion {
	t := ix.completionTable()
	q := fold.Key(completionLevel(ix.MaxLevel), trimTrailingSeparators(typed))
	if t.over != nil {
		return t.over.complete(q, max)
	}
	if max <= 0 {
		max = len(t.byKey)
	}
	lo, hi := prefixRange(t.byKey, q)
	var out []Completion
	tk := newTaker()
	take := func(e *completionEntry) { out = tk.take(out, e) }
	if (hi-lo)*denseMatch > len(t.byKey) {
		// In rank order, a note's first entry is its best.
		for _, i := range t.rank {
			if len(out) == max {
				break
			}
			if int(i) >= lo && int(i) < hi {
				take(&t.byKey[i])
			}
		}
		return out
	}
	run := make([]int32, 0, hi-lo)
	for i := lo; i < hi; i++ {
		run = append(run, int32(i))
	}
	slices.SortFunc(run, func(a, b int32) int { return rankCompare(&t.byKey[a], &t.byKey[b]) })
	for _, i := range run {
		if len(out) == max {
			break
		}
		take(&t.byKey[i])
	}
	return out
}

// sortSearch is sort.Search.
// prefixRange returns the run of es (sorted by key) whose keys begin
// with q.
func prefixRange(es []completionEntry, q string) (lo, hi int) {
	prefix := func(e completionEntry, q string) int {
		return strings.Compare(e.key[:min(len(e.key), len(q))], q)
	}
	lo, _ = slices.BinarySearchFunc(es, q, prefix)
	hi = lo + sortSearch(len(es)-lo, func(i int) bool { return prefix(es[lo+i], q) > 0 })
	return lo, hi
}

// taker keeps each note once by a name, and each alias once.
type taker struct {
	seenNote  map[int32]bool
	seenAlias map[aliasKey]bool
}

type aliasKey struct {
	note  int32
	alias string
}

func newTaker() *taker { return &taker{seenNote: map[int32]bool{}, seenAlias: map[aliasKey]bool{}} }

func (t *taker) take(out []Completion, e *completionEntry) []Completion {
	if e.alias {
		if k := (aliasKey{e.note, e.name}); !t.seenAlias[k] {
			t.seenAlias[k] = true
			out = append(out, Completion{Note: e.note, Name: e.name, Alias: true})
		}
	} else if !t.seenNote[e.note] {
		t.seenNote[e.note] = true
		out = append(out, Completion{Note: e.note, Name: e.name})
	}
	return out
}

// complete is Complete over a derived table: the base's matching entries
// but the changed notes', and the added ones, in rank order. (Entries
// equal in rank are the same completion, so their order does not show.)
func (o *completionOverlay) complete(q string, max int) []Completion {
	b := o.base
	if max <= 0 {
		max = len(b.byKey) + len(o.add)
	}
	lo, hi := prefixRange(b.byKey, q)
	alo, ahi := prefixRange(o.add, q)
	var out []Completion
	tk := newTaker()
	var added []*completionEntry // in rank order
	for _, i := range o.addRank {
		if int(i) >= alo && int(i) < ahi {
			added = append(added, &o.add[i])
		}
	}
	k := 0
	emit := func(e *completionEntry) bool {
		for k < len(added) && rankCompare(added[k], e) < 0 {
			if len(out) == max {
				return false
			}
			out = tk.take(out, added[k])
			k++
		}
		if len(out) == max {
			return false
		}
		out = tk.take(out, e)
		return true
	}
	if (hi-lo)*denseMatch > len(b.byKey) {
		for _, i := range b.rank {
			if int(i) >= lo && int(i) < hi && !o.isDead(b.byKey[i].src) && !emit(&b.byKey[i]) {
				return out
			}
		}
	} else {
		run := make([]int32, 0, hi-lo)
		for i := lo; i < hi; i++ {
			if !o.isDead(b.byKey[i].src) {
				run = append(run, int32(i))
			}
		}
		slices.SortFunc(run, func(a, c int32) int { return rankCompare(&b.byKey[a], &b.byKey[c]) })
		for _, i := range run {
			if !emit(&b.byKey[i]) {
				return out
			}
		}
	}
	for ; k < len(added) && len(out) < max; k++ {
		out = tk.take(out, added[k])
	}
	return out
}

func sortSearch(n int, f func(int) bool) int {
	i, j := 0, n
	for i < j {
		h := int(uint(i+j) >> 1)
		if !f(h) {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// rankCompare orders entries as Complete answers: names before aliases,
// shorter first, then by the note's path and the name.
func rankCompare(a, b *completionEntry) int {
	if a.alias != b.alias {
		if a.alias {
			return 1
		}
		return -1
	}
	// Notes are in path order: their indexes compare as their paths.
	return cmp.Or(cmp.Compare(a.size, b.size), cmp.Compare(a.note, b.note), strings.Compare(a.name, b.name))
}

func completionLevel(lv fold.Level) fold.Level {
	return max(lv, fold.Unicode)
}

// trimTrailingSeparators drops the separators a target being typed ends
// in: "disaster-" is on its way to "disaster-recovery", while fold keeps a
// trailing '-' as part of a name.
func trimTrailingSeparators(s string) string {
	return strings.TrimRight(s, " -_\u00a0\t")
}

// lazyCompletions is a completion table built on first use.
type lazyCompletions struct {
	once  sync.Once
	table atomic.Pointer[completionTable]
	// derive, when set, makes the table from another index's
	// (DeriveCompletions) instead of building it.
	derive func() *completionTable
}

// completionTable is the table of names and aliases, built on first use
// and shared by the indexes WithNotes makes of this one (the names are
// the same): an edit that changes no name costs completion nothing, and
// an index made while the table is being built waits for that build
// instead of starting another.
func (ix *Index) completionTable() *completionTable {
	c := ix.completions
	c.once.Do(func() {
		if c.derive != nil {
			c.table.Store(c.derive())
			c.derive = nil
			return
		}
		c.table.Store(ix.buildCompletions())
	})
	return c.table.Load()
}

// WarmCompletions builds the completion table now, if it is not built:
// a server calls it in the background on a new index, so that the first
// completion after a name changed does not pay for it.
func (ix *Index) WarmCompletions() { ix.completionTable() }

func (ix *Index) buildCompletions() *completionTable {
	lv := completionLevel(ix.MaxLevel)
	es := make([]completionEntry, 0, 3*len(ix.Notes))
	for i := range ix.Notes {
		es = ix.appendCompletions(es, int32(i))
	}
	// Keys on every core, as the ladder's are.
	workers := max(1, runtime.GOMAXPROCS(0))
	chunk := (len(es) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(es); lo += chunk {
		hi := min(lo+chunk, len(es))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				es[i].key = fold.Key(lv, es[i].name)
			}
		})
	}
	wg.Wait()
	slices.SortStableFunc(es, func(a, b completionEntry) int { return strings.Compare(a.key, b.key) })
	rank := make([]int32, len(es))
	for i := range rank {
		rank[i] = int32(i)
	}
	slices.SortStableFunc(rank, func(a, b int32) int { return rankCompare(&es[a], &es[b]) })
	return &completionTable{byKey: es, rank: rank}
}

// appendCompletions appends note i's names, without their keys.
func (ix *Index) appendCompletions(es []completionEntry, i int32) []completionEntry {
	n := ix.Notes[i]
	var ord int32
	add := func(name string, alias bool) {
		if name = strings.TrimSpace(name); name != "" {
			es = append(es, completionEntry{name: name, note: ix.canon[i], size: int32(utf8.RuneCountInString(name)), alias: alias, src: i, ord: ord})
			ord++
		}
	}
	stem := dialect.StemOf(n.Path)
	if n.Err == nil && n.Title != "" && n.Title != stem {
		add(n.Title, false)
	}
	add(stem, false)
	if p := dialect.PathName(n.Path); p != stem {
		add(p, false)
	}
	if n.Err != nil {
		return es
	}
	add(n.ID, false)
	for _, a := range n.Aliases {
		add(a, true)
	}
	return es
}

// DeriveCompletions gives ix, built anew after a few notes' names changed,
// the completion table of from with those notes' names in place of the
// old: what a fresh table holds, at the cost of the changed notes and a
// copy, instead of every name's key and two sorts. The copy is made on
// first use (WarmCompletions), not here: a title typed is not kept
// waiting for it. It does nothing when
// from has no table yet, or when the two differ in more than the names
// of a few notes (another count or order of notes, a canonical note
// changed, another level): ix then builds its own on first use.
func (ix *Index) DeriveCompletions(from *Index) {
	old := from.completions.table.Load()
	if old == nil || len(ix.Notes) != len(from.Notes) || ix.MaxLevel != from.MaxLevel || !slices.Equal(ix.canon, from.canon) {
		return
	}
	base, baseNotes := old, from.Notes
	if old.over != nil {
		base, baseNotes = old.over.base, old.over.baseNotes
	}
	var changed []int32
	for i, n := range ix.Notes {
		if o := baseNotes[i]; o != n {
			if o.Path != n.Path || len(changed) == maxDerived {
				return
			}
			changed = append(changed, int32(i))
		}
	}
	ix.completions = &lazyCompletions{derive: func() *completionTable { return ix.overlayCompletions(base, baseNotes, changed) }}
}

// overlayCompletions is the table of base (built from baseNotes) with the
// names of the notes at changed taken anew.
func (ix *Index) overlayCompletions(base *completionTable, baseNotes []*note.Note, changed []int32) *completionTable {
	lv := completionLevel(ix.MaxLevel)
	o := &completionOverlay{base: base, baseNotes: baseNotes, changed: changed, dead: make([]uint64, (len(ix.Notes)+63)/64)}
	for _, i := range changed {
		o.dead[i>>6] |= 1 << (i & 63)
		o.add = ix.appendCompletions(o.add, i)
	}
	for k := range o.add {
		o.add[k].key = fold.Key(lv, o.add[k].name)
	}
	slices.SortFunc(o.add, func(a, b completionEntry) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.src, b.src), cmp.Compare(a.ord, b.ord))
	})
	o.addRank = make([]int32, len(o.add))
	for i := range o.addRank {
		o.addRank[i] = int32(i)
	}
	slices.SortStableFunc(o.addRank, func(a, b int32) int { return rankCompare(&o.add[a], &o.add[b]) })
	return &completionTable{over: o}
}

// maxDerived is the most notes whose names DeriveCompletions takes anew:
// beyond it, a table built whole costs about as much.
const maxDerived = 256

// Attachments lists the vault's files that are not notes, in path order.
func (ix *Index) Attachments() []string {
	out := make([]string, 0, len(ix.attach))
	for a := range ix.attach {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
