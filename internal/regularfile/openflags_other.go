//go:build !unix

package regularfile

import "os"

// OpenFlags open a file for reading through os.Root; there are no named
// pipes to guard against here.
const OpenFlags = os.O_RDONLY

// NonBlock is added to the flags of an open for writing; nothing to add
// here.
const NonBlock = 0
