package snapshot

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
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

	if err := v.packs(); err != nil {
		return v.problems, fmt.Errorf("verify: %w", err)
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

// packs checks every file in packs/: each must be a readable pack, and each
// object in it must match its hash. A content stored twice is checked in
// each copy, so a damaged copy is reported even while another is intact.
func (v *verifier) packs() error {
	s := v.s
	ents, err := fs.ReadDir(s.root.FS(), packsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		name := path.Join(packsDir, e.Name())
		if !strings.HasSuffix(e.Name(), packExt) || !e.Type().IsRegular() {
			v.problems = append(v.problems, Problem{Object: name, Err: fmt.Errorf("%w: unexpected file", ErrCorrupt)})
			continue
		}
		p, err := openPack(s.root, name)
		if err != nil {
			v.problems = append(v.problems, Problem{Object: name, Err: err})
			continue
		}
		// In frame order, so that each frame is decoded once.
		ents := make([]packEntry, p.len())
		for i := range ents {
			ents[i] = p.entry(i)
		}
		slices.SortStableFunc(ents, func(a, b packEntry) int { return cmp.Compare(a.frameOff, b.frameOff) })
		var frame []byte
		var frameErr error
		for i, e := range ents {
			if i == 0 || e.frameOff != ents[i-1].frameOff {
				frame, frameErr = p.frame(e)
			}
			err := frameErr
			if err == nil {
				_, err = p.objectIn(e, frame)
			} else {
				err = fmt.Errorf("object %s: %w", e.hash, errors.Unwrap(err))
			}
			// A bad object already reported through the snapshots that
			// reference it is not reported again; a bad copy of an object
			// that reads well from another file is.
			prev, done := v.checked[e.hash]
			if err != nil && (!done || prev == nil) {
				v.problems = append(v.problems, Problem{Object: e.hash.String(), Err: err})
			}
			if !done || prev != nil {
				v.checked[e.hash] = err
			}
		}
		p.f.Close()
	}
	return nil
}

// walkObjects calls fn for every file under objects/ (the loose objects of
// a version 1 store) except temp files, in name order. ok is false for a
// name that is not objects/xx/<hash of xx...>.
func (s *Store) walkObjects(fn func(name string, h Hash, ok bool) error) error {
	fans, err := fs.ReadDir(s.root.FS(), objectsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
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
