//go:build linux

package vault

import (
	"io"
	"io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/relinkmd/relink/internal/notecache"
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

// O_NONBLOCK: a named pipe put where the walk saw a note must not block
// the open (its type is checked right after, by the fstat that gives the
// size); it changes nothing for a regular file. O_NOCTTY: a terminal
// device must not become the process's terminal.
var beneathHow = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK | unix.O_NOCTTY,
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

func (n noteFile) stat() (size int64, typ fs.FileMode, key *notecache.Key, err error) {
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
		return 0, 0, nil, &os.PathError{Op: "stat", Err: err}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		k := keyOfStat(&st)
		key = &k
	case unix.S_IFDIR:
		typ = fs.ModeDir
	case unix.S_IFIFO:
		typ = fs.ModeNamedPipe
	case unix.S_IFSOCK:
		typ = fs.ModeSocket
	case unix.S_IFCHR:
		typ = fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		typ = fs.ModeDevice
	default:
		typ = fs.ModeIrregular
	}
	return st.Size, typ, key, nil
}

func keyOfStat(st *unix.Stat_t) notecache.Key {
	return notecache.Key{
		Size:  st.Size,
		Mtime: st.Mtim.Nano(),
		Ctime: st.Ctim.Nano(),
		Ino:   st.Ino,
		Dev:   st.Dev,
	}
}

// statKey returns the note cache key of the regular file at p with one
// fstatat from the vault's folder; done is false when the caller must ask
// os.Root. fstatat does not refuse a symlinked folder on the path as
// openat2 does, but the walker never emits such a path, and the key alone
// reads nothing: a hit needs the very file (device, inode, change time)
// whose note was parsed in the vault before.
func (b *beneath) statKey(p string) (k notecache.Key, ok, done bool) {
	if b == nil || b.off.Load() {
		return notecache.Key{}, false, false
	}
	var st unix.Stat_t
	for {
		err := unix.Fstatat(b.fd, p, &st, unix.AT_SYMLINK_NOFOLLOW)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return notecache.Key{}, false, false
		}
		break
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return notecache.Key{}, false, true
	}
	return keyOfStat(&st), true, true
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
