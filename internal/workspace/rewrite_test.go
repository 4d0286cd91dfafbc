package workspace

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/vaultgen"
)

// The helpers below serve the tests of the operations that rewrite the
// vault (mv, merge): each plans on a loaded vault, then carries the plan
// out into a store of the test's own.

// planAndRun loads the vault at dir with the content hashes the
// operations check, plans with plan and carries the plan out with run.
// A refusal of plan is returned as run's error.
func planAndRun[P, R any](t *testing.T, dir string, plan func(*Report) (P, error), run func(context.Context, *Report, P) (R, error)) (R, error) {
	t.Helper()
	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	p, err := plan(rep)
	if err != nil {
		var zero R
		return zero, err
	}
	return run(context.Background(), rep, p)
}

// runAfterEdit plans on a vault of files, then writes changed (as an
// editor would, between the plan and the writes) and carries the plan out
// with run into store. It returns run's error, the vault and its tree as
// it was just before run, which a refusal must leave as it is.
func runAfterEdit[P, R any](t *testing.T, files map[string]string, changed string, plan func(*Report) (P, error), run func(context.Context, *Report, P, string) (R, error)) (dir string, tree map[string]string, err error) {
	t.Helper()
	dir, store := newVault(t, files)
	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	p, err := plan(rep)
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{changed: "edited " + files[changed]})
	tree = readTree(t, dir)
	_, err = run(context.Background(), rep, p, store)
	return dir, tree, err
}

// generatedVault writes a generated vault of n notes in dialect d from
// seed, and returns it, a store for it, and its tree.
func generatedVault(t *testing.T, d string, seed int64, n int) (dir, store string, tree map[string]string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "vault")
	store = filepath.Join(t.TempDir(), "store")
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: n, Seed: seed, Dialect: d, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return dir, store, readTree(t, dir)
}
