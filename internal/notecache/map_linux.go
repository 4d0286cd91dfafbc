//go:build linux

package notecache

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps file read-only. The cache file is only ever replaced by a
// rename, never written in place, so the mapping keeps the bytes it was
// made with.
func mapFile(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 || fi.Size() != int64(int(fi.Size())) {
		return os.ReadFile(file)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return os.ReadFile(file)
	}
	return b, nil
}
