//go:build unix

package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"
)

// dirSys is the folder's descriptor, held by an open *os.File.
type dirSys struct {
	f  *os.File
	fd int
}

func (s *dirSys) open(r *os.Root) error {
	f, err := r.Open(".")
	if err != nil {
		return err
	}
	s.f, s.fd = f, int(f.Fd())
	return nil
}

func (s *dirSys) close() error { return s.f.Close() }

func (s *dirSys) direct() bool { return true }

// oldSys is the open file and its identity, as checked when it was read.
type oldSys struct {
	fd       int
	dev, ino uint64
}

func (o *oldSys) close() error { return unix.Close(o.fd) }

// same reports whether fi (an lstat of the file's name) is this file.
func (o *oldSys) same(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && uint64(st.Dev) == o.dev && uint64(st.Ino) == o.ino
}

// readAll reads the file from its start to its end, whatever the name it
// was opened by holds now.
func (o *oldSys) readAll(buf []byte) ([]byte, error) {
	var st unix.Stat_t
	if err := fstat(o.fd, &st); err != nil {
		return nil, err
	}
	b := slices.Grow(buf[:0], int(max(st.Size, 0))+1)
	for {
		n, err := unix.Pread(o.fd, b[len(b):cap(b)], int64(len(b)))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
		if len(b) == cap(b) {
			b = slices.Grow(b, len(b))
		}
	}
}

func (s *dirSys) read(_ *os.Root, base string, fi fs.FileInfo, buf []byte) ([]byte, *Old, error) {
	// O_NONBLOCK: should base become a FIFO after the lstat, the open
	// does not wait for a writer (and the check below refuses it).
	fd, err := openat(s.fd, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	runtime.KeepAlive(s.f)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: base, Err: err}
	}
	b, err := readFD(fd, base, fi, buf)
	if err != nil {
		unix.Close(fd)
		return nil, nil, err
	}
	st := fi.Sys().(*syscall.Stat_t) // readFD checked it
	return b, &Old{oldSys{fd: fd, dev: uint64(st.Dev), ino: uint64(st.Ino)}}, nil
}

func readFD(fd int, base string, fi fs.FileInfo, buf []byte) ([]byte, error) {
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: base, Err: err}
	}
	want, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || uint64(want.Dev) != uint64(st.Dev) || uint64(want.Ino) != uint64(st.Ino) || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, ErrChanged
	}
	// One byte more than the size, so that a file of that size is seen
	// to end without a second buffer.
	b := slices.Grow(buf[:0], int(max(st.Size, 0))+1)
	for {
		want := cap(b) - len(b)
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: base, Err: err}
		}
		b = b[:len(b)+n]
		// A regular file reads short only at its end: no read of 0 bytes
		// to see it. (Were one ever short before the end, the content would
		// not hash to what the caller expects, and the file be left alone.)
		if n < want {
			return b, nil
		}
		b = slices.Grow(b, len(b))
	}
}

// stage creates a temp file next to name, writes data to it and gives it
// old's owner (best effort) and mode, as Stage does; it returns the temp
// file's name.
func (s *dirSys) stage(name string, data []byte, old fs.FileInfo, mode os.FileMode, sync bool) (string, error) {
	defer runtime.KeepAlive(s.f)
	var fd int
	var tmp string
	for i := 0; ; i++ {
		var r [8]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", err
		}
		tmp = TempPrefix + hex.EncodeToString(r[:])
		var err error
		fd, err = openat(s.fd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(mode.Perm()))
		if err == nil {
			break
		}
		if err != unix.EEXIST || i == 9 {
			if err == unix.EEXIST {
				return "", errors.New("cannot create a unique temp file")
			}
			return "", &fs.PathError{Op: "open", Path: tmp, Err: err}
		}
	}
	err := fill(fd, tmp, name, data, old, mode, sync)
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = &fs.PathError{Op: "close", Path: tmp, Err: cerr}
	}
	if err != nil {
		_ = unix.Unlinkat(s.fd, tmp, 0)
		return "", err
	}
	return tmp, nil
}

func fill(fd int, tmp, name string, data []byte, old fs.FileInfo, mode os.FileMode, sync bool) error {
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "write", Path: tmp, Err: err}
		}
		data = data[n:]
	}
	if err := fault(StepAfterTempWrite, name); err != nil {
		return err
	}
	if sync {
		if err := unix.Fsync(fd); err != nil {
			return &fs.PathError{Op: "sync", Path: tmp, Err: err}
		}
	}
	if old == nil {
		return nil
	}
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return &fs.PathError{Op: "stat", Path: tmp, Err: err}
	}
	chowned := false
	if want, ok := old.Sys().(*syscall.Stat_t); ok && (uint32(want.Uid) != uint32(st.Uid) || uint32(want.Gid) != uint32(st.Gid)) {
		err := unix.Fchown(fd, int(want.Uid), int(want.Gid))
		if err != nil && err != unix.EPERM {
			return &fs.PathError{Op: "chown", Path: tmp, Err: err}
		}
		chowned = err == nil // which may have cleared set-id bits
	}
	// Creation applied the umask; an existing file keeps its exact bits.
	if chowned || os.FileMode(st.Mode&0o7777) != mode.Perm() {
		if err := unix.Fchmod(fd, uint32(mode.Perm())); err != nil {
			return &fs.PathError{Op: "chmod", Path: tmp, Err: err}
		}
	}
	return nil
}

func openat(dirfd int, name string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		err := unix.Fstat(fd, st)
		if err != unix.EINTR {
			return err
		}
	}
}
