package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/snapshot"
)

func undo(t *testing.T, dir string, opt UndoOptions) (*RevertResult, error) {
	t.Helper()
	v, cfg, err := OpenVault(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	return Undo(context.Background(), v, cfg, opt)
}

// undo walks back through the applies, one per call; undoing an undo
// redoes its apply.
func TestUndoWalksBack(t *testing.T) {
	dir, store := newVault(t, testVault)
	first := apply(t, dir, store)
	writeTree(t, dir, map[string]string{"e.md": "[[disaster recovery]] e\n"})
	afterFirst := readTree(t, dir)
	second := apply(t, dir, store)
	afterSecond := readTree(t, dir)
	if !slices.Equal(changedPaths(second), []string{"e.md"}) {
		t.Fatalf("second apply changed %v", changedPaths(second))
	}

	res, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || res.Target.ID != second.Snapshot.ID || !slices.Equal(res.Restored, []string{"e.md"}) {
		t.Fatalf("undo 1: %+v, %v", res, err)
	}
	wantTree(t, dir, afterFirst)
	res, err = undo(t, dir, UndoOptions{Store: store})
	if err != nil || res.Target.ID != first.Snapshot.ID || res.Snapshot.Parent != first.Snapshot.ID || res.Snapshot.Op != snapshot.OpUndo {
		t.Fatalf("undo 2: %+v, %v", res, err)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"e.md": "[[disaster recovery]] e\n"}))
	if _, err := undo(t, dir, UndoOptions{Store: store}); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo 3: %v", err)
	}
	// Undo the undo of the first apply, then of the second.
	res, err = undo(t, dir, UndoOptions{Store: store, Snapshot: "latest"})
	if err != nil || res.Target.Op != snapshot.OpUndo {
		t.Fatal(res, err)
	}
	wantTree(t, dir, afterFirst)
	res, err = undo(t, dir, UndoOptions{Store: store, Snapshot: "latest~2"})
	if err != nil || res.Target.Parent != second.Snapshot.ID {
		t.Fatal(res, err)
	}
	wantTree(t, dir, afterSecond)
	// Now the second apply is in effect again: plain undo picks it.
	res, err = undo(t, dir, UndoOptions{Store: store, DryRun: true})
	if err != nil || res.Target.ID != second.Snapshot.ID || res.Snapshot.ID != "" {
		t.Fatal(res, err)
	}
	wantTree(t, dir, afterSecond)
}

func TestUndoConflicts(t *testing.T) {
	dir, store := newVault(t, testVault)
	apply(t, dir, store)
	edited := "[[Disaster Recovery]] b, edited\r\n"
	writeTree(t, dir, map[string]string{"b.md": edited})
	res, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if sk := skipped(res.Skipped); !strings.HasPrefix(sk["b.md"], "changed since snapshot") || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": edited}))
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("undo snapshot %v", got)
	}
}

func TestHistory(t *testing.T) {
	at := func(i int) time.Time { return time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC) }
	files := func(paths ...string) []snapshot.FileEntry {
		var fs []snapshot.FileEntry
		for _, p := range paths {
			fs = append(fs, snapshot.FileEntry{Path: p})
		}
		return fs
	}
	ms := []snapshot.Manifest{
		{ID: "a1", Op: snapshot.OpApply, Time: at(1), Files: files("x.md")},
		{ID: "a2", Op: snapshot.OpApply, Time: at(2), Files: files("x.md", "y.md")},
		{ID: "u1", Op: snapshot.OpUndo, Parent: "a2", Time: at(3), Files: files("x.md", "y.md")},
		{ID: "u2", Op: snapshot.OpUndo, Parent: "u1", Time: at(4), Files: files("x.md", "y.md")}, // redoes a2
		{ID: "u3", Op: snapshot.OpUndo, Parent: "a1", Time: at(5), Files: files("x.md")},
		{ID: "r1", Op: snapshot.OpRestore, Parent: "a2", Time: at(6), Files: files("x.md")},
		{ID: "u4", Op: snapshot.OpUndo, Parent: "gone", Time: at(7), Files: files("x.md")},
		// A partial undo (y.md left), then a forced one of what it left.
		{ID: "a3", Op: snapshot.OpApply, Time: at(8), Files: files("x.md", "y.md", "z.md")},
		{ID: "u5", Op: snapshot.OpUndo, Parent: "a3", Time: at(9), Files: files("x.md", "z.md")},
		{ID: "a4", Op: snapshot.OpApply, Time: at(10), Files: files("x.md", "y.md")},
		{ID: "u6", Op: snapshot.OpUndo, Parent: "a4", Time: at(11), Files: files("y.md")},
		{ID: "u7", Op: snapshot.OpUndo, Parent: "a4", Time: at(12), Files: files("x.md")},
		// Undoing the forced undo leaves a4 partly undone again.
		{ID: "u8", Op: snapshot.OpUndo, Parent: "u7", Time: at(13), Files: files("x.md")},
	}
	type state struct {
		by   string
		left string
	}
	want := map[string]state{
		"a1": {"u3", ""}, "a2": {"", ""}, "u1": {"u2", ""}, "u2": {"", ""}, "u3": {"", ""}, "r1": {"", ""}, "u4": {"", ""},
		"a3": {"u5", "y.md"}, "u5": {"", ""},
		"a4": {"u6", "x.md"}, "u6": {"", ""}, "u7": {"u8", ""}, "u8": {"", ""},
	}
	for _, h := range History(ms) {
		if got := (state{h.UndoneBy, strings.Join(h.Left, ",")}); got != want[h.ID] {
			t.Errorf("%s: undone by %q, left %q; want %+v", h.ID, got.by, got.left, want[h.ID])
		}
		if h.PartlyUndone() != (want[h.ID].left != "") {
			t.Errorf("%s: partly undone %v", h.ID, h.PartlyUndone())
		}
	}
}

func TestRestore(t *testing.T) {
	dir, store := newVault(t, testVault)
	apply(t, dir, store)
	v, cfg, err := OpenVault(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	edited := "[[Disaster Recovery]] a, edited\n"
	writeTree(t, dir, map[string]string{"a.md": edited})

	// Into another folder: copies only, nothing overwritten.
	out := t.TempDir()
	res, err := Restore(context.Background(), v, cfg, RestoreOptions{Store: store, Snapshot: "latest", To: out, Paths: []string{"c", "a.md"}})
	if err != nil || !slices.Equal(res.Restored, []string{"a.md", "c/d.md"}) {
		t.Fatal(res, err)
	}
	wantTree(t, out, map[string]string{"a.md": testVault["a.md"], "c/d.md": testVault["c/d.md"]})

	// Into the vault: overwrites the edit, which the new snapshot keeps.
	res, err = Restore(context.Background(), v, cfg, RestoreOptions{Store: store, Snapshot: "latest", Paths: []string{"a.md"}})
	if err != nil || !slices.Equal(res.Overwritten, []string{"a.md"}) || res.Snapshot.Op != snapshot.OpRestore {
		t.Fatal(res, err)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"a.md": testVault["a.md"]}))
	res, err = undo(t, dir, UndoOptions{Store: store, Snapshot: res.Snapshot.ID})
	if err != nil || len(res.Restored) != 1 {
		t.Fatal(res, err)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"a.md": edited}))

	if _, err := Restore(context.Background(), v, cfg, RestoreOptions{Store: store, Snapshot: "latest", Paths: []string{"x.md"}}); err == nil || !strings.Contains(err.Error(), "no such file in snapshot") {
		t.Errorf("unknown path: %v", err)
	}
}

// Two vaults sharing one store (the same [snapshot] dir): undo and recover
// in one never touch the other's snapshots.
func TestSharedStore(t *testing.T) {
	dirA, store := newVault(t, testVault)
	dirB, _ := newVault(t, testVault)
	apply(t, dirA, store)
	if _, err := undo(t, dirB, UndoOptions{Store: store}); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo in B: %v", err)
	}
	wantTree(t, dirB, testVault)
	beginPending(t, dirA, store)
	if _, err := recoverVault(t, dirB, RecoverOptions{Store: store}); err == nil || !strings.Contains(err.Error(), "run `relink recover --store "+store+" ") {
		t.Fatalf("recover in B: %v", err)
	}
	if _, err := recoverVault(t, dirA, RecoverOptions{Store: store}); err != nil {
		t.Fatalf("recover in A: %v", err)
	}
}

// An apply recorded by a relink that stored one file per object (store
// version 1) is undone by this one, and the next apply goes on in the same
// store.
func TestUndoVersion1Store(t *testing.T) {
	dir, store := newVault(t, testVault)
	first := apply(t, dir, store)
	// Rewrite the store as version 1 wrote it: loose raw objects, no packs.
	if err := os.RemoveAll(filepath.Join(store, "packs")); err != nil {
		t.Fatal(err)
	}
	for _, f := range first.Snapshot.Files {
		for _, c := range []struct {
			ref  *snapshot.ObjectRef
			data string
		}{{f.Before, testVault[f.Path]}, {f.After, testVaultApplied[f.Path]}} {
			h := c.ref.SHA256.String()
			p := filepath.Join(store, "objects", h[:2], h)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, append([]byte{'r'}, c.data...), 0o400); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(store, "config"), []byte("{\"version\":1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	res, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || res.Target.ID != first.Snapshot.ID {
		t.Fatalf("undo: %+v, %v", res, err)
	}
	wantTree(t, dir, testVault)
	again := apply(t, dir, store)
	if len(again.Changed) != len(first.Changed) {
		t.Errorf("apply after undo changed %v", changedPaths(again))
	}
	wantTree(t, dir, testVaultApplied)
	if b, _ := os.ReadFile(filepath.Join(store, "config")); !strings.Contains(string(b), `"version":2`) {
		t.Errorf("config = %s", b)
	}
	if _, err := undo(t, dir, UndoOptions{Store: store}); err != nil {
		t.Fatal(err)
	}
	wantTree(t, dir, testVault)
}

// LastApply names the apply that a plain undo reverts, and nothing once
// every apply is undone.
func TestLastApply(t *testing.T) {
	dir, store := newVault(t, testVault)
	last := func() *snapshot.Manifest {
		t.Helper()
		v, cfg, err := OpenVault(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		m, err := LastApply(v.Dir, cfg, store)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := last(); m != nil {
		t.Fatalf("before any apply: %s", m.ID)
	}
	if _, err := os.Stat(filepath.Join(store, "config")); err == nil {
		t.Error("LastApply created the store")
	}
	first := apply(t, dir, store)
	writeTree(t, dir, map[string]string{"e.md": "[[disaster recovery]] e\n"})
	second := apply(t, dir, store)
	for _, want := range []string{second.Snapshot.ID, first.Snapshot.ID, ""} {
		m := last()
		switch {
		case want == "" && m != nil:
			t.Fatalf("after undoing every apply: %s", m.ID)
		case want != "" && (m == nil || m.ID != want):
			t.Fatalf("last apply = %v, want %s", m, want)
		}
		if want == "" {
			break
		}
		res, err := undo(t, dir, UndoOptions{Store: store})
		if err != nil || res.Target.ID != want {
			t.Fatalf("undo reverted %s (%v), LastApply said %s", res.Target.ID, err, want)
		}
	}
}

// After a partial undo (a file edited since the apply was left alone),
// `undo --force`, as the partial undo advised, restores the file left and
// only that one; plain undo says why there is nothing to undo without it.
func TestUndoForceAfterPartialUndo(t *testing.T) {
	dir, store := newVault(t, testVault)
	a := apply(t, dir, store)
	edited := "[[Disaster Recovery]] b, edited\r\n"
	writeTree(t, dir, map[string]string{"b.md": edited})
	res, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "--force restores it anyway") {
		t.Fatalf("partial undo: %+v, %v", res, err)
	}
	ms := listSnapshots(t, store)
	h := History(ms)
	if e := h[0]; e.ID != a.Snapshot.ID || !e.PartlyUndone() || !slices.Equal(e.Left, []string{"b.md"}) {
		t.Fatalf("history after the partial undo: %+v", e)
	}
	// a.md, restored by the partial undo, is edited again: it is no
	// longer the apply's to overwrite.
	writeTree(t, dir, map[string]string{"a.md": "a, rewritten by hand\n"})

	_, err = undo(t, dir, UndoOptions{Store: store})
	if !errors.Is(err, ErrNothingToUndo) || !strings.Contains(err.Error(), "partly undone, 1 file left") || !strings.Contains(err.Error(), "relink undo --force --store "+store) {
		t.Fatalf("plain undo: %v", err)
	}
	res, err = undo(t, dir, UndoOptions{Store: store, Force: true})
	if err != nil || res.Target.ID != a.Snapshot.ID || !slices.Equal(res.Restored, []string{"b.md"}) || !slices.Equal(res.Overwritten, []string{"b.md"}) {
		t.Fatalf("undo --force: %+v, %v", res, err)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"a.md": "a, rewritten by hand\n"}))
	h = History(listSnapshots(t, store))
	if e := h[0]; e.UndoneBy != res.Snapshot.ID || e.PartlyUndone() {
		t.Fatalf("history after undo --force: %+v", e)
	}
	if _, err := undo(t, dir, UndoOptions{Store: store, Force: true}); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo --force again: %v", err)
	}
}

func listSnapshots(t *testing.T, store string) []snapshot.Manifest {
	t.Helper()
	st, err := snapshot.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// A vault moved (or renamed) after an apply is undone in its new place
// from the store the apply used, given explicitly; a vault that still
// exists at the recorded path keeps its snapshots to itself.
func TestUndoMovedVault(t *testing.T) {
	dir, store := newVault(t, testVault)
	apply(t, dir, store)
	moved := filepath.Join(filepath.Dir(dir), "vault2")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	res, err := undo(t, moved, UndoOptions{Store: store})
	if err != nil || len(res.Restored) != 3 {
		t.Fatalf("undo in the moved vault: %+v, %v", res, err)
	}
	wantTree(t, moved, testVault)

	// A copy is not a move: the original is still there.
	apply(t, moved, store)
	cp := filepath.Join(filepath.Dir(dir), "copy")
	writeTree(t, cp, testVaultApplied)
	if _, err := undo(t, cp, UndoOptions{Store: store}); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo in a copy: %v", err)
	}
}

// A vault whose store is inside it (the config's [snapshot] dir) takes
// its store along when moved: undo finds the apply without --store.
func TestUndoMovedVaultStoreInside(t *testing.T) {
	dir, _ := newVault(t, withFiles(testVault, map[string]string{".relink.toml": "[snapshot]\ndir = \".relink\"\n"}))
	if _, err := Apply(context.Background(), loadVault(t, dir), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(filepath.Dir(dir), "renamed")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	res, err := undo(t, moved, UndoOptions{})
	if err != nil || len(res.Restored) != 3 {
		t.Fatalf("undo in the moved vault: %+v, %v", res, err)
	}
}
