//go:build !linux && !darwin

package notecache

import "io/fs"

// keyOf gives no key where relink does not read a change time from
// os.FileInfo: without it an edit that keeps the size and modification
// time would go unseen, so there is no cache.
func keyOf(fs.FileInfo) (Key, bool) { return Key{}, false }
