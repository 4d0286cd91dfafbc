//go:build linux

package vault

import (
	"io/fs"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// direntBufs are getdents64 buffers, one per folder being listed.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// readEntries lists a folder opened through the vault's root with
// getdents64, taking each entry's type from the listing itself. (File.ReadDir
// on a folder opened in an os.Root lstats every entry, one system call per
// file.) An entry whose type the file system does not record gets
// typeUnknown.
func readEntries(f *os.File) ([]entry, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	var entries []entry
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			for {
				n, rerr = unix.Getdents(int(fd), buf)
				if rerr != unix.EINTR {
					return true
				}
			}
		})
		if err == nil {
			err = rerr
		}
		if err != nil {
			return entries, &os.PathError{Op: "readdirent", Path: f.Name(), Err: err}
		}
		if n <= 0 {
			return entries, nil
		}
		entries = appendDirents(entries, buf[:n])
	}
}

// appendDirents parses linux_dirent64 records: ino u64, off i64,
// reclen u16, type u8, then the name, NUL-terminated.
func appendDirents(entries []entry, b []byte) []entry {
	const nameOff = int(unsafe.Offsetof(unix.Dirent{}.Name))
	for len(b) >= nameOff {
		reclen := int(*(*uint16)(unsafe.Pointer(&b[unsafe.Offsetof(unix.Dirent{}.Reclen)])))
		if reclen < nameOff || reclen > len(b) {
			break
		}
		rec := b[:reclen]
		b = b[reclen:]
		name := rec[nameOff:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if string(name) == "." || string(name) == ".." {
			continue
		}
		entries = append(entries, entry{name: string(name), typ: direntType(rec[unsafe.Offsetof(unix.Dirent{}.Type)])})
	}
	return entries
}

func direntType(t byte) fs.FileMode {
	switch t {
	case unix.DT_REG:
		return 0
	case unix.DT_DIR:
		return fs.ModeDir
	case unix.DT_LNK:
		return fs.ModeSymlink
	case unix.DT_FIFO:
		return fs.ModeNamedPipe
	case unix.DT_SOCK:
		return fs.ModeSocket
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.DT_BLK:
		return fs.ModeDevice
	}
	return typeUnknown
}
