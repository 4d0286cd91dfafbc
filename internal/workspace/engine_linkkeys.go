package workspace

import (
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// linkKeys is the engine's inverted index of link targets: under each key
// that a link's target could name a note by, the notes with such a link.
// A change of names looks up the keys of the names it touched and finds
// the notes whose plans it can change without reading every link of the
// vault (a scan that costs what planning a tenth of the vault does).
//
// A target is filed under the spellings affected.mayName looks at — the
// target itself, without its note extension, its last path element and
// that element's stem — each by its ASCII skeleton when it is ASCII (an
// ASCII spelling's highest-level key has the same skeleton: the test is
// cheap and never misses) and else by its highest-level key. Keys of
// either kind share one table, and the table holds a 64-bit hash of each,
// not the string: a skeleton or a hash equal to another key's only makes
// the set found larger.
//
// The keys of the notes as loaded are one array of (hash, note) pairs
// sorted by hash, the base; the notes read again since are filed in a
// map beside it, and the base's entry of a note read again or gone is
// marked dead. The base is read from the vault's link-key cache
// (linkKeysCacheFile, beside the note cache) for every note whose links
// digest is the one the cache holds, and built for the others; when the
// cache was missing or stale, a new one is written. So a server started
// on an unchanged vault has it at once, and the keys of a 100,000-note
// vault (seconds of CPU) are worked out once.
//
// A load starts the index in the background; the engine's next change of
// names waits for it. It is kept current with each update's notes.
type linkKeys struct {
	ready chan struct{}
	// saved is closed once the cache is written (or found current).
	saved chan struct{}
	// fromCache counts the notes whose keys the cache gave.
	fromCache int
	// pending are the updates made while the index was being built,
	// filed once it is: a body edit does not wait for it.
	pending [][2][]*note.Note

	// The base: hashes sorted, with the doc of each pair beside it.
	baseHash []uint64
	baseDoc  []uint32
	basePath []string         // base doc -> note path
	baseLive []bool           // base doc -> still the note's keys
	baseDocs map[string]int32 // note path -> its live base doc

	notes  map[uint64][]int32 // key's hash -> docs holding a link filed under it
	docs   map[string]int32   // note path -> doc
	keysOf [][]uint64         // doc -> its keys' hashes
	paths  []string           // doc -> note path, "" once removed
	free   []int32            // removed docs, for reuse
}

// startLinkKeys indexes notes' links in the background, taking what it
// can from the cache file (none when ""). At 10k notes, without the
// cache, it takes about a quarter of a second of CPU.
//
// pre, when not nil, holds keys already worked out, by note (nil: not).
//
// It starts once gate is closed.
func startLinkKeys(notes []*note.Note, cache string, pre [][]uint64, gate <-chan struct{}) *linkKeys {
	lk := &linkKeys{ready: make(chan struct{}), saved: make(chan struct{}), notes: map[uint64][]int32{}, docs: map[string]int32{}}
	go func() {
		defer close(lk.saved)
		if gate != nil {
			<-gate
		}
		old := readLinkKeysCache(cache)
		keys := make([][]uint64, len(notes))
		fresh := make([]bool, len(notes))
		var todo []int
		for i, n := range notes {
			if d, ok := old.docs[n.Path]; !ok || old.digests[d] != n.LinksDigest() {
				fresh[i] = true
				if pre != nil && pre[i] != nil {
					keys[i] = pre[i]
				} else {
					todo = append(todo, i)
				}
			}
		}
		// On every core: the first change of names waits for it, and the
		// updates and answers that run meanwhile (an editor types as soon
		// as the server is ready) are a note's work each.
		workers := max(1, min(runtime.GOMAXPROCS(0), len(todo)/500+1))
		share := (len(todo) + workers - 1) / workers
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				var f targetFiler
				for _, i := range todo[min(w*share, len(todo)):min((w+1)*share, len(todo))] {
					keys[i] = f.keys(notes[i])
				}
			})
		}
		wg.Wait()
		lk.setBase(notes, keys, fresh, old)
		lk.fromCache = len(notes)
		for _, f := range fresh {
			if f {
				lk.fromCache--
			}
		}
		close(lk.ready)
		// The base's pairs and the notes are not written after this:
		// updates mark base entries dead and file into the map.
		if cache != "" && lk.fromCache < len(notes) {
			writeLinkKeysCache(cache, notes, lk)
		}
	}()
	return lk
}

// setBase makes the base of notes: the keys given for the notes marked
// fresh, the old cache's for the others.
func (lk *linkKeys) setBase(notes []*note.Note, keys [][]uint64, fresh []bool, old linkKeysFile) {
	lk.basePath = make([]string, len(notes))
	lk.baseLive = make([]bool, len(notes))
	lk.baseDocs = make(map[string]int32, len(notes))
	same := len(old.paths) == len(notes)
	for i, nt := range notes {
		lk.basePath[i], lk.baseLive[i] = nt.Path, true
		lk.baseDocs[nt.Path] = int32(i)
		same = same && !fresh[i] && old.paths[i] == nt.Path
	}
	if same {
		// The cache's notes, numbered alike: its pairs as they are.
		lk.baseHash, lk.baseDoc = old.pairHash, old.pairDoc
		return
	}
	oldDoc := make([]uint32, len(old.paths)) // old doc -> new doc + 1, 0 for none
	for i, nt := range notes {
		if !fresh[i] {
			oldDoc[old.docs[nt.Path]] = uint32(i) + 1
		}
	}
	n := 0
	for i := range notes {
		n += len(keys[i])
	}
	for _, d := range old.pairDoc {
		if oldDoc[d] != 0 {
			n++
		}
	}
	// Two arrays sorted together, not an array of pairs: at 100,000 notes
	// the pairs would be another 24 MB at the server's peak.
	p := basePairs{hash: make([]uint64, 0, n), doc: make([]uint32, 0, n)}
	for i := range notes {
		for _, h := range keys[i] {
			p.hash, p.doc = append(p.hash, h), append(p.doc, uint32(i))
		}
		keys[i] = nil
	}
	for k, d := range old.pairDoc {
		if nd := oldDoc[d]; nd != 0 {
			p.hash, p.doc = append(p.hash, old.pairHash[k]), append(p.doc, nd-1)
		}
	}
	sort.Sort(p)
	lk.baseHash, lk.baseDoc = p.hash, p.doc
}

// basePairs sorts (hash, doc) pairs held in two arrays by hash, then doc.
type basePairs struct {
	hash []uint64
	doc  []uint32
}

func (p basePairs) Len() int { return len(p.hash) }
func (p basePairs) Less(i, j int) bool {
	return p.hash[i] < p.hash[j] || p.hash[i] == p.hash[j] && p.doc[i] < p.doc[j]
}
func (p basePairs) Swap(i, j int) {
	p.hash[i], p.hash[j] = p.hash[j], p.hash[i]
	p.doc[i], p.doc[j] = p.doc[j], p.doc[i]
}

// wait returns once the index is built and current.
func (lk *linkKeys) wait() {
	<-lk.ready
	for _, u := range lk.pending {
		lk.file(u[0], u[1])
	}
	lk.pending = nil
}

// update files the links of the notes read again in place of those of
// the notes they replace, now if the index is built, else once it is.
func (lk *linkKeys) update(gone, read []*note.Note) {
	select {
	case <-lk.ready:
		lk.wait()
		lk.file(gone, read)
	default:
		lk.pending = append(lk.pending, [2][]*note.Note{gone, read})
	}
}

func (lk *linkKeys) file(gone, read []*note.Note) {
	for _, n := range gone {
		lk.remove(n.Path)
	}
	var f targetFiler
	for _, n := range read {
		lk.add(n.Path, f.keys(n))
	}
}

func (lk *linkKeys) add(p string, keys []uint64) {
	lk.remove(p)
	if len(keys) == 0 {
		return
	}
	var doc int32
	if k := len(lk.free); k > 0 {
		doc, lk.free = lk.free[k-1], lk.free[:k-1]
		lk.paths[doc] = p
	} else {
		doc = int32(len(lk.paths))
		lk.paths = append(lk.paths, p)
		lk.keysOf = append(lk.keysOf, nil)
	}
	lk.docs[p] = doc
	for _, k := range keys {
		lk.notes[k] = append(lk.notes[k], doc)
	}
	lk.keysOf[doc] = keys
}

func (lk *linkKeys) remove(p string) {
	if d, ok := lk.baseDocs[p]; ok {
		lk.baseLive[d] = false
		delete(lk.baseDocs, p)
	}
	doc, ok := lk.docs[p]
	if !ok {
		return
	}
	delete(lk.docs, p)
	for _, k := range lk.keysOf[doc] {
		docs := lk.notes[k]
		if i := slices.Index(docs, doc); i >= 0 {
			docs[i] = docs[len(docs)-1]
			if len(docs) == 1 {
				delete(lk.notes, k)
			} else {
				lk.notes[k] = docs[:len(docs)-1]
			}
		}
	}
	lk.keysOf[doc], lk.paths[doc] = nil, ""
	lk.free = append(lk.free, doc)
}

// linking returns the paths of the notes with a link whose target may
// name something with one of keys (highest-level keys): every note
// affected.mayName would find, and maybe a few more.
func (lk *linkKeys) linking(keys map[string]bool) []string {
	var out []string
	for h := range filedUnder(keys) {
		for k, _ := slices.BinarySearch(lk.baseHash, h); k < len(lk.baseHash) && lk.baseHash[k] == h; k++ {
			if d := lk.baseDoc[k]; lk.baseLive[d] {
				out = append(out, lk.basePath[d])
			}
		}
		for _, doc := range lk.notes[h] {
			out = append(out, lk.paths[doc])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// notesLinking is linkFinder's: the index always tells.
func (lk *linkKeys) notesLinking(keys map[string]bool) ([]string, bool) {
	return lk.linking(keys), true
}

// filedUnder returns the hashes a link that may name one of keys
// (highest-level keys) is filed under.
func filedUnder(keys map[string]bool) map[uint64]bool {
	out := make(map[uint64]bool, 2*len(keys))
	var buf []byte
	for k := range keys {
		out[keyHash(k)] = true
		if isASCII(k) {
			buf = appendSkeleton(buf[:0], k)
			out[keyHash(string(buf))] = true
		}
	}
	return out
}

// keyHash is the hash a key is filed under. It has no per-process seed:
// the cache holds it.
func keyHash(k string) uint64 { return xxhash.Sum64String(k) }

// targetFiler computes the keys a note's link targets are filed under,
// with its buffers and the keys of the non-ASCII spellings seen so far.
type targetFiler struct {
	out   []uint64
	links []note.Link
	buf   []byte
}

// keys returns the distinct hashes of the keys n's link targets are filed
// under.
func (f *targetFiler) keys(n *note.Note) []uint64 {
	f.links = n.LinkList(f.links[:0])
	return f.keysOf(f.links)
}

// keysOf returns the distinct hashes of the keys links' targets are filed
// under (empty, not nil, when there are none).
func (f *targetFiler) keysOf(links []note.Link) []uint64 {
	if len(links) == 0 {
		return []uint64{}
	}
	// Every spelling's hash, then sorted and made distinct: cheaper than
	// a set per note (a note has tens of links, each up to four keys).
	out := f.out[:0]
	put := func(h uint64) { out = append(out, h) }
	for li := range links {
		t := strings.TrimPrefix(strings.TrimSpace(links[li].Target), "/")
		var last string
		for _, q := range [...]string{t, dialect.PathName(t), path.Base(t), dialect.StemOf(t)} {
			if q == "" || q == last {
				continue
			}
			last = q
			if isASCII(q) {
				f.buf = appendSkeleton(f.buf[:0], q)
				put(xxhash.Sum64(f.buf))
				continue
			}
			// (No cache of these: a map per filer cost more than the
			// folding it saved, at 100,000 notes. The key is hashed where
			// it is made: keyHash of the same bytes.)
			f.buf = fold.AppendKey(f.buf[:0], fold.Compact, q)
			put(xxhash.Sum64(f.buf))
		}
	}
	f.out = out
	slices.Sort(out)
	return slices.Clone(slices.Compact(out))
}
