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

	// shared is stored once, in a frame with b1 (b.md's two versions).
	damageFrame(t, s, "shared")
	// m2's pack holds a2 and c1; a1 and shared were stored already.
	file, _ := locate(t, s, "a2")
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	orphan, _ := s.PutObject([]byte(strings.Repeat("orphan ", 50))) // unreferenced and damaged
	damageFrame(t, s, strings.Repeat("orphan ", 50))
	os.WriteFile(filepath.Join(s.Dir(), packsDir, "stray"), nil, 0o600)
	os.WriteFile(filepath.Join(s.Dir(), packsDir, "0000.pack"), []byte("RLPACK\x00\x01 and no index"), 0o600)
	os.WriteFile(filepath.Join(s.Dir(), snapsDir, "20990101T000000Z-00000000.json"), []byte("{"), 0o600)

	shared := Sum([]byte("shared")).String()
	b1 := Sum([]byte("b1")).String()
	a2 := Sum([]byte("a2")).String()
	c1 := Sum([]byte("c1")).String()
	want := []problemKey{
		{m1.ID, "b.md", shared, "corrupt"},
		{m1.ID, "b.md", b1, "corrupt"},
		{m2.ID, "a.md", a2, "missing"},
		{m2.ID, "c.md", shared, "corrupt"},
		{m2.ID, "c.md", c1, "missing"},
		{"20990101T000000Z-00000000", "", "snapshots/20990101T000000Z-00000000.json", "corrupt"},
		{"", "", orphan.String(), "corrupt"},
		{"", "", "packs/stray", "corrupt"},
		{"", "", "packs/0000.pack", "corrupt"},
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
	if diff := cmp.Diff(want[:2], keys(ps), sortKeys); diff != "" {
		t.Errorf("Verify(m1) (-want +got):\n%s", diff)
	}
	if _, err := s.Verify("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Verify(unknown): %v", err)
	}
}

var sortKeys = cmpopts.SortSlices(func(a, b problemKey) bool {
	return a.Snapshot+a.Path+a.Object < b.Snapshot+b.Path+b.Object
})

// A content stored twice (two runs that each stored it) with one copy
// damaged: it still reads, and verify reports the damaged copy.
func TestVerifyDamagedDuplicate(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	commit(t, s, change("a.md", "a0", "a1"))
	file, _ := locate(t, s, "a0")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	copyName := filepath.Join(s.Dir(), packsDir, "ffff"+packExt)
	if err := os.WriteFile(copyName, b, 0o400); err != nil {
		t.Fatal(err)
	}
	damageFrame(t, s, "a0") // the first pack holding it, by name order: the original
	if got, err := s.GetObject(Sum([]byte("a0"))); err != nil || string(got) != "a0" {
		t.Fatalf("GetObject with one good copy: %q, %v", got, err)
	}
	ps, err := s.Verify("")
	if err != nil {
		t.Fatal(err)
	}
	want := []problemKey{
		{"", "", Sum([]byte("a0")).String(), "corrupt"},
		{"", "", Sum([]byte("a1")).String(), "corrupt"},
	}
	if diff := cmp.Diff(want, keys(ps), sortKeys); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
}
