package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Staged is a temp file written next to its target by [Stage] and not yet
// renamed over it. Call [Staged.Publish] to replace the target, or
// [Staged.Discard] to drop it.
type Staged struct {
	root      *os.Root
	dir       *Dir   // the folder, when staged by Dir.Stage through its descriptor
	name      string // clean, OS separators
	slash     string
	tmp       string
	published bool
	gone      bool // temp renamed or removed
}

// Stage does the first half of [Write]: it checks the target (refusing a
// symlink or non-regular file as Write does), creates a temp file
// ".relink-tmp-<random>" in the target's directory and writes data to it,
// with the target's permission bits and (best effort) owner, or perm &^
// umask for a new file. The fault step after-temp-write is consulted.
//
// With sync false the temp file is not fsynced: the caller must make it
// durable before [Staged.Publish], with one [SyncFS] of the file system (or,
// where that is unsupported, [Staged.Sync]). With sync true it is fsynced as
// Write does.
//
// On error no temp file is left behind and the target is untouched.
func Stage(root *os.Root, name string, data []byte, perm os.FileMode, sync bool) (*Staged, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	slash := filepath.ToSlash(name)
	wrap := func(err error) error {
		return fmt.Errorf("atomic write %s: %w", slash, err)
	}

	old, mode, err := target(root, name, perm)
	if err != nil {
		return nil, wrap(err)
	}

	f, tmp, err := createTemp(root, filepath.Dir(name), mode)
	if err != nil {
		return nil, wrap(err)
	}
	ok := false
	defer func() {
		if ok {
			return
		}
		if f != nil {
			_ = f.Close()
		}
		_ = root.Remove(tmp)
	}()

	if _, err := f.Write(data); err != nil {
		return nil, wrap(err)
	}
	if err := fault(StepAfterTempWrite, slash); err != nil {
		return nil, wrap(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return nil, wrap(err)
		}
	}
	if old != nil {
		if err := keepOwner(f, old); err != nil {
			return nil, wrap(err)
		}
		// Creation applied the umask; an existing file keeps its exact bits.
		if err := f.Chmod(mode); err != nil {
			return nil, wrap(err)
		}
	}
	err = f.Close()
	f = nil
	if err != nil {
		return nil, wrap(err)
	}
	ok = true
	return &Staged{root: root, name: name, slash: slash, tmp: tmp}, nil
}

// target checks the file name that a temp file will replace: a symlink or
// other non-regular file is refused. It returns the file's information
// (nil if it does not exist) and the permission bits the new content gets:
// the file's own, or perm for a new file.
func target(root *os.Root, name string, perm os.FileMode) (fs.FileInfo, os.FileMode, error) {
	switch fi, err := root.Lstat(name); {
	case err == nil:
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, 0, ErrSymlink
		}
		if !fi.Mode().IsRegular() {
			return nil, 0, fmt.Errorf("%w (%s)", ErrNotRegular, fi.Mode().Type())
		}
		return fi, fi.Mode().Perm(), nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, perm.Perm(), nil
	default:
		return nil, 0, err
	}
}

// Name returns the target's name, slash-separated, relative to the root.
func (s *Staged) Name() string { return s.slash }

// Dir returns the target's directory, relative to the root, for [SyncDir].
func (s *Staged) Dir() string { return filepath.Dir(s.name) }

// Published reports whether the temp file was renamed over the target.
func (s *Staged) Published() bool { return s.published }

// Sync fsyncs the temp file: the fallback for a batch of files staged
// without sync where [SyncFS] is unsupported.
func (s *Staged) Sync() error {
	if s.gone {
		return nil
	}
	f, err := s.root.Open(s.tmp)
	if err != nil {
		return fmt.Errorf("atomic write %s: %w", s.slash, err)
	}
	err = f.Sync()
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("atomic write %s: %w", s.slash, err)
	}
	return nil
}

// Publish renames the temp file over the target, consulting the fault
// steps before-rename and after-rename. It does not sync the directory:
// the caller does, with [SyncDir] or [SyncFS], once for a batch. An error
// before the rename removes the temp file and leaves the target untouched;
// an error after it (Published reports true) leaves the new content in
// place.
func (s *Staged) Publish() error { return s.publish(false, nil) }

// PublishOver is [Staged.Publish] for a target the caller has read and
// checked: old is what [Dir.ReadFile] left open of it, or nil for a target
// that did not exist. Right before the rename (after the fault step
// before-rename) it checks that the target's name still names old's file
// (or still names nothing); if not, another program replaced the file
// since it was read, and PublishOver removes the temp file and returns an
// error matching [ErrReplaced]. Where the file system can swap two names
// in one step (Linux's renameat2 with RENAME_EXCHANGE, for a target staged
// by [Dir.Stage]), the check comes after the swap instead, on the file
// displaced, and a swap back undoes it: no file another program put there
// is ever replaced. Elsewhere a replacement between the check and the
// rename is not seen: the rename replaces it. An edit written into old
// itself is not seen either: [Old.ReadAll] after the rename shows it.
func (s *Staged) PublishOver(old *Old) error { return s.publish(true, old) }

func (s *Staged) publish(check bool, old *Old) error {
	if s.gone {
		return fmt.Errorf("atomic write %s: already published or discarded", s.slash)
	}
	wrap := func(err error) error {
		return fmt.Errorf("atomic write %s: %w", s.slash, err)
	}
	if err := faultOn(StepBeforeRename, s.slash, s.root, s.name); err != nil {
		_ = s.Discard()
		return wrap(err)
	}
	if check && old != nil && s.dir != nil {
		switch err := s.dir.sys.exchange(s.tmp, s.name); {
		case err == nil:
			return s.exchanged(old, wrap)
		case errors.Is(err, fs.ErrNotExist):
			_ = s.Discard()
			return wrap(ErrReplaced)
		case !errors.Is(err, errors.ErrUnsupported):
			_ = s.Discard()
			return wrap(err)
		}
		// Not on this file system: check, then rename.
	}
	if check {
		if err := same(s.root, s.name, old); err != nil {
			_ = s.Discard()
			return wrap(err)
		}
	}
	if err := s.root.Rename(s.tmp, s.name); err != nil {
		_ = s.Discard()
		return wrap(err)
	}
	s.published, s.gone = true, true
	if err := fault(StepAfterRename, s.slash); err != nil {
		return wrap(err)
	}
	return nil
}

// exchanged finishes a PublishOver that swapped the temp file and the
// target in one step: the temp file's name now holds the file the target's
// name held at that instant. If that is old, it is dropped (old keeps it
// open); if not, another program put a file there since old was read, and
// the swap is undone, atomically too, so that file is back in place and
// never was lost.
func (s *Staged) exchanged(old *Old, wrap func(error) error) error {
	s.gone = true
	if fi, err := s.root.Lstat(s.tmp); err != nil || !old.sys.same(fi) {
		if err := s.dir.sys.exchange(s.tmp, s.name); err != nil {
			// Ours stays in place; theirs keeps the temp file's name.
			s.published = true
			return wrap(fmt.Errorf("%w, and could not be put back (%v): it is %s", ErrReplaced, err, filepath.ToSlash(s.tmp)))
		}
		if err := s.root.Remove(s.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return wrap(fmt.Errorf("%w; remove temp: %v", ErrReplaced, err))
		}
		return wrap(ErrReplaced)
	}
	s.published = true
	if err := s.root.Remove(s.tmp); err != nil {
		return wrap(fmt.Errorf("remove the replaced file: %w", err))
	}
	if err := fault(StepAfterRename, s.slash); err != nil {
		return wrap(err)
	}
	return nil
}

// Discard removes the temp file, if it was not published.
func (s *Staged) Discard() error {
	if s.gone {
		return nil
	}
	s.gone = true
	if err := s.root.Remove(s.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("atomic write %s: remove temp: %w", s.slash, err)
	}
	return nil
}
