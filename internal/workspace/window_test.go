package workspace

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/snapshot"
)

// The tests below change a file between relink's last check of it and
// the rename that replaces it: the fault step before-rename runs right
// there, so the edit lands in that window every time.

// editBeforeRename makes the first rename (or removal) of the vault file
// p run edit first.
func editBeforeRename(t *testing.T, p string, edit func()) {
	t.Helper()
	var fired atomic.Bool
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		if step == atomicfile.StepBeforeRename && name == baseName(p) && fired.CompareAndSwap(false, true) {
			edit()
		}
		return nil
	}))
}

func baseName(p string) string { return p[strings.LastIndex(p, "/")+1:] }

// appendInPlace writes to the file as a program that has it open does:
// the same inode, new bytes.
func appendInPlace(t *testing.T, dir, p, s string) {
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(p)), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Error(err)
		return
	}
	if _, err := f.WriteString(s); err != nil {
		t.Error(err)
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
}

// saveByRename saves the file as an editor that writes a new file and
// renames it over the old one does: another inode under the same name.
func saveByRename(t *testing.T, dir, p, s string) {
	full := filepath.Join(dir, filepath.FromSlash(p))
	tmp := full + ".editor-save"
	if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, full); err != nil {
		t.Error(err)
	}
}

func entryOf(m snapshot.Manifest, p string) (snapshot.FileEntry, bool) {
	for _, f := range m.Files {
		if f.Path == p {
			return f, true
		}
	}
	return snapshot.FileEntry{}, false
}

// An edit written in place between apply's last check and its rename is
// put back over relink's version; the file is reported as skipped, and
// the snapshot keeps relink's version of it. Undo then leaves it alone.
func TestApplyEditInPlaceBeforeRename(t *testing.T) {
	dir, store := newVault(t, testVault)
	editBeforeRename(t, "b.md", func() { appendInPlace(t, dir, "b.md", "a line the user added\r\n") })
	res := apply(t, dir, store)
	edited := testVault["b.md"] + "a line the user added\r\n"
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": edited}))
	if sk := skipped(res.Skipped); sk["b.md"] != reasonPutBack || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	if got := changedPaths(res); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("changed %v", got)
	}
	e, ok := entryOf(res.Snapshot, "b.md")
	if !ok || e.After == nil || e.After.SHA256 != snapshot.Sum([]byte(testVaultApplied["b.md"])) {
		t.Fatalf("snapshot entry of b.md: %+v, %v (want relink's version kept)", e, ok)
	}
	atomicfile.SetFaultHook(nil)
	u, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if sk := skipped(u.Skipped); !strings.HasPrefix(sk["b.md"], "changed since snapshot") {
		t.Errorf("undo skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": edited}))
}

// An editor's own atomic save between the last check and the rename puts
// another file under the name: apply sees it before renaming and leaves
// it alone.
func TestApplySaveByRenameBeforeRename(t *testing.T) {
	dir, store := newVault(t, testVault)
	saved := "saved by an editor\n"
	editBeforeRename(t, "b.md", func() { saveByRename(t, dir, "b.md", saved) })
	res := apply(t, dir, store)
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": saved}))
	if sk := skipped(res.Skipped); sk["b.md"] != reasonReplaced || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("snapshot files %v", got)
	}
}

// Undo, restore and recover write through the same path: an edit in the
// window is put back there too, and the file is not counted as written.
func TestRevertEditInPlaceBeforeRename(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, dir, store string) ([]string, []Skip, snapshot.Manifest)
	}{
		{"undo", func(t *testing.T, dir, store string) ([]string, []Skip, snapshot.Manifest) {
			res, err := undo(t, dir, UndoOptions{Store: store})
			if err != nil {
				t.Fatal(err)
			}
			return res.Restored, res.Skipped, res.Snapshot
		}},
		{"restore", func(t *testing.T, dir, store string) ([]string, []Skip, snapshot.Manifest) {
			v, cfg, err := OpenVault(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			res, err := Restore(context.Background(), v, cfg, RestoreOptions{Store: store, Snapshot: "latest"})
			if err != nil {
				t.Fatal(err)
			}
			return res.Restored, res.Skipped, res.Snapshot
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, store := newVault(t, testVault)
			apply(t, dir, store)
			editBeforeRename(t, "b.md", func() { appendInPlace(t, dir, "b.md", "user\r\n") })
			restored, skips, m := tc.run(t, dir, store)
			wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": testVaultApplied["b.md"] + "user\r\n"}))
			if sk := skipped(skips); sk["b.md"] != reasonPutBack || len(sk) != 1 {
				t.Errorf("skipped %q", sk)
			}
			if !slices.Equal(restored, []string{"a.md", "c/d.md"}) || !slices.Equal(manifestPaths(m), restored) {
				t.Errorf("restored %v, snapshot %v", restored, manifestPaths(m))
			}
		})
	}
}

// Rolling an interrupted apply forward writes its new content the same
// way; the snapshot it commits keeps relink's version of the file whose
// edit was put back.
func TestRecoverForwardEditInPlaceBeforeRename(t *testing.T) {
	dir, store := crashed(t)
	editBeforeRename(t, "d.md", func() { appendInPlace(t, dir, "c/d.md", "\nuser") })
	res, err := recoverVault(t, dir, RecoverOptions{Store: store, Forward: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, dir)["c/d.md"]; got != testVault["c/d.md"]+"\nuser" {
		t.Errorf("c/d.md = %q", got)
	}
	for _, f := range res.Files {
		if f.Path == "c/d.md" && (f.Action != ActionLeftAlone || f.Reason != reasonPutBack) {
			t.Errorf("c/d.md: %+v", f)
		}
	}
	if got := manifestPaths(res.Commit); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("committed %v", got)
	}
}

// Rolling back puts an edit back too.
func TestRecoverBackEditInPlaceBeforeRename(t *testing.T) {
	dir, store := crashed(t)
	editBeforeRename(t, "a.md", func() { appendInPlace(t, dir, "a.md", "user\n") })
	res, err := recoverVault(t, dir, RecoverOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, dir)["a.md"]; got != testVaultApplied["a.md"]+"user\n" {
		t.Errorf("a.md = %q", got)
	}
	if a := actions(res); a["a.md"] != ActionLeftAlone {
		t.Errorf("actions %v", a)
	}
}

// restore --to writes copies only where the name is free: a file that
// appears there between the check and the rename is not replaced.
func TestRestoreToFileAppearsBeforeRename(t *testing.T) {
	dir, store := newVault(t, testVault)
	apply(t, dir, store)
	to := filepath.Join(t.TempDir(), "copies")
	editBeforeRename(t, "b.md", func() { writeTree(t, to, map[string]string{"b.md": "someone's b\n"}) })
	v, cfg, err := OpenVault(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	res, err := Restore(context.Background(), v, cfg, RestoreOptions{Store: store, Snapshot: "latest", To: to})
	if err != nil {
		t.Fatal(err)
	}
	if sk := skipped(res.Skipped); !strings.HasPrefix(sk["b.md"], "appeared in ") || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, to, map[string]string{"a.md": testVault["a.md"], "b.md": "someone's b\n", "c/d.md": testVault["c/d.md"]})
}

// A removal is guarded the same way: undoing an undo that recreated a
// file deletes it again, unless it was edited in the window, in which case
// the edited file is put back.
func TestUndoRemovalEditInPlace(t *testing.T) {
	dir, store := newVault(t, testVault)
	apply(t, dir, store)
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	if res, err := undo(t, dir, UndoOptions{Store: store, Force: true}); err != nil || !slices.Contains(res.Restored, "b.md") {
		t.Fatalf("forced undo: %+v, %v", res, err)
	}
	editBeforeRename(t, "b.md", func() { appendInPlace(t, dir, "b.md", "user\r\n") })
	res, err := undo(t, dir, UndoOptions{Store: store, Snapshot: "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if sk := skipped(res.Skipped); sk["b.md"] != reasonPutBack {
		t.Errorf("skipped %q", sk)
	}
	if got := readTree(t, dir)["b.md"]; got != testVault["b.md"]+"user\r\n" {
		t.Errorf("b.md = %q", got)
	}
}
