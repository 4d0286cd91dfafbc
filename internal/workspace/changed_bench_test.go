package workspace

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/vaultgen"
)

// BenchmarkChanged compares check --changed after a small change (one note
// edited, one renamed, one deleted) on a generated 10,000-note vault (1,000
// with -short) in a
// git repository with a full check of it, without caches and with them
// warm. docs/performance.md has the figures.
func BenchmarkChanged(b *testing.B) {
	needGit(b)
	dir := filepath.Join(b.TempDir(), "vault")
	size := 10000
	if testing.Short() {
		size = 1000 // CI's one run of every benchmark
	}
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: size, Seed: 1, Dialect: "wiki"}); err != nil {
		b.Fatal(err)
	}
	gitVault(b, dir, nil)
	notes, _, _, err := listNotes(dir)
	if err != nil || len(notes) < 3 {
		b.Fatal("no notes generated", err)
	}
	edit := filepath.Join(dir, notes[0])
	src, _ := os.ReadFile(edit)
	os.WriteFile(edit, append(src, "\n[[Nowhere at all]]\n"...), 0o644)
	os.Rename(filepath.Join(dir, notes[1]), filepath.Join(dir, "renamed "+filepath.Base(notes[1])))
	os.Remove(filepath.Join(dir, notes[2]))
	// Files written in the second the index was, as here, are "racily
	// clean" to git, which then reads them whole on every diff; a second
	// later, git status's own refresh of the index makes them clean.
	time.Sleep(1100 * time.Millisecond)
	runGit(b, dir, "update-index", "-q", "--refresh")
	off, on := false, true
	store := filepath.Join(b.TempDir(), "store")
	run := func(b *testing.B, changed bool, cache *bool) {
		for b.Loop() {
			opt := Options{Cache: cache, Store: store, Once: true}
			var rep *Report
			var err error
			if changed {
				rep, _, err = LoadChanged(dir, "", opt)
			} else {
				rep, err = Load(dir, opt)
			}
			if err != nil {
				b.Fatal(err)
			}
			rep.Vault.Close()
		}
	}
	b.Run("git", func(b *testing.B) {
		// What asking git what changed costs, of changed's time.
		for b.Loop() {
			if _, err := gitChange(dir, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full/no-cache", func(b *testing.B) { run(b, false, &off) })
	b.Run("changed/no-cache", func(b *testing.B) { run(b, true, &off) })
	// Warm the caches (a note is cached once it is two seconds old).
	time.Sleep(2 * time.Second)
	for range 2 {
		rep, err := Load(dir, Options{Cache: &on, Store: store, Once: true})
		if err != nil {
			b.Fatal(err)
		}
		rep.Vault.Close()
	}
	b.Run("full/cache", func(b *testing.B) { run(b, false, &on) })
	b.Run("changed/cache", func(b *testing.B) { run(b, true, &on) })
}

// listNotes lists the vault's notes, sorted.
func listNotes(dir string) ([]string, []string, bool, error) {
	var notes []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && fi.Name() == ".git" {
			return filepath.SkipDir
		}
		if filepath.Ext(p) == ".md" {
			rel, _ := filepath.Rel(dir, p)
			notes = append(notes, filepath.ToSlash(rel))
		}
		return nil
	})
	return notes, nil, true, err
}
