//go:build !unix

package workspace

import "io/fs"

// hardLinks returns 1: this platform's FileInfo does not carry a link
// count, so hard links are not detected here.
func hardLinks(fi fs.FileInfo) uint64 { return 1 }
