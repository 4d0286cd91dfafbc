package workspace

import (
	"hash/maphash"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

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
// A load starts the index in the background; the engine's next change of
// names waits for it. It is kept current with each update's notes.
type linkKeys struct {
	ready chan struct{}
	// pending are the updates made while the index was being built,
	// filed once it is: a body edit does not wait for it.
	pending [][2][]*note.Note
	seed    maphash.Seed
	notes   map[uint64][]int32 // key's hash -> docs holding a link filed under it
	docs    map[string]int32   // note path -> doc
	keysOf  [][]uint64         // doc -> its keys' hashes
	paths   []string           // doc -> note path, "" once removed
	free    []int32            // removed docs, for reuse
}

// startLinkKeys indexes notes' links in the background (at 10k notes,
// about a quarter of a second of CPU).
func startLinkKeys(notes []*note.Note) *linkKeys {
	lk := &linkKeys{ready: make(chan struct{}), seed: maphash.MakeSeed(), notes: map[uint64][]int32{}, docs: make(map[string]int32, len(notes))}
	go func() {
		defer close(lk.ready)
		keys := make([][]uint64, len(notes))
		// A core is left to the updates and answers that run meanwhile
		// (an editor types as soon as the server is ready).
		workers := max(1, min(runtime.GOMAXPROCS(0)-1, len(notes)/500+1))
		share := (len(notes) + workers - 1) / workers
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				f := targetFiler{seed: lk.seed}
				for i := w * share; i < min((w+1)*share, len(notes)); i++ {
					keys[i] = f.keys(notes[i])
				}
			})
		}
		wg.Wait()
		for i, n := range notes {
			lk.add(n.Path, keys[i])
			keys[i] = nil
		}
	}()
	return lk
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
	f := targetFiler{seed: lk.seed}
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
	var buf []byte
	take := func(k string) {
		for _, doc := range lk.notes[maphash.String(lk.seed, k)] {
			out = append(out, lk.paths[doc])
		}
	}
	for k := range keys {
		take(k)
		if isASCII(k) {
			buf = appendSkeleton(buf[:0], k)
			if string(buf) != k {
				take(string(buf))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// targetFiler computes the keys a note's link targets are filed under,
// with its buffers and the keys of the non-ASCII spellings seen so far.
type targetFiler struct {
	seed   maphash.Seed
	links  []note.Link
	folded map[string]uint64
	buf    []byte
}

// keys returns the distinct hashes of the keys n's link targets are filed
// under.
func (f *targetFiler) keys(n *note.Note) []uint64 {
	f.links = n.LinkList(f.links[:0])
	if len(f.links) == 0 {
		return nil
	}
	var out []uint64
	var seen map[uint64]bool // once out is too long to scan
	put := func(h uint64) {
		if seen != nil {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
			return
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
			if len(out) == 32 {
				seen = make(map[uint64]bool, 64)
				for _, o := range out {
					seen[o] = true
				}
			}
		}
	}
	for li := range f.links {
		t := strings.TrimPrefix(strings.TrimSpace(f.links[li].Target), "/")
		var last string
		for _, q := range [...]string{t, dialect.PathName(t), path.Base(t), dialect.StemOf(t)} {
			if q == "" || q == last {
				continue
			}
			last = q
			if isASCII(q) {
				f.buf = appendSkeleton(f.buf[:0], q)
				put(maphash.Bytes(f.seed, f.buf))
				continue
			}
			h, ok := f.folded[q]
			if !ok {
				h = maphash.String(f.seed, fold.Key(fold.Compact, q))
				if f.folded == nil {
					f.folded = map[string]uint64{}
				}
				f.folded[q] = h
			}
			put(h)
		}
	}
	return slices.Clip(out)
}
