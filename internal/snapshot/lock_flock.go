//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package snapshot

import (
	"errors"
	"os"
	"syscall"
)

// tryFlock takes a non-blocking exclusive flock on f. It reports false if
// another open file description holds one. File systems without flock
// support count as free: the pid check then decides alone.
func tryFlock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EINVAL),
			errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EOPNOTSUPP):
			return true, nil
		default:
			return false, err
		}
	}
}
