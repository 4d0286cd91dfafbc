//go:build !unix

package vault

import "os"

// openFlags open a note through os.Root; there are no named pipes to
// guard against here.
const openFlags = os.O_RDONLY
