//go:build !unix

package atomicfile

import (
	"errors"
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

// oldSys is the identity of the file read; the file itself is closed
// (see read).
type oldSys struct{ fi fs.FileInfo }

func (*oldSys) close() error { return nil }

func (o *oldSys) same(fi fs.FileInfo) bool { return os.SameFile(o.fi, fi) }

// readAll cannot read a file that was not kept open.
func (*oldSys) readAll([]byte) ([]byte, error) { return nil, errors.ErrUnsupported }

// read reads base through root and closes it at once: where a rename
// cannot replace an open file, holding it would make the rename fail. The
// Old returned holds only the file's identity.
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
			return b, &Old{oldSys{ofi}}, nil
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
