// Package plancache keeps each note's plan between runs (plan.Memo), so
// that a run on a vault where few notes changed resolves the links of
// those notes only. Its file lives beside the note cache.
//
// # Invariants
//
//   - A plan is used only under the context it was made in (plan.ContextSum:
//     every note's names, headings and anchors, the vault's other files,
//     the dialect, level and options) and for links with the digest
//     recorded (note.Note.LinksDigest); the file is also tied to the
//     executable. Anything else is a miss.
//   - Each entry carries a CRC-32C, checked when it is used: a damaged
//     entry is a miss, the others still hit.
//   - A missing, unreadable or damaged file is an empty cache, never an
//     error; writes go through a temporary file and a rename.
package plancache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/relinkmd/relink/internal/notecache"
)

const formatVersion = 1

var magic = []byte("relink plancache\n")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Cache is the plan cache of one run. Lookup and Record are safe for
// concurrent use.
type Cache struct {
	file  string
	ready chan struct{} // closed once the file is loaded
	// From the file: its tag and context, and its entries by path.
	tag     []byte
	context [32]byte
	old     []entry
	byPath  map[string]int32 // index into old
	// This run's context and tag (Begin); lookups miss until they match
	// the file's.
	begun bool
	match bool
	cur   []byte
	ctx   [32]byte

	mu    sync.Mutex
	fresh map[string]freshEntry // recorded this run
}

type entry struct {
	path   string
	digest [32]byte
	enc    []byte
	raw    []byte // the whole entry as in the file
	crc    uint32
	used   atomic.Bool // looked up in this run
}

type freshEntry struct {
	digest [32]byte
	enc    []byte
}

// Open starts loading the cache file in the background, mapped (the
// process must load the vault only once: the plans read from it point
// into the mapping).
func Open(file string) *Cache {
	c := &Cache{file: file, ready: make(chan struct{}), fresh: map[string]freshEntry{}}
	go func() {
		defer close(c.ready)
		if b, err := notecache.Map(file); err == nil {
			c.decode(b)
		}
	}()
	return c
}

// Begin sets the run's tag (the executable and anything else the caller
// ties plans to) and context. Call it once, before Lookup.
func (c *Cache) Begin(tag string, context [32]byte) {
	<-c.ready
	c.cur, c.ctx, c.begun = []byte(tag), context, true
	c.match = c.old != nil && bytes.Equal(c.tag, c.cur) && c.context == context
}

// NumbersStable reports that every plan Lookup returns was recorded under
// this run's context (plan.StableNumbering): Lookup answers nothing else.
func (c *Cache) NumbersStable() bool { return true }

// Lookup returns the plan recorded for the note at path with links digest
// d, when its context and tag are this run's.
func (c *Cache) Lookup(path string, d [32]byte) ([]byte, bool) {
	if !c.match {
		return nil, false
	}
	i, ok := c.byPath[path]
	if !ok {
		return nil, false
	}
	e := &c.old[i]
	if e.digest != d || crc32.Checksum(e.raw[:len(e.raw)-4], castagnoli) != e.crc {
		return nil, false
	}
	e.used.Store(true)
	return e.enc, true
}

// Record keeps the plan of the note at path for the next run.
func (c *Cache) Record(path string, d [32]byte, enc []byte) {
	c.mu.Lock()
	c.fresh[path] = freshEntry{d, enc}
	c.mu.Unlock()
}

// Hits returns how many notes' plans came from the cache: entries found
// and not recorded again (a plan found whose fragment targets changed is
// made again and recorded).
func (c *Cache) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for i := range c.old {
		if e := &c.old[i]; e.used.Load() {
			if _, again := c.fresh[e.path]; !again {
				n++
			}
		}
	}
	return n
}

func (c *Cache) allUsed() bool {
	for i := range c.old {
		if !c.old[i].used.Load() {
			return false
		}
	}
	return true
}

// Save writes the plans used or recorded in this run, in path order,
// unless they are the file's already.
func (c *Cache) Save() error {
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.begun || len(c.fresh) == 0 && c.match && c.allUsed() {
		return nil
	}
	paths := make([]string, 0, len(c.fresh)+len(c.old))
	for p := range c.fresh {
		paths = append(paths, p)
	}
	for i := range c.old {
		if e := &c.old[i]; e.used.Load() {
			if _, ok := c.fresh[e.path]; !ok {
				paths = append(paths, e.path)
			}
		}
	}
	slices.SortFunc(paths, strings.Compare)
	return notecache.WriteAtomic(c.file, func(w *bufio.Writer) error {
		head := append([]byte(nil), magic...)
		head = binary.AppendUvarint(head, formatVersion)
		head = binary.AppendUvarint(head, uint64(len(c.cur)))
		head = append(head, c.cur...)
		head = append(head, c.ctx[:]...)
		head = binary.AppendUvarint(head, uint64(len(paths)))
		w.Write(head)
		var b []byte
		for _, p := range paths {
			f, ok := c.fresh[p]
			if !ok {
				w.Write(c.old[c.byPath[p]].raw)
				continue
			}
			b = binary.AppendUvarint(b[:0], uint64(len(p)))
			b = append(b, p...)
			b = append(b, f.digest[:]...)
			b = binary.AppendUvarint(b, uint64(len(f.enc)))
			b = append(b, f.enc...)
			b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
			w.Write(b)
		}
		return nil
	})
}

// decode reads the file's header and indexes its entries; a damaged
// header or entry list leaves the cache empty.
func (c *Cache) decode(b []byte) {
	if !bytes.HasPrefix(b, magic) {
		return
	}
	r := reader{b: b[len(magic):]}
	if r.uvarint() != formatVersion {
		return
	}
	tag := r.take(int(r.uvarint()))
	ctx := r.take(32)
	count := r.uvarint()
	// Every entry takes more than 32 bytes: a larger count is damage and
	// must not size the map.
	if r.bad || count > uint64(len(r.b)/32) {
		return
	}
	old := make([]entry, count)
	byPath := make(map[string]int32, count)
	for i := range old {
		start := r.b
		pb := r.take(int(r.uvarint()))
		d := r.take(32)
		enc := r.take(int(r.uvarint()))
		crc := r.take(4)
		if r.bad {
			return
		}
		e := &old[i]
		e.path = unsafe.String(unsafe.SliceData(pb), len(pb))
		e.enc, e.raw, e.crc = enc, start[:len(start)-len(r.b)], binary.LittleEndian.Uint32(crc)
		copy(e.digest[:], d)
		byPath[e.path] = int32(i)
	}
	c.tag, c.old, c.byPath = tag, old, byPath
	copy(c.context[:], ctx)
}

type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) take(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad, r.b = true, nil
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}
