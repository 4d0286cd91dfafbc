package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// Problem is one defect Verify found.
type Problem struct {
	Snapshot string // the manifest (or pending journal) id; "" for a loose object
	Path     string // the vault file whose content is affected, if any
	Object   string // the object's hash, or the store-relative file name
	Err      error  // matches ErrNotFound (missing) or ErrCorrupt, or an I/O error
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Snapshot != "" {
		b.WriteString("snapshot " + p.Snapshot + ": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	if p.Err != nil && !strings.Contains(p.Err.Error(), p.Object) {
		b.WriteString(p.Object + ": ")
	}
	if p.Err != nil {
		b.WriteString(p.Err.Error())
	}
	return b.String()
}

type verifier struct {
	s        *Store
	problems []Problem
	checked  map[Hash]error
}

// ref checks the object behind ref once, and reports every reference to a
// bad object.
func (v *verifier) ref(snap, p string, ref *ObjectRef) {
	if ref == nil {
		return
	}
	err, done := v.checked[ref.SHA256]
	if !done {
		var data []byte
		data, err = v.s.GetObject(ref.SHA256)
		if err == nil && int64(len(data)) != ref.Size {
			err = fmt.Errorf("object %s: %w: size %d, manifest says %d", ref.SHA256, ErrCorrupt, len(data), ref.Size)
		}
		v.checked[ref.SHA256] = err
	}
	if err != nil {
		v.problems = append(v.problems, Problem{Snapshot: snap, Path: p, Object: ref.SHA256.String(), Err: err})
	}
}

func (v *verifier) manifest(m Manifest) {
	for _, f := range m.Files {
		v.ref(m.ID, f.Path, f.Before)
		v.ref(m.ID, f.Path, f.After)
	}
}

// Verify re-reads and re-hashes objects. With an id (anything Load accepts)
// it checks the objects of that snapshot. With id "" it checks the whole
// store: every manifest parses, the pending journal (if any) and every
// manifest have all their objects intact, and every object file, referenced
// or not, matches its name. It returns an error only if it could not run;
// defects are Problems.
func (s *Store) Verify(id string) ([]Problem, error) {
	v := &verifier{s: s, checked: map[Hash]error{}}
	if id != "" {
		m, err := s.Load(id)
		if err != nil {
			return nil, err
		}
		v.manifest(m)
		return v.problems, nil
	}

	ents, err := fs.ReadDir(s.root.FS(), snapsDir)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	for _, e := range ents {
		name := path.Join(snapsDir, e.Name())
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		mid, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !e.Type().IsRegular() {
			v.problems = append(v.problems, Problem{Object: name, Err: fmt.Errorf("%w: unexpected file", ErrCorrupt)})
			continue
		}
		m, err := s.readManifest(name, StateCommitted)
		if err == nil && m.ID != mid {
			err = fmt.Errorf("%s: %w: holds id %q", name, ErrCorrupt, m.ID)
		}
		if err != nil {
			v.problems = append(v.problems, Problem{Snapshot: mid, Object: name, Err: err})
			continue
		}
		v.manifest(m)
	}

	j, err := s.readManifest(journalName, StatePending)
	switch {
	case err == nil:
		v.manifest(j)
	case !errors.Is(err, fs.ErrNotExist):
		v.problems = append(v.problems, Problem{Object: journalName, Err: err})
	}

	err = s.walkObjects(func(name string, h Hash, ok bool) error {
		if !ok {
			v.problems = append(v.problems, Problem{Object: name, Err: fmt.Errorf("%w: unexpected file", ErrCorrupt)})
			return nil
		}
		if _, done := v.checked[h]; done {
			return nil
		}
		_, err := s.GetObject(h)
		v.checked[h] = err
		if err != nil {
			v.problems = append(v.problems, Problem{Object: h.String(), Err: err})
		}
		return nil
	})
	if err != nil {
		return v.problems, fmt.Errorf("verify: %w", err)
	}
	return v.problems, nil
}

// walkObjects calls fn for every file under objects/ except temp files, in
// name order. ok is false for a name that is not objects/xx/<hash of xx...>.
func (s *Store) walkObjects(fn func(name string, h Hash, ok bool) error) error {
	fans, err := fs.ReadDir(s.root.FS(), objectsDir)
	if err != nil {
		return err
	}
	for _, fan := range fans {
		dir := path.Join(objectsDir, fan.Name())
		if !fan.IsDir() {
			if strings.HasPrefix(fan.Name(), atomicfile.TempPrefix) {
				continue
			}
			if err := fn(dir, Hash{}, false); err != nil {
				return err
			}
			continue
		}
		ents, err := fs.ReadDir(s.root.FS(), dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
				continue
			}
			name := path.Join(dir, e.Name())
			h, err := ParseHash(e.Name())
			ok := err == nil && e.Type().IsRegular() && e.Name() == h.String() && fan.Name() == e.Name()[:2]
			if err := fn(name, h, ok); err != nil {
				return err
			}
		}
	}
	return nil
}
