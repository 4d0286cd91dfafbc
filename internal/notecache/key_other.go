//go:build !linux

package notecache

import "io/fs"

// keyOf has no change time to offer outside Linux here: without it an
// edit that keeps size and modification time would go unseen, so there is
// no cache.
func keyOf(fs.FileInfo) (Key, bool) { return Key{}, false }
