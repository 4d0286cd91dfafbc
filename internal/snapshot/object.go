package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/relinkmd/relink/internal/atomicfile"
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
	encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	})
	decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxObjectSize))
	})
)

// objectName returns the store-relative name of the object h.
func objectName(h Hash) string {
	s := h.String()
	return path.Join(objectsDir, s[:2], s)
}

// encodeObject returns the on-disk form of data: zstd if that is smaller,
// raw otherwise.
func encodeObject(data []byte) ([]byte, error) {
	enc, err := encoder()
	if err != nil {
		return nil, err
	}
	z := enc.EncodeAll(data, append(make([]byte, 0, len(data)/2+16), tagZstd))
	if len(z) < len(data)+1 {
		return z, nil
	}
	return append(append(make([]byte, 0, len(data)+1), tagRaw), data...), nil
}

// decodeObject inverts encodeObject and checks the content against h.
func decodeObject(h Hash, b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("object %s: %w: empty file", h, ErrCorrupt)
	}
	var data []byte
	switch b[0] {
	case tagRaw:
		data = b[1:]
	case tagZstd:
		dec, err := decoder()
		if err != nil {
			return nil, err
		}
		data, err = dec.DecodeAll(b[1:], nil)
		if err != nil {
			return nil, fmt.Errorf("object %s: %w: %v", h, ErrCorrupt, err)
		}
	default:
		return nil, fmt.Errorf("object %s: %w: unknown format tag %q", h, ErrCorrupt, b[0])
	}
	if got := Sum(data); got != h {
		return nil, fmt.Errorf("object %s: %w: content hashes to %s", h, ErrCorrupt, got)
	}
	return data, nil
}

// PutObject stores data as an object and returns its hash. It is idempotent
// and safe for concurrent use: an object that already exists is not written
// again. When PutObject returns nil the object is durable (file and
// directories fsynced).
//
// An object that no manifest or journal references may be deleted by Prune
// at any time; Begin is the way to store objects that must survive.
func (s *Store) PutObject(data []byte) (Hash, error) {
	h := Sum(data)
	if len(data) > MaxObjectSize {
		return h, fmt.Errorf("put object: %d bytes exceeds the %d byte limit", len(data), MaxObjectSize)
	}
	name := objectName(h)
	if _, err := s.root.Lstat(name); err == nil {
		return h, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	if err := s.ensureFanout(path.Dir(name)); err != nil {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	b, err := encodeObject(data)
	if err != nil {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	if err := atomicfile.Write(s.root, name, b, objectPerm); err != nil {
		return h, fmt.Errorf("put object: %w", err)
	}
	return h, nil
}

// PutObjectNoSync stores data as an object like PutObject, in parallel
// with other calls if the caller likes, but without making it durable: the
// object file is written to a temp file and renamed into place, unsynced.
// Call SyncObjects once after a batch of them, before writing anything that
// references the objects (Begin's journal does).
//
// An object that already exists is checked (it may be the unsynced leftover
// of a run that crashed before its SyncObjects, damaged by a power loss) and
// rewritten if damaged. Where SyncObjects cannot flush the file system in
// one call, PutObjectNoSync is PutObject.
func (s *Store) PutObjectNoSync(data []byte) (Hash, error) {
	if !atomicfile.CanSyncFS {
		return s.PutObject(data)
	}
	h := Sum(data)
	if len(data) > MaxObjectSize {
		return h, fmt.Errorf("put object: %d bytes exceeds the %d byte limit", len(data), MaxObjectSize)
	}
	name := objectName(h)
	if _, err := s.root.Lstat(name); err == nil {
		if _, err := s.GetObject(h); err == nil {
			s.addUnsynced(name, "")
			return h, nil
		}
		// Damaged: replace it below (the rename replaces the read-only file).
	} else if !errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	dir := path.Dir(name)
	created, err := s.makeFanout(dir)
	if err != nil {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	if created {
		s.addUnsynced("", objectsDir)
	}
	b, err := encodeObject(data)
	if err != nil {
		return h, fmt.Errorf("put object %s: %w", h, err)
	}
	st, err := atomicfile.Stage(s.root, name, b, objectPerm, false)
	if err != nil {
		return h, fmt.Errorf("put object: %w", err)
	}
	if err := st.Publish(); err != nil {
		return h, fmt.Errorf("put object: %w", err)
	}
	s.addUnsynced(name, dir)
	return h, nil
}

func (s *Store) addUnsynced(file, dir string) {
	s.unsyncedMu.Lock()
	defer s.unsyncedMu.Unlock()
	if s.unsynced == nil {
		s.unsynced = map[string]bool{}
	}
	if file != "" {
		s.unsynced[file] = false
	}
	if dir != "" {
		s.unsynced[dir] = true
	}
}

// SyncObjects makes every object stored by PutObjectNoSync durable, with
// the directory entries that name them. On Linux it flushes the store's
// file system once (syncfs); otherwise, or if that fails, it fsyncs each
// object file and each object directory touched.
func (s *Store) SyncObjects() error {
	s.unsyncedMu.Lock()
	pending := s.unsynced
	s.unsynced = nil
	s.unsyncedMu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	if atomicfile.SyncFS(s.root, ".") == nil {
		return nil
	}
	var files, dirs []string
	for name, isDir := range pending {
		if isDir {
			dirs = append(dirs, name)
		} else {
			files = append(files, name)
		}
	}
	slices.Sort(files)
	slices.Sort(dirs)
	for _, name := range files {
		if err := s.syncFile(name); err != nil {
			return fmt.Errorf("sync objects: %w", err)
		}
	}
	// objects/xx before objects, so that a new fanout directory's entry is
	// synced after its content.
	slices.Reverse(dirs)
	for _, d := range dirs {
		if err := atomicfile.SyncDir(s.root, d); err != nil {
			return fmt.Errorf("sync objects: %w", err)
		}
	}
	return nil
}

func (s *Store) syncFile(name string) error {
	f, err := s.root.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ensureFanout creates objects/xx and makes its entry durable.
func (s *Store) ensureFanout(dir string) error {
	created, err := s.makeFanout(dir)
	if err != nil || !created {
		return err
	}
	if err := atomicfile.SyncDir(s.root, objectsDir); err != nil {
		s.fanout.Delete(dir)
		return err
	}
	return nil
}

// makeFanout creates objects/xx if needed, and reports whether it did; the
// caller makes the new entry durable.
func (s *Store) makeFanout(dir string) (bool, error) {
	if _, ok := s.fanout.Load(dir); ok {
		return false, nil
	}
	if fi, err := s.root.Lstat(dir); err == nil && fi.IsDir() {
		s.fanout.Store(dir, true)
		return false, nil
	}
	err := s.root.Mkdir(dir, dirPerm)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return false, err
	}
	// On ErrExist another goroutine just made it: sync it all the same.
	s.fanout.Store(dir, true)
	return true, nil
}

// GetObject returns the content of object h after checking that it hashes
// to h. A missing object is reported with ErrNotFound, a damaged one with
// ErrCorrupt.
func (s *Store) GetObject(h Hash) ([]byte, error) {
	b, err := s.root.ReadFile(objectName(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("object %s: %w", h, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", h, err)
	}
	return decodeObject(h, b)
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
