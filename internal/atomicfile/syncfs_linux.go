//go:build linux

package atomicfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// CanSyncFS reports whether [SyncFS] is implemented on this platform (it
// may still fail at run time, e.g. in a sandbox without syncfs).
const CanSyncFS = true

// SyncFS flushes the whole file system holding root's directory dir to
// stable storage (Linux syncfs(2)): every file written, renamed or removed
// on it so far is durable once it returns nil. It is one call where fsyncing
// thousands of files would be thousands. Where it is unsupported it returns
// an error wrapping [errors.ErrUnsupported]; callers then fsync each file
// and directory.
func SyncFS(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		return fmt.Errorf("syncfs %s: %w", dir, err)
	}
	defer d.Close()
	rc, err := d.SyscallConn()
	if err != nil {
		return fmt.Errorf("syncfs %s: %w", dir, err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = unix.Syncfs(int(fd))
			if serr != unix.EINTR {
				break
			}
		}
	}); err != nil {
		return fmt.Errorf("syncfs %s: %w", dir, err)
	}
	switch {
	case serr == nil:
		return nil
	case errors.Is(serr, unix.ENOSYS), errors.Is(serr, unix.EPERM), errors.Is(serr, unix.EINVAL), errors.Is(serr, unix.ENOTSUP):
		return fmt.Errorf("syncfs %s: %w (%v)", dir, errors.ErrUnsupported, serr)
	}
	return fmt.Errorf("syncfs %s: %w", dir, serr)
}
