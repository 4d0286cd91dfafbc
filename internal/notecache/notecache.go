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
//     an error: the cache only saves time. Writes are atomic (temp file,
//     rename), so a crash leaves the old file or the new one.
//
// apply compares each file's SHA-256 with the one taken when its note was
// parsed before it rewrites anything, so even a stale entry could not lead
// to a wrong rewrite, only to a skipped file.
package notecache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/relinkmd/relink/internal/note"
)

// Settle is how long a file must have been left alone before its note is
// recorded (coarse file-system clocks tick every 1–2 s).
const Settle = 2 * time.Second

// formatVersion changes whenever the file layout or note.AppendBinary does.
const formatVersion = 1

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

type entry struct {
	key  Key
	note []byte // note.AppendBinary form
}

// Cache is one vault's cache for one run. Lookup and Put are safe for
// concurrent use.
type Cache struct {
	file     string
	tag      []byte // executable and options: entries from another tag are ignored
	start    int64  // run start, ns
	old      map[string]*entry
	oldUsed  map[string]bool
	mu       sync.Mutex
	fresh    map[string]*entry
	freshLen int
}

// Open loads the cache file; options is a description of everything that
// changes how notes are parsed. A cache file that is missing, unreadable,
// corrupt, or written by another executable or with other options gives an
// empty cache.
func Open(file, options string) *Cache {
	c := &Cache{
		file:    file,
		tag:     []byte(executableTag() + "\x00" + options),
		start:   time.Now().UnixNano(),
		old:     map[string]*entry{},
		oldUsed: map[string]bool{},
		fresh:   map[string]*entry{},
	}
	if b, err := os.ReadFile(file); err == nil {
		if old, err := decodeFile(b, c.tag); err == nil {
			c.old = old
		}
	}
	return c
}

// executableTag names the running binary by path, size and times, so that
// a rebuilt relink, whose parser may differ, never reads an older cache.
func executableTag() string {
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
}

// Lookup returns the cached note of the file at vault path p, whose key is
// k, when there is one; withSum asks for an entry that carries the file's
// SHA-256.
func (c *Cache) Lookup(p string, k Key, withSum bool) (*note.Note, bool) {
	e := c.old[p]
	if e == nil || e.key != k {
		return nil, false
	}
	n, rest, err := note.DecodeBinary(e.note)
	if err != nil || len(rest) != 0 || n.Path != p || withSum && n.Sum == ([32]byte{}) {
		return nil, false
	}
	c.mu.Lock()
	c.oldUsed[p] = true
	c.mu.Unlock()
	return &n, true
}

// Hits reports how many notes came from the cache so far.
func (c *Cache) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.oldUsed)
}

// Put records the note parsed from the file at vault path p, whose key
// (taken before the read) is k. Notes that could not be parsed, and files
// changed too recently to be trusted, are not recorded.
func (c *Cache) Put(p string, k Key, n *note.Note) {
	if n.Err != nil || k.Mtime >= c.start-int64(Settle) || k.Ctime >= c.start-int64(Settle) {
		return
	}
	e := &entry{key: k, note: n.AppendBinary(nil)}
	c.mu.Lock()
	c.fresh[p] = e
	c.freshLen += len(e.note)
	c.mu.Unlock()
}

// Save writes the cache file with the entries used or added in this run
// (entries of notes no longer in the vault are dropped), unless nothing
// changed. It creates the cache's folder.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.fresh) == 0 && len(c.oldUsed) == len(c.old) {
		return nil
	}
	size := len(magic) + len(c.tag) + 32 + c.freshLen
	for p, used := range c.oldUsed {
		if used && c.fresh[p] == nil {
			size += len(p) + len(c.old[p].note) + 48
		}
	}
	b := make([]byte, 0, size)
	b = append(b, magic...)
	b = binary.AppendUvarint(b, formatVersion)
	b = appendBytes(b, c.tag)
	for p, e := range c.fresh {
		b = appendEntry(b, p, e)
	}
	for p := range c.oldUsed {
		if c.fresh[p] == nil {
			b = appendEntry(b, p, c.old[p])
		}
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	return writeAtomic(c.file, b)
}

func appendEntry(b []byte, p string, e *entry) []byte {
	b = appendBytes(b, []byte(p))
	b = binary.AppendVarint(b, e.key.Size)
	b = binary.AppendVarint(b, e.key.Mtime)
	b = binary.AppendVarint(b, e.key.Ctime)
	b = binary.AppendUvarint(b, e.key.Ino)
	b = binary.AppendUvarint(b, e.key.Dev)
	return appendBytes(b, e.note)
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errCorrupt = errors.New("corrupt note cache")

// decodeFile reads a cache file's entries; the notes themselves are
// decoded on lookup.
func decodeFile(b, tag []byte) (map[string]*entry, error) {
	if len(b) < len(magic)+4 || !bytes.HasPrefix(b, magic) {
		return nil, errCorrupt
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errCorrupt
	}
	r := reader{b: body[len(magic):]}
	if r.uvarint() != formatVersion || !bytes.Equal(r.bytes(), tag) || r.err {
		return nil, errCorrupt
	}
	out := map[string]*entry{}
	for len(r.b) > 0 && !r.err {
		p := string(r.bytes())
		e := &entry{}
		e.key.Size = r.varint()
		e.key.Mtime = r.varint()
		e.key.Ctime = r.varint()
		e.key.Ino = r.uvarint()
		e.key.Dev = r.uvarint()
		e.note = r.bytes()
		out[p] = e
	}
	if r.err {
		return nil, errCorrupt
	}
	return out, nil
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

// writeAtomic replaces file with b: a reader sees the old file or the new
// one, never a part.
func writeAtomic(file string, b []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".notes-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(b)
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
