package snapshot

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/regularfile"
)

// A pack holds many objects in one file, so that storing the ~80k contents
// of a large apply costs one file creation, one rename and one fsync
// instead of ~80k of each. Objects are stored in frames: the contents of
// one group (the before and after of one file) back to back, encoded as a
// loose object file is (format tag, then zstd frames or the raw bytes).
// Compressed together, the after of a file costs little more than the
// bytes that changed, and one zstd call serves two objects. Layout
// (integers little-endian):
//
//	header   "RLPACK\x00\x01"
//	frames   back to back
//	index    one 56-byte entry per object, sorted by hash: SHA-256 (32),
//	         offset (8) and length (8) of its frame in the file, offset (4)
//	         and length (4) of the object in the decoded frame
//	trailer  index offset (8), entry count (8), SHA-256 of the index (32),
//	         "RLPKEND\x01"
//
// A pack appears by an atomic rename once complete and is never modified;
// Prune replaces a pack holding unreferenced objects by a new one holding
// only the referenced ones.
const (
	packsDir        = "packs"
	packExt         = ".pack"
	packEntrySize   = sha256.Size + 8 + 8 + 4 + 4
	packTrailerSize = 8 + 8 + sha256.Size + 8
)

var (
	packMagic    = []byte("RLPACK\x00\x01")
	packEndMagic = []byte("RLPKEND\x01")
)

// pack is an open, readable pack file.
type pack struct {
	name  string // store-relative, slash-separated
	f     *os.File
	index []byte // the sorted entries
}

func (p *pack) len() int { return len(p.index) / packEntrySize }

func (p *pack) hash(i int) []byte { return p.index[i*packEntrySize : i*packEntrySize+sha256.Size] }

// packEntry locates one object: its frame in the pack file, and its bytes
// in the decoded frame.
type packEntry struct {
	hash             Hash
	frameOff, frameN int64
	off, n           int
}

func (p *pack) entry(i int) packEntry {
	b := p.index[i*packEntrySize : (i+1)*packEntrySize]
	var e packEntry
	copy(e.hash[:], b)
	b = b[sha256.Size:]
	e.frameOff = int64(binary.LittleEndian.Uint64(b))
	e.frameN = int64(binary.LittleEndian.Uint64(b[8:]))
	e.off = int(binary.LittleEndian.Uint32(b[16:]))
	e.n = int(binary.LittleEndian.Uint32(b[20:]))
	return e
}

func appendEntry(b []byte, e packEntry) []byte {
	b = append(b, e.hash[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(e.frameOff))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.frameN))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.off))
	return binary.LittleEndian.AppendUint32(b, uint32(e.n))
}

func (p *pack) find(h Hash) (int, bool) {
	i := sort.Search(p.len(), func(i int) bool { return bytes.Compare(p.hash(i), h[:]) >= 0 })
	return i, i < p.len() && bytes.Equal(p.hash(i), h[:])
}

// frame returns the decoded frame of e.
func (p *pack) frame(e packEntry) ([]byte, error) {
	b := make([]byte, e.frameN)
	if _, err := p.f.ReadAt(b, e.frameOff); err != nil {
		return nil, fmt.Errorf("object %s in %s: %w", e.hash, p.name, err)
	}
	data, err := decodeFrame(b)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w (in %s)", e.hash, err, p.name)
	}
	return data, nil
}

// objectIn cuts e's object out of its decoded frame and checks its hash.
func (p *pack) objectIn(e packEntry, frame []byte) ([]byte, error) {
	if e.off+e.n > len(frame) {
		return nil, fmt.Errorf("object %s: %w: beyond the end of its frame (in %s)", e.hash, ErrCorrupt, p.name)
	}
	data := frame[e.off : e.off+e.n : e.off+e.n]
	if got := Sum(data); got != e.hash {
		return nil, fmt.Errorf("object %s: %w: content hashes to %s (in %s)", e.hash, ErrCorrupt, got, p.name)
	}
	return data, nil
}

// object returns the content of entry i, checked against its hash.
func (p *pack) object(i int) ([]byte, error) {
	e := p.entry(i)
	frame, err := p.frame(e)
	if err != nil {
		return nil, err
	}
	return p.objectIn(e, frame)
}

// openPack opens the pack name and checks its header, trailer and index.
// The objects themselves are checked when read.
func openPack(root *os.Root, name string) (*pack, error) {
	f, _, err := regularfile.Open(root, name)
	if err != nil {
		return nil, err
	}
	p, err := readPackIndex(f, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

func readPackIndex(f *os.File, name string) (*pack, error) {
	corrupt := func(why string) error { return fmt.Errorf("%s: %w: %s", name, ErrCorrupt, why) }
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		return nil, corrupt("not a regular file")
	}
	if size < int64(len(packMagic)+packTrailerSize) {
		return nil, corrupt("too short for a pack")
	}
	head := make([]byte, len(packMagic))
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	if !bytes.Equal(head, packMagic) {
		return nil, corrupt("not a pack (bad header)")
	}
	tr := make([]byte, packTrailerSize)
	if _, err := f.ReadAt(tr, size-packTrailerSize); err != nil {
		return nil, err
	}
	if !bytes.Equal(tr[packTrailerSize-len(packEndMagic):], packEndMagic) {
		return nil, corrupt("no index trailer")
	}
	end := binary.LittleEndian.Uint64(tr)
	count := binary.LittleEndian.Uint64(tr[8:])
	room := uint64(size - packTrailerSize)
	if end < uint64(len(packMagic)) || end > room || count > room/packEntrySize || end+count*packEntrySize != room {
		return nil, corrupt("index out of bounds")
	}
	index := make([]byte, count*packEntrySize)
	if _, err := f.ReadAt(index, int64(end)); err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(index); !bytes.Equal(sum[:], tr[16:16+sha256.Size]) {
		return nil, corrupt("index checksum mismatch")
	}
	p := &pack{name: name, f: f, index: index}
	for i := range p.len() {
		if i > 0 && bytes.Compare(p.hash(i-1), p.hash(i)) >= 0 {
			return nil, corrupt("index not sorted")
		}
		e := p.entry(i)
		if e.frameOff < int64(len(packMagic)) || e.frameN < 1 || e.frameOff > int64(end) || e.frameN > int64(end)-e.frameOff || e.n > MaxObjectSize {
			return nil, corrupt("index entry out of bounds")
		}
	}
	return p, nil
}

// packWriter streams objects into a new pack. add is safe for concurrent
// use.
type packWriter struct {
	mu      sync.Mutex
	w       *atomicfile.TempWriter
	name    string
	entries []byte // unsorted index entries
}

func (s *Store) newPackWriter() (*packWriter, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	name := path.Join(packsDir, hex.EncodeToString(b[:])+packExt)
	w, err := atomicfile.Create(s.root, name, objectPerm)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(packMagic); err != nil {
		_ = w.Discard()
		return nil, err
	}
	return &packWriter{w: w, name: name}, nil
}

// add appends one frame: enc, the encoded form of the objects of hashes
// and sizes, back to back.
func (pw *packWriter) add(enc []byte, hashes []Hash, sizes []int) error {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	off := pw.w.Size()
	if _, err := pw.w.Write(enc); err != nil {
		return err
	}
	at := 0
	for k, h := range hashes {
		pw.entries = appendEntry(pw.entries, packEntry{hash: h, frameOff: off, frameN: int64(len(enc)), off: at, n: sizes[k]})
		at += sizes[k]
	}
	return nil
}

// finish writes the index and trailer and returns the pack staged, ready
// to publish.
func (pw *packWriter) finish(sync bool) (*atomicfile.Staged, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	n := len(pw.entries) / packEntrySize
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return bytes.Compare(pw.entries[a*packEntrySize:a*packEntrySize+sha256.Size], pw.entries[b*packEntrySize:b*packEntrySize+sha256.Size])
	})
	index := make([]byte, 0, len(pw.entries))
	for _, i := range order {
		index = append(index, pw.entries[i*packEntrySize:(i+1)*packEntrySize]...)
	}
	end := pw.w.Size()
	sum := sha256.Sum256(index)
	tr := binary.LittleEndian.AppendUint64(nil, uint64(end))
	tr = binary.LittleEndian.AppendUint64(tr, uint64(n))
	tr = append(append(tr, sum[:]...), packEndMagic...)
	if _, err := pw.w.Write(index); err != nil {
		_ = pw.w.Discard()
		return nil, err
	}
	if _, err := pw.w.Write(tr); err != nil {
		_ = pw.w.Discard()
		return nil, err
	}
	return pw.w.Stage(sync)
}

func (pw *packWriter) discard() { _ = pw.w.Discard() }

// packSet is the store's view of packs/: the packs it could read, and why
// it could not read the others.
type packSet struct {
	mu      sync.RWMutex
	loaded  bool
	packs   []*pack
	bad     map[string]error
	retired []*pack // gone from packs/, kept open until Close for readers still using them
}

// loadPacks reads packs/ the first time, and again when refresh is set:
// packs that appeared are opened, packs that disappeared are dropped.
func (s *Store) loadPacks(refresh bool) error {
	ps := &s.packs
	ps.mu.RLock()
	done := ps.loaded && !refresh
	ps.mu.RUnlock()
	if done {
		return nil
	}
	ents, err := fs.ReadDir(s.root.FS(), packsDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read packs: %w", err)
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	have := map[string]*pack{}
	for _, p := range ps.packs {
		have[p.name] = p
	}
	var packs []*pack
	bad := map[string]error{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), packExt) || strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		name := path.Join(packsDir, e.Name())
		if p, ok := have[name]; ok {
			packs = append(packs, p)
			delete(have, name)
			continue
		}
		if err, ok := ps.bad[name]; ok {
			bad[name] = err
			continue
		}
		p, err := openPack(s.root, name)
		if err != nil {
			bad[name] = err
			continue
		}
		packs = append(packs, p)
	}
	for _, p := range have {
		ps.retired = append(ps.retired, p)
	}
	ps.packs, ps.bad, ps.loaded = packs, bad, true
	return nil
}

// addPack makes a pack this Store just wrote readable at once.
func (s *Store) addPack(name string) error {
	p, err := openPack(s.root, name)
	if err != nil {
		return err
	}
	s.packs.mu.Lock()
	s.packs.packs = append(s.packs.packs, p)
	s.packs.mu.Unlock()
	return nil
}

// packed returns the packs holding h, with its entry in each.
func (s *Store) packed(h Hash) (ps []*pack, idx []int) {
	s.packs.mu.RLock()
	defer s.packs.mu.RUnlock()
	for _, p := range s.packs.packs {
		if i, ok := p.find(h); ok {
			ps, idx = append(ps, p), append(idx, i)
		}
	}
	return ps, idx
}

func (s *Store) closePacks() error {
	s.packs.mu.Lock()
	defer s.packs.mu.Unlock()
	var errs []error
	for _, p := range append(s.packs.packs, s.packs.retired...) {
		errs = append(errs, p.f.Close())
	}
	s.packs.packs, s.packs.retired, s.packs.loaded = nil, nil, false
	return errors.Join(errs...)
}
