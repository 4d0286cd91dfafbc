//go:build unix

package regularfile

import "syscall"

// OpenFlags open a file for reading through os.Root. O_NONBLOCK: a named
// pipe put where a file was expected must not block the open (Open checks
// the opened file's type next); it changes nothing for a regular file.
// O_NOCTTY: a terminal device must not become the process's terminal.
const OpenFlags = syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
