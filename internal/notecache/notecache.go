// Package notecache keeps the parsed form of every note between runs, so
// that a note whose file has not changed since it was last parsed is not
// read and parsed again: on an unchanged vault a run stats each file
// instead of reading it. The file lives in the vault's snapshot folder
// (SPEC §7: relink writes nowhere else outside the vault); its place is the
// caller's choice.
//
// # Invariants
//
//   - An entry is used only when the file's size, modification time,
//     change time, inode and device all equal the ones recorded when it
//     was parsed. Every write to a file moves its change time, which no
//     program can set back.
//   - An entry is recorded only when both times are more than Settle
//     before the run started: a file written within the clock's
//     granularity of its read could change again without moving them
//     (git's "racily clean" entries). Such notes are parsed again next
//     run, and recorded then.
//   - The cache is tied to the executable (its path, size and times) and
//     to the parse options: another build of relink, or other options,
//     starts from an empty cache.
//   - A missing, unreadable or corrupt cache file is an empty cache, never
//     an error: the cache only saves time. The file is written whole
//     through a temp file and a rename, or, when a run parsed a few notes
//     again, the new entries are appended to the file the run loaded (and
//     only to that one): a later entry of a path supersedes the earlier,
//     and a crash mid-append leaves a cut last entry, which the next run
//     ignores and which makes it write the file whole. Bytes once written
//     are never changed, so a mapping keeps the bytes it was made with.
//   - Superseded entries and those of notes no longer in the vault stay
//     in the file until they are a quarter of it; then it is written whole.
//
// apply compares each file's SHA-256 with the one taken when its note was
// parsed before it rewrites anything, so even a stale entry could not lead
// to a wrong rewrite, only to a skipped file.
package notecache

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/regularfile"
)

// Settle is how long a file must have been left alone before its note is
// recorded (coarse file-system clocks tick every 1–2 s).
const Settle = 2 * time.Second

// settle is Settle but in tests that shorten it (SettleForTests).
var settle atomic.Int64

func init() { settle.Store(int64(Settle)) }

// SettleForTests makes a file count as left alone once d has passed, not
// Settle, until restore is called: the tests of other packages that run
// the cache over a vault changed step by step would otherwise wait
// seconds per step. d must exceed the file system clock's granularity.
func SettleForTests(d time.Duration) (restore func()) {
	old := settle.Swap(int64(d))
	return func() { settle.Store(old) }
}

// formatVersion changes whenever the file layout or note.AppendBinary does.
// 3: entries may follow the count written in the header (appends).
// 4: a note's packed links are followed by their digest (a flag byte, and
// the digest when the note was parsed for the cache).
// 5: a note's content hash follows its SHA-256.
const formatVersion = 5

var magic = []byte("relink notecache\n")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Key is what identifies one version of a file.
type Key struct {
	Size, Mtime, Ctime int64 // times in nanoseconds
	Ino, Dev           uint64
}

// KeyOf returns the key of a regular file's FileInfo; ok is false on
// systems where it cannot be had (no cache there) and for anything but a
// regular file.
func KeyOf(fi fs.FileInfo) (k Key, ok bool) {
	if !fi.Mode().IsRegular() {
		return Key{}, false
	}
	return keyOf(fi)
}

// The file is the magic, the format version, the tag and the number of
// entries written with the header, then one entry per note: its path, key
// and binary note (note.AppendBinary), and a CRC-32C of those; appended
// entries follow to the end of the file. Each entry carries its own
// checksum so that a run checks the entries it uses, in its parallel
// readers, rather than the whole file first, in one thread (115 MB for
// 100,000 notes).
type entry struct {
	key  Key
	raw  []byte // the whole entry as in the file, checksum included
	note []byte // note.AppendBinary form
	used atomic.Bool
}

// Cache is one vault's cache for one run. Lookup and Put are safe for
// concurrent use.
type Cache struct {
	file  string
	tag   []byte // executable and options: entries from another tag are ignored
	start int64  // run start, ns
	// ready is closed once the file is loaded into old and byPath; until
	// then Lookup waits, while the vault is being walked.
	ready  chan struct{}
	old    []entry
	byPath map[string]int32
	// loaded is the file old came from, when its entries run to its end
	// under this tag: the one file new entries may be appended to.
	loaded    loadedFile
	appendOK  bool
	entryFrom int64 // offset of the first entry
	mu        sync.Mutex
	fresh     map[string]freshEntry
	// missed are the paths looked up and not found as they are.
	missed []string
}

// loadedFile identifies the cache file a run read (ok false where files
// have no key: then it is always written whole).
type loadedFile struct {
	key Key
	ok  bool
}

// identify returns the identity of the open file f.
func identify(f *os.File) loadedFile {
	fi, err := f.Stat()
	if err != nil {
		return loadedFile{}
	}
	k, ok := KeyOf(fi)
	return loadedFile{k, ok}
}

// readFile reads file, as loaded.
func readFile(file string) ([]byte, loadedFile, error) {
	// Never a blocking open: the cache may be in a store inside the
	// vault, where a named pipe may take its name.
	f, _, err := regularfile.OpenPath(file)
	if err != nil {
		return nil, loadedFile{}, err
	}
	defer f.Close()
	id := identify(f)
	b, err := io.ReadAll(f)
	return b, id, err
}

type freshEntry struct {
	key Key
	enc []byte
}

// Open loads the cache file in the background; options is a description
// of everything that changes how notes are parsed. A cache file that is
// missing, unreadable, corrupt, or written by another executable or with
// other options gives an empty cache; so does a corrupt entry, alone.
func Open(file, options string) *Cache {
	return open(file, options, readFile)
}

// OpenMapped is Open with the file mapped into memory rather than read: a
// fraction of the cost for a large cache, but the mapping is never
// released (cached notes' strings point into it), so it is for a process
// that loads a vault once. Where files cannot be mapped it reads.
func OpenMapped(file, options string) *Cache {
	return open(file, options, mapFile)
}

func open(file, options string, load func(string) ([]byte, loadedFile, error)) *Cache {
	c := &Cache{
		file:  file,
		tag:   []byte(executableTag() + "\x00" + options),
		start: time.Now().UnixNano(),
		ready: make(chan struct{}),
		fresh: map[string]freshEntry{},
	}
	go func() {
		defer close(c.ready)
		if b, id, err := load(file); err == nil {
			var whole bool
			c.old, c.byPath, c.entryFrom, whole = decodeFile(b, c.tag)
			c.loaded, c.appendOK = id, whole && id.ok && id.key.Size == int64(len(b))
		}
	}()
	return c
}

// ExecutableTag identifies the running executable by its path, size and
// times: what one build of relink derived, another does not read.
func ExecutableTag() string { return executableTag() }

// Map returns a file's contents mapped into memory where the system can
// (read-only, never unmapped: for a process that loads a vault once), or
// read.
func Map(file string) ([]byte, error) {
	b, _, err := mapFile(file)
	return b, err
}

// WriteAtomic writes file through write into a temporary file beside it,
// then renames it into place, creating its folder if needed.
func WriteAtomic(file string, write func(*bufio.Writer) error) error {
	return writeAtomic(file, write)
}

// executableTag names the running binary by path, size and times, so that
// a rebuilt relink, whose parser may differ, never reads an older cache.
// Worked out once: each of the three caches asks.
var executableTag = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown executable"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown executable"
	}
	k, _ := keyOf(fi)
	return fmt.Sprintf("%s %d %d %d %d %d", exe, k.Size, k.Mtime, k.Ctime, k.Ino, k.Dev)
})

// Lookup returns the cached note of the file at vault path p, whose key is
// k, when there is one; withSum asks for an entry that carries the file's
// SHA-256. The note's links are packed (note.Note.LinkList).
func (c *Cache) Lookup(p string, k Key, withSum bool) (*note.Note, bool) {
	<-c.ready
	i, ok := c.byPath[p]
	if !ok || c.old[i].key != k {
		c.miss(p)
		return nil, false
	}
	e := &c.old[i]
	n, ok := e.decode(p)
	if !ok || withSum && n.Sum == ([32]byte{}) {
		c.miss(p)
		return nil, false
	}
	e.used.Store(true)
	return n, true
}

func (c *Cache) miss(p string) {
	c.mu.Lock()
	c.missed = append(c.missed, p)
	c.mu.Unlock()
}

// decode returns the entry's note, when the entry is intact and the note
// at p.
func (e *entry) decode(p string) (*note.Note, bool) {
	if !e.intact() {
		return nil, false
	}
	n, rest, err := note.DecodeBinary(e.note)
	if err != nil || len(rest) != 0 || n.Path != p {
		return nil, false
	}
	return &n, true
}

// Missed returns the paths Lookup did not find as they are, sorted: the
// notes read again in this run.
func (c *Cache) Missed() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(slices.Values(c.missed))
}

// intact reports whether the entry's checksum holds.
func (e *entry) intact() bool {
	body := e.raw[:len(e.raw)-4]
	return crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(e.raw[len(body):])
}

// Hits reports how many notes came from the cache so far.
func (c *Cache) Hits() int {
	<-c.ready
	hits := 0
	for i := range c.old {
		if c.old[i].used.Load() {
			hits++
		}
	}
	return hits
}

// Put records the note parsed from the file at vault path p, whose key
// (taken before the read) is k, in its binary form enc (note.Note.Pack).
// Files changed too recently to be trusted are not recorded; nor should
// notes that could not be parsed be given.
func (c *Cache) Put(p string, k Key, enc []byte) {
	if d := settle.Load(); k.Mtime >= c.start-d || k.Ctime >= c.start-d {
		return
	}
	c.mu.Lock()
	c.fresh[p] = freshEntry{k, enc}
	c.mu.Unlock()
}

// Save records the notes parsed in this run for the next: it appends
// their entries to the file the run loaded, or, when that file is not
// there any more, not this run's, or would hold more than a quarter of
// entries no run uses (superseded, or of notes no longer in the vault),
// writes the file whole with the entries used or added in this run. It
// does nothing when no note was parsed and the file is in good shape. It
// creates the cache's folder.
func (c *Cache) Save() error {
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	var kept int64 // bytes of the loaded entries still used
	for p, i := range c.byPath {
		if _, ok := c.fresh[p]; !ok && c.old[i].used.Load() {
			kept += int64(len(c.old[i].raw))
		}
	}
	if size := c.loaded.key.Size; c.appendOK && size-c.entryFrom-kept <= size/4 {
		if len(c.fresh) == 0 {
			return nil // the common case: a run on an unchanged vault
		}
		if err := c.appendFresh(); err == nil {
			return nil
		}
		// The file changed under this run (another run wrote it): this
		// run's view replaces it.
	}
	return c.writeWhole()
}

// freshPaths returns the paths of the notes parsed in this run, in order.
func (c *Cache) freshPaths() []string {
	ps := make([]string, 0, len(c.fresh))
	for p := range c.fresh {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// appendFresh appends the entries of the notes parsed in this run to the
// file loaded, in one write, after checking that the file is still that
// one, as loaded.
func (c *Cache) appendFresh() error {
	var buf []byte
	for _, p := range c.freshPaths() {
		buf = appendEntry(buf, p, c.fresh[p])
	}
	f, err := os.OpenFile(c.file, os.O_WRONLY|os.O_APPEND|regularfile.NonBlock, 0)
	if err != nil {
		return err
	}
	if identify(f) != c.loaded {
		err = errFileChanged
	} else {
		_, err = f.Write(buf)
	}
	return errors.Join(err, f.Close())
}

var errFileChanged = errors.New("the cache file is not the one loaded")

// writeWhole replaces the file with the entries used or parsed in this
// run, in path order: the order in which a run looks notes up and then
// reads their links, so that neighbouring notes share pages of the mapping.
func (c *Cache) writeWhole() error {
	type item struct {
		path string
		raw  []byte // a kept entry, or nil for a fresh one
	}
	var items []item
	for p, i := range c.byPath {
		if _, ok := c.fresh[p]; !ok && c.old[i].used.Load() {
			items = append(items, item{p, c.old[i].raw})
		}
	}
	for p := range c.fresh {
		items = append(items, item{path: p})
	}
	if len(items) == 0 && c.old == nil {
		return nil // nothing to keep, and no file of this run's to empty
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.path, b.path) })
	return writeAtomic(c.file, func(w *bufio.Writer) error {
		w.Write(magic)
		w.Write(binary.AppendUvarint(nil, formatVersion))
		w.Write(appendBytes(nil, c.tag))
		w.Write(binary.AppendUvarint(nil, uint64(len(items))))
		var buf []byte
		for _, it := range items {
			if it.raw != nil {
				w.Write(it.raw)
				continue
			}
			buf = appendEntry(buf[:0], it.path, c.fresh[it.path])
			w.Write(buf)
		}
		return nil
	})
}

// appendEntry appends the entry of a note parsed in this run.
func appendEntry(b []byte, p string, f freshEntry) []byte {
	start := len(b)
	b = appendEntryHead(b, p, f.key, len(f.enc))
	b = append(b, f.enc...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

// appendEntryHead appends what comes before an entry's note: its path, its
// key and the note's length.
func appendEntryHead(b []byte, p string, k Key, noteLen int) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	b = append(b, p...)
	b = binary.AppendVarint(b, k.Size)
	b = binary.AppendVarint(b, k.Mtime)
	b = binary.AppendVarint(b, k.Ctime)
	b = binary.AppendUvarint(b, k.Ino)
	b = binary.AppendUvarint(b, k.Dev)
	return binary.AppendUvarint(b, uint64(noteLen))
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decodeFile reads a cache file's entries (their notes are decoded, and
// their checksums checked, on lookup), the header's and those appended
// after them; of two entries of one path the later counts. A file of
// another format or tag has none; a cut or garbled entry ends the list.
// It returns the offset of the first entry and whether the entries run to
// the end of b. Paths share b's memory.
func decodeFile(b, tag []byte) (entries []entry, byPath map[string]int32, from int64, whole bool) {
	if !bytes.HasPrefix(b, magic) {
		return nil, nil, 0, false
	}
	r := reader{b: b[len(magic):]}
	if r.uvarint() != formatVersion || !bytes.Equal(r.bytes(), tag) || r.err {
		return nil, nil, 0, false
	}
	// Every entry takes more than 8 bytes: a larger count is corrupt, and
	// must not size the tables.
	count := r.uvarint()
	if r.err || count > uint64(len(r.b)/8) {
		return nil, nil, 0, false
	}
	from = int64(len(b) - len(r.b))
	// Room for the entries appended after the count as well: growing a
	// 100k-entry list and map took ~40 ms.
	size := min(count+count/4+64, uint64(len(r.b)/8))
	entries = make([]entry, 0, size)
	byPath = make(map[string]int32, size)
	for len(r.b) > 0 {
		start := r.b
		pb := r.bytes()
		var k Key
		k.Size = r.varint()
		k.Mtime = r.varint()
		k.Ctime = r.varint()
		k.Ino = r.uvarint()
		k.Dev = r.uvarint()
		nb := r.bytes()
		r.bytes4()
		if r.err {
			break
		}
		p := unsafe.String(unsafe.SliceData(pb), len(pb))
		byPath[p] = int32(len(entries))
		entries = append(entries, entry{key: k, raw: start[:len(start)-len(r.b)], note: nb})
	}
	return entries, byPath, from, !r.err
}

type reader struct {
	b   []byte
	err bool
}

func (r *reader) uvarint() uint64 {
	v, k := binary.Uvarint(r.b)
	if k <= 0 {
		r.err, r.b = true, nil
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *reader) varint() int64 {
	v, k := binary.Varint(r.b)
	if k <= 0 {
		r.err, r.b = true, nil
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err, r.b = true, nil
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

// bytes4 skips an entry's checksum.
func (r *reader) bytes4() {
	if len(r.b) < 4 {
		r.err, r.b = true, nil
		return
	}
	r.b = r.b[4:]
}

// writeAtomic replaces file with what write writes: a reader sees the old
// file or the new one, never a part.
func writeAtomic(file string, write func(*bufio.Writer) error) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(file)+"-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	w := bufio.NewWriterSize(f, 1<<20)
	werr := write(w)
	if werr == nil {
		werr = w.Flush()
	}
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
