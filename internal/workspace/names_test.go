package workspace

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/snapshot"
)

// oddNames are note names that a file system may hold and a JSON string
// cannot, or that split a line of text.
var oddNames = []string{
	"bad\xffname.md",
	"\xc3(.md",
	"latin1 caf\xe9.md",
	"new\nline.md",
	"car\rret.md",
	"tab\tname.md",
	"\x01ctl.md",
	"quote\"q.md",
	"back\\slash.md",
	"\xef\xbf\xbd replacement.md", // U+FFFD itself: must not be confused with a lost byte
	"sep\u2028.md",
	"상태 관리.md",
	"e\u0301.md",
}

// uncommit turns the vault's last snapshot back into a pending journal,
// the state a kill -9 after the last rename and before the commit leaves.
func uncommit(t *testing.T, store string, m snapshot.Manifest) {
	t.Helper()
	name := filepath.Join(store, "snapshots", m.ID+".json")
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"state": "committed"`), []byte(`"state": "pending"`), 1)
	if err := os.WriteFile(filepath.Join(store, "journal.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}

// roundTripName runs apply, undo, apply again, a crash and recover on a
// vault whose one changed note is called name, and checks that every step
// acts on that very file: the store must give back the name it was given.
func roundTripName(t *testing.T, name string) {
	before := "[[disaster-recovery]]\n"
	after := "[[Disaster Recovery]]\n"
	target := map[string]string{"Disaster Recovery.md": "# Disaster Recovery\n"}
	base := t.TempDir()
	dir, store := filepath.Join(base, "vault"), filepath.Join(base, "store")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, target)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(before), 0o644); err != nil {
		t.Skipf("the file system refuses %q: %v", name, err)
	}
	if got := readTree(t, dir); got[name] != before {
		t.Skipf("the file system does not keep the name %q as it is", name)
	}
	state := func(content string) map[string]string { return withFiles(target, map[string]string{name: content}) }

	res := apply(t, dir, store)
	if got := changedPaths(res); !slices.Equal(got, []string{name}) {
		t.Fatalf("apply changed %q", got)
	}
	wantTree(t, dir, state(after))
	st, err := PeekStore(store)
	if err != nil || st == nil {
		t.Fatal(st, err)
	}
	ms, err := st.List()
	st.Close()
	if err != nil || len(ms) != 1 || !slices.Equal(manifestPaths(ms[0]), []string{name}) {
		t.Fatalf("stored snapshot lists %q, %v", manifestPaths(ms[0]), err)
	}

	u, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || !slices.Equal(u.Restored, []string{name}) || len(u.Skipped) > 0 {
		t.Fatalf("undo: restored %q, skipped %v, %v", u.Restored, u.Skipped, err)
	}
	wantTree(t, dir, state(before))

	// --force must overwrite the same file, not create another.
	apply(t, dir, store)
	if err := os.WriteFile(filepath.Join(dir, name), []byte("edited "+after), 0o644); err != nil {
		t.Fatal(err)
	}
	u, err = undo(t, dir, UndoOptions{Store: store, Force: true})
	if err != nil || !slices.Equal(u.Restored, []string{name}) {
		t.Fatalf("undo --force: restored %q, skipped %v, %v", u.Restored, u.Skipped, err)
	}
	wantTree(t, dir, state(before))

	// A kill -9 after the rename, before the commit: recover rolls back.
	res = apply(t, dir, store)
	uncommit(t, store, res.Snapshot)
	r, err := recoverVault(t, dir, RecoverOptions{Store: store})
	if err != nil || r.Journal == nil {
		t.Fatalf("recover: %+v, %v", r, err)
	}
	if got := actions(r); !mapsEqual(got, map[string]string{name: ActionRestored}) {
		t.Errorf("recover actions %q", got)
	}
	wantTree(t, dir, state(before))

	// And rolls forward.
	res = apply(t, dir, store)
	uncommit(t, store, res.Snapshot)
	// As if killed before the rename: the file still holds its old content.
	if err := os.WriteFile(filepath.Join(dir, name), []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err = recoverVault(t, dir, RecoverOptions{Store: store, Forward: true}); err != nil {
		t.Fatalf("recover --roll-forward: %+v, %v", r, err)
	}
	if got := actions(r); !mapsEqual(got, map[string]string{name: ActionCompleted}) {
		t.Errorf("roll-forward actions %q", got)
	}
	wantTree(t, dir, state(after))
}

func TestOddNamesRoundTrip(t *testing.T) {
	for _, name := range oddNames {
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) { roundTripName(t, name) })
	}
}

// FuzzNameRoundTrip: any name a note may have (bytes other than '/' and
// NUL, not hidden) survives apply, undo and recover.
func FuzzNameRoundTrip(f *testing.F) {
	for _, n := range oddNames {
		f.Add(strings.TrimSuffix(n, ".md"))
	}
	f.Fuzz(func(t *testing.T, stem string) {
		if stem == "" || len(stem) > 200 || strings.ContainsAny(stem, "/\x00") || strings.HasPrefix(stem, ".") ||
			strings.EqualFold(stem, "Disaster Recovery") {
			t.Skip()
		}
		roundTripName(t, stem+".md")
	})
}

// A store written by relink before names were stored as bytes (store
// version 2, testdata/store-v2, one apply of testVault) is listed,
// verified, undone and pruned, and stays version 2 while nothing needs 3.
func TestStoreVersion2Fixture(t *testing.T) {
	dir, store := newVault(t, testVaultApplied)
	if err := os.CopyFS(store, os.DirFS(filepath.Join("testdata", "store-v2"))); err != nil {
		t.Fatal(err)
	}
	st, err := PeekStore(store)
	if err != nil || st == nil {
		t.Fatal(st, err)
	}
	ms, err := st.List()
	if err != nil || len(ms) != 1 || !slices.Equal(manifestPaths(ms[0]), []string{"a.md", "b.md", "c/d.md"}) {
		t.Fatalf("list: %v, %v", ms, err)
	}
	if probs, err := st.Verify(""); err != nil || len(probs) > 0 {
		t.Fatalf("verify: %v, %v", probs, err)
	}
	st.Close()
	u, err := undo(t, dir, UndoOptions{Store: store, Snapshot: "latest"})
	if err != nil || len(u.Restored) != 3 {
		t.Fatalf("undo: %+v, %v", u, err)
	}
	wantTree(t, dir, testVault)
	if b, _ := os.ReadFile(filepath.Join(store, "config")); !strings.Contains(string(b), `"version":2`) {
		t.Errorf("config = %s", b)
	}
	st, release, err := LockStore(store)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	pr, err := st.Prune(snapshot.Policy{KeepLast: 1}, time.Now(), false)
	if err != nil || len(pr.Remove) != 1 {
		t.Fatalf("prune: %+v, %v", pr, err)
	}
	var left []string
	fs.WalkDir(os.DirFS(store), "snapshots", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) != 1 {
		t.Errorf("snapshots after prune: %v", left)
	}
}

// A store version 3 is made only when a name needs it.
func TestByteNameRaisesStoreVersion(t *testing.T) {
	base := t.TempDir()
	dir, store := filepath.Join(base, "vault"), filepath.Join(base, "store")
	writeTree(t, dir, map[string]string{"Disaster Recovery.md": "# Disaster Recovery\n", "bad\xff.md": "[[disaster-recovery]]\n"})
	apply(t, dir, store)
	if b, _ := os.ReadFile(filepath.Join(store, "config")); !strings.Contains(string(b), `"version":3`) {
		t.Errorf("config = %s", b)
	}
	st, _ := PeekStore(store)
	defer st.Close()
	ms, err := st.List()
	if err != nil || len(ms) != 1 {
		t.Fatal(ms, err)
	}
	b, err := os.ReadFile(filepath.Join(store, "snapshots", ms[0].ID+".json"))
	if err != nil || !bytes.Contains(b, []byte(`"path_base64": "YmFk/y5tZA=="`)) || bytes.Contains(b, []byte(`"path":`)) {
		t.Errorf("manifest: %s, %v", b, err)
	}
}

// A vault whose own folder name is not UTF-8: undo still finds its apply
// (the manifest's vault must equal the vault's path byte for byte).
func TestOddVaultName(t *testing.T) {
	base := t.TempDir()
	dir, store := filepath.Join(base, "caf\xe9"), filepath.Join(base, "store")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skipf("the file system refuses the name: %v", err)
	}
	writeTree(t, dir, testVault)
	first := apply(t, dir, store)
	u, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || u.Target.ID != first.Snapshot.ID {
		t.Fatalf("undo: %+v, %v", u, err)
	}
	wantTree(t, dir, testVault)
}

// Recover removes the temp files of interrupted writes from a folder of
// any name, not only from folders whose names are valid UTF-8.
func TestRecoverRemovesTempsInOddFolders(t *testing.T) {
	for _, name := range oddNames {
		folder := strings.TrimSuffix(name, ".md")
		t.Run(strings.ReplaceAll(folder, "/", "_"), func(t *testing.T) {
			note := folder + "/n.md"
			dir, store := newVault(t, map[string]string{
				"Disaster Recovery.md": "# Disaster Recovery\n",
				note:                   "[[disaster-recovery]]\n",
			})
			if got := readTree(t, dir); got[note] == "" {
				t.Skipf("the file system does not keep the folder name %q as it is", folder)
			}
			res := apply(t, dir, store)
			uncommit(t, store, res.Snapshot)
			temp := folder + "/" + atomicfile.TempPrefix + "0123456789"
			writeTree(t, dir, map[string]string{temp: "[[Disaster"})
			r, err := recoverVault(t, dir, RecoverOptions{Store: store})
			if err != nil || r.Temps != 1 {
				t.Fatalf("recover removed %d temp files, %v", r.Temps, err)
			}
			wantTree(t, dir, map[string]string{
				"Disaster Recovery.md": "# Disaster Recovery\n",
				note:                   "[[disaster-recovery]]\n",
			})
		})
	}
}
