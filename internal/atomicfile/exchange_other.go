//go:build !linux

package atomicfile

import "errors"

// exchange is not available: Publish checks, then renames.
func (*dirSys) exchange(a, b string) error { return errors.ErrUnsupported }
