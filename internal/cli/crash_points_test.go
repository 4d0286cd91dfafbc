package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// crashCase is a command that rewrites the vault (mv, merge), to kill at
// each of its writes.
type crashCase struct {
	cmd  string   // the command
	args []string // its flags and arguments, but --vault and --store
	// orig and done are the vault's tree before the command and after it.
	orig, done map[string]string
	// writes gives, per file pattern, the atomic writes of the files it
	// matches, and those plus their removals (a removal passes the
	// before-rename step only).
	writes map[string][2]int
	// createdDir is a folder the command creates, which a roll back and
	// an undo remove ("" for none).
	createdDir string
	// listed is what snapshot list says of the command's snapshot.
	listed string
}

// crashAtEveryWrite kills the command of c at each write of the vault's
// files that c.writes counts and at each write of its snapshot (pack,
// journal, manifest), in two copies of the vault, and checks that every
// file is old or new; that recover rolls the whole operation back (and
// undo reverts one that was committed), and recover --roll-forward
// finishes it (and undo then reverts it), every byte and path back, the
// folder it created gone; and that snapshot list describes it.
func crashAtEveryWrite(t *testing.T, c crashCase) {
	t.Helper()
	relinkExe(t)
	if sameTree(c.orig, c.done) {
		t.Fatal("nothing planned")
	}
	var faults []string
	for pat, n := range c.writes {
		for _, step := range []string{atomicfile.StepAfterTempWrite, atomicfile.StepAfterRename} {
			for i := 1; i <= n[0]; i++ {
				faults = append(faults, fmt.Sprintf("kill:%s:%d:%s", step, i, pat))
			}
		}
		for i := 1; i <= n[1]; i++ {
			faults = append(faults, fmt.Sprintf("kill:before-rename:%d:%s", i, pat))
		}
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
				writeFiles(t, filepath.Join(d, "vault"), c.orig)
				args := append([]string{c.cmd, "--vault", filepath.Join(d, "vault"), "--store", filepath.Join(d, "store")}, c.args...)
				r := relinkChild(t, fault, args...)
				if r.code != atomicfile.KillExitCode {
					t.Fatalf("%s with %s: exit %d\n%s%s", c.cmd, fault, r.code, r.stdout, r.stderr)
				}
				for p, s := range snapTree(t, filepath.Join(d, "vault")) {
					if strings.Contains(p, atomicfile.TempPrefix) {
						continue
					}
					if o, ok := c.orig[p]; ok && s == o {
						continue
					}
					if n, ok := c.done[p]; ok && s == n {
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
			if committed := !pending && sameTree(got, c.done); committed {
				if r = run(back, "undo"); r.code != 0 || !sameTree(snapTree(t, bv), c.orig) {
					t.Fatalf("undo: %+v\n%s", r, treeDiff(snapTree(t, bv), c.orig))
				}
			} else if !sameTree(got, c.orig) {
				t.Fatalf("after roll back:\n%s", treeDiff(got, c.orig))
			}
			noDir(t, bv, c.createdDir)

			r = run(fwd, "recover", "--roll-forward")
			if r.code != 0 {
				t.Fatalf("recover --roll-forward: %+v", r)
			}
			got = snapTree(t, fv)
			switch {
			case pending && !sameTree(got, c.done):
				t.Fatalf("after roll forward:\n%s", treeDiff(got, c.done))
			case !pending && !sameTree(got, c.done) && !sameTree(got, c.orig):
				t.Fatalf("nothing pending, yet the tree is mixed:\n%s", treeDiff(got, c.done))
			}
			if sameTree(got, c.done) {
				if r = run(fwd, "undo"); r.code != 0 || !sameTree(snapTree(t, fv), c.orig) {
					t.Fatalf("undo after roll forward: %+v\n%s", r, treeDiff(snapTree(t, fv), c.orig))
				}
				noDir(t, fv, c.createdDir)
				if r = run(fwd, "snapshot", "list"); !strings.Contains(r.stdout, c.listed) {
					t.Errorf("snapshot list does not describe the %s:\n%s", c.cmd, r.stdout)
				}
			}
		})
	}
}
