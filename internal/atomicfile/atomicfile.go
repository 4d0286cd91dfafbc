package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// TempPrefix starts the base name of every temp file Write creates.
const TempPrefix = ".relink-tmp-"

var (
	// ErrSymlink is returned (wrapped) when the target of Write is a symlink.
	// Write never replaces a link, neither its target: the caller decides.
	ErrSymlink = errors.New("refusing to replace a symlink")
	// ErrNotRegular is returned (wrapped) when the target exists and is not a
	// regular file (directory, device, socket...).
	ErrNotRegular = errors.New("not a regular file")
)

// Write atomically replaces (or creates) the file name inside root with data.
//
// name is relative to root; "/" and the OS separator are both accepted. The
// parent directory must exist. If name exists it must be a regular file: its
// permission bits are kept (perm is ignored) and its owner is kept when the
// process may chown. If name does not exist it is created with perm &^ umask.
//
// On any error before the rename the target is untouched and the temp file is
// removed. An error after the rename (syncing the directory) means the new
// content is in place but may not survive a power loss.
func Write(root *os.Root, name string, data []byte, perm os.FileMode) error {
	st, err := Stage(root, name, data, perm, true)
	if err != nil {
		return err
	}
	if err := st.Publish(); err != nil {
		return err
	}
	if err := SyncDir(root, st.Dir()); err != nil {
		return fmt.Errorf("atomic write %s: %w", st.Name(), err)
	}
	return nil
}

// SyncDir fsyncs the directory dir (relative to root) so that entries
// created, renamed or removed in it are durable. Platforms and file systems
// that cannot sync a directory (Windows, EINVAL, ENOTSUP) are not an error.
func SyncDir(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		if runtime.GOOS == "windows" {
			return nil
		}
		return fmt.Errorf("sync dir %s: %w", filepath.ToSlash(dir), err)
	}
	err = d.Sync()
	cerr := d.Close()
	if err != nil && !syncUnsupported(err) {
		return fmt.Errorf("sync dir %s: %w", filepath.ToSlash(dir), err)
	}
	if cerr != nil {
		return fmt.Errorf("sync dir %s: %w", filepath.ToSlash(dir), cerr)
	}
	return nil
}

func syncUnsupported(err error) bool {
	return runtime.GOOS == "windows" ||
		errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, errors.ErrUnsupported)
}

func clean(name string) (string, error) {
	if name == "" {
		return "", errors.New("atomic write: empty file name")
	}
	c := filepath.Clean(filepath.FromSlash(name))
	if c == "." || c == string(filepath.Separator) || filepath.Base(c) == ".." {
		return "", fmt.Errorf("atomic write %s: not a file name", name)
	}
	return c, nil
}

// createTemp creates dir/.relink-tmp-<random> exclusively.
func createTemp(root *os.Root, dir string, mode os.FileMode) (*os.File, string, error) {
	for range 10 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		tmp := filepath.Join(dir, TempPrefix+hex.EncodeToString(b[:]))
		f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, tmp, nil
	}
	return nil, "", errors.New("cannot create a unique temp file")
}
