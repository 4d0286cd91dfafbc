package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/workspace"
)

// moveVault is safetyVault with a relative link in the note to move.
var moveVault = map[string]string{
	"Disaster Recovery.md": "# Disaster Recovery\n\nBack to [a](a.md).\n",
	"a.md":                 "[[disaster-recovery]] a [d](Disaster%20Recovery.md)\n",
	"b.md":                 "x\r\n[[Disaster Recovery]] b\r\n",
	"c/c.md":               "\ufeff[[DISASTER RECOVERY|DR]] c",
	"c/d.md":               "[[disaster  recovery#Top]] d [up](<../Disaster Recovery.md>)\n",
}

const moveFrom, moveTo, moveDir = "Disaster Recovery.md", "plans/deep/Plan B.md", "plans"

// plannedMove returns the tree the move of from to to gives the vault at
// dir, computed in process from the same plan.
func plannedMove(t *testing.T, dir, from, to string) map[string]string {
	t.Helper()
	rep, err := workspace.Load(dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	mp, err := workspace.PlanMove(rep, from, to)
	if err != nil {
		t.Fatal(err)
	}
	out := snapTree(t, dir)
	out[mp.To] = out[mp.From]
	delete(out, mp.From)
	files, by := report.FileEdits(mp.Edits)
	for _, f := range files {
		b, err := splice.Apply([]byte(out[f]), report.SpliceEdits(by[f]))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

// noDir fails unless the vault has no folder d.
func noDir(t *testing.T, vault, d string) {
	t.Helper()
	if _, err := os.Lstat(filepath.Join(vault, d)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder %s is left in the vault (%v)", d, err)
	}
}

// TestMoveCrashPoints kills relink mv at every step of its writes (the
// note at its new path, each rewritten file, the old path's removal, the
// snapshot's pack, journal and manifest) and checks that every file is old
// or new, that recover rolls the whole move back (folders created by the
// move removed) or forward, and that undo then restores every byte and
// path.
func TestMoveCrashPoints(t *testing.T) {
	relinkExe(t)
	orig := filepath.Join(t.TempDir(), "orig")
	writeFiles(t, orig, moveVault)
	origTree := snapTree(t, orig)
	movedTree := plannedMove(t, orig, moveFrom, moveTo)
	if _, ok := movedTree[moveTo]; !ok || sameTree(origTree, movedTree) {
		t.Fatal("nothing planned")
	}
	// Six vault files are written: the note at its new path, four files
	// rewritten, and the old path removed (a removal passes the
	// before-rename step only).
	var faults []string
	for _, step := range []string{atomicfile.StepAfterTempWrite, atomicfile.StepAfterRename} {
		for n := 1; n <= 5; n++ {
			faults = append(faults, fmt.Sprintf("kill:%s:%d:*.md", step, n))
		}
	}
	for n := 1; n <= 6; n++ {
		faults = append(faults, fmt.Sprintf("kill:before-rename:%d:*.md", n))
	}
	faults = append(faults,
		"kill:temp-write:1:*.pack", "kill:after-rename:1:*.pack",
		"kill:before-rename:1:journal.json", "kill:after-rename:1:journal.json",
		"kill:before-rename:1:2*.json", "kill:after-rename:1:2*.json")
	for _, fault := range faults {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			back, fwd := filepath.Join(dir, "back"), filepath.Join(dir, "fwd")
			for _, d := range []string{back, fwd} {
				writeFiles(t, filepath.Join(d, "vault"), origTree)
				r := relinkChild(t, fault, "mv", "--vault", filepath.Join(d, "vault"), "--store", filepath.Join(d, "store"), moveFrom, moveTo)
				if r.code != atomicfile.KillExitCode {
					t.Fatalf("mv with %s: exit %d\n%s%s", fault, r.code, r.stdout, r.stderr)
				}
				for p, s := range snapTree(t, filepath.Join(d, "vault")) {
					if strings.Contains(p, atomicfile.TempPrefix) {
						continue
					}
					if o, ok := origTree[p]; ok && s == o {
						continue
					}
					if n, ok := movedTree[p]; ok && s == n {
						continue
					}
					t.Errorf("%s is neither old nor new: %q", p, s)
				}
			}
			run := func(d string, args ...string) result {
				return relinkChild(t, "", append(args, "--store", filepath.Join(d, "store"), filepath.Join(d, "vault"))...)
			}
			bv, fv := filepath.Join(back, "vault"), filepath.Join(fwd, "vault")

			r := run(back, "recover")
			if r.code != 0 {
				t.Fatalf("recover: %+v", r)
			}
			pending := !strings.Contains(r.stdout, "nothing to recover")
			got := snapTree(t, bv)
			committed := !pending && sameTree(got, movedTree)
			if !committed {
				if !sameTree(got, origTree) {
					t.Fatalf("after roll back:\n%s", treeDiff(got, origTree))
				}
				noDir(t, bv, moveDir)
			}
			if committed {
				if r = run(back, "undo"); r.code != 0 || !sameTree(snapTree(t, bv), origTree) {
					t.Fatalf("undo: %+v\n%s", r, treeDiff(snapTree(t, bv), origTree))
				}
				noDir(t, bv, moveDir)
			}

			r = run(fwd, "recover", "--roll-forward")
			if r.code != 0 {
				t.Fatalf("recover --roll-forward: %+v", r)
			}
			got = snapTree(t, fv)
			switch {
			case pending && !sameTree(got, movedTree):
				t.Fatalf("after roll forward:\n%s", treeDiff(got, movedTree))
			case !pending && !sameTree(got, movedTree) && !sameTree(got, origTree):
				t.Fatalf("nothing pending, yet the tree is mixed:\n%s", treeDiff(got, movedTree))
			}
			if sameTree(got, movedTree) {
				if r = run(fwd, "undo"); r.code != 0 || !sameTree(snapTree(t, fv), origTree) {
					t.Fatalf("undo after roll forward: %+v\n%s", r, treeDiff(snapTree(t, fv), origTree))
				}
				noDir(t, fv, moveDir)
				if r = run(fwd, "snapshot", "list"); !strings.Contains(r.stdout, "moves "+moveFrom+" to "+moveTo) {
					t.Errorf("snapshot list does not describe the move:\n%s", r.stdout)
				}
			}
		})
	}
}
