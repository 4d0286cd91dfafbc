//go:build windows

package snapshot

import (
	"errors"
	"io/fs"
	"os"
)

// pidAlive reports whether a process with this pid exists. FindProcess opens
// the process on Windows, so it fails for a pid that is gone; access denied
// means the process exists.
func pidAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, fs.ErrPermission)
	}
	_ = p.Release()
	return true
}
