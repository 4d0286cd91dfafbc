package renames

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/relinkmd/relink/internal/notecache"
)

// FileName is the state file's name, in the note cache's folder.
const FileName = "names.state"

// File is a vault's state file as one run found it.
type File struct {
	path   string
	digest [32]byte // of the body read, or zero
}

// Open reads the state file's header: what Unchanged compares. A missing,
// short or foreign file is a first run.
func Open(file string) *File {
	f := &File{path: file}
	r, err := os.Open(file)
	if err != nil {
		return f
	}
	defer r.Close()
	head := make([]byte, HeaderLen)
	if _, err := io.ReadFull(r, head); err == nil && string(head[:len(magic)]) == magic {
		f.digest = [32]byte(head[len(magic):])
	}
	return f
}

// Unchanged reports whether the file holds exactly the notes whose
// digest is d (Digester): then no note was renamed, and nothing is to be
// written.
func (f *File) Unchanged(d [32]byte) bool {
	return f.digest != [32]byte{} && f.digest == d
}

// Notes reads the notes the file holds. A missing file is a first run (no
// notes); a damaged one is an error, and read as a first run by callers:
// the state only finds renames, losing it loses nothing of the vault.
func (f *File) Notes() ([]Note, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// Save writes notes as the state for the next run, through a temp file
// and a rename.
func (f *File) Save(notes []Note) error {
	b := Encode(notes)
	return notecache.WriteAtomic(f.path, func(w *bufio.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
