//go:build !unix

package regularfile

import "os"

// OpenFlags open a file for reading through os.Root; there are no named
// pipes to guard against here.
const OpenFlags = os.O_RDONLY
