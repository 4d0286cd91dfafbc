package index

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"sort"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
)

// Hints returns up to max notes whose stem or title is near t: a few
// edits apart once spelling is folded away. Hints are only shown, never
// applied.
func (ix *Index) Hints(t string, max int) []int32 {
	ix.hintOnce.Do(ix.buildHints)
	q := fold.Key(fold.Compact, t)
	if q == "" {
		return nil
	}
	if out, ok := ix.hintMemo.load(q, max); ok {
		return out
	}
	out := ix.hintsFor(q, max)
	ix.hintMemo.store(q, max, out)
	return out
}

// hintCache remembers the hints of recent queries, for the broken name
// that many notes write alike: a fixed array of slots, each holding the
// last query that hashed to it, read and replaced atomically. It was a
// sync.Map of every query, which at 100,000 notes (52,000 broken links,
// nearly all to distinct names) cost more to fill and read than the hints
// did to compute (docs/performance.md); bounded, it costs 32 KB and a
// hash a query, and a query it has lost is computed again, alike.
type hintCache struct {
	slots [hintCacheSlots]atomic.Pointer[hintEntry]
}

const hintCacheSlots = 4096

type hintEntry struct {
	q   string
	max int
	out []int32
}

var hintSeed = maphash.MakeSeed()

func (c *hintCache) slot(q string) *atomic.Pointer[hintEntry] {
	return &c.slots[maphash.String(hintSeed, q)%hintCacheSlots]
}

func (c *hintCache) load(q string, max int) ([]int32, bool) {
	if e := c.slot(q).Load(); e != nil && e.q == q && e.max == max {
		return e.out, true
	}
	return nil, false
}

func (c *hintCache) store(q string, max int, out []int32) {
	c.slot(q).Store(&hintEntry{q: q, max: max, out: out})
}

// buildHints buckets every stem and title by the first two runes and the
// length of its compact key: a name within the edit limit of a query lies
// in a bucket of nearly the same length, so a query reads a few small
// buckets instead of the whole vault.
func (ix *Index) buildHints() {
	type keyed struct {
		bucket int32
		name   hintName
	}
	// At their size from the start: grown by doubling, the two were half
	// of what building the hints allocated (at 100k notes ~20 MB of fresh
	// memory, which costs more to be given than to fill).
	all := make([]keyed, 0, 2*len(ix.Notes))
	var h hintTable
	keyBytes := 0
	for _, n := range ix.Notes {
		keyBytes += len(n.Path) + len(n.Title)
	}
	h.keys = make([]byte, 0, keyBytes)
	// Grouped by bucket, in note order within one (a counting sort): each
	// bucket's record holds its number while the names are counted and
	// placed, then its first name << 32 | count. A bucket's key is built
	// in kb, which the table copies (a string each was 200,000 small
	// allocations at 100k notes).
	h.buckets = newStrtab(len(ix.Notes))
	var recs []uint32   // bucket -> its record
	var counts []uint64 // bucket -> names
	var kb []byte
	for i, n := range ix.Notes {
		seen := ""
		for _, s := range [2]string{dialect.StemOf(n.Path), n.Title} {
			// The key is written where it is kept, not made a string
			// first (which was garbage once copied).
			off := len(h.keys)
			h.keys = fold.AppendKey(h.keys, fold.Compact, s)
			k := unsafe.String(unsafe.SliceData(h.keys[off:]), len(h.keys)-off)
			if k == "" || k == seen {
				h.keys = h.keys[:off]
				continue
			}
			seen = k
			kb = appendHintBucket(kb[:0], prefix(k), utf8.RuneCountInString(k))
			rec, existed := h.buckets.upsert(unsafe.String(unsafe.SliceData(kb), len(kb)))
			if !existed {
				h.buckets.store(rec, uint64(len(recs)))
				recs = append(recs, rec)
				counts = append(counts, 0)
			}
			b := int32(h.buckets.load(rec))
			counts[b]++
			all = append(all, keyed{b, hintName{note: int32(i), keyOff: uint32(off), keyLen: uint32(len(k)), classes: runeClasses(k)}})
		}
	}
	if len(h.keys) > math.MaxUint32 {
		panic("index: more than 4 GB of names")
	}
	next := make([]uint64, len(recs)) // bucket -> where its next name goes
	at := uint64(0)
	for b, n := range counts {
		next[b] = at
		h.buckets.store(recs[b], at<<32|n)
		at += n
	}
	h.names = make([]hintName, len(all))
	for _, k := range all {
		h.names[next[k.bucket]] = k.name
		next[k.bucket]++
	}
	ix.hints = h
}

// hintTable holds the hint names grouped by bucket, without pointers, so
// that the index cache can hold it as it is in memory.
type hintTable struct {
	buckets *strtab    // hintBucket -> first name << 32 | count
	names   []hintName // grouped by bucket
	keys    []byte     // the names' compact keys, one after another
}

// bucket returns the names in bucket b.
func (h *hintTable) bucket(b string) []hintName {
	v, ok := h.buckets.get(b)
	if !ok {
		return nil
	}
	return h.names[v>>32 : v>>32+v&(1<<32-1)]
}

func (h *hintTable) key(n *hintName) string {
	if n.keyLen == 0 {
		return ""
	}
	return unsafe.String(&h.keys[n.keyOff], n.keyLen)
}

// appendHintBucket appends to b the key of the bucket for a compact key's
// first two runes and its length in runes.
func appendHintBucket(b []byte, prefix string, runes int) []byte {
	return binary.LittleEndian.AppendUint32(append(b, prefix...), uint32(runes))
}

// hintName has no hidden padding (see rung).
type hintName struct {
	note           int32
	keyOff, keyLen uint32 // the compact key in hintTable.keys; its runes are needed only for the few names that classBound lets through
	_              [4]byte
	classes        classSet // runeClasses(key)
}

// classSet holds the classes of a key's runes, one bit a class: once, the
// classes that occur, and twice, those that occur more than once. Letters
// and digits of ASCII have a class of their own; other runes share the rest
// by hash.
type classSet struct{ once, twice uint64 }

func runeClasses(k string) classSet {
	var c classSet
	for _, r := range k {
		bit := uint64(1) << runeClass(r)
		c.twice |= c.once & bit
		c.once |= bit
	}
	return c
}

func runeClass(r rune) uint {
	switch {
	case 'a' <= r && r <= 'z':
		return uint(r - 'a')
	case '0' <= r && r <= '9':
		return 26 + uint(r-'0')
	}
	return 36 + uint(uint32(r)*2654435761>>24)%28
}

// classBound is a lower bound of the edit distance of two keys from their
// rune classes, counted up to two: each rune that one key has beyond the
// other's count of its class must be deleted, inserted or substituted, and
// one edit removes at most one such rune from each side.
func classBound(a, b classSet) int {
	return max(bits.OnesCount64(a.once&^b.once)+bits.OnesCount64(a.twice&^b.twice),
		bits.OnesCount64(b.once&^a.once)+bits.OnesCount64(b.twice&^a.twice))
}

func (ix *Index) hintsFor(q string, max int) []int32 {
	qr := []rune(q)
	limit := max2(1, len(qr)/4)
	type hit struct {
		n    int32
		dist int
	}
	var hits []hit
	p := prefix(q)
	qc := runeClasses(q)
	// Each bucket's key is built on the stack and only looked up: made a
	// string each, they were 2*limit+1 allocations a broken link.
	var kb [16]byte
	for l := len(qr) - limit; l <= len(qr)+limit; l++ {
		b := appendHintBucket(kb[:0], p, l)
		ix.hintBucketNames(unsafe.String(unsafe.SliceData(b), len(b)), func(t *hintTable, h *hintName) {
			if classBound(qc, h.classes) > limit {
				return
			}
			if d := distance(qr, []rune(t.key(h)), limit); d <= limit {
				hits = append(hits, hit{ix.canon[h.note], d})
			}
		})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		return hits[i].n < hits[j].n
	})
	var out []int32
	for _, h := range hits {
		if len(out) == max {
			break
		}
		if !containsID(out, h.n) {
			out = append(out, h.n)
		}
	}
	return out
}

func containsID(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func prefix(k string) string {
	_, a := utf8.DecodeRuneInString(k)
	if a >= len(k) {
		return k
	}
	_, b := utf8.DecodeRuneInString(k[a:])
	return k[:a+b]
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// distance is the Levenshtein distance of a and b, or more than limit once
// it is known to exceed limit. Only the diagonal band |i-j| <= limit of the
// table is computed: an alignment that leaves it costs more than limit.
// Rows live on the stack for names of usual length.
func distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	far := int32(limit + 1)
	var prevBuf, curBuf [64]int32
	prev, cur := prevBuf[:0], curBuf[:0]
	if len(b)+1 > len(prevBuf) {
		prev, cur = make([]int32, 0, len(b)+1), make([]int32, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = min(int32(j), far)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		cur[lo-1] = far
		if lo == 1 {
			cur[0] = min(int32(i), far)
		}
		rowMin := cur[lo-1]
		ai := a[i-1]
		for j := lo; j <= hi; j++ {
			v := prev[j-1]
			if ai != b[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1, far)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < len(b) {
			// The next row reads this cell as the one above its band's end.
			cur[hi+1] = far
		}
		if rowMin > int32(limit) {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}
