//go:build !unix

package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"slices"
)

// dirSys has nothing of its own where the folder's descriptor is not
// used: Dir goes through its os.Root.
type dirSys struct{}

func (*dirSys) open(*os.Root) error { return nil }

func (*dirSys) close() error { return nil }

func (*dirSys) direct() bool { return false }

type oldSys struct{}

func (*oldSys) close() error { return nil }

// read reads base through root and closes it at once: where a rename
// cannot replace an open file, holding it would make the rename fail.
func (*dirSys) read(root *os.Root, base string, fi fs.FileInfo, buf []byte) ([]byte, *Old, error) {
	f, err := root.Open(base)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !os.SameFile(fi, ofi) || !ofi.Mode().IsRegular() {
		return nil, nil, ErrChanged
	}
	b := slices.Grow(buf[:0], int(max(ofi.Size(), 0))+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(b) == cap(b) {
			b = slices.Grow(b, len(b))
		}
	}
}

func (*dirSys) stage(string, []byte, fs.FileInfo, os.FileMode, bool) (string, error) {
	panic("atomicfile: stage without a direct folder")
}
