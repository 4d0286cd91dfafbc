package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/snapshot"
)

// testVault is a small wiki vault: every note but the target has one
// variant link that apply rewrites to [[Disaster Recovery]].
var testVault = map[string]string{
	"Disaster Recovery.md": "# Disaster Recovery\n",
	"a.md":                 "intro\n[[disaster-recovery]] a\n",
	"b.md":                 "[[disaster_recovery]] b\r\n",
	"c/d.md":               "\ufeff[[DISASTER RECOVERY|DR]] d",
}

var testVaultApplied = map[string]string{
	"Disaster Recovery.md": "# Disaster Recovery\n",
	"a.md":                 "intro\n[[Disaster Recovery]] a\n",
	"b.md":                 "[[Disaster Recovery]] b\r\n",
	"c/d.md":               "\ufeff[[Disaster Recovery|DR]] d",
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree returns every file under dir (the vault), temp files included.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func wantTree(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	got := readTree(t, dir)
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s: missing", p)
		} else if g != w {
			t.Errorf("%s = %q, want %q", p, g, w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: unexpected file", p)
		}
	}
}

// newVault writes files into a fresh vault and returns it with a store
// folder of its own.
func newVault(t *testing.T, files map[string]string) (dir, store string) {
	t.Helper()
	base := t.TempDir()
	dir = filepath.Join(base, "vault")
	writeTree(t, dir, files)
	return dir, filepath.Join(base, "store")
}

func loadVault(t *testing.T, dir string) *Report {
	t.Helper()
	rep, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Vault.Close() })
	return rep
}

func apply(t *testing.T, dir, store string) *ApplyResult {
	t.Helper()
	res, err := Apply(context.Background(), loadVault(t, dir), ApplyOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func changedPaths(res *ApplyResult) []string {
	var out []string
	for _, f := range res.Changed {
		out = append(out, f.Path)
	}
	return out
}

func manifestPaths(m snapshot.Manifest) []string {
	var out []string
	for _, f := range m.Files {
		out = append(out, f.Path)
	}
	return out
}

func skipped(res []Skip) map[string]string {
	m := map[string]string{}
	for _, s := range res {
		m[s.Path] = s.Reason
	}
	return m
}

func TestApply(t *testing.T) {
	dir, store := newVault(t, testVault)
	res := apply(t, dir, store)
	wantTree(t, dir, testVaultApplied)
	if got, want := changedPaths(res), []string{"a.md", "b.md", "c/d.md"}; !slices.Equal(got, want) {
		t.Errorf("changed %v, want %v", got, want)
	}
	if res.Links() != 3 || res.ByClass()["variant"] != 3 || len(res.Skipped) != 0 {
		t.Errorf("links %d, classes %v, skipped %v", res.Links(), res.ByClass(), res.Skipped)
	}
	if res.Snapshot.ID == "" || !slices.Equal(manifestPaths(res.Snapshot), changedPaths(res)) {
		t.Errorf("snapshot %+v", res.Snapshot)
	}
	if res.Snapshot.Vault != loadVault(t, dir).Vault.Dir {
		t.Errorf("snapshot vault %q", res.Snapshot.Vault)
	}

	// Twice: nothing to do, no snapshot.
	res = apply(t, dir, store)
	if res.Planned != 0 || res.Snapshot.ID != "" {
		t.Errorf("second apply: %+v", res)
	}
	st, err := PeekStore(store)
	if err != nil || st == nil {
		t.Fatal(st, err)
	}
	defer st.Close()
	if ms, _ := st.List(); len(ms) != 1 {
		t.Errorf("%d snapshots, want 1", len(ms))
	}
}

func TestApplyNothingCreatesNoStore(t *testing.T) {
	dir, store := newVault(t, testVaultApplied)
	res := apply(t, dir, store)
	if res.Planned != 0 {
		t.Fatalf("planned %d", res.Planned)
	}
	if _, err := os.Stat(store); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("store created: %v", err)
	}
}

// A file edited between plan and apply, where the edit moved or changed a
// planned link, is skipped and never overwritten; a file deleted is
// skipped and not recreated.
func TestApplyChangedAfterPlan(t *testing.T) {
	dir, store := newVault(t, testVault)
	rep := loadVault(t, dir)
	writeTree(t, dir, map[string]string{"a.md": "a line added at the top\nintro\n[[disaster-recovery]] a\n"})
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	sk := skipped(res.Skipped)
	if !strings.HasPrefix(sk["a.md"], "changed since it was planned") || sk["b.md"] != "was deleted since it was planned; skipped" || len(sk) != 2 {
		t.Errorf("skipped %q", sk)
	}
	want := map[string]string{
		"Disaster Recovery.md": testVault["Disaster Recovery.md"],
		"a.md":                 "a line added at the top\nintro\n[[disaster-recovery]] a\n",
		"c/d.md":               testVaultApplied["c/d.md"],
	}
	wantTree(t, dir, want)
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"c/d.md"}) {
		t.Errorf("snapshot files %v", got)
	}
}

// A file changed after it was read and snapshotted, just before its write,
// is skipped; the snapshot lists only the files written.
func TestApplyChangedBeforeWrite(t *testing.T) {
	dir, store := newVault(t, testVault)
	edited := "[[disaster_recovery]] b, edited by someone\r\n"
	testHookBeforeWrite = func(p string) {
		if p == "b.md" {
			writeTree(t, dir, map[string]string{"b.md": edited})
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	res := apply(t, dir, store)
	if sk := skipped(res.Skipped); sk["b.md"] != "changed since it was read; not overwritten" || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	want := withFiles(testVaultApplied, map[string]string{"b.md": edited})
	wantTree(t, dir, want)
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("snapshot files %v", got)
	}
}

// A file changed after it was snapshotted and put back before its last
// check is still not written: its new content is made from the file as it
// is when staged, which no longer is what the snapshot holds.
func TestApplyChangedBeforeStage(t *testing.T) {
	dir, store := newVault(t, testVault)
	edited := "[[disaster_recovery]] b, edited by someone\r\n"
	testHookBeforeStage = func(p string) {
		if p == "b.md" {
			writeTree(t, dir, map[string]string{"b.md": edited})
		}
	}
	testHookBeforeWrite = func(p string) {
		if p == "c/d.md" {
			writeTree(t, dir, map[string]string{"b.md": testVault["b.md"]})
		}
	}
	t.Cleanup(func() { testHookBeforeStage, testHookBeforeWrite = nil, nil })
	res := apply(t, dir, store)
	if sk := skipped(res.Skipped); sk["b.md"] != "changed since it was read; not overwritten" || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": testVault["b.md"]}))
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("snapshot files %v", got)
	}
}

// withFiles returns a copy of a with b's entries set (and "" values deleted).
func withFiles(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// A write that fails leaves the file as it was and the others go on.
func TestApplyWriteFails(t *testing.T) {
	dir, store := newVault(t, testVault)
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		if step == atomicfile.StepBeforeRename && name == "b.md" {
			return atomicfile.ErrInjected
		}
		return nil
	}))
	res := apply(t, dir, store)
	if sk := skipped(res.Skipped); !strings.HasPrefix(sk["b.md"], "cannot write: injected fault") {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": testVault["b.md"]}))
	if got := manifestPaths(res.Snapshot); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("snapshot files %v", got)
	}
}

// An error after the rename (syncing the folder) means the new content is
// in place: the file counts as written, so undo can revert it.
func TestApplyErrorAfterRename(t *testing.T) {
	dir, store := newVault(t, testVault)
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		if step == atomicfile.StepAfterRename && name == "a.md" {
			return atomicfile.ErrInjected
		}
		return nil
	}))
	res := apply(t, dir, store)
	if len(res.Skipped) != 0 || !slices.Contains(manifestPaths(res.Snapshot), "a.md") {
		t.Errorf("skipped %v, snapshot %v", res.Skipped, manifestPaths(res.Snapshot))
	}
	wantTree(t, dir, testVaultApplied)
}

func TestApplyReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only folders")
	}
	dir, store := newVault(t, testVault)
	c := filepath.Join(dir, "c")
	if err := os.Chmod(c, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(c, 0o755) })
	res := apply(t, dir, store)
	if sk := skipped(res.Skipped); !strings.Contains(sk["c/d.md"], "permission denied") {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"c/d.md": testVault["c/d.md"]}))
}

// Cancelling (Ctrl-C) stops before the next file; what was written is in
// the snapshot.
func TestApplyInterrupted(t *testing.T) {
	dir, store := newVault(t, testVault)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	testHookBeforeWrite = func(p string) {
		if p == "b.md" {
			cancel()
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	res, err := Apply(ctx, loadVault(t, dir), ApplyOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || !slices.Equal(manifestPaths(res.Snapshot), []string{"a.md", "b.md"}) {
		t.Errorf("interrupted %v, snapshot %v", res.Interrupted, manifestPaths(res.Snapshot))
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"c/d.md": testVault["c/d.md"]}))
}

// Another relink holding the lock: apply changes nothing.
func TestApplyLocked(t *testing.T) {
	dir, store := newVault(t, testVault)
	other, err := snapshot.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	_, err = Apply(context.Background(), loadVault(t, dir), ApplyOptions{Store: store})
	if !errors.Is(err, snapshot.ErrLocked) {
		t.Fatalf("err = %v, want locked", err)
	}
	wantTree(t, dir, testVault)
}

// beginPending leaves a pending journal for the vault's files, as a crash
// right after Begin would.
func beginPending(t *testing.T, dir, store string) *snapshot.Journal {
	t.Helper()
	st, release, err := LockStore(store)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var fcs []snapshot.FileChange
	for _, p := range []string{"a.md", "b.md", "c/d.md"} {
		fcs = append(fcs, snapshot.FileChange{Path: p, Before: []byte(testVault[p]), After: []byte(testVaultApplied[p]), Mode: 0o644})
	}
	vdir, err := filepath.EvalSymlinks(dir) // as vault.Open records it
	if err != nil {
		t.Fatal(err)
	}
	j, err := st.Begin(snapshot.OpApply, vdir, "", fcs)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestApplyPending(t *testing.T) {
	dir, store := newVault(t, testVault)
	j := beginPending(t, dir, store)
	_, err := Apply(context.Background(), loadVault(t, dir), ApplyOptions{Store: store})
	var pe *PendingError
	if !errors.As(err, &pe) || !errors.Is(err, snapshot.ErrPending) || pe.Journal.ID != j.ID || pe.Running != nil {
		t.Fatalf("err = %v", err)
	}
	// The advice names the store given, as the command must to reach it.
	if !strings.Contains(err.Error(), "run `relink recover --store "+store+" ") {
		t.Errorf("message %q", err)
	}
	wantTree(t, dir, testVault)

	// Even with nothing to apply.
	dir2, _ := newVault(t, testVaultApplied)
	if _, err := Apply(context.Background(), loadVault(t, dir2), ApplyOptions{Store: store}); !errors.As(err, &pe) {
		t.Errorf("nothing to apply: err = %v", err)
	}

	// Pending reports it; while another relink holds the lock it is running.
	pe, err = Pending(dir, loadVault(t, dir).Settings.Config, store)
	if err != nil || pe == nil || pe.Running != nil {
		t.Fatalf("Pending = %v, %v", pe, err)
	}
	other, err := snapshot.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	pe, err = Pending(dir, loadVault(t, dir).Settings.Config, store)
	if err != nil || pe == nil || pe.Running == nil || pe.Running.PID != os.Getpid() {
		t.Fatalf("Pending while locked = %+v, %v", pe, err)
	}
	if !strings.Contains(pe.Error(), "is running an apply") {
		t.Errorf("message %q", pe)
	}
}

func TestApplyRefusesWrongDialect(t *testing.T) {
	files := map[string]string{"B.md": "# B\n"}
	var b strings.Builder
	for range 21 {
		b.WriteString("[[b]]\n")
	}
	files["a.md"] = b.String()
	dir, store := newVault(t, files)
	_, err := Apply(context.Background(), loadVault(t, dir), ApplyOptions{Store: store})
	if !errors.Is(err, ErrWrongDialect) {
		t.Fatalf("err = %v", err)
	}
	wantTree(t, dir, files)
	rep, err := Load(dir, Options{Dialect: "wiki"})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	res, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if err != nil || res.Links() != 21 {
		t.Fatalf("explicit dialect: %v, %v", res, err)
	}
}

func TestStoreDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	t.Setenv("XDG_STATE_HOME", "/state")
	vault := filepath.FromSlash("/home/ann/Notes")
	cwd, _ := os.Getwd()
	tests := []struct {
		flag, cfg, want string
	}{
		{"", "", filepath.FromSlash("/state/relink/notes-")},
		{"", ".relink", filepath.Join(vault, ".relink")},
		{"", "/backup/relink", filepath.FromSlash("/backup/relink")},
		{"st", "/backup/relink", filepath.Join(cwd, "st")},
	}
	for _, tc := range tests {
		var c = loadVault(t, t.TempDir()).Settings.Config
		c.Snapshot.Dir = tc.cfg
		got, err := StoreDir(vault, c, tc.flag)
		if err != nil || !strings.HasPrefix(got, tc.want) {
			t.Errorf("StoreDir(flag %q, cfg %q) = %q, %v; want %q...", tc.flag, tc.cfg, got, err, tc.want)
		}
	}
}

// With hashes recorded at read time (as `relink apply` and the review page
// load), an edit anywhere in a file — even one that leaves every planned
// link in place — makes apply leave that file alone.
func TestApplyChangedElsewhereWithHash(t *testing.T) {
	dir, store := newVault(t, testVault)
	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	orig, err := os.ReadFile(filepath.Join(dir, "a.md"))
	if err != nil {
		t.Fatal(err)
	}
	edited := string(orig) + "a line appended after the links\n"
	writeTree(t, dir, map[string]string{"a.md": edited})
	res, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if sk := skipped(res.Skipped); sk["a.md"] != "changed since it was planned; not overwritten" {
		t.Errorf("skipped %q", sk)
	}
	got, err := os.ReadFile(filepath.Join(dir, "a.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != edited {
		t.Errorf("a.md was overwritten: %q", got)
	}
}

// An edit behind relink's back that keeps the file's size and mtime is
// still seen: the last check compares the content itself.
func TestApplyChangedSameSizeAndTime(t *testing.T) {
	dir, store := newVault(t, testVault)
	p := filepath.Join(dir, "b.md")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	orig := testVault["b.md"]
	edited := strings.Replace(orig, " b", " B", 1)
	if edited == orig || len(edited) != len(orig) {
		t.Fatalf("test edit %q does not differ in place", edited)
	}
	testHookBeforeWrite = func(name string) {
		if name == "b.md" {
			writeTree(t, dir, map[string]string{"b.md": edited})
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() { testHookBeforeWrite = nil })
	res := apply(t, dir, store)
	if sk := skipped(res.Skipped); sk["b.md"] != "changed since it was read; not overwritten" || len(sk) != 1 {
		t.Errorf("skipped %q", sk)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": edited}))
}

// A large batch is renamed by several workers: a file changed behind
// relink's back is still skipped, Ctrl-C still stops it with every file
// old or new, and the snapshot lists exactly the files rewritten.
func TestApplyManyFiles(t *testing.T) {
	files := map[string]string{"Disaster Recovery.md": "# Disaster Recovery\n"}
	for i := range 3 * inOrderBatch {
		files[fmt.Sprintf("n%03d.md", i)] = fmt.Sprintf("note %d: [[Disaster Recovery]], [[Disaster Recovery]], [[disaster-recovery]]\n", i)
	}
	for _, cancelAt := range []string{"", "n100.md"} {
		t.Run("cancel at "+cancelAt, func(t *testing.T) {
			dir, store := newVault(t, files)
			rep := loadVault(t, dir)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			edited := "edited behind relink's back\n"
			testHookBeforeWrite = func(p string) {
				switch p {
				case "n010.md":
					if err := os.WriteFile(filepath.Join(dir, p), []byte(edited), 0o644); err != nil {
						panic(err)
					}
				case cancelAt:
					cancel()
				}
			}
			t.Cleanup(func() { testHookBeforeWrite = nil })
			res, err := Apply(ctx, rep, ApplyOptions{Store: store})
			if err != nil {
				t.Fatal(err)
			}
			if sk := skipped(res.Skipped); sk["n010.md"] != "changed since it was read; not overwritten" || len(sk) != 1 {
				t.Errorf("skipped %q", sk)
			}
			got := readTree(t, dir)
			inSnapshot := map[string]bool{}
			for _, p := range manifestPaths(res.Snapshot) {
				inSnapshot[p] = true
			}
			for p, orig := range files {
				now, want := got[p], strings.ReplaceAll(orig, "[[disaster-recovery]]", "[[Disaster Recovery]]")
				switch {
				case p == "n010.md":
					if now != edited {
						t.Errorf("%s overwritten: %q", p, now)
					}
				case inSnapshot[p] && now != want:
					t.Errorf("%s is in the snapshot but holds %q", p, now)
				case !inSnapshot[p] && now != orig:
					t.Errorf("%s is not in the snapshot but holds %q", p, now)
				}
			}
			n := len(manifestPaths(res.Snapshot))
			switch {
			case cancelAt == "" && (res.Interrupted || n != len(files)-2):
				t.Errorf("interrupted %v, %d files written, want %d", res.Interrupted, n, len(files)-2)
			case cancelAt != "" && (!res.Interrupted || n < 99 || n == len(files)-2):
				t.Errorf("interrupted %v, %d files written", res.Interrupted, n)
			}
		})
	}
}
