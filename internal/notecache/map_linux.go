//go:build linux

package notecache

import (
	"golang.org/x/sys/unix"

	"github.com/relinkmd/relink/internal/regularfile"
)

// mapFile maps file read-only. The cache file is only ever replaced by a
// rename or appended to, never changed in place, so the mapping keeps the
// bytes it was made with.
func mapFile(file string) ([]byte, loadedFile, error) {
	f, _, err := regularfile.OpenPath(file)
	if err != nil {
		return nil, loadedFile{}, err
	}
	defer f.Close()
	id := identify(f)
	if !id.ok || id.key.Size == 0 || id.key.Size != int64(int(id.key.Size)) {
		return readFile(file)
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(id.key.Size), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return readFile(file)
	}
	return b, id, nil
}
