package workspace

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/snapshot"
)

// TestNoteCacheLivesInTheSnapshotFolder: relink writes nothing outside the
// vault but its snapshot folder (SPEC §7), the note cache included; a
// cache there before the first snapshot does not stop apply from making
// the store, and a second check takes every note from the cache with the
// same report.
func TestNoteCacheLivesInTheSnapshotFolder(t *testing.T) {
	base := t.TempDir()
	state, home := filepath.Join(base, "state"), filepath.Join(base, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", home)
	dir := filepath.Join(base, "vault")
	writeTree(t, dir, testVault)
	time.Sleep(notecache.Settle + 100*time.Millisecond) // old enough to be cached

	first, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first.Vault.Close()
	store, err := snapshot.DefaultDir(first.Vault.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(store, snapshot.NoteCacheDir, "notes.cache")); err != nil {
		t.Fatalf("no note cache in the snapshot folder: %v", err)
	}
	if ents, _ := os.ReadDir(home); len(ents) != 0 {
		t.Fatalf("check wrote into the home folder: %v", ents)
	}

	second, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Plan.Edits) != len(first.Plan.Edits) || second.Plan.Stats != first.Plan.Stats {
		t.Fatalf("reports differ with the cache: %+v, then %+v", first.Plan.Stats, second.Plan.Stats)
	}
	second.Vault.Close()

	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	res, err := Apply(context.Background(), rep, ApplyOptions{})
	if err != nil {
		t.Fatalf("apply into a snapshot folder that holds only the note cache: %v", err)
	}
	if res.Snapshot.ID == "" || res.Planned == 0 {
		t.Fatalf("apply made no snapshot: %+v", res)
	}
}
