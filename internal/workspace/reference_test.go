package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// checkOutput is what `relink check` prints for rep, as text and as JSON
// (which also carries every edit's replacement and every finding's hint).
func checkOutput(t *testing.T, rep *Report) []byte {
	t.Helper()
	in := report.Input{
		Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(),
		Plan: rep.Plan, Problems: rep.Problems, Warnings: rep.Warnings,
	}
	var out bytes.Buffer
	if err := report.Text(&out, &out, in); err != nil {
		t.Fatal(err)
	}
	report.Problems(&out, rep.Problems)
	report.Warnings(&out, rep.Warnings)
	if err := report.JSON(&out, in); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sameAsReference loads dir without caches, by the normal path and by the
// reference path, and fails when their reports differ by a byte.
func sameAsReference(t *testing.T, dir string) {
	t.Helper()
	load := func(ref bool) []byte {
		rep, err := Load(dir, Options{Cache: new(bool), SkipNames: true, Reference: ref})
		if err != nil {
			t.Fatal(err)
		}
		defer rep.Vault.Close()
		return checkOutput(t, rep)
	}
	want, got := load(true), load(false)
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		from := max(i-200, 0)
		t.Fatalf("%s: the report differs from the reference path at byte %d:\nreference: %q\nnormal:    %q",
			dir, i, want[from:min(i+200, len(want))], got[from:min(i+200, len(got))])
	}
}

// TestReferencePath holds check's report without caches to the one the
// straightforward path makes (no caches, no fast paths), on generated
// vaults of every dialect, the real corpora and the sample vault.
func TestReferencePath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, o := range []vaultgen.Options{
		{Notes: 300, Seed: 1, Dialect: "wiki"},
		{Notes: 300, Seed: 2, Dialect: "obsidian"},
		{Notes: 300, Seed: 3, Dialect: "foam"},
		{Notes: 1000, Seed: 4, Dialect: "wiki"},
	} {
		dir := t.TempDir()
		if _, err := vaultgen.Generate(dir, o); err != nil {
			t.Fatal(err)
		}
		sameAsReference(t, dir)
	}
	sameAsReference(t, filepath.Join("..", "..", "examples", "sample-vault"))
	base := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(base); err != nil {
		t.Log("../shared/corpora not present: corpora not compared")
		return
	}
	for _, dir := range []string{
		filepath.Join(base, "johngrib-wiki", "_wiki"),
		filepath.Join(base, "foam-docs", "docs"),
		filepath.Join(base, "dendron-site"),
	} {
		if _, err := os.Stat(dir); err == nil {
			sameAsReference(t, dir)
		}
	}
}
