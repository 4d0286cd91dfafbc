//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// CanSyncFS reports whether [SyncFS] is implemented on this platform.
const CanSyncFS = false

// SyncFS is unsupported here: it returns [errors.ErrUnsupported], and
// callers fsync each file and directory instead.
func SyncFS(root *os.Root, dir string) error {
	return errors.ErrUnsupported
}
