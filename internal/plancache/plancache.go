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
//   - Beside its plan, an entry keeps what a change of names needs to
//     tell whether the plan still holds (About, given to Save): the hashes
//     its note's link targets are filed under, the hint keys of its broken
//     links and the note's names; the file keeps the former names in force
//     in its run. A run whose context is not the file's may still use the
//     entries a change of names cannot touch (BeginExcept); its caller
//     proves which those are. An entry recorded without its keys makes
//     Linking say no.
package plancache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/relinkmd/relink/internal/notecache"
)

const formatVersion = 2

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
	formers []Former
	old     []entry
	byPath  map[string]int32 // index into old
	// This run's context and tag (Begin); lookups miss until they match
	// the file's.
	begun      bool
	match      bool
	cur        []byte
	ctx        [32]byte
	curFormers []Former
	// except, when not nil, holds the paths whose entries miss although
	// the context is not the file's (BeginExcept): the run reuses every
	// other entry across a change of names.
	except map[string]bool
	// renumbered says notes were added or removed since the file's run.
	renumbered bool

	mu    sync.Mutex
	fresh map[string]freshEntry // recorded this run
}

// About is what a change of names reads of a note's entry besides its
// plan.
type About struct {
	// Keys are the hashes its link targets are filed under (the file
	// keeps their low 32 bits); nil when not known (then the entry cannot
	// be told untouched by a change).
	Keys []uint64
	// Hints are the hint keys of its broken links.
	Hints []string
	// Names is the caller's encoding of the note's names as the plan's
	// run saw them (nil when not known).
	Names []byte
}

type entry struct {
	path   string
	digest [32]byte
	enc    []byte
	about  []byte // About's encoding
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
// ties plans to) and context, for a run with no former names in force:
// the file's plans are used only when they were made without any too.
// Call it (or BeginExcept, or BeginAfresh) once, before Lookup.
func (c *Cache) Begin(tag string, context [32]byte) {
	<-c.ready
	c.cur, c.ctx, c.begun = []byte(tag), context, true
	c.match = c.old != nil && bytes.Equal(c.tag, c.cur) && c.context == context && len(c.formers) == 0
}

// Former is a former name of a renamed note, in force in a run: links
// that the ladder leaves broken are matched against them.
type Former struct{ Path, Title string }

// Context returns the context the file's plans were made in and the
// former names then in force, when the file was written by the
// executable tag names.
func (c *Cache) Context(tag string) ([32]byte, []Former, bool) {
	<-c.ready
	return c.context, c.formers, c.old != nil && string(c.tag) == tag
}

// BeginExcept is Begin for a run whose context or former names differ
// from the file's by a change of names: every entry but those of the
// notes at replan is used as if made in this context. The caller has
// made sure that the change cannot touch their plans (workspace's
// nameChange.replan).
//
// samePaths says the run's notes are the file's, path for path in order:
// a note number in an entry still names the note it named
// (NumbersStable).
func (c *Cache) BeginExcept(tag string, context [32]byte, formers []Former, replan []string, samePaths bool) {
	<-c.ready
	c.cur, c.ctx, c.curFormers, c.begun = []byte(tag), context, formers, true
	c.renumbered = !samePaths
	c.match = c.old != nil && bytes.Equal(c.tag, c.cur)
	c.except = make(map[string]bool, len(replan))
	for _, p := range replan {
		c.except[p] = true
	}
}

// BeginAfresh is Begin for a run that uses none of the file's plans: it
// records its own, made with formers in force.
func (c *Cache) BeginAfresh(tag string, context [32]byte, formers []Former) {
	<-c.ready
	c.cur, c.ctx, c.curFormers, c.begun = []byte(tag), context, formers, true
	c.match = false
}

// NumbersStable reports that every plan Lookup returns was recorded under
// this run's context (plan.StableNumbering): Lookup answers nothing else,
// unless the run reuses plans across a change of names (BeginExcept),
// which may have added or removed notes.
func (c *Cache) NumbersStable() bool { return !c.renumbered }

// Linking returns the paths of the file's entries whose notes have a link
// filed under one of hashes; ok is false when an entry does not say what
// its links are filed under.
func (c *Cache) Linking(hashes map[uint64]bool) (paths []string, ok bool) {
	<-c.ready
	// The keys' low 32 bits, as the entries keep them, with a first look
	// through a bit set: most keys are in none of hashes.
	var filter [64]uint64
	low := make(map[uint32]bool, len(hashes))
	for h := range hashes {
		l := uint32(h)
		low[l] = true
		filter[l>>26] |= 1 << (l & 63)
	}
	found, whole := shards(c.old, func(e *entry, out []string) ([]string, bool) {
		keys, _, _, ok := aboutParts(e.about)
		if !ok || keys == nil {
			return out, false
		}
		for k := 0; k+4 <= len(keys); k += 4 {
			h := binary.LittleEndian.Uint32(keys[k:])
			if filter[h>>26]&(1<<(h&63)) != 0 && low[h] {
				return append(out, e.path), true
			}
		}
		return out, true
	})
	if !whole {
		return nil, false
	}
	return found, true
}

// Broken calls yield with the hint keys of the broken links of each entry
// that has some, among those with a hint key keep takes; they point into
// the file's mapping.
func (c *Cache) Broken(keep func(hint string) bool, yield func(path string, hints []string)) {
	<-c.ready
	type found struct {
		path  string
		hints []string
	}
	var all []found
	var mu sync.Mutex
	shards(c.old, func(e *entry, _ []string) ([]string, bool) {
		_, hb, _, ok := aboutParts(e.about)
		if !ok || len(hb) < 2 {
			return nil, true
		}
		r := reader{b: hb}
		n := r.uvarint()
		hints := make([]string, 0, min(n, uint64(len(hb))))
		kept := false
		for range n {
			// Into the file's memory, as the paths are: it stays.
			h := r.take(int(r.uvarint()))
			hint := unsafe.String(unsafe.SliceData(h), len(h))
			hints = append(hints, hint)
			kept = kept || keep(hint)
		}
		if !r.bad && kept {
			mu.Lock()
			all = append(all, found{e.path, hints})
			mu.Unlock()
		}
		return nil, true
	})
	slices.SortFunc(all, func(a, b found) int { return strings.Compare(a.path, b.path) })
	for _, f := range all {
		yield(f.path, f.hints)
	}
}

// shards calls visit on every entry of old, on every core, and returns
// what the calls appended, in order; whole is false when a call said so
// (the rest may not be visited).
func shards(old []entry, visit func(e *entry, out []string) ([]string, bool)) (out []string, whole bool) {
	n := max(1, min(runtime.GOMAXPROCS(0), len(old)/4096))
	parts := make([][]string, n)
	failed := atomic.Bool{}
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			var ok bool
			for i := w * len(old) / n; i < (w+1)*len(old)/n && !failed.Load(); i++ {
				if parts[w], ok = visit(&old[i], parts[w]); !ok {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return slices.Concat(parts...), !failed.Load()
}

// NamesOf returns the names recorded beside the plan of the note at path
// (About.Names).
func (c *Cache) NamesOf(path string) ([]byte, bool) {
	<-c.ready
	i, ok := c.byPath[path]
	if !ok {
		return nil, false
	}
	_, _, names, ok := aboutParts(c.old[i].about)
	return names, ok && names != nil
}

// Paths returns the paths of the file's plans, in order.
func (c *Cache) Paths() []string {
	<-c.ready
	out := make([]string, len(c.old))
	for i := range c.old {
		out[i] = c.old[i].path
	}
	return out
}

// Lookup returns the plan recorded for the note at path with links digest
// d, when its context and tag are this run's.
func (c *Cache) Lookup(path string, d [32]byte) ([]byte, bool) {
	if !c.match || c.except[path] {
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
// unless they are the file's already. about, when not nil, gives what a
// change of names reads of each note whose plan was recorded.
func (c *Cache) Save(about func(path string) About) error {
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.begun || len(c.fresh) == 0 && c.match && c.except == nil && len(c.curFormers) == 0 && c.allUsed() {
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
		head = binary.AppendUvarint(head, uint64(len(c.curFormers)))
		for _, f := range c.curFormers {
			head = binary.AppendUvarint(head, uint64(len(f.Path)))
			head = append(head, f.Path...)
			head = binary.AppendUvarint(head, uint64(len(f.Title)))
			head = append(head, f.Title...)
		}
		head = binary.AppendUvarint(head, uint64(len(paths)))
		w.Write(head)
		var b, ab []byte
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
			var a About
			if about != nil {
				a = about(p)
			}
			ab = appendAbout(ab[:0], a)
			b = binary.AppendUvarint(b, uint64(len(ab)))
			b = append(b, ab...)
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
	nf := r.uvarint()
	if nf > uint64(len(r.b)) {
		return
	}
	var formers []Former
	for range nf {
		p := string(r.take(int(r.uvarint())))
		formers = append(formers, Former{Path: p, Title: string(r.take(int(r.uvarint())))})
	}
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
		about := r.take(int(r.uvarint()))
		crc := r.take(4)
		if r.bad {
			return
		}
		e := &old[i]
		e.path = unsafe.String(unsafe.SliceData(pb), len(pb))
		e.enc, e.about, e.raw, e.crc = enc, about, start[:len(start)-len(r.b)], binary.LittleEndian.Uint32(crc)
		copy(e.digest[:], d)
		byPath[e.path] = int32(i)
	}
	c.tag, c.old, c.byPath, c.formers = tag, old, byPath, formers
	copy(c.context[:], ctx)
}

// appendAbout appends a's encoding: 1 and the keys (or 0 when they are
// not known), then the hints.
func appendAbout(b []byte, a About) []byte {
	if a.Keys == nil {
		b = append(b, 0)
	} else {
		// The low 32 bits of each: a key's hash equal to another's only
		// makes the notes Linking finds more, and the file is 11 MB
		// smaller at 100,000 notes.
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(a.Keys)))
		for _, k := range a.Keys {
			b = binary.LittleEndian.AppendUint32(b, uint32(k))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(a.Hints)))
	for _, h := range a.Hints {
		b = binary.AppendUvarint(b, uint64(len(h)))
		b = append(b, h...)
	}
	if a.Names == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(a.Names)))
	return append(b, a.Names...)
}

// aboutParts splits an entry's About encoding: keys (nil when not known),
// the hints' part, and names (nil when not known).
func aboutParts(b []byte) (keys, hints, names []byte, ok bool) {
	r := reader{b: b}
	if r.uvarint() != 0 {
		keys = r.take(4 * int(r.uvarint()))
		if keys == nil {
			keys = []byte{}
		}
	}
	start := r.b
	for n := r.uvarint(); n > 0 && !r.bad; n-- {
		r.take(int(r.uvarint()))
	}
	if r.bad {
		return nil, nil, nil, false
	}
	hints = start[:len(start)-len(r.b)]
	if r.uvarint() != 0 {
		names = r.take(int(r.uvarint()))
	}
	return keys, hints, names, !r.bad
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
