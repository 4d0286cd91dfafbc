package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/regularfile"
)

// Object format tags: the first byte of every object file.
const (
	tagZstd = 'z' // rest is one or more zstd frames
	tagRaw  = 'r' // rest is the bytes themselves
)

// MaxObjectSize bounds the uncompressed size of one object. It also bounds
// what a corrupt or hostile zstd frame can make GetObject allocate.
const MaxObjectSize = 1 << 30

var (
	// SpeedFastest: the higher levels took most of a large apply's CPU for
	// a few percent less. No zstd checksum: every read checks the
	// content's SHA-256, which the checksum would only repeat.
	encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false))
	})
	decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxObjectSize))
	})
)

// objectName returns the store-relative name of the loose object h (the
// layout of stores of version 1).
func objectName(h Hash) string {
	s := h.String()
	return path.Join(objectsDir, s[:2], s)
}

// encodeObject returns the stored form of data, in buf's memory if it is
// large enough: zstd if that is smaller, raw otherwise.
func encodeObject(data, buf []byte) ([]byte, error) {
	enc, err := encoder()
	if err != nil {
		return nil, err
	}
	z := enc.EncodeAll(data, append(buf[:0], tagZstd))
	if len(z) < len(data)+1 {
		return z, nil
	}
	return append(append(z[:0], tagRaw), data...), nil
}

// decodeObject inverts encodeObject and checks the content against h.
func decodeObject(h Hash, b []byte) ([]byte, error) {
	data, err := decodeFrame(b)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", h, err)
	}
	if got := Sum(data); got != h {
		return nil, fmt.Errorf("object %s: %w: content hashes to %s", h, ErrCorrupt, got)
	}
	return data, nil
}

// decodeFrame inverts encodeObject.
func decodeFrame(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrCorrupt)
	}
	switch b[0] {
	case tagRaw:
		return b[1:], nil
	case tagZstd:
		dec, err := decoder()
		if err != nil {
			return nil, err
		}
		data, err := dec.DecodeAll(b[1:], nil)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%w: unknown format tag %q", ErrCorrupt, b[0])
}

// PutObject stores data as an object and returns its hash; see PutObjects.
func (s *Store) PutObject(data []byte) (Hash, error) {
	hs, err := s.PutObjects([][][]byte{{data}})
	if err != nil {
		return Sum(data), err
	}
	return hs[0][0], nil
}

// maxFrame bounds the contents compressed together in one frame, so that
// reading one object never decodes much more than itself.
const maxFrame = 16 << 20

// PutObjects stores contents as objects and returns their hashes, in the
// shape of groups. The contents of one group are compressed together (give
// the versions of one file as a group: the later ones then cost little
// more than their changes). It is idempotent: contents already in the
// store (checked, since an object left by a run that crashed before its
// barrier may be damaged) and repeated contents are stored once. The rest
// are hashed and compressed on all cores into one new pack. When
// PutObjects returns nil every object is durable: the pack and its folder
// are fsynced, and so are the files holding the contents found already
// stored. (An fsync of the one pack, not a syncfs: that would also flush
// whatever else is being written to the file system.)
//
// An object that no manifest or journal references may be deleted by Prune
// at any time; Begin is the way to store objects that must survive.
func (s *Store) PutObjects(groups [][][]byte) ([][]Hash, error) {
	for _, g := range groups {
		for _, d := range g {
			if len(d) > MaxObjectSize {
				return nil, fmt.Errorf("put object: %d bytes exceeds the %d byte limit", len(d), MaxObjectSize)
			}
		}
	}
	o, err := s.newObjects()
	if err != nil {
		return nil, fmt.Errorf("put objects: %w", err)
	}
	hashes := make([][]Hash, len(groups))
	errs := make([]error, len(groups))
	var stopping atomic.Bool
	each(len(groups), func(g int, sc *scratch) {
		if stopping.Load() {
			return
		}
		hashes[g] = make([]Hash, len(groups[g]))
		if errs[g] = o.put(groups[g], nil, hashes[g], sc); errs[g] != nil {
			stopping.Store(true)
		}
	})
	if err := errors.Join(errs...); err != nil {
		o.discard()
		return nil, err
	}
	if err := o.finish(); err != nil {
		return nil, err
	}
	return hashes, nil
}

// objects stores the contents of one operation, from many goroutines, in
// one new pack (created by the first content not already stored).
type objects struct {
	s       *Store
	claimed sync.Map // Hash: stored by this call, or being stored
	pwMu    sync.Mutex
	pw      *packWriter
	foundMu sync.Mutex
	found   map[string]bool // files holding contents already stored
}

func (s *Store) newObjects() (*objects, error) {
	if err := s.upgrade(packsVersion); err != nil {
		return nil, err
	}
	if err := s.loadPacks(true); err != nil {
		return nil, err
	}
	return &objects{s: s, found: map[string]bool{}}, nil
}

func (o *objects) writer() (*packWriter, error) {
	o.pwMu.Lock()
	defer o.pwMu.Unlock()
	if o.pw == nil {
		w, err := o.s.newPackWriter()
		if err != nil {
			return nil, err
		}
		o.pw = w
	}
	return o.pw, nil
}

// put stores the contents of one group and sets hashes to their hashes.
// known, if not nil, holds hashes the caller computed already (zero: not
// known). It is safe for concurrent use, each goroutine with its own
// scratch.
func (o *objects) put(group [][]byte, known, hashes []Hash, sc *scratch) error {
	sc.datas, sc.hashes, sc.sizes = sc.datas[:0], sc.hashes[:0], sc.sizes[:0]
	for k, d := range group {
		var h Hash
		if known != nil {
			h = known[k]
		}
		if h.IsZero() {
			h = Sum(d)
		}
		hashes[k] = h
		if _, dup := o.claimed.LoadOrStore(h, true); dup {
			continue
		}
		if o.s.mayHave(h) {
			if _, where, err := o.s.getObject(h, false); err == nil {
				o.foundMu.Lock()
				o.found[where] = true
				o.foundMu.Unlock()
				continue
			}
		}
		sc.datas, sc.hashes, sc.sizes = append(sc.datas, d), append(sc.hashes, h), append(sc.sizes, len(d))
	}
	for len(sc.datas) > 0 {
		n, size := 1, len(sc.datas[0])
		for n < len(sc.datas) && size+len(sc.datas[n]) <= maxFrame {
			size += len(sc.datas[n])
			n++
		}
		w, err := o.writer()
		if err == nil {
			err = sc.encode(sc.datas[:n])
		}
		if err == nil {
			err = w.add(sc.enc, sc.hashes[:n], sc.sizes[:n])
		}
		if err != nil {
			return fmt.Errorf("put object %s: %w", sc.hashes[0], err)
		}
		sc.datas, sc.hashes, sc.sizes = sc.datas[n:], sc.hashes[n:], sc.sizes[n:]
	}
	return nil
}

// finish makes every object put durable: it completes, fsyncs and
// publishes the pack, and fsyncs the files that held contents already.
func (o *objects) finish() error {
	if pw := o.pw; pw != nil {
		o.pw = nil
		st, err := pw.finish(true)
		if err != nil {
			return fmt.Errorf("put objects: %w", err)
		}
		if err := st.Publish(); err != nil {
			return fmt.Errorf("put objects: %w", err)
		}
		if err := atomicfile.SyncDir(o.s.root, packsDir); err != nil {
			return fmt.Errorf("sync objects: %w", err)
		}
		if err := o.s.addPack(pw.name); err != nil {
			return fmt.Errorf("put objects: %w", err)
		}
	}
	if err := o.s.syncFound(o.found); err != nil {
		return fmt.Errorf("sync objects: %w", err)
	}
	return nil
}

// discard drops the pack being written, if any.
func (o *objects) discard() {
	if o.pw != nil {
		o.pw.discard()
		o.pw = nil
	}
}

// syncFound makes durable the files holding contents PutObjects found
// already stored (they may be the unsynced leftovers of a crashed run):
// an fsync each, or, for the many loose objects of a version 1 store, one
// syncfs where available.
func (s *Store) syncFound(found map[string]bool) error {
	if len(found) == 0 {
		return nil
	}
	if len(found) > 64 && atomicfile.CanSyncFS && atomicfile.SyncFS(s.root, ".") == nil {
		return nil
	}
	names := make([]string, 0, len(found))
	for name := range found {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := s.syncFile(name); err != nil {
			return err
		}
	}
	return nil
}

// scratch is one PutObjects worker's reusable memory.
type scratch struct {
	datas  [][]byte
	hashes []Hash
	sizes  []int
	joined []byte // the contents of a frame, back to back
	enc    []byte // the encoded frame
}

// encode sets sc.enc to the frame holding datas.
func (sc *scratch) encode(datas [][]byte) error {
	in := datas[0]
	if j, ok := adjacent(datas); ok {
		in = j
	} else if len(datas) > 1 {
		sc.joined = sc.joined[:0]
		for _, d := range datas {
			sc.joined = append(sc.joined, d...)
		}
		in = sc.joined
	}
	var err error
	sc.enc, err = encodeObject(in, sc.enc)
	return err
}

// adjacent returns datas as one slice when they lie back to back in one
// array (a file's before and after content read and spliced into one
// buffer), so that they can be compressed together without a copy.
func adjacent(datas [][]byte) ([]byte, bool) {
	all := datas[0]
	for _, d := range datas[1:] {
		if len(d) == 0 {
			continue
		}
		if cap(all)-len(all) < len(d) || &all[:len(all)+1][len(all)] != &d[0] {
			return nil, false
		}
		all = all[:len(all)+len(d)]
	}
	return all, true
}

// each runs fn(0..n-1) on GOMAXPROCS goroutines, each with its own
// scratch memory.
func each(n int, fn func(i int, sc *scratch)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(n, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			var sc scratch
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i, &sc)
			}
		})
	}
	wg.Wait()
}

// upgrade raises the store's version to at least v before it records
// something an older layout cannot hold: a version 1 store (loose objects
// only) becomes version 2 before its first pack is written, and a store
// becomes version 3 before its first file name that is not UTF-8, so that
// a relink too old to read them refuses the store instead of missing
// their objects or reading the names wrong.
func (s *Store) upgrade(v int) error {
	s.upgradeMu.Lock()
	defer s.upgradeMu.Unlock()
	if s.version >= v {
		return nil
	}
	b, _ := json.Marshal(config{Version: v})
	if err := atomicfile.Write(s.root, configName, append(b, '\n'), filePerm); err != nil {
		return err
	}
	if err := s.root.Mkdir(packsDir, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := atomicfile.SyncDir(s.root, "."); err != nil {
		return err
	}
	s.version = v
	return nil
}

func (s *Store) syncFile(name string) error {
	f, err := s.root.OpenFile(name, regularfile.OpenFlags, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// GetObject returns the content of object h after checking that it hashes
// to h. A missing object is reported with ErrNotFound, a damaged one with
// ErrCorrupt.
func (s *Store) GetObject(h Hash) ([]byte, error) {
	data, _, err := s.getObject(h, true)
	return data, err
}

// getObject looks for h as a loose object (stores of version 1), then in
// every pack, and returns the first copy that checks out, with the name of
// the file holding it. With refresh, when no good copy is found it rereads
// packs/ in case another process added a pack since, and tries again.
func (s *Store) getObject(h Hash, refresh bool) ([]byte, string, error) {
	var first error
	if s.hasLoose() {
		name := objectName(h)
		b, err := regularfile.Read(s.root, name)
		switch {
		case err == nil:
			data, err := decodeObject(h, b)
			if err == nil {
				return data, name, nil
			}
			first = err
		case !errors.Is(err, fs.ErrNotExist):
			first = fmt.Errorf("object %s: %w", h, err)
		}
	}
	if err := s.loadPacks(false); err != nil {
		return nil, "", err
	}
	for attempt := 0; attempt < 2; attempt++ {
		ps, idx := s.packed(h)
		for k, p := range ps {
			data, err := p.object(idx[k])
			if err == nil {
				return data, p.name, nil
			}
			if first == nil {
				first = err
			}
		}
		if !refresh {
			break
		}
		if err := s.loadPacks(true); err != nil {
			return nil, "", err
		}
	}
	if first != nil {
		return nil, "", first
	}
	return nil, "", fmt.Errorf("object %s: %w", h, ErrNotFound)
}

// mayHave reports whether h may be stored: it is when a pack's index
// lists it or the store has loose objects. A large apply into a store
// without its contents asks this of every one, and getObject would build
// an error for each.
func (s *Store) mayHave(h Hash) bool {
	if s.hasLoose() {
		return true
	}
	if err := s.loadPacks(false); err != nil {
		return true
	}
	s.packs.mu.RLock()
	defer s.packs.mu.RUnlock()
	for _, p := range s.packs.packs {
		if _, ok := p.find(h); ok {
			return true
		}
	}
	return false
}

// hasLoose reports whether objects/ holds anything: only stores written by
// version 1 do, and the others need not look there for every object.
func (s *Store) hasLoose() bool {
	s.looseOnce.Do(func() {
		ents, err := fs.ReadDir(s.root.FS(), objectsDir)
		s.loose = err != nil && !errors.Is(err, fs.ErrNotExist) || len(ents) > 0
	})
	return s.loose
}

// Read returns the content of the object ref names, checking its hash and
// size; a convenience for restoring a FileEntry's Before or After.
func (s *Store) Read(ref ObjectRef) ([]byte, error) {
	data, err := s.GetObject(ref.SHA256)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) != ref.Size {
		return nil, fmt.Errorf("object %s: %w: size %d, manifest says %d", ref.SHA256, ErrCorrupt, len(data), ref.Size)
	}
	return data, nil
}
