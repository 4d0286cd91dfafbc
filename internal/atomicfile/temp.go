package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// TempWriter streams the content of a new file into a temp file next to it,
// for content too large to assemble in memory first (a snapshot pack). Its
// [TempWriter.Stage] hands over to the same [Staged] that [Stage] returns,
// so the file appears by one atomic rename, complete or not at all.
type TempWriter struct {
	root  *os.Root
	name  string // clean, OS separators
	slash string
	tmp   string
	f     *os.File
	w     *bufio.Writer
	n     int64
	err   error // the first write error: every later call returns it
}

// tempBuffer batches the many small writes of a pack into few syscalls.
const tempBuffer = 1 << 20

// Create starts a new file name inside root: it creates the temp file
// ".relink-tmp-<random>" in name's directory with perm &^ umask. name must
// not exist when the file is published (it is meant for fresh names; the
// rename would replace a file without the checks [Stage] makes).
func Create(root *os.Root, name string, perm os.FileMode) (*TempWriter, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	slash := filepath.ToSlash(name)
	f, tmp, err := createTemp(root, filepath.Dir(name), perm.Perm())
	if err != nil {
		return nil, fmt.Errorf("atomic write %s: %w", slash, err)
	}
	return &TempWriter{root: root, name: name, slash: slash, tmp: tmp, f: f, w: bufio.NewWriterSize(f, tempBuffer)}, nil
}

// Write appends p to the temp file, then consults the fault step
// temp-write, once per call.
func (w *TempWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	if err == nil {
		err = fault(StepTempWrite, w.slash)
	}
	if err != nil {
		w.err = fmt.Errorf("atomic write %s: %w", w.slash, err)
		return n, w.err
	}
	return n, nil
}

// Size returns the number of bytes written so far: the offset the next
// Write starts at.
func (w *TempWriter) Size() int64 { return w.n }

// Stage flushes and closes the temp file, consulting the fault step
// after-temp-write, fsyncs it first if sync (see [Stage] for batches that
// sync otherwise), and returns it ready to [Staged.Publish]. On error the
// temp file is removed.
func (w *TempWriter) Stage(sync bool) (*Staged, error) {
	if w.f == nil {
		return nil, fmt.Errorf("atomic write %s: already staged or discarded", w.slash)
	}
	wrap := func(err error) error {
		return fmt.Errorf("atomic write %s: %w", w.slash, err)
	}
	err := w.err
	if err == nil {
		if err = w.w.Flush(); err != nil {
			err = wrap(err)
		}
	}
	if err == nil {
		if err = fault(StepAfterTempWrite, w.slash); err != nil {
			err = wrap(err)
		}
	}
	if err == nil && sync {
		if err = w.f.Sync(); err != nil {
			err = wrap(err)
		}
	}
	cerr := w.f.Close()
	w.f = nil
	if err == nil && cerr != nil {
		err = wrap(cerr)
	}
	if err != nil {
		_ = w.root.Remove(w.tmp)
		return nil, err
	}
	return &Staged{root: w.root, name: w.name, slash: w.slash, tmp: w.tmp}, nil
}

// Discard closes and removes the temp file, unless it was staged.
func (w *TempWriter) Discard() error {
	if w.f == nil {
		return nil
	}
	cerr := w.f.Close()
	w.f = nil
	err := w.root.Remove(w.tmp)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("atomic write %s: remove temp: %w", w.slash, err)
	}
	if cerr != nil {
		return fmt.Errorf("atomic write %s: %w", w.slash, cerr)
	}
	return nil
}
