package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is one open folder in which a batch reads, stages and replaces many
// files by base name (relink apply rewrites tens of thousands of notes).
// Where the platform allows, its reads and temp files use the folder's
// descriptor directly: an [os.File] registers with the runtime's poller
// when opened, which on Linux costs four more system calls a file (on the
// project's machine an open and close through [os.Root] took 12 µs, the
// system calls alone 4 µs).
type Dir struct {
	root *os.Root // the folder
	sys  dirSys
}

// OpenDir opens the folder name (relative to root, "." for root itself)
// through root, so that it is resolved inside root.
func OpenDir(root *os.Root, name string) (*Dir, error) {
	r, err := root.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: r}
	if err := d.sys.open(r); err != nil {
		r.Close()
		return nil, err
	}
	return d, nil
}

// Root returns the folder as an [os.Root], for everything else.
func (d *Dir) Root() *os.Root { return d.root }

// Close closes the folder.
func (d *Dir) Close() error {
	return errors.Join(d.sys.close(), d.root.Close())
}

// Old is a file [Dir.ReadFile] left open, so that replacing it does not
// free its inode: the file system then reclaims its blocks when Old is
// closed, out of the replacing process's way. (On ext4 mounted without a
// journal and with discard, freeing a note's blocks waited ~0.4 ms for the
// disk, inside the rename that replaced it.)
type Old struct {
	sys oldSys
}

// ReadAll reads the file again, from its start, through the descriptor
// kept open: what the file holds now, even after a rename replaced it under
// its name (an edit written in place by a program that had it open lands
// there, not in the file that replaced it). Where the file is not kept
// open (Windows) it returns an error matching [errors.ErrUnsupported].
func (o *Old) ReadAll(buf []byte) ([]byte, error) { return o.sys.readAll(buf) }

// Close closes the file; a nil Old is already closed.
func (o *Old) Close() error {
	if o == nil {
		return nil
	}
	return o.sys.close()
}

// ReadFile reads the file base of the folder into buf's memory (grown if
// needed). It lstats base first and calls check with what it found: a
// non-nil error from check is returned with that information, and the file
// is not opened, so that a symlink, a device or a FIFO is never opened.
// The file opened must then be the one checked (else errChanged). It
// returns the content, the information checked and, where the platform
// allows, the file still open: the caller closes it. A file that changes
// size while read is read to its end.
func (d *Dir) ReadFile(base string, buf []byte, check func(fs.FileInfo) error) ([]byte, fs.FileInfo, *Old, error) {
	fi, err := d.root.Lstat(base)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := check(fi); err != nil {
		return nil, fi, nil, err
	}
	b, old, err := d.sys.read(d.root, base, fi, buf)
	if err != nil {
		return nil, fi, nil, err
	}
	return b, fi, old, nil
}

// ErrChanged is returned by [Dir.ReadFile] when the file opened is not the
// one it checked: it was replaced in between.
var ErrChanged = errors.New("changed while being read")

// ErrReplaced is returned (wrapped) by [Staged.PublishOver] and
// [Dir.RemoveOver] when the target's name no longer names the file the
// caller read: another program replaced, removed or created it since (an
// editor saving by its own atomic rename, say).
var ErrReplaced = errors.New("replaced by another program since it was read")

// same checks that name (relative to root) still names old, or, if old is
// nil, names nothing.
func same(root *os.Root, name string, old *Old) error {
	fi, err := root.Lstat(name)
	switch {
	case old == nil && errors.Is(err, fs.ErrNotExist):
		return nil
	case old == nil && err == nil, errors.Is(err, fs.ErrNotExist):
		return ErrReplaced
	case err != nil:
		return err
	case !old.sys.same(fi):
		return ErrReplaced
	}
	return nil
}

// RemoveOver removes the file base, which the caller read as old (see
// [Staged.PublishOver]): the fault step before-rename is consulted, then
// base must still name old, else the error matches [ErrReplaced] and
// nothing is removed.
func (d *Dir) RemoveOver(base string, old *Old) error {
	wrap := func(err error) error {
		return fmt.Errorf("remove %s: %w", filepath.ToSlash(base), err)
	}
	if err := faultOn(StepBeforeRename, filepath.ToSlash(base), d.root, base); err != nil {
		return wrap(err)
	}
	if err := same(d.root, base, old); err != nil {
		return wrap(err)
	}
	if err := d.root.Remove(base); err != nil {
		return wrap(err)
	}
	return nil
}

// Stage is [Stage] for the file base of the folder, creating the temp
// file through the folder's descriptor where the platform allows. sync
// as for Stage. old, if not nil, is what [Dir.ReadFile] just found of
// base, and stands for the lstat Stage would make.
func (d *Dir) Stage(base string, data []byte, perm os.FileMode, old fs.FileInfo, sync bool) (*Staged, error) {
	name, err := clean(base)
	if err != nil {
		return nil, err
	}
	if name != filepath.Base(name) {
		return nil, fmt.Errorf("atomic write %s: not a base name", base)
	}
	if !d.sys.direct() {
		return Stage(d.root, name, data, perm, sync)
	}
	slash := filepath.ToSlash(name)
	wrap := func(err error) error {
		return fmt.Errorf("atomic write %s: %w", slash, err)
	}
	mode := perm.Perm()
	if old == nil {
		old, mode, err = target(d.root, name, perm)
		if err != nil {
			return nil, wrap(err)
		}
	} else if !old.Mode().IsRegular() {
		return nil, wrap(fmt.Errorf("%w (%s)", ErrNotRegular, old.Mode().Type()))
	} else {
		mode = old.Mode().Perm()
	}
	tmp, err := d.sys.stage(name, data, old, mode, sync)
	if err != nil {
		return nil, wrap(err)
	}
	return &Staged{root: d.root, dir: d, name: name, slash: slash, tmp: tmp}, nil
}
