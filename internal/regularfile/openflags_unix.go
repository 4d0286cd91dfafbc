//go:build unix

package regularfile

import "syscall"

// OpenFlags open a file for reading through os.Root. O_NONBLOCK: a named
// pipe put where a file was expected must not block the open (Open checks
// the opened file's type next); it changes nothing for a regular file.
// O_NOCTTY: a terminal device must not become the process's terminal.
const OpenFlags = syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY

// NonBlock is added to the flags of an open for writing of a file that
// should be regular: a named pipe there fails the open (no reader) rather
// than blocking it.
const NonBlock = syscall.O_NONBLOCK
