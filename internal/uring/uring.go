// Package uring reads many small files with few system calls. On Linux a
// Reader holds one io_uring ring and takes files a batch at a time: every
// file of the batch is opened (openat2), read and closed, each step for the
// whole batch in one io_uring_enter call, where reading them one by one
// takes three calls a file. On this project's 2-core VM a system call
// costs about a microsecond before it does anything; at 100,000 notes the
// four calls a note (stat included) were a seventh of a check's CPU time.
// The stat between open and read is a plain fstat of the open file: the
// kernel runs every statx given to a ring on a worker thread, and handing
// it over costs more than the call.
//
// Stat answers the note cache's question (a note's size, times and inode,
// by path) with a batch of statx calls in one io_uring_enter. There the
// worker threads pay: each statx walks its path, and the workers walk
// them on both cores (a plain fstatat a note made a cached 100k check
// slower, 0.93 against 0.85 s).
//
// It does only the plain case: a regular file, opened, stat'ed and read
// whole without error. Anything else (an error at any step, another kind
// of file, a file larger than asked, a short read) is left for the caller
// to read its own way, which also says why. Elsewhere, and where the kernel
// refuses io_uring (too old, disabled, a seccomp filter), NewReader fails
// and the caller reads every file itself.
package uring

import "errors"

// ErrUnsupported is NewReader's error where io_uring cannot be used.
var ErrUnsupported = errors.New("io_uring unavailable")

// File is what a Reader made of one path.
type File struct {
	// OK says the file was a regular file, read whole: Data and the
	// stat fields are set. When false the caller reads the path itself.
	OK bool
	// Data is the file's bytes, valid until the Reader's next Read.
	Data []byte
	// Size, Ino, Dev, Mtime and Ctime (nanoseconds since the epoch) are
	// the open file's fstat (Stat's: its statx), taken before it was
	// read (Dev in the encoding of stat's st_dev).
	Size         int64
	Ino, Dev     uint64
	Mtime, Ctime int64
}

// MaxBatch is the most paths one Read takes.
const MaxBatch = 32
