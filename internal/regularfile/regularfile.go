// Package regularfile reads files that a user controls (notes, .relink.toml,
// dendron.yml, VS Code settings, a folder restore writes into) without ever
// blocking: a named pipe, socket or device put under such a name is refused
// with its kind, not opened for a read that waits for a writer forever.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error of a read of anything but a
// regular file.
var ErrNotRegular = errors.New("not a regular file")

// Kind names the type of a file that is not regular, for messages:
// "a named pipe", "a socket", "a folder".
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeDir != 0:
		return "a folder"
	}
	return "an irregular file"
}

// Open opens name in root for reading if it is a regular file (following
// symlinks that stay inside root). The open itself never blocks (see
// OpenFlags); the type is that of the opened file, so a pipe swapped in
// after a check is caught too. Anything else gives an *fs.PathError
// wrapping ErrNotRegular.
func Open(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	f, err := root.OpenFile(name, OpenFlags, 0)
	if err != nil {
		// A socket cannot be opened at all: say what it is.
		if st, serr := root.Stat(name); serr == nil && !st.Mode().IsRegular() {
			return nil, nil, notRegular(name, st.Mode())
		}
		return nil, nil, err
	}
	return checkRegular(f, name)
}

// checkRegular returns f if it is a regular file, else closes it.
func checkRegular(f *os.File, name string) (*os.File, fs.FileInfo, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular(name, st.Mode())
	}
	return f, st, nil
}

// OpenPath is Open of a path outside any os.Root (the caches beside the
// snapshot store, which may be inside the vault).
func OpenPath(name string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(name, OpenFlags, 0)
	if err != nil {
		if st, serr := os.Stat(name); serr == nil && !st.Mode().IsRegular() {
			return nil, nil, notRegular(name, st.Mode())
		}
		return nil, nil, err
	}
	return checkRegular(f, name)
}

// Read reads name in root whole, as Open opens it.
func Read(root *os.Root, name string) ([]byte, error) {
	return ReadLimit(root, name, -1)
}

// ReadLimit is Read of at most limit bytes (all when limit < 0).
func ReadLimit(root *os.Root, name string, limit int64) ([]byte, error) {
	f, _, err := Open(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if limit >= 0 {
		r = io.LimitReader(f, limit)
	}
	return io.ReadAll(r)
}

func notRegular(name string, m fs.FileMode) error {
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, Kind(m))}
}
