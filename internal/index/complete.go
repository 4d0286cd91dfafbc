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
}

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
	if max <= 0 {
		max = len(t.byKey)
	}
	q := fold.Key(completionLevel(ix.MaxLevel), trimTrailingSeparators(typed))
	prefix := func(e completionEntry, q string) int {
		return strings.Compare(e.key[:min(len(e.key), len(q))], q)
	}
	lo, _ := slices.BinarySearchFunc(t.byKey, q, prefix)
	hi := lo + sortSearch(len(t.byKey)-lo, func(i int) bool { return prefix(t.byKey[lo+i], q) > 0 })
	var out []Completion
	type aliasKey struct {
		note  int32
		alias string
	}
	seenNote := map[int32]bool{}
	seenAlias := map[aliasKey]bool{}
	take := func(e *completionEntry) {
		if e.alias {
			if k := (aliasKey{e.note, e.name}); !seenAlias[k] {
				seenAlias[k] = true
				out = append(out, Completion{Note: e.note, Name: e.name, Alias: true})
			}
		} else if !seenNote[e.note] {
			seenNote[e.note] = true
			out = append(out, Completion{Note: e.note, Name: e.name})
		}
	}
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
	var changed []int32
	for i, n := range ix.Notes {
		if o := from.Notes[i]; o != n {
			if o.Path != n.Path || len(changed) == maxDerived {
				return
			}
			changed = append(changed, int32(i))
		}
	}
	ix.completions = &lazyCompletions{derive: func() *completionTable { return ix.deriveCompletions(old, changed) }}
}

// deriveCompletions is the table of old with the names of the notes at
// changed taken anew.
func (ix *Index) deriveCompletions(old *completionTable, changed []int32) *completionTable {
	lv := completionLevel(ix.MaxLevel)
	var add []completionEntry
	for _, i := range changed {
		add = ix.appendCompletions(add, i)
	}
	for k := range add {
		add[k].key = fold.Key(lv, add[k].name)
	}
	// A fresh table orders equal keys by note and place (a stable sort
	// of entries made in that order).
	byPlace := func(a, b *completionEntry) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.src, b.src), cmp.Compare(a.ord, b.ord))
	}
	slices.SortFunc(add, func(a, b completionEntry) int { return byPlace(&a, &b) })
	gone := func(e *completionEntry) bool { _, ok := slices.BinarySearch(changed, e.src); return ok }

	t := &completionTable{byKey: make([]completionEntry, 0, len(old.byKey)+len(add))}
	moved := make([]int32, len(old.byKey)) // old place -> new place + 1, 0 when dropped
	var added []int32                      // new places of add's entries
	k := 0
	for i := range old.byKey {
		e := &old.byKey[i]
		if gone(e) {
			continue
		}
		for k < len(add) && byPlace(&add[k], e) < 0 {
			added = append(added, int32(len(t.byKey)))
			t.byKey = append(t.byKey, add[k])
			k++
		}
		moved[i] = int32(len(t.byKey)) + 1
		t.byKey = append(t.byKey, *e)
	}
	for ; k < len(add); k++ {
		added = append(added, int32(len(t.byKey)))
		t.byKey = append(t.byKey, add[k])
	}
	// The rank: a stable sort by rankCompare is a sort by rankCompare and
	// then place; the kept entries keep their order, the new ones merge in.
	byRank := func(a, b int32) int { return cmp.Or(rankCompare(&t.byKey[a], &t.byKey[b]), cmp.Compare(a, b)) }
	slices.SortFunc(added, byRank)
	t.rank = make([]int32, 0, len(t.byKey))
	k = 0
	for _, r := range old.rank {
		m := moved[r]
		if m == 0 {
			continue
		}
		for k < len(added) && byRank(added[k], m-1) < 0 {
			t.rank = append(t.rank, added[k])
			k++
		}
		t.rank = append(t.rank, m-1)
	}
	t.rank = append(t.rank, added[k:]...)
	return t
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
