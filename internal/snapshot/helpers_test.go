package snapshot

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
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
