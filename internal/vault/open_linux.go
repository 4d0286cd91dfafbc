//go:build linux

package vault

import (
	"io"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneath opens notes with one openat2 call each, relative to the vault's
// folder. os.Root opens every folder on a note's path again, 3–4 system
// calls per note; the kernel's RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS checks
// the same things in one. A path it refuses (a symlink anywhere on it, an
// escape, any error) is opened again through os.Root, so that symlinks and
// error messages stay exactly what os.Root makes of them.
type beneath struct {
	dir *os.File // the vault folder, opened through the root
	fd  int
	off atomic.Bool // openat2 is unavailable (old kernel, seccomp)
}

func openBeneath(root *os.Root) *beneath {
	dir, err := root.Open(".")
	if err != nil {
		return nil
	}
	return &beneath{dir: dir, fd: int(dir.Fd())}
}

func (b *beneath) close() error {
	if b == nil {
		return nil
	}
	return b.dir.Close()
}

var beneathHow = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
}

// open returns an open descriptor of the vault-relative path p, or false
// when the caller must go through os.Root.
func (b *beneath) open(p string) (noteFile, bool) {
	if b == nil || b.off.Load() {
		return noteFile{}, false
	}
	for {
		how := beneathHow
		fd, err := unix.Openat2(b.fd, p, &how)
		switch {
		case err == nil:
			return noteFile{fd: fd}, true
		case err == unix.EINTR:
			continue
		case err == unix.ENOSYS || err == unix.EPERM:
			b.off.Store(true)
		}
		return noteFile{}, false
	}
}

// noteFile is a note opened either by openat2 (fd) or through os.Root (f).
type noteFile struct {
	f  *os.File
	fd int
}

func (n noteFile) stat() (size int64, isDir bool, err error) {
	if n.f != nil {
		return statFile(n.f)
	}
	var st unix.Stat_t
	for {
		err = unix.Fstat(n.fd, &st)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return 0, false, &os.PathError{Op: "stat", Err: err}
	}
	return st.Size, st.Mode&unix.S_IFMT == unix.S_IFDIR, nil
}

// readFull fills buf, failing as os.File would when the file is shorter.
func (n noteFile) readFull(buf []byte) error {
	if n.f != nil {
		return readFull(n.f, buf)
	}
	for len(buf) > 0 {
		m, err := unix.Read(n.fd, buf)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return &os.PathError{Op: "read", Err: err}
		case m == 0:
			return io.EOF
		}
		buf = buf[m:]
	}
	return nil
}

func (n noteFile) close() {
	if n.f != nil {
		n.f.Close()
		return
	}
	unix.Close(n.fd)
}
