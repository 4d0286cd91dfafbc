package workspace

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/renames"
	"github.com/relinkmd/relink/internal/snapshot"
)

// TestNamesRememberFreshNotes: a run remembers every note it saw, even one
// written a moment before (which the note cache leaves out), with or
// without the note cache, so that the next run finds it renamed.
func TestNamesRememberFreshNotes(t *testing.T) {
	for _, cache := range []bool{true, false} {
		t.Run(map[bool]string{true: "cache", false: "no-cache"}[cache], func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
			dir := filepath.Join(t.TempDir(), "vault")
			writeTree(t, dir, map[string]string{
				"a.md":            "[[Just Written]]\n",
				"Just Written.md": "fresh\n",
			})
			opt := Options{Cache: &cache, Once: true}
			loadClosed(t, dir, opt)
			store, err := StoreDir(dir, config.Config{}, "")
			if err != nil {
				t.Fatal(err)
			}
			seen, err := renames.Open(filepath.Join(store, snapshot.NoteCacheDir, renames.FileName)).Notes()
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, n := range seen {
				paths = append(paths, n.Path)
				if n.Content == 0 {
					t.Errorf("%s is remembered without its content hash", n.Path)
				}
			}
			if len(paths) != 2 || paths[0] != "Just Written.md" || paths[1] != "a.md" {
				t.Fatalf("the names file holds %v, want both notes", paths)
			}
			if err := os.Rename(filepath.Join(dir, "Just Written.md"), filepath.Join(dir, "Renamed.md")); err != nil {
				t.Fatal(err)
			}
			rep := loadClosed(t, dir, opt)
			if len(rep.Plan.Edits) != 1 || rep.Plan.Edits[0].Class != "renamed" || rep.Plan.Edits[0].New != "[[Renamed]]" {
				t.Errorf("edits after the rename: %+v", rep.Plan.Edits)
			}
			if rep.Plan.Stats.Renamed != 1 {
				t.Errorf("stats: %+v", rep.Plan.Stats)
			}
		})
	}
}

// TestSinceNeedsGit: --since outside a git work tree is an error, not an
// empty set of renames.
func TestSinceNeedsGit(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	writeTree(t, dir, map[string]string{"a.md": "x\n"})
	if _, err := Load(dir, Options{Since: "HEAD"}); err == nil {
		t.Error("--since outside git: no error")
	}
}

// TestNamesFollowApply: a note that apply rewrote is a new file with new
// bytes; moved right after, with no title or id and another stem, it is
// still found, as apply tells the names file what it wrote.
func TestNamesFollowApply(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	dir := filepath.Join(t.TempDir(), "vault")
	writeTree(t, dir, map[string]string{
		"a.md":      "[[X]]\n",
		"X.md":      "[[y-note]]\n",
		"Y Note.md": "y\n",
	})
	rep, err := Load(dir, Options{Hash: true, Once: true, Rewrites: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), rep, ApplyOptions{})
	rep.Vault.Close()
	if err != nil || len(res.Changed) != 1 || res.Changed[0].Path != "X.md" {
		t.Fatalf("apply: %v, %+v", err, res)
	}
	if err := os.Rename(filepath.Join(dir, "X.md"), filepath.Join(dir, "Z.md")); err != nil {
		t.Fatal(err)
	}
	after := loadClosed(t, dir, Options{Once: true})
	if len(after.Plan.Edits) != 1 || after.Plan.Edits[0].Class != "renamed" || after.Plan.Edits[0].New != "[[Z]]" {
		t.Errorf("edits after apply and a rename: %+v", after.Plan.Edits)
	}
}
