package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/atomicfile"
)

func objectSet(t *testing.T, s *Store) []string { return storedObjects(t, s) }

func names(datas ...string) []string { return hashes(datas...) }

func TestPrune(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	m1 := commit(t, s, change("a.md", "a0", "a1"))
	m2 := commit(t, s, change("a.md", "a1", "a2"))
	m3 := commit(t, s, change("b.md", "b0", "b1"))
	s.PutObject([]byte("loose"))
	// A pending operation: its objects must survive.
	if _, err := s.Begin(OpApply, "/v", "", []FileChange{change("c.md", "c0", "c1")}); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(s.Dir(), packsDir, atomicfile.TempPrefix+"left")
	os.WriteFile(tmp, nil, 0o600)

	if _, err := s.Prune(Policy{}, time.Now(), false); !errors.Is(err, ErrEmptyPolicy) {
		t.Errorf("empty policy: %v", err)
	}

	all := names("a0", "a1", "a2", "b0", "b1", "loose", "c0", "c1")
	before := objectSet(t, s)
	if diff := cmp.Diff(all, before); diff != "" {
		t.Fatalf("objects (-want +got):\n%s", diff)
	}

	p := Policy{KeepLast: 2}
	dry, err := s.Prune(p, time.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Objects != 2 || dry.Bytes <= 0 {
		t.Errorf("dry run: %d objects, %d bytes; want a0 and loose", dry.Objects, dry.Bytes)
	}
	if diff := cmp.Diff(before, objectSet(t, s)); diff != "" {
		t.Errorf("dry run changed objects:\n%s", diff)
	}
	if ms, _ := s.List(); len(ms) != 3 {
		t.Errorf("dry run removed snapshots")
	}

	res, err := s.Prune(p, time.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ms []Manifest) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	if diff := cmp.Diff([]string{m2.ID, m3.ID}, ids(res.Keep)); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{m1.ID}, ids(res.Remove)); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	if res.Objects != dry.Objects || res.Bytes != dry.Bytes {
		t.Errorf("result %d/%d differs from dry run %d/%d", res.Objects, res.Bytes, dry.Objects, dry.Bytes)
	}
	// a1 is still needed by m2 (its before); c0, c1 by the journal.
	if diff := cmp.Diff(names("a1", "a2", "b0", "b1", "c0", "c1"), objectSet(t, s)); diff != "" {
		t.Errorf("objects after prune (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temp file survived prune: %v", err)
	}
	if ps, err := s.Verify(""); err != nil || len(ps) != 0 {
		t.Errorf("Verify after prune: %v, %v", ps, err)
	}
	if _, err := s.Load(m1.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("pruned snapshot still loads: %v", err)
	}
}

func TestPruneRefusesCorruptManifest(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	commit(t, s, change("a.md", "a0", "a1"))
	os.WriteFile(filepath.Join(s.Dir(), snapsDir, "20990101T000000Z-00000000.json"), []byte("{"), 0o600)
	before := objectSet(t, s)
	if _, err := s.Prune(Policy{KeepLast: 1}, time.Now(), false); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Prune with a corrupt manifest: %v", err)
	}
	if diff := cmp.Diff(before, objectSet(t, s)); diff != "" {
		t.Errorf("objects changed:\n%s", diff)
	}
}
