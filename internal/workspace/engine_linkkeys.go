package workspace

import (
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
// either kind share one table: a skeleton equal to some key only makes
// the set found larger.
//
// The first load starts the index in the background; the engine's next
// update waits for it. It is kept current with each update's notes.
type linkKeys struct {
	ready chan struct{}
	// pending are the updates made while the index was being built,
	// filed once it is: a body edit does not wait for it.
	pending [][2][]*note.Note
	ids     map[string]uint32 // key -> key id
	notes   [][]int32         // key id -> docs holding a link filed under it
	docs    map[string]int32  // note path -> doc
	keysOf  [][]uint32        // doc -> its key ids
	paths   []string          // doc -> note path, "" once removed
	free    []int32           // removed docs, for reuse
}

// startLinkKeys indexes notes' links in the background.
func startLinkKeys(notes []*note.Note) *linkKeys {
	lk := &linkKeys{ready: make(chan struct{}), ids: map[string]uint32{}, docs: make(map[string]int32, len(notes))}
	go func() {
		defer close(lk.ready)
		keys := make([][]string, len(notes))
		workers := max(1, min(runtime.GOMAXPROCS(0), len(notes)/500+1))
		share := (len(notes) + workers - 1) / workers
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				var f targetFiler
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
	var f targetFiler
	for _, n := range read {
		lk.add(n.Path, f.keys(n))
	}
}

func (lk *linkKeys) add(p string, keys []string) {
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
	ids := make([]uint32, len(keys))
	for i, k := range keys {
		id, ok := lk.ids[k]
		if !ok {
			id = uint32(len(lk.notes))
			lk.ids[k] = id
			lk.notes = append(lk.notes, nil)
		}
		ids[i] = id
		lk.notes[id] = append(lk.notes[id], doc)
	}
	lk.keysOf[doc] = ids
}

func (lk *linkKeys) remove(p string) {
	doc, ok := lk.docs[p]
	if !ok {
		return
	}
	delete(lk.docs, p)
	for _, id := range lk.keysOf[doc] {
		docs := lk.notes[id]
		if i := slices.Index(docs, doc); i >= 0 {
			docs[i] = docs[len(docs)-1]
			lk.notes[id] = docs[:len(docs)-1]
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
		if id, ok := lk.ids[k]; ok {
			for _, doc := range lk.notes[id] {
				out = append(out, lk.paths[doc])
			}
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
	links  []note.Link
	seen   map[string]bool
	folded map[string]string
	buf    []byte
}

// keys returns the distinct keys n's link targets are filed under.
func (f *targetFiler) keys(n *note.Note) []string {
	f.links = n.LinkList(f.links[:0])
	if len(f.links) == 0 {
		return nil
	}
	if f.seen == nil {
		f.seen, f.folded = map[string]bool{}, map[string]string{}
	}
	clear(f.seen)
	var out []string
	for li := range f.links {
		t := strings.TrimPrefix(strings.TrimSpace(f.links[li].Target), "/")
		var last string
		for _, q := range [...]string{t, dialect.PathName(t), path.Base(t), dialect.StemOf(t)} {
			if q == "" || q == last {
				continue
			}
			last = q
			var k string
			if isASCII(q) {
				f.buf = appendSkeleton(f.buf[:0], q)
				if f.seen[string(f.buf)] {
					continue
				}
				k = string(f.buf)
			} else {
				var ok bool
				if k, ok = f.folded[q]; !ok {
					k = fold.Key(fold.Compact, q)
					f.folded[q] = k
				}
			}
			if !f.seen[k] {
				f.seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
