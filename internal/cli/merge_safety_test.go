package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/workspace"
)

// mergeVault has links to the duplicate in three files, a canonical note
// with an aliases list, and a duplicate without frontmatter.
var mergeVault = map[string]string{
	"Disaster Recovery.md": "# Disaster Recovery\n\nBack to [a](a.md).\n",
	"DR Plan.md":           "---\naliases: [dr]\n---\n# DR Plan\n",
	"a.md":                 "[[disaster-recovery]] a [d](Disaster%20Recovery.md)\n",
	"b.md":                 "x\r\n[[Disaster Recovery]] b\r\n",
	"c/c.md":               "\ufeff[[DISASTER RECOVERY|DR]] c",
	"c/d.md":               "no link here\n",
}

const mergeDup, mergeCanon = "Disaster Recovery.md", "DR Plan.md"

// plannedMerge returns the tree the merge gives the vault at dir,
// computed in process from the same plan.
func plannedMerge(t *testing.T, dir string, opt workspace.MergeOptions) map[string]string {
	t.Helper()
	rep, err := workspace.Load(dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	mp, err := workspace.PlanMerge(rep, mergeDup, mergeCanon, opt)
	if err != nil {
		t.Fatal(err)
	}
	out := snapTree(t, dir)
	_, by := mp.FileEdits()
	for f, es := range by {
		b, err := splice.Apply([]byte(out[f]), report.SpliceEdits(es))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	if opt.Delete {
		delete(out, mergeDup)
	}
	return out
}

// TestMergeCrashPoints kills relink merge at every step of its writes
// (each rewritten file, the duplicate's removal with --delete, the
// snapshot's pack, journal and manifest), marking the duplicate or
// removing it, and checks that every file is old or new, that recover
// rolls the whole merge back or forward, and that undo then restores
// every byte (the removed duplicate included).
func TestMergeCrashPoints(t *testing.T) {
	relinkExe(t)
	for _, mode := range []struct {
		name string
		opt  workspace.MergeOptions
		args []string
		// renames are the files written by a rename; removals the files
		// removed (they pass the before-rename step only).
		renames, removals int
		// listed is what snapshot list says of the merge.
		listed string
	}{
		{"mark", workspace.MergeOptions{Alias: true}, []string{"--alias"}, 5, 0, "merge " + mergeDup + " into " + mergeCanon},
		{"delete", workspace.MergeOptions{Delete: true, Alias: true}, []string{"--delete", "--alias"}, 4, 1, "merge " + mergeDup + " into " + mergeCanon + ", " + mergeDup + " deleted"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			orig := filepath.Join(t.TempDir(), "orig")
			writeFiles(t, orig, mergeVault)
			crashAtEveryWrite(t, crashCase{cmd: "merge", args: append(mode.args, mergeDup, mergeCanon),
				orig: snapTree(t, orig), done: plannedMerge(t, orig, mode.opt),
				writes: map[string][2]int{"*.md": {mode.renames, mode.renames + mode.removals}},
				listed: mode.listed})
		})
	}
}

// TestMergeExitCodes pins merge's exit status: 0 merged, 2 refused or
// blocked by an unfinished operation, 3 when a file edited in the instant
// before its rename was left alone, 130 interrupted.
func TestMergeExitCodes(t *testing.T) {
	relinkExe(t)
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir, mergeVault)
	orig := snapTree(t, dir)

	want(t, relinkIn(t, ctx, "merge", "--vault", dir, "-n", mergeDup, mergeCanon), ExitClean, "merge would merge")
	want(t, relinkIn(t, ctx, "merge", "--vault", dir, "--diff", mergeDup, mergeCanon), ExitClean, "diff --git")
	want(t, relinkIn(t, ctx, "merge", "--vault", dir, mergeDup, mergeDup), ExitError, "are the same note; nothing was merged")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	want(t, relinkIn(t, cctx, "merge", "--vault", dir, mergeDup, mergeCanon), ExitInterrupted, "interrupted")
	if !sameTree(snapTree(t, dir), orig) {
		t.Fatal("an interrupted merge changed the vault")
	}

	want(t, relinkIn(t, ctx, "merge", "--vault", dir, "--delete", mergeDup, mergeCanon), ExitClean, "merged "+mergeDup+" into "+mergeCanon)
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "undo: restored")
	if got := snapTree(t, dir); !sameTree(got, orig) {
		t.Fatalf("after undo:\n%s", treeDiff(got, orig))
	}

	// Partial: b.md is edited between its last check and its rename; the
	// edit is put back, the rest is written.
	r := relinkChild(t, "edit:before-rename:1:b.md", "merge", "--vault", dir, mergeDup, mergeCanon)
	want(t, r, ExitPartial, "b.md: was edited while being rewritten; the edit was put back")
	want(t, relinkIn(t, ctx, "undo", dir), ExitPartial, "b.md: changed since snapshot")

	// An unfinished operation blocks merge until recover has run.
	dir2 := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir2, mergeVault)
	if r := relinkChild(t, "kill:after-rename:1:*.md", "merge", "--vault", dir2, mergeDup, mergeCanon); r.code != atomicfile.KillExitCode {
		t.Fatalf("killed merge: %+v", r)
	}
	want(t, relinkIn(t, ctx, "merge", "--vault", dir2, mergeDup, mergeCanon), ExitError, "run `relink recover "+dir2+"`")
	want(t, relinkIn(t, ctx, "recover", dir2), ExitClean, "rolled back")
	if got := snapTree(t, dir2); !sameTree(got, orig) {
		t.Fatalf("after recover:\n%s", treeDiff(got, orig))
	}
}
