package notecache

import (
	"io/fs"
	"syscall"
)

func keyOf(fi fs.FileInfo) (Key, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Key{}, false
	}
	return Key{
		Size:  st.Size,
		Mtime: st.Mtimespec.Nano(),
		Ctime: st.Ctimespec.Nano(),
		Ino:   st.Ino,
		Dev:   uint64(st.Dev),
	}, true
}
