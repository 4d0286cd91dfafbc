package cli

import (
	"context"
	"errors"
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
	for _, m := range mp.Moved {
		out[m.To] = out[m.From]
		delete(out, m.From)
	}
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

// noDir fails unless the vault has no folder d (d "" checks nothing).
func noDir(t *testing.T, vault, d string) {
	if d == "" {
		return
	}
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
	// Six vault files are written: the note at its new path, four files
	// rewritten, and the old path removed (a removal passes the
	// before-rename step only).
	crashMove(t, moveVault, moveFrom, moveTo, moveDir, "mv "+moveFrom+" → "+moveTo, map[string][2]int{"*.md": {5, 6}})
}

// moveFolderVault has a folder of notes, a subfolder and an image, linked
// from outside, from inside and between its notes.
var moveFolderVault = map[string]string{
	"notes/A.md":     "# A\n\n[[B]] [b](sub/B.md) ![i](pic.png) [o](../o.md)\n",
	"notes/sub/B.md": "# B\n\n[a](../A.md) [[A]] [[/notes/A]]\n",
	"notes/pic.png":  "PNG",
	"o.md":           "[[A]] [a](notes/A.md) [b](notes/sub/B.md#b) ![p](notes/pic.png) [[/notes/sub/B]]\n",
}

// TestMoveFolderCrashPoints is TestMoveCrashPoints for a folder move:
// killed at every write, the vault holds every file old or new, recover
// rolls the whole folder move back (its folders removed) or forward.
func TestMoveFolderCrashPoints(t *testing.T) {
	// Written: the folder's two notes at their new paths and o.md
	// rewritten, then the two old paths removed; the image created and
	// its old path removed.
	crashMove(t, moveFolderVault, "notes", "archive/2024/notes", "archive", "mv notes → archive/2024/notes (3 files)", map[string][2]int{"*.md": {3, 5}, "*.png": {1, 2}})
}

// TestMoveHeadingCrashPoints is TestMoveCrashPoints for a heading
// renamed: its note and the two notes linking into it rewritten, killed at
// every write, recover rolls the whole rename back or forward.
func TestMoveHeadingCrashPoints(t *testing.T) {
	vault := map[string]string{
		"n.md": "# N\n\n## Old Heading\n\nSee [[#Old Heading]].\n",
		"a.md": "[[n#Old Heading]] [x](n.md#old-heading)\n",
		"b.md": "[[n#Old Heading|b]]\n",
		"c.md": "[[n]] stays\n",
	}
	crashMove(t, vault, "n.md#Old Heading", "New Heading", "", "mv    3      mv n.md#Old Heading → n.md#New Heading", map[string][2]int{"*.md": {3, 3}})
}

// crashMove kills relink mv from to of vault at each of its writes (see
// crashAtEveryWrite): writes counts the vault's files, dir is the folder
// the move creates ("" for none), listed what snapshot list says of it.
func crashMove(t *testing.T, vault map[string]string, from, to, dir, listed string, writes map[string][2]int) {
	relinkExe(t)
	orig := filepath.Join(t.TempDir(), "orig")
	writeFiles(t, orig, vault)
	crashAtEveryWrite(t, crashCase{cmd: "mv", args: []string{from, to}, orig: snapTree(t, orig), done: plannedMove(t, orig, from, to),
		writes: writes, createdDir: dir, listed: listed})
}

// TestMvExitCodes pins mv's exit status: 0 moved, 2 refused or blocked by
// an unfinished operation, 3 when a file edited in the instant before its
// rename was left alone, 130 interrupted.
func TestMvExitCodes(t *testing.T) {
	relinkExe(t)
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir, moveVault)
	orig := snapTree(t, dir)

	want(t, relinkIn(t, ctx, "mv", "--vault", dir, "-n", moveFrom, moveTo), ExitClean, "mv would move")
	want(t, relinkIn(t, ctx, "mv", "--vault", dir, "--diff", moveFrom, moveTo), ExitClean, "rename from")
	want(t, relinkIn(t, ctx, "mv", "--vault", dir, moveFrom, "a.md"), ExitError, "a.md already exists; nothing was moved")

	// Interrupted before the first write: nothing moved.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	want(t, relinkIn(t, cctx, "mv", "--vault", dir, moveFrom, moveTo), ExitInterrupted, "interrupted")
	if !sameTree(snapTree(t, dir), orig) {
		t.Fatal("an interrupted mv changed the vault")
	}

	want(t, relinkIn(t, ctx, "mv", "--vault", dir, moveFrom, moveTo), ExitClean, "moved 1 note, rewrote")
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "undo: restored")
	if got := snapTree(t, dir); !sameTree(got, orig) {
		t.Fatalf("after undo:\n%s", treeDiff(got, orig))
	}

	// Partial: b.md is edited between its last check and its rename; the
	// edit is put back, the rest is moved.
	r := relinkChild(t, "edit:before-rename:1:b.md", "mv", "--vault", dir, moveFrom, moveTo)
	want(t, r, ExitPartial, "b.md: was edited while being rewritten; the edit was put back")
	if !strings.Contains(r.stdout, "moved "+moveFrom+" to "+moveTo) {
		t.Errorf("partial mv did not move the note:\n%s", r.stdout)
	}
	want(t, relinkIn(t, ctx, "undo", dir), ExitPartial, "b.md: changed since snapshot")

	// An unfinished operation blocks mv until recover has run.
	dir2 := filepath.Join(t.TempDir(), "vault")
	writeFiles(t, dir2, moveVault)
	if r := relinkChild(t, "kill:after-rename:1:*.md", "mv", "--vault", dir2, moveFrom, moveTo); r.code != atomicfile.KillExitCode {
		t.Fatalf("killed mv: %+v", r)
	}
	want(t, relinkIn(t, ctx, "mv", "--vault", dir2, "a.md", "z.md"), ExitError, "run `relink recover "+dir2+"`")
	want(t, relinkIn(t, ctx, "recover", dir2), ExitClean, "rolled back")
	if got := snapTree(t, dir2); !sameTree(got, orig) {
		t.Fatalf("after recover:\n%s", treeDiff(got, orig))
	}
}
