package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"golang.org/x/sys/unix"
)

// exchange swaps the names a and b of the folder in one step
// (renameat2 with RENAME_EXCHANGE). A file system that cannot (or a
// kernel before 3.15) gives an error matching errors.ErrUnsupported; b
// missing gives fs.ErrNotExist.
func (s *dirSys) exchange(a, b string) error {
	var err error
	for {
		err = unix.Renameat2(s.fd, a, s.fd, b, unix.RENAME_EXCHANGE)
		if err != unix.EINTR {
			break
		}
	}
	runtime.KeepAlive(s.f)
	switch err {
	case nil:
		return nil
	case unix.EINVAL, unix.ENOSYS, unix.EOPNOTSUPP:
		return fmt.Errorf("exchange %s: %w (%v)", b, errors.ErrUnsupported, err)
	case unix.ENOENT:
		return &fs.PathError{Op: "exchange", Path: b, Err: fs.ErrNotExist}
	}
	return &fs.PathError{Op: "exchange", Path: b, Err: err}
}
