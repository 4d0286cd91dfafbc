// Package index holds every note's names and aliases in hash tables, exact
// and normalized at the highest ladder level, and resolves links against
// them (SPEC §4):
// exact names first, then the ladder one level at a time, stopping at the
// first level where anything matches. It does no I/O.
//
// # Invariants
//
//   - A link is rewritten only to a note that is the single canonical note
//     matched at the lowest matching level; anything else is a finding.
//   - Aliases never resolve a link; they only suggest, or make a match
//     ambiguous.
//   - Results depend only on the notes given, never on map order or hash
//     seeds.
package index

import (
	"fmt"
	"math"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// kinds is a set of dialect.NameKind.
type kinds uint8

func (k kinds) has(x dialect.NameKind) bool { return k&(1<<x) != 0 }

// entry says that note Note carries a name with this key, of these kinds.
type entry struct {
	Note  int32
	Kinds kinds
}

// Problem is something wrong with the vault itself (not with one link).
type Problem struct {
	File    string
	Message string
}

// Index is built once per run and then only read; it is safe for
// concurrent use by many resolvers.
type Index struct {
	Notes    []*note.Note
	Dialect  dialect.Dialect
	MaxLevel fold.Level
	Problems []Problem
	// LocalVaults names the vaults of a Dendron workspace; a link to any
	// other vault (dendron://other/x) is external and not checked.
	LocalVaults map[string]bool

	canon    []int32 // canonical note of each note (itself when none)
	exact    table
	byPath   *strtab             // "a/b.md" -> note
	attach   map[string]bool     // attachment paths
	attachBy map[string][]string // lower-cased base name -> attachment paths
	// attachExt holds the extensions of attachBy's keys: a link whose
	// lower-cased extension is not there cannot name an attachment by its
	// base name, and its base name is not lower-cased for the lookup.
	attachExt map[string]bool
	// trimKey is set when the dialect's exact key of a name is the name
	// trimmed, so that Warm can hash a link's target as Resolve will.
	trimKey bool

	ladderOnce sync.Once
	ladder     ladder
	hintOnce   sync.Once
	hints      hintTable
	// hintMemo and anchors are shared by the indexes WithNotes makes
	// from this one (hints depend on names only; an anchor table on its
	// note's record only).
	hintMemo *hintCache // compact key -> hints
	anchors  *sync.Map  // *note.Note -> *anchorTable, for notes with many anchors
	renamed  *renames   // former names of renamed notes, nil when none
	// refs are the duplicate_of and canonical_id references and the
	// notes they name (for an index read from the cache, made by WarmRefs).
	refs     *canonicalRefs
	refsOnce sync.Once
	// over, when not nil, holds the names that changed since the tables
	// above were built (Rename).
	over *overlay
	// completions are the names and aliases under their keys, sorted,
	// built on first use; the indexes WithNotes makes share them.
	completions *lazyCompletions
}

// table maps a key to the notes that carry it, in note order. The first
// note of a key lives in head and the rest are chained through more: most
// keys have one note, so a lookup touches no memory outside head.
type table struct {
	head *strtab // key -> packed node
	more []node
}

// node has no hidden padding, so that the index cache can hold nodes as
// they are in memory.
type node struct {
	note  int32
	next  int32 // index into table.more, or -1
	kinds kinds
	_     [3]byte
}

// maxMore bounds table.more: a packed node holds next+1 in 24 bits.
const maxMore = 1<<24 - 1

func (n node) pack() uint64 {
	return uint64(uint32(n.note)) | uint64(n.kinds)<<32 | uint64(n.next+1)<<40
}

func unpackNode(v uint64) node {
	return node{note: int32(uint32(v)), kinds: kinds(v >> 32), next: int32(v>>40) - 1}
}

// add records that note id carries key as a name of kind k. Notes must be
// added from the last to the first so that each chain reads in note order.
func (t *table) add(key string, id int32, k dialect.NameKind) {
	if key == "" {
		return
	}
	t.addHashed(key, t.head.hash(key), id, k)
}

// addHashed is add for a non-empty key whose hash (t.head.hash) is h.
func (t *table) addHashed(key string, hash uint64, id int32, k dialect.NameKind) {
	off, existed := t.head.upsertHashed(key, hash)
	if !existed {
		t.head.store(off, node{note: id, kinds: 1 << k, next: -1}.pack())
		return
	}
	h := unpackNode(t.head.load(off))
	if h.note == id {
		h.kinds |= 1 << k
		t.head.store(off, h.pack())
		return
	}
	if len(t.more) == maxMore {
		panic("index: too many notes share names")
	}
	t.more = append(t.more, h)
	t.head.store(off, node{note: id, kinds: 1 << k, next: int32(len(t.more) - 1)}.pack())
}

// lookup appends the entries under key to buf.
func (t *table) lookup(key string, buf []entry) []entry {
	v, ok := t.head.get(key)
	if !ok {
		return buf
	}
	h := unpackNode(v)
	for {
		buf = append(buf, entry{h.note, h.kinds})
		if h.next < 0 {
			return buf
		}
		h = t.more[h.next]
	}
}

// Build indexes notes (sorted by path) and the vault's other files.
func Build(notes []*note.Note, attachments []string, d dialect.Dialect, max fold.Level) *Index {
	ix := newIndex(notes, attachments, d, max)
	ix.byPath = newStrtab(len(notes))
	// The ladder and the hints are built on first use, and every resolver
	// waits for them then: start them now, on a core that Build leaves
	// idle once its shorter half is done, so that they are ready or nearly
	// when links are resolved. They read only the notes. (Started after
	// that half instead, they let the exact table finish sooner, but the
	// run was no faster: 2.70 against 2.64 s, medians of 8 side by side.)
	if max >= fold.Unicode {
		go ix.buildLadder()
	}
	go ix.hintOnce.Do(ix.buildHints)
	// The exact table is the largest and depends on nothing else here.
	done := make(chan struct{})
	go func() {
		defer close(done)
		// About five names a note: stem, path, title, id and a path
		// suffix or two, where names of notes coincide (4.7 at 100,000
		// generated notes); a vault with more grows the table. Sized
		// for six, its slots there were 16 MB, a fifth of them full,
		// and every link's lookup reads one at random: at half the
		// size, more of them stay in the processor's cache.
		ix.exact = table{head: newStrtab(len(notes) * 5)}
		// Names are mostly the path, its suffixes and the stem: up to
		// three times the path's bytes a note, and the title and id.
		nameBytes := 0
		for _, n := range notes {
			nameBytes += 3*len(n.Path) + len(n.Title) + len(n.ID)
		}
		// Generous: room reserved and never written is never touched,
		// while an arena that outgrows its room is copied whole.
		ix.exact.head.reserve(len(notes)*6, nameBytes)
		// A batch of names at a time: their hashes first, and each
		// one's slot read, so that the inserts after find them in the
		// cache (a slot each at random in 8 MB, which one insert after
		// another waited for in turn, while Build waits for the table).
		var buf []name
		var batch []exactName
		var hs []uint64
		flush := func() {
			hs = hs[:0]
			for _, e := range batch {
				hs = append(hs, e.h)
			}
			ix.exact.head.readAhead(hs)
			for _, e := range batch {
				ix.exact.addHashed(e.key, e.h, e.note, e.kind)
			}
			batch = batch[:0]
		}
		for i := len(notes) - 1; i >= 0; i-- {
			buf = namesOf(notes[i], buf[:0])
			for _, nm := range buf {
				if !d.Resolves(nm.kind) {
					continue
				}
				if key := d.ExactKey(nm.name); key != "" {
					batch = append(batch, exactName{key, ix.exact.head.hash(key), int32(i), nm.kind})
				}
			}
			if len(batch) >= insertBatch {
				flush()
			}
		}
		flush()
	}()
	pathBytes := 0
	for _, n := range notes {
		pathBytes += len(n.Path)
	}
	ix.byPath.reserve(len(notes), pathBytes)
	for i, n := range notes {
		ix.byPath.set(n.Path, uint64(i))
	}
	ix.buildCanon()
	<-done
	return ix
}

// newIndex is an index without its tables: the parts that Build and
// FromTables share.
func newIndex(notes []*note.Note, attachments []string, d dialect.Dialect, max fold.Level) *Index {
	ix := &Index{
		completions: &lazyCompletions{},
		hintMemo:    new(hintCache),
		anchors:     &sync.Map{},
		Notes:       notes,
		Dialect:     d,
		MaxLevel:    max,
		attach:      make(map[string]bool, len(attachments)),
		attachBy:    make(map[string][]string, len(attachments)),
		attachExt:   make(map[string]bool),
	}
	switch d.(type) {
	case dialect.Wiki, dialect.Strict, *dialect.Strict:
		ix.trimKey = true
	}
	for _, a := range attachments {
		ix.attach[a] = true
		b := strings.ToLower(path.Base(a))
		ix.attachBy[b] = append(ix.attachBy[b], a)
		ix.attachExt[path.Ext(b)] = true
	}
	return ix
}

type name struct {
	name string
	kind dialect.NameKind
}

// namesOf appends a note's names to buf: stem, path, path suffixes, title,
// id.
func namesOf(n *note.Note, buf []name) []name {
	p := dialect.PathName(n.Path)
	out := append(buf, name{dialect.StemOf(n.Path), dialect.Stem}, name{p, dialect.Path})
	for i := strings.IndexByte(p, '/'); i >= 0; {
		rest := p[i+1:]
		if strings.IndexByte(rest, '/') < 0 {
			break // the last suffix is the stem
		}
		out = append(out, name{rest, dialect.Suffix})
		j := strings.IndexByte(rest, '/')
		i += j + 1
	}
	if n.Err == nil {
		if t := fold.TrimSpace(n.Title); t != "" {
			out = append(out, name{t, dialect.Title})
		}
		if id := fold.TrimSpace(n.ID); id != "" {
			out = append(out, name{id, dialect.ID})
		}
	}
	return out
}

// ladder finds names and aliases on every level with one table, keyed at
// the highest level. The ladder is cumulative (Key(l, Key(l-1, s)) == Key(l, s),
// held by fold's tests), so a spelling equal to a name at some level is
// equal to it at the highest: the names that match a link at a lower level
// are among the few under the link's highest key, and are told apart there
// by their lower-level keys. One table instead of one per level, and one
// key per name to compute up front.
type ladder struct {
	head  *strtab // key at MaxLevel -> index into rungs
	rungs []rung
	names []byte // the rungs' names, one after another
}

// rung is a name or an alias of a note, chained to the next one with the
// same key at the highest level. It holds no pointers (its name is a span
// of ladder.names) and has no hidden padding, so that the index cache can
// hold the rungs as they are in memory.
type rung struct {
	nameOff, nameLen uint32
	note             int32
	next             int32 // index into rungs, or -1
	kinds            kinds // the name's kinds; none for an alias
	_                [3]byte
}

func (r *rung) alias() bool { return r.kinds == 0 }

// name returns r's name, which shares ld.names' memory.
func (ld *ladder) name(r *rung) string {
	if r.nameLen == 0 {
		return ""
	}
	return unsafe.String(&ld.names[r.nameOff], r.nameLen)
}

// buildLadder collects every name and alias and keys it at the highest
// level, once (Build starts it in the background).
func (ix *Index) buildLadder() {
	ix.ladderOnce.Do(func() {
		// Stem, path and a suffix or two a note, and a title or an alias.
		// (Not the exact table's count: Build may still be filling it.)
		ld := ladder{rungs: make([]rung, 0, 5*len(ix.Notes))}
		// Room for every name, as Build reserves the exact table's: the
		// path, its suffixes and the stem take up to three times the
		// path's bytes. Reserved and never written, room is never
		// touched; outgrown, the names were copied whole (at 100,000
		// notes 11 MB of names into a 10 MB estimate: 10 MB of fresh
		// memory written once and dropped).
		nameBytes := 0
		for _, n := range ix.Notes {
			nameBytes += 3*len(n.Path) + len(n.Title) + len(n.ID)
			for _, a := range n.Aliases {
				nameBytes += len(a)
			}
		}
		ld.names = make([]byte, 0, nameBytes)
		var buf []name
		var seen map[rungKey]int // a note's rungs, for a note with many names
		for i, n := range ix.Notes {
			buf = ld.addNote(n, int32(i), buf, &seen)
		}
		if len(ld.names) > math.MaxUint32 {
			panic("index: more than 4 GB of names")
		}
		rungs := ld.rungs
		// The keys, a chunk of rungs each, written one after another
		// into the chunk's bytes (ends[i] is where rung i's ends): the
		// table copies them, so a string each would be garbage.
		ends := make([]uint32, len(rungs))
		workers := max(1, runtime.GOMAXPROCS(0))
		chunk := (len(rungs) + workers - 1) / workers
		keyBufs := make([][]byte, 0, workers)
		var wg sync.WaitGroup
		for lo := 0; lo < len(rungs); lo += chunk {
			hi := min(lo+chunk, len(rungs))
			keyBufs = append(keyBufs, nil)
			buf := &keyBufs[len(keyBufs)-1]
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := make([]byte, 0, int(ld.rungs[hi-1].nameOff+ld.rungs[hi-1].nameLen-ld.rungs[lo].nameOff))
				for i := lo; i < hi; i++ {
					b = fold.AppendKey(b, ix.MaxLevel, ld.name(&rungs[i]))
					if len(b) > math.MaxUint32 {
						panic("index: more than 4 GB of names")
					}
					ends[i] = uint32(len(b))
				}
				*buf = b
			}()
		}
		wg.Wait()
		head := newStrtab(len(rungs))
		keyBytes := 0
		for _, b := range keyBufs {
			keyBytes += len(b)
		}
		head.reserve(len(rungs), keyBytes)
		key := func(i int) string {
			b, start := keyBufs[i/chunk], uint32(0)
			if i%chunk > 0 {
				start = ends[i-1]
			}
			return unsafe.String(unsafe.SliceData(b[start:]), ends[i]-start)
		}
		// A batch at a time, each key's slot read ahead, as Build does
		// for the exact table.
		var hs [insertBatch]uint64
		for i := range rungs {
			if j := i % insertBatch; j == 0 {
				n := min(insertBatch, len(rungs)-i)
				for j := range n {
					hs[j] = head.hash(key(i + j))
				}
				head.readAhead(hs[:n])
			}
			off, existed := head.upsertHashed(key(i), hs[i%insertBatch])
			rungs[i].next = -1
			if existed {
				rungs[i].next = int32(head.load(off))
			}
			head.store(off, uint64(i))
		}
		ld.head = head
		ix.ladder = ld
	})
}

// insertBatch is how many keys a table build reads the slots of ahead.
const insertBatch = 32

// exactName is a name on its way into the exact table, with its key's
// hash.
type exactName struct {
	key  string
	h    uint64
	note int32
	kind dialect.NameKind
}

// addNote appends the rungs of note n (number id): its names, then its
// aliases. buf and seen are the caller's scratch, reused note after note.
func (ld *ladder) addNote(n *note.Note, id int32, buf []name, seen *map[rungKey]int) []name {
	first := len(ld.rungs)
	buf = namesOf(n, buf[:0])
	count := len(buf)
	if n.Err == nil {
		count += len(n.Aliases)
	}
	var dedup map[rungKey]int
	if count > manyNames {
		if *seen == nil {
			*seen = make(map[rungKey]int)
		}
		clear(*seen)
		dedup = *seen
	}
	for _, x := range buf {
		ld.addRung(first, x.name, id, 1<<x.kind, dedup)
	}
	if n.Err == nil {
		for _, a := range n.Aliases {
			ld.addRung(first, a, id, 0, dedup)
		}
	}
	return buf
}

// manyNames is the count of names and aliases above which a note's rungs
// are merged through a map: below it a scan of the note's few rungs is
// cheaper; above it the scan is quadratic (80,000 aliases took 20 s).
const manyNames = 16

// rungKey identifies a rung among a note's: its name, and whether it is an
// alias.
type rungKey struct {
	name  string
	alias bool
}

// addRung appends a rung for name to those of its note (from first on),
// merged into an identical name of the same note: a title equal to the
// stem is one rung of two kinds. A name of only whitespace matches nothing
// on any level and is left out. k is none for an alias. seen, when not
// nil, maps the note's rungs so far to their index.
func (ld *ladder) addRung(first int, name string, note int32, k kinds, seen map[rungKey]int) {
	if strings.TrimSpace(name) == "" {
		return
	}
	if seen != nil {
		key := rungKey{name, k == 0}
		if i, ok := seen[key]; ok {
			ld.rungs[i].kinds |= k
			return
		}
		seen[key] = len(ld.rungs)
	} else {
		for i := first; i < len(ld.rungs); i++ {
			if o := &ld.rungs[i]; ld.name(o) == name && o.alias() == (k == 0) {
				o.kinds |= k
				return
			}
		}
	}
	ld.rungs = append(ld.rungs, rung{nameOff: uint32(len(ld.names)), nameLen: uint32(len(name)), note: note, kinds: k})
	ld.names = append(ld.names, name...)
}

// matching appends to buf the rungs that a spelling with key key at level
// lv matches there, of those under its key at the highest level (chain).
// names holds the keys of the chain's names (chainSteps), in its order.
func (ix *Index) matching(chain []*rung, names []fold.Steps, lv fold.Level, key string, buf []*rung) []*rung {
	for i, r := range chain {
		// Every rung under top matches at the highest level.
		if lv == ix.MaxLevel || names[i].Key(lv) == key {
			buf = append(buf, r)
		}
	}
	return buf
}

// chainSteps appends to buf the keys, level by level, of the chain's names:
// a climb asks for each level in turn.
func (ix *Index) chainSteps(chain []*rung, buf []fold.Steps) []fold.Steps {
	for _, r := range chain {
		buf = append(buf, fold.NewSteps(ix.rungName(r)))
	}
	return buf
}

// Canonical returns the canonical note of note i.
func (ix *Index) Canonical(i int32) int32 { return ix.canon[i] }

// buildCanon follows duplicate_of and canonical_id chains.
func (ix *Index) buildCanon() {
	ix.refs = ix.canonRefs()
	ix.canonFrom(ix.refs)
}

// WarmRefs makes the references' table of an index read from the cache,
// which Rename derives the next one's from (at 100,000 notes a fifth of a
// second: a server makes it in the background after a load).
func (ix *Index) WarmRefs() {
	ix.refsOnce.Do(func() {
		if ix.refs == nil {
			ix.refs = ix.canonRefs()
		}
	})
}

// canonFrom follows the chains of the references refs resolves.
func (ix *Index) canonFrom(refs *canonicalRefs) {
	parent := make([]int32, len(ix.Notes))
	for i := range parent {
		parent[i] = -1
	}
	for _, i := range refs.notes {
		n := ix.Notes[i]
		ref, field := canonicalRef(n)
		var hits []int32
		if field == "canonical_id" {
			hits = refs.byID[strings.TrimSpace(ref)]
		} else {
			hits = refs.byAny[strings.TrimSpace(ref)]
			if len(hits) == 0 {
				hits = ix.lookupLadder(ref)
			}
		}
		switch {
		case len(hits) == 0:
			ix.Problems = append(ix.Problems, Problem{n.Path, fmt.Sprintf("%s %q matches no note", field, ref)})
		case len(hits) > 1:
			ix.Problems = append(ix.Problems, Problem{n.Path, fmt.Sprintf("%s %q matches %d notes", field, ref, len(hits))})
		case hits[0] != i:
			parent[i] = hits[0]
		}
	}
	ix.canon = make([]int32, len(ix.Notes))
	for i := range ix.Notes {
		cur := int32(i)
		if parent[cur] >= 0 {
			seen := map[int32]bool{}
			for parent[cur] >= 0 {
				seen[cur] = true
				cur = parent[cur]
				if seen[cur] {
					ix.Problems = append(ix.Problems, Problem{ix.Notes[i].Path, "canonical chain has a cycle: " + ix.cycle(parent, cur)})
					cur = int32(i)
					break
				}
			}
		}
		ix.canon[i] = cur
	}
}

// canonicalRefs holds the notes that the vault's duplicate_of and
// canonical_id references name exactly, sorted: byAny by title, id, stem or
// path, byID by id; and the notes with a reference, in order.
type canonicalRefs struct {
	byAny, byID map[string][]int32
	notes       []int32
}

// canonRefs collects the references first and then matches every name
// against them: a few references against all names, instead of a map of
// all names for a few lookups.
func (ix *Index) canonRefs() *canonicalRefs {
	refs := &canonicalRefs{byAny: map[string][]int32{}, byID: map[string][]int32{}}
	for i, n := range ix.Notes {
		if refs.add(n) {
			refs.notes = append(refs.notes, int32(i))
		}
	}
	if len(refs.byAny) == 0 && len(refs.byID) == 0 {
		return refs
	}
	var buf []name
	for i, n := range ix.Notes {
		buf = refs.match(int32(i), n, buf)
	}
	refs.sort()
	return refs
}

// table returns the table n's reference is a key of and the key, or a nil
// table when n has no reference.
func (r *canonicalRefs) table(n *note.Note) (map[string][]int32, string) {
	switch ref, field := canonicalRef(n); field {
	case "canonical_id":
		return r.byID, fold.TrimSpace(ref)
	case "duplicate_of":
		return r.byAny, fold.TrimSpace(ref)
	}
	return nil, ""
}

// add files note n's reference, if it has one, as a key to match, and
// reports whether it has one.
func (r *canonicalRefs) add(n *note.Note) bool {
	if n.Err != nil {
		return false
	}
	m, key := r.table(n)
	if m == nil {
		return false
	}
	if _, ok := m[key]; !ok {
		m[key] = nil
	}
	return true
}

// has reports whether n's reference, if it has one, is a key of r.
func (r *canonicalRefs) has(n *note.Note) bool {
	if n.Err != nil {
		return true
	}
	m, key := r.table(n)
	if m == nil {
		return true
	}
	_, ok := m[key]
	return ok
}

// match files note i (n) under each key that one of its names is.
func (r *canonicalRefs) match(i int32, n *note.Note, buf []name) []name {
	buf = namesOf(n, buf[:0])
	for _, nm := range buf {
		if nm.kind == dialect.Suffix {
			continue
		}
		if hits, ok := r.byAny[nm.name]; ok {
			r.byAny[nm.name] = append(hits, i)
		}
		if hits, ok := r.byID[nm.name]; ok && nm.kind == dialect.ID {
			r.byID[nm.name] = append(hits, i)
		}
	}
	return buf
}

func (r *canonicalRefs) sort() {
	for _, m := range []map[string][]int32{r.byAny, r.byID} {
		for k, hits := range m {
			m[k] = sortedUnique(hits)
		}
	}
}

// derive returns the references of notes, which are r's notes but for
// those at changed (sorted), or false when a changed note has a reference
// that r has no key for (the notes are all matched again then).
func (r *canonicalRefs) derive(notes []*note.Note, changed []int32) (*canonicalRefs, bool) {
	for _, i := range changed {
		if !r.has(notes[i]) {
			return nil, false
		}
	}
	isChanged := func(i int32) bool { _, ok := slices.BinarySearch(changed, i); return ok }
	d := &canonicalRefs{byAny: make(map[string][]int32, len(r.byAny)), byID: make(map[string][]int32, len(r.byID))}
	for _, pair := range [][2]map[string][]int32{{r.byAny, d.byAny}, {r.byID, d.byID}} {
		for k, hits := range pair[0] {
			kept := make([]int32, 0, len(hits))
			for _, h := range hits {
				if !isChanged(h) {
					kept = append(kept, h)
				}
			}
			pair[1][k] = kept
		}
	}
	for _, i := range r.notes {
		if !isChanged(i) {
			d.notes = append(d.notes, i)
		}
	}
	var buf []name
	for _, i := range changed {
		if notes[i].Err == nil {
			if _, field := canonicalRef(notes[i]); field != "" {
				d.notes = append(d.notes, i)
			}
		}
		buf = d.match(i, notes[i], buf)
	}
	slices.Sort(d.notes)
	d.sort()
	return d, true
}

func (ix *Index) cycle(parent []int32, start int32) string {
	parts := []string{ix.Notes[start].Path}
	for c := parent[start]; c != start && len(parts) < 50; c = parent[c] {
		parts = append(parts, ix.Notes[c].Path)
	}
	return strings.Join(append(parts, ix.Notes[start].Path), " -> ")
}

// canonicalRef returns the reference to a note's canonical note, if any.
func canonicalRef(n *note.Note) (ref, field string) {
	d := strings.TrimSpace(n.DuplicateOf)
	if d != "" && !strings.EqualFold(d, "none") && !strings.EqualFold(d, "null") && !strings.EqualFold(d, "self") {
		d = strings.TrimPrefix(strings.TrimPrefix(d, "!"), "[[")
		d = strings.TrimSuffix(d, "]]")
		if i := strings.IndexAny(d, "|#"); i >= 0 {
			d = d[:i]
		}
		d = strings.TrimSuffix(strings.TrimSpace(d), ".md")
		return d, "duplicate_of"
	}
	c := strings.TrimSpace(n.CanonicalID)
	if c != "" && !strings.EqualFold(c, "self") && c != n.ID {
		return c, "canonical_id"
	}
	return "", ""
}

// lookupLadder finds the notes a reference names at the lowest ladder level
// where any name matches (duplicate_of: "[[disaster recovery]]").
func (ix *Index) lookupLadder(s string) []int32 {
	ix.buildLadder()
	if ix.MaxLevel < fold.Unicode {
		return nil
	}
	keys := fold.NewSteps(s)
	top := keys.Key(ix.MaxLevel)
	var chainBuf [8]*rung
	chain := ix.chain(top, chainBuf[:0])
	if len(chain) == 0 {
		return nil
	}
	var stepsBuf [8]fold.Steps
	names := ix.chainSteps(chain, stepsBuf[:0])
	var buf [8]*rung
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		key := top
		if lv != ix.MaxLevel {
			key = keys.Key(lv)
		}
		if key == "" {
			continue
		}
		var out []int32
		for _, r := range ix.matching(chain, names, lv, key, buf[:0]) {
			if !r.alias() {
				out = append(out, r.note)
			}
		}
		if len(out) > 0 {
			return sortedUnique(out)
		}
	}
	return nil
}

// NoteByPath returns the note with this vault path.
func (ix *Index) NoteByPath(p string) (int32, bool) {
	i, ok := ix.byPath.get(p)
	return int32(i), ok
}

func sortedUnique(xs []int32) []int32 {
	slices.Sort(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// NotesSharingKey returns the notes with a name or an alias whose key at
// the index's highest level is s's: every note a link could confuse with
// a note named s, and every note whose written name a note named s could
// take (check --changed looks at the links to those too).
func (ix *Index) NotesSharingKey(s string) []int32 {
	ix.buildLadder()
	if ix.MaxLevel < fold.Unicode {
		return nil
	}
	var out []int32
	for _, r := range ix.chain(fold.Key(ix.MaxLevel, s), nil) {
		out = append(out, r.note)
	}
	return sortedUnique(out)
}
