//go:build unix

package vault

import "syscall"

// openFlags open a note through os.Root. O_NONBLOCK: a named pipe put
// where the walk saw a note must not block the open (readNote checks the
// opened file's type next); it changes nothing for a regular file.
// O_NOCTTY: a terminal device must not become the process's terminal.
const openFlags = syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
