package snapshot

import (
	"encoding/json"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// newStore opens a store in a fresh temp dir with a clock that starts at
// 2026-11-25 10:15:30 UTC and advances one minute per call.
func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	s.Now = fakeClock(time.Date(2026, 11, 25, 10, 15, 30, 0, time.UTC), time.Minute)
	t.Cleanup(func() { s.Close() })
	return s
}

func fakeClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(step)
		return t
	}
}

func mustLock(t *testing.T, s *Store) {
	t.Helper()
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unlock() })
}

// storeFiles lists the files under the store dir (slash paths), without lock.
func storeFiles(t *testing.T, s *Store) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(s.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() == lockName {
			return nil
		}
		rel, _ := filepath.Rel(s.Dir(), p)
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func hashp(data string) *Hash {
	h := Sum([]byte(data))
	return &h
}

// storedObjects lists the hashes of every object in the store, loose or
// packed, sorted, each once.
func storedObjects(t *testing.T, s *Store) []string {
	t.Helper()
	set := map[string]bool{}
	if err := s.walkObjects(func(name string, h Hash, ok bool) error {
		set[h.String()] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Join(s.Dir(), packsDir))
	for _, e := range ents {
		if filepath.Ext(e.Name()) != packExt || strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		p, err := openPack(s.root, path.Join(packsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.len() {
			set[p.entry(i).hash.String()] = true
		}
		p.f.Close()
	}
	return slices.Sorted(maps.Keys(set))
}

func hashes(datas ...string) []string {
	var out []string
	for _, d := range datas {
		out = append(out, Sum([]byte(d)).String())
	}
	slices.Sort(out)
	return out
}

// locate returns the pack file holding data and its entry there.
func locate(t *testing.T, s *Store, data string) (string, packEntry) {
	t.Helper()
	h := Sum([]byte(data))
	ents, _ := os.ReadDir(filepath.Join(s.Dir(), packsDir))
	for _, e := range ents {
		if filepath.Ext(e.Name()) != packExt {
			continue
		}
		p, err := openPack(s.root, path.Join(packsDir, e.Name()))
		if err != nil {
			continue
		}
		i, ok := p.find(h)
		p.f.Close()
		if ok {
			return filepath.Join(s.Dir(), packsDir, e.Name()), p.entry(i)
		}
	}
	t.Fatalf("%q is in no pack", data)
	return "", packEntry{}
}

// damageFrame overwrites the stored frame holding data with as many bytes
// of garbage (the pack's index stays intact).
func damageFrame(t *testing.T, s *Store, data string) {
	t.Helper()
	file, e := locate(t, s, data)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i := e.frameOff; i < e.frameOff+e.frameN; i++ {
		b[i] = 'z'
	}
	overwrite(t, file, b)
}

func overwrite(t *testing.T, p string, data []byte) {
	t.Helper()
	os.Chmod(p, 0o600)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// legacyStore creates, in a fresh folder, a store as relink wrote it before
// packs (version 1): one file per object under objects/, here with the
// snapshot m's objects (datas) and its manifest.
func legacyStore(t *testing.T, m Manifest, datas ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.MkdirAll(filepath.Join(dir, snapsDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, configName), []byte("{\"version\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range datas {
		p := filepath.Join(dir, filepath.FromSlash(objectName(Sum([]byte(d)))))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		b, err := encodeObject([]byte(d), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o400); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(manifestName(m.ID))), b, 0o400); err != nil {
		t.Fatal(err)
	}
	return dir
}
