package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/snapshot"
)

// TestStoreMissing: a folder without a store config is "no store" only
// when no store was ever there.
func TestStoreMissing(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	base := t.TempDir()
	never := filepath.Join(base, "never")
	if err := storeMissing(never); err != nil {
		t.Errorf("never a store: %v", err)
	}

	gone := filepath.Join(base, "gone")
	_, release, err := LockStore(gone)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if err := os.RemoveAll(gone); err != nil {
		t.Fatal(err)
	}
	var ge *StoreGoneError
	if err := storeMissing(gone); !errors.As(err, &ge) || ge.Store != gone || time.Since(ge.Created) > time.Hour {
		t.Errorf("gone: %v", err)
	}
	if _, err := PeekStore(gone); !errors.As(err, &ge) {
		t.Errorf("PeekStore of a gone store: %v", err)
	}
	if _, _, err := LockStore(gone); !errors.As(err, &ge) {
		t.Errorf("LockStore of a gone store: %v", err)
	}
	if _, err := os.Stat(gone); err == nil {
		t.Error("LockStore made a new store where one is gone")
	}
	// A record that names another path says nothing of this one.
	other := filepath.Join(base, "other")
	b, _ := os.ReadFile(ge.Record)
	if err := os.WriteFile(storeRecordPath(other), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := storeMissing(other); err != nil {
		t.Errorf("another store's record: %v", err)
	}
	// Forgetting the store: delete its record.
	if err := os.Remove(ge.Record); err != nil {
		t.Fatal(err)
	}
	if st, err := PeekStore(gone); st != nil || err != nil {
		t.Errorf("after the record is deleted: %v, %v", st, err)
	}

	// Parts of a store without its config: damaged, not empty.
	for _, part := range []string{"snapshots", "packs", "objects", "journal.json"} {
		d := filepath.Join(base, "lost-"+part)
		if err := os.MkdirAll(filepath.Join(d, part), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := PeekStore(d); !errors.Is(err, snapshot.ErrCorrupt) {
			t.Errorf("%s without config: %v", part, err)
		}
	}
	// A folder holding only the note cache was never a store.
	nc := filepath.Join(base, "cache-only")
	if err := os.MkdirAll(filepath.Join(nc, snapshot.NoteCacheDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if st, err := PeekStore(nc); st != nil || err != nil {
		t.Errorf("note cache only: %v, %v", st, err)
	}
}
