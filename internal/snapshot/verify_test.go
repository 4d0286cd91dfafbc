package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// commit begins and commits one operation changing every file.
func commit(t *testing.T, s *Store, files ...FileChange) Manifest {
	t.Helper()
	j, err := s.Begin(OpApply, "/v", "", files)
	if err != nil {
		t.Fatal(err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	m, err := s.Commit(j, paths)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func change(path, before, after string) FileChange {
	return FileChange{Path: path, Before: []byte(before), After: []byte(after), Mode: 0o644}
}

func objPath(s *Store, data string) string {
	return filepath.Join(s.Dir(), filepath.FromSlash(objectName(Sum([]byte(data)))))
}

func overwrite(t *testing.T, p string, data []byte) {
	t.Helper()
	os.Chmod(p, 0o600)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

type problemKey struct {
	Snapshot, Path, Object string
	Kind                   string
}

func keys(ps []Problem) []problemKey {
	var out []problemKey
	for _, p := range ps {
		kind := "other"
		switch {
		case errors.Is(p.Err, ErrNotFound):
			kind = "missing"
		case errors.Is(p.Err, ErrCorrupt):
			kind = "corrupt"
		}
		out = append(out, problemKey{p.Snapshot, p.Path, p.Object, kind})
	}
	return out
}

func TestVerify(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	m1 := commit(t, s, change("a.md", "a0", "a1"), change("b.md", "shared", "b1"))
	m2 := commit(t, s, change("a.md", "a1", "a2"), change("c.md", "shared", "c1"))

	if ps, err := s.Verify(""); err != nil || len(ps) != 0 {
		t.Fatalf("clean store: %v, %v", ps, err)
	}

	overwrite(t, objPath(s, "shared"), []byte("rgarbage")) // referenced twice
	if err := os.Remove(objPath(s, "a2")); err != nil {    // missing
		t.Fatal(err)
	}
	orphan, _ := s.PutObject([]byte(strings.Repeat("orphan ", 50))) // loose and corrupt
	overwrite(t, objPath(s, strings.Repeat("orphan ", 50)), []byte("z\x00\x01"))
	os.WriteFile(filepath.Join(s.Dir(), objectsDir, "stray"), nil, 0o600)
	os.WriteFile(filepath.Join(s.Dir(), snapsDir, "20990101T000000Z-00000000.json"), []byte("{"), 0o600)

	shared := Sum([]byte("shared")).String()
	a2 := Sum([]byte("a2")).String()
	want := []problemKey{
		{m1.ID, "b.md", shared, "corrupt"},
		{m2.ID, "a.md", a2, "missing"},
		{m2.ID, "c.md", shared, "corrupt"},
		{"20990101T000000Z-00000000", "", "snapshots/20990101T000000Z-00000000.json", "corrupt"},
		{"", "", orphan.String(), "corrupt"},
		{"", "", "objects/stray", "corrupt"},
	}
	ps, err := s.Verify("")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, keys(ps), sortKeys); diff != "" {
		t.Errorf("Verify(\"\") (-want +got):\n%s", diff)
	}
	for _, p := range ps {
		if p.String() == "" {
			t.Errorf("empty String for %+v", p)
		}
	}

	os.Remove(filepath.Join(s.Dir(), snapsDir, "20990101T000000Z-00000000.json"))
	ps, err = s.Verify(m1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[:1], keys(ps)); diff != "" {
		t.Errorf("Verify(m1) (-want +got):\n%s", diff)
	}
	if _, err := s.Verify("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Verify(unknown): %v", err)
	}
}

var sortKeys = cmpopts.SortSlices(func(a, b problemKey) bool {
	return a.Snapshot+a.Path+a.Object < b.Snapshot+b.Path+b.Object
})
