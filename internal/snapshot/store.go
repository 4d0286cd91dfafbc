package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/regularfile"
)

// FormatVersion is the manifest and journal format this package reads and
// writes.
const FormatVersion = 1

// Store layout versions. Version 2 keeps objects in packs; this package
// reads version 1 stores (one file per object under objects/) as well, and
// makes one version 2 when it first writes a pack into it. Version 3 adds
// file names that are not valid UTF-8 (FileEntry's path_base64): a store
// becomes version 3 only when it first records such a name, so that a
// relink that would read the name wrongly refuses the store instead, and
// every other store stays readable by the relinks that read version 2.
const (
	packsVersion     = 2
	byteNamesVersion = 3
	// StoreVersion is the newest layout this package reads and writes.
	StoreVersion = byteNamesVersion
)

// Names inside the store directory.
const (
	configName  = "config"
	objectsDir  = "objects"
	snapsDir    = "snapshots"
	journalName = "journal.json"
	lockName    = "lock"
)

// Permissions: the store holds copies of the user's notes, so it is private.
const (
	dirPerm      os.FileMode = 0o700
	filePerm     os.FileMode = 0o600
	objectPerm   os.FileMode = 0o400 // objects and manifests are immutable
	manifestPerm os.FileMode = 0o400
)

var (
	// ErrNotFound reports a missing object or snapshot.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous reports a snapshot id prefix that matches several snapshots.
	ErrAmbiguous = errors.New("ambiguous snapshot id")
	// ErrCorrupt reports an object, manifest or journal whose content does not
	// match its name or format.
	ErrCorrupt = errors.New("corrupt")
	// ErrPending reports that an operation was begun and neither committed nor
	// aborted (a crash): recover it (see Pending) before beginning another.
	ErrPending = errors.New("an unfinished operation is pending")
	// ErrNotLocked reports a mutating call made without holding the lock
	// (see Store.Lock).
	ErrNotLocked = errors.New("snapshot store is not locked by this process")
	// ErrNotStore reports a directory that is neither empty nor a store.
	ErrNotStore = errors.New("not a relink snapshot store")
	// ErrEmptyPolicy reports a Prune with a policy that keeps nothing.
	ErrEmptyPolicy = errors.New("empty retention policy")
)

// Store is a snapshot store on disk. Its methods are safe for concurrent use
// by multiple goroutines; Begin, Commit, Abort and Prune require the store
// lock, held through this Store (see Lock).
type Store struct {
	// Now returns the current time; nil means time.Now. Tests may set it
	// before use to get predictable snapshot ids and times.
	Now func() time.Time

	dir  string
	root *os.Root

	upgradeMu sync.Mutex
	version   int // of the store's config

	looseOnce sync.Once
	loose     bool // objects/ holds loose objects

	packs packSet

	mu   sync.Mutex
	lock *os.File // the lock file, while held
}

type config struct {
	Version int `json:"version"`
}

// Open opens the store in dir, creating it (and dir) if needed. A directory
// that has no config file must be empty, so that a mistyped path never
// litters someone's folder. Open refuses a store written by a newer format.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	s := &Store{dir: abs, root: root}
	if err := s.init(); err != nil {
		root.Close()
		return nil, fmt.Errorf("open snapshot store %s: %w", abs, err)
	}
	return s, nil
}

// NoteCacheDir is the folder of the store directory that holds the note
// cache (internal/notecache): relink's state stays in one place outside the
// vault, and a store may hold it before its first snapshot.
const NoteCacheDir = "notecache"

func (s *Store) init() error {
	return s.initOnce(true)
}

// initOnce reads the config, or makes the folder a store. retry: another
// process may create the store between the config's absence and the
// listing of the folder; seeing its config there, read it again.
func (s *Store) initOnce(retry bool) error {
	b, err := regularfile.Read(s.root, configName)
	switch {
	case err == nil:
		var c config
		if err := json.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("%s: %w: %v", s.fileName(configName), ErrCorrupt, err)
		}
		if c.Version < 1 {
			return fmt.Errorf("%s: %w: version %d", s.fileName(configName), ErrCorrupt, c.Version)
		}
		if c.Version > StoreVersion {
			return fmt.Errorf("store format version %d is newer than this relink supports (%d)", c.Version, StoreVersion)
		}
		s.version = c.Version
	case errors.Is(err, fs.ErrNotExist):
		ents, err := fs.ReadDir(s.root.FS(), ".")
		if err != nil {
			return err
		}
		for _, e := range ents {
			if e.Name() == configName && retry {
				return s.initOnce(false)
			}
		}
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), atomicfile.TempPrefix) && e.Name() != NoteCacheDir {
				return fmt.Errorf("%w: no config file and not empty", ErrNotStore)
			}
		}
		b, _ := json.Marshal(config{Version: packsVersion})
		if err := atomicfile.Write(s.root, configName, append(b, '\n'), filePerm); err != nil {
			return err
		}
		s.version = packsVersion
	default:
		return err
	}
	data := packsDir
	if s.version < packsVersion {
		data = objectsDir
	}
	for _, d := range []string{data, snapsDir} {
		if err := s.root.Mkdir(d, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return atomicfile.SyncDir(s.root, ".")
}

// Dir returns the absolute path of the store directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the lock if this Store holds it, and the directory handle.
func (s *Store) Close() error {
	s.mu.Lock()
	held := s.lock != nil
	s.mu.Unlock()
	var err error
	if held {
		err = s.unlock()
	}
	return errors.Join(err, s.closePacks(), s.root.Close())
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// remove deletes a file, clearing a read-only attribute if the platform
// refuses to delete read-only files (Windows).
func (s *Store) remove(name string) error {
	err := s.root.Remove(name)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if cerr := s.root.Chmod(name, filePerm); cerr == nil {
		if err2 := s.root.Remove(name); err2 == nil || errors.Is(err2, fs.ErrNotExist) {
			return nil
		}
	}
	return err
}
