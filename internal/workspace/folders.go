package workspace

import (
	"errors"
	"os"
	"path"
	"sync"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// folders hands out one open handle per vault folder, so that reading,
// staging, checking and renaming thousands of files costs one openat each
// instead of os.Root opening every folder on the path again for every
// call. It is safe for concurrent use.
type folders struct {
	root *os.Root
	mu   sync.Mutex
	open map[string]*atomicfile.Dir
}

func newFolders(root *os.Root) *folders {
	return &folders{root: root, open: map[string]*atomicfile.Dir{}}
}

// dir returns the handle of the vault folder d ("." is the vault). A
// folder that cannot be opened is not remembered: it may be created later.
func (fo *folders) dir(d string) (*atomicfile.Dir, error) {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if r, ok := fo.open[d]; ok {
		return r, nil
	}
	r, err := atomicfile.OpenDir(fo.root, d)
	if err != nil {
		return nil, err
	}
	fo.open[d] = r
	return r, nil
}

// split returns the handle of p's folder and p's base name in it.
func (fo *folders) split(p string) (*atomicfile.Dir, string, error) {
	d, base := path.Split(p)
	if d == "" {
		d = "."
	} else {
		d = path.Clean(d)
	}
	r, err := fo.dir(d)
	return r, base, err
}

func (fo *folders) close() error {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	var errs []error
	for d, r := range fo.open {
		errs = append(errs, r.Close())
		delete(fo.open, d)
	}
	return errors.Join(errs...)
}
