package renames

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/relinkmd/relink/internal/notecache"
)

// FileName is the state file's name, in the note cache's folder.
const FileName = "names.state"

// File is a vault's state file as one run read it.
type File struct {
	path   string
	loaded []byte
}

// Load reads the state file at file. A missing file is a first run (no
// notes); a damaged one is reported and read as a first run: the state
// only finds renames, losing it loses nothing of the vault.
func Load(file string) (*File, []Note, error) {
	f := &File{path: file}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil, nil
	}
	if err != nil {
		return f, nil, err
	}
	f.loaded = b
	notes, err := Decode(b)
	if err != nil {
		return f, nil, err
	}
	return f, notes, nil
}

// Save writes notes as the state for the next run, through a temp file
// and a rename; an unchanged state is not written again.
func (f *File) Save(notes []Note) error {
	b := Encode(notes)
	if bytes.Equal(b, f.loaded) {
		return nil
	}
	if err := notecache.WriteAtomic(f.path, func(w *bufio.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return err
	}
	f.loaded = b
	return nil
}
