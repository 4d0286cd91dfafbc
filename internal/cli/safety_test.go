package cli

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/vaultgen"
	"github.com/relinkmd/relink/internal/workspace"
)

// Tests of apply, undo, recover and the snapshot commands that need exact
// exit codes, child processes or crashes; the testdata/script/apply_*,
// undo_*, snapshot_* and recover_* scripts cover the rest.

var safetyVault = map[string]string{
	"Disaster Recovery.md": "# Disaster Recovery\n",
	"a.md":                 "[[disaster-recovery]] a\n",
	"b.md":                 "x\r\n[[disaster_recovery]] b\r\n",
	"c/c.md":               "\ufeff[[DISASTER RECOVERY|DR]] c",
	"c/d.md":               "[[disaster  recovery#Top]] d\n",
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
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

// snapTree returns every file under dir, by slash path.
func snapTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
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

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func treeDiff(got, want map[string]string) string {
	var out []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			out = append(out, k+": missing")
		} else if g != v {
			out = append(out, fmt.Sprintf("%s: %.60q, want %.60q", k, g, v))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			out = append(out, k+": unexpected")
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... and %d more", len(out)-10))
	}
	return strings.Join(out, "\n")
}

// planned returns the content apply will give every file of the vault at
// dir, computed in process from the same plan.
func planned(t *testing.T, dir string) map[string]string {
	t.Helper()
	rep, err := workspace.Load(dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	out := snapTree(t, dir)
	files, by := report.FileEdits(rep.Plan.Edits)
	for _, f := range files {
		b, err := splice.Apply([]byte(out[f]), report.SpliceEdits(by[f]))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

type result struct {
	code           int
	stdout, stderr string
}

// relinkIn runs relink in process, as the scripts' relink does.
func relinkIn(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, args, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// relinkExe returns the relink executable that testscript.Main put on PATH.
func relinkExe(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("relink")
	if err != nil {
		t.Skip("relink is not on PATH:", err)
	}
	return p
}

// relinkChild runs relink as a child process with RELINK_FAULT=fault.
func relinkChild(t *testing.T, fault string, args ...string) result {
	t.Helper()
	cmd := exec.Command(relinkExe(t), args...)
	cmd.Env = append(os.Environ(), atomicfile.FaultEnv+"="+fault)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func want(t *testing.T, r result, code int, stdout string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stdout+r.stderr, stdout) {
		t.Fatalf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", r.code, code, stdout, r.stdout, r.stderr)
	}
}

// TestExitCodes pins the exit status of apply, undo, recover and the
// snapshot commands (testscript only tells zero from non-zero).
func TestExitCodes(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir, safetyVault)
	store := filepath.Join(t.TempDir(), "store")

	want(t, relinkIn(t, ctx, "apply", "--dry-run", dir), ExitFindings, "variant")
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "nothing to undo")
	want(t, relinkIn(t, ctx, "apply", dir), ExitClean, "rewrote 4 links in 4 files")
	want(t, relinkIn(t, ctx, "apply", dir), ExitClean, "nothing to apply")
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "undo: restored 4 files")
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "nothing to undo")

	// Partial: a read-only note is left alone.
	ro := filepath.Join(dir, "a.md")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	want(t, relinkIn(t, ctx, "apply", dir), ExitPartial, "a.md: is read-only")
	if err := os.Chmod(ro, 0o644); err != nil {
		t.Fatal(err)
	}
	// Partial undo: a file edited since.
	writeFiles(t, dir, map[string]string{"b.md": "edited\n"})
	want(t, relinkIn(t, ctx, "undo", dir), ExitPartial, "b.md: changed since snapshot")
	want(t, relinkIn(t, ctx, "undo", "--snapshot", "latest~1", "--force", dir), ExitClean, "undo: restored 1 file")

	// Interrupted before the first write.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	want(t, relinkIn(t, cctx, "apply", "--store", store, dir), ExitInterrupted, "interrupted")

	// Errors.
	want(t, relinkIn(t, ctx, "apply", "--dialect", "nope", dir), ExitError, "unknown dialect")
	want(t, relinkIn(t, ctx, "snapshot", "prune", dir), ExitError, "empty retention policy")
	want(t, relinkIn(t, ctx, "snapshot", "show", "nope", "--vault", dir), ExitError, "not found")
	want(t, relinkIn(t, ctx, "snapshot", "verify", "--vault", dir), ExitClean, ": ok")

	// A damaged stored content: verify exits 1, undo refuses before writing.
	want(t, relinkIn(t, ctx, "apply", "--store", store, dir), ExitClean, "rewrote")
	objs, _ := filepath.Glob(filepath.Join(store, "packs", "*.pack"))
	if len(objs) == 0 {
		t.Fatal("no packs in", store)
	}
	for _, o := range objs {
		os.Chmod(o, 0o600)
		if err := os.WriteFile(o, []byte("rgarbage"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want(t, relinkIn(t, ctx, "snapshot", "verify", "--store", store), ExitFindings, "problem")
	before := snapTree(t, dir)
	want(t, relinkIn(t, ctx, "undo", "--store", store, dir), ExitError, "relink snapshot verify --store "+store+" --vault ")
	if !sameTree(snapTree(t, dir), before) {
		t.Error("undo from a damaged snapshot changed the vault")
	}

	// A pending journal: apply and undo refuse (2), recover leaves a file
	// edited since alone (3).
	dir2 := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir2, safetyVault)
	r := relinkChild(t, "kill:after-rename:1:*.md", "apply", dir2)
	if r.code != atomicfile.KillExitCode {
		t.Fatalf("killed apply: %+v", r)
	}
	want(t, relinkIn(t, ctx, "apply", dir2), ExitError, "run `relink recover "+dir2+"`")
	want(t, relinkIn(t, ctx, "undo", dir2), ExitError, "run `relink recover "+dir2+"`")
	writeFiles(t, dir2, map[string]string{"b.md": "edited\n"})
	want(t, relinkIn(t, ctx, "recover", dir2), ExitPartial, "left alone")
	want(t, relinkIn(t, ctx, "recover", dir2), ExitClean, "nothing to recover")
}

// TestCrashPoints kills `relink apply` at every write of a small vault —
// notes, stored contents, journal, snapshot manifest — and checks that each
// file is old or new, that `relink recover` rolls back to the original tree
// and rolls forward to the planned one, and that undo and a new apply then
// work.
func TestCrashPoints(t *testing.T) {
	relinkExe(t)
	base := t.TempDir()
	orig := filepath.Join(base, "orig")
	writeFiles(t, orig, safetyVault)
	origTree := snapTree(t, orig)
	plannedTree := planned(t, orig)
	if sameTree(origTree, plannedTree) {
		t.Fatal("nothing planned")
	}

	var faults []string
	for _, step := range []string{atomicfile.StepAfterTempWrite, atomicfile.StepBeforeRename, atomicfile.StepAfterRename} {
		for n := 1; n <= 4; n++ {
			faults = append(faults, fmt.Sprintf("kill:%s:%d:*.md", step, n))
		}
	}
	faults = append(faults,
		"kill:temp-write:1:*.pack", "kill:temp-write:3:*.pack", "kill:after-temp-write:1:*.pack",
		"kill:before-rename:1:*.pack", "kill:after-rename:1:*.pack",
		"kill:before-rename:1:journal.json", "kill:after-rename:1:journal.json",
		"kill:before-rename:1:2*.json", "kill:after-rename:1:2*.json")

	for _, fault := range faults {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			back, fwd := filepath.Join(dir, "back"), filepath.Join(dir, "fwd")
			// Crash the same way twice (notes are written in path order),
			// once to roll back and once to roll forward: a journal belongs
			// to its vault's path, so the crashed state cannot be copied.
			for _, d := range []string{back, fwd} {
				writeFiles(t, filepath.Join(d, "vault"), origTree)
				r := relinkChild(t, fault, "apply", "--store", filepath.Join(d, "store"), filepath.Join(d, "vault"))
				if r.code != atomicfile.KillExitCode {
					t.Fatalf("apply with %s: exit %d\n%s%s", fault, r.code, r.stdout, r.stderr)
				}
				crashed := snapTree(t, filepath.Join(d, "vault"))
				for p, s := range crashed {
					if strings.Contains(p, atomicfile.TempPrefix) {
						continue
					}
					if s != origTree[p] && s != plannedTree[p] {
						t.Errorf("%s is neither old nor new: %q", p, s)
					}
				}
			}
			var r result

			// Roll back: the original tree, then apply and undo work.
			run := func(d string, args ...string) result {
				return relinkChild(t, "", append(args, "--store", filepath.Join(d, "store"), filepath.Join(d, "vault"))...)
			}
			r = run(back, "recover")
			if r.code != 0 {
				t.Fatalf("recover: %+v", r)
			}
			pending := !strings.Contains(r.stdout, "nothing to recover")
			got := snapTree(t, filepath.Join(back, "vault"))
			committed := !pending && sameTree(got, plannedTree)
			if !committed && !sameTree(got, origTree) {
				t.Fatalf("after roll back:\n%s", treeDiff(got, origTree))
			}
			if !committed {
				if r = run(back, "apply"); r.code != 0 || !sameTree(snapTree(t, filepath.Join(back, "vault")), plannedTree) {
					t.Fatalf("apply after roll back: %+v", r)
				}
			}
			if r = run(back, "undo"); r.code != 0 || !sameTree(snapTree(t, filepath.Join(back, "vault")), origTree) {
				t.Fatalf("undo: %+v\n%s", r, treeDiff(snapTree(t, filepath.Join(back, "vault")), origTree))
			}

			// Roll forward: the planned tree, which undo reverts.
			r = run(fwd, "recover", "--roll-forward")
			if r.code != 0 {
				t.Fatalf("recover --roll-forward: %+v", r)
			}
			got = snapTree(t, filepath.Join(fwd, "vault"))
			switch {
			case pending && !sameTree(got, plannedTree):
				t.Fatalf("after roll forward:\n%s", treeDiff(got, plannedTree))
			case !pending && !sameTree(got, plannedTree) && !sameTree(got, origTree):
				t.Fatalf("nothing pending, yet the tree is mixed:\n%s", treeDiff(got, plannedTree))
			}
			if sameTree(got, plannedTree) {
				if r = run(fwd, "undo"); r.code != 0 || !sameTree(snapTree(t, filepath.Join(fwd, "vault")), origTree) {
					t.Fatalf("undo after roll forward: %+v", r)
				}
			}
		})
	}
}

// TestConcurrentApply runs two `relink apply` at once on one vault: one
// rewrites the files; the other finds the store locked, or nothing left to
// do, or files changed since it planned them; never a lost or torn file.
func TestConcurrentApply(t *testing.T) {
	relinkExe(t)
	base := t.TempDir()
	dir, store := filepath.Join(base, "vault"), filepath.Join(base, "store")
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 300, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	plannedTree := planned(t, dir)
	results := make(chan result, 2)
	for range 2 {
		go func() { results <- relinkChild(t, "", "apply", "-q", "--store", store, dir) }()
	}
	var rewrote int
	for range 2 {
		r := <-results
		switch {
		case r.code == 0 && strings.Contains(r.stdout, "rewrote"):
			rewrote++
		case r.code == 0 && strings.Contains(r.stdout, "nothing to apply"):
		case r.code == ExitError && strings.Contains(r.stderr, "locked"):
		case r.code == ExitError && strings.Contains(r.stderr, "another relink"):
		case r.code == ExitPartial && strings.Contains(r.stderr, "changed since it was planned"):
		default:
			t.Errorf("unexpected: %+v", r)
		}
	}
	if rewrote != 1 {
		t.Errorf("%d applies rewrote files, want 1", rewrote)
	}
	if got := snapTree(t, dir); !sameTree(got, plannedTree) {
		t.Errorf("vault is not as planned:\n%s", treeDiff(got, plannedTree))
	}
	r := relinkChild(t, "", "snapshot", "list", "--store", store, "--vault", dir)
	want(t, r, 0, "1 snapshot in")
}

// TestSIGKILL kills a real `relink apply` with SIGKILL in the middle of
// rewriting a generated vault of 3000 notes, then checks that every file is
// its original or its planned content and that recover rolls the vault
// back to its original tree. (TestCrashPoints covers rolling forward and
// undo.)
func TestSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: a 3000-note vault")
	}
	relinkExe(t)
	start := time.Now()
	phase := func(what string) { t.Logf("%6.2fs %s", time.Since(start).Seconds(), what) }
	base := t.TempDir()
	dir, store := filepath.Join(base, "vault"), filepath.Join(base, "store")
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 3000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	phase("generated")
	origTree := snapTree(t, dir)
	plannedTree := planned(t, dir)
	phase("planned")
	var changed []string
	for p, s := range plannedTree {
		if s != origTree[p] {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	if len(changed) < 100 {
		t.Fatalf("only %d files to change", len(changed))
	}
	// Files are rewritten in path order: kill once a fifth of them are.
	mark := changed[len(changed)/5]
	watch := filepath.Join(dir, filepath.FromSlash(mark))

	cmd := exec.Command(relinkExe(t), "apply", "-q", "--store", store, dir)
	cmd.Env = append(os.Environ(), atomicfile.FaultEnv+"=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	killed := false
poll:
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			break poll
		default:
		}
		if b, err := os.ReadFile(watch); err == nil && string(b) != origTree[mark] {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-exited
			killed = true
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !killed {
		cmd.Process.Kill()
		t.Fatal("apply ended (or hung) before it could be killed")
	}

	phase("killed")
	crashed := snapTree(t, dir)
	atNew := 0
	for p, s := range crashed {
		switch {
		case strings.Contains(p, atomicfile.TempPrefix):
		case s == plannedTree[p] && s != origTree[p]:
			atNew++
		case s == origTree[p]:
		default:
			t.Errorf("%s is neither its original nor its planned content", p)
		}
	}
	t.Logf("killed with %d of %d files rewritten", atNew, len(changed))
	if atNew == 0 || atNew == len(changed) {
		t.Errorf("%d of %d rewritten: not killed in the middle", atNew, len(changed))
	}

	r := relinkChild(t, "", "recover", "--store", store, dir)
	want(t, r, 0, fmt.Sprintf("rolled back: %d restored", atNew))
	phase("recovered")
	if got := snapTree(t, dir); !sameTree(got, origTree) {
		t.Fatalf("after roll back:\n%s", treeDiff(got, origTree))
	}
}

// TestCrashPointsLargeBatch kills apply at points of a batch large enough
// to be staged a folder at a time on several workers and renamed by
// several workers in path order: every file is then old or new, and
// recover rolls the vault forward to the planned tree, which undo reverts.
func TestCrashPointsLargeBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs subprocesses on a 300-note vault")
	}
	relinkExe(t)
	orig := filepath.Join(t.TempDir(), "orig")
	if _, err := vaultgen.Generate(orig, vaultgen.Options{Notes: 300, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	origTree := snapTree(t, orig)
	plannedTree := planned(t, orig)
	changed := 0
	for p, s := range plannedTree {
		if s != origTree[p] {
			changed++
		}
	}
	if changed < 64 {
		t.Fatalf("only %d files to change: not a large batch", changed)
	}
	for _, fault := range []string{"kill:after-temp-write:40:*.md", "kill:before-rename:30:*.md", "kill:after-rename:50:*.md"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			d := t.TempDir()
			vault, store := filepath.Join(d, "vault"), filepath.Join(d, "store")
			writeFiles(t, vault, origTree)
			r := relinkChild(t, fault, "apply", "--store", store, vault)
			if r.code != atomicfile.KillExitCode {
				t.Fatalf("apply with %s: exit %d\n%s%s", fault, r.code, r.stdout, r.stderr)
			}
			for p, s := range snapTree(t, vault) {
				if !strings.Contains(p, atomicfile.TempPrefix) && s != origTree[p] && s != plannedTree[p] {
					t.Errorf("%s is neither old nor new: %q", p, s)
				}
			}
			if r = relinkChild(t, "", "recover", "--roll-forward", "--store", store, vault); r.code != 0 {
				t.Fatalf("recover --roll-forward: %+v", r)
			}
			if got := snapTree(t, vault); !sameTree(got, plannedTree) {
				t.Fatalf("after roll forward:\n%s", treeDiff(got, plannedTree))
			}
			if r = relinkChild(t, "", "undo", "--store", store, vault); r.code != 0 || !sameTree(snapTree(t, vault), origTree) {
				t.Fatalf("undo: %+v", r)
			}
		})
	}
}
