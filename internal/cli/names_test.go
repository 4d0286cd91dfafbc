package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// TestByteNames: a note whose name is not UTF-8 (a Latin-1 "café.md" from
// an old file system) is printed quoted, is rewritten by apply, and is the
// very file that undo and, after a kill, recover put back; no other file
// appears. The vault's own folder name is not UTF-8 either.
func TestByteNames(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "vault \xe9")
	name := "caf\xe9.md"
	orig := map[string]string{"Disaster Recovery.md": "# Disaster Recovery\n", name: "[[disaster-recovery]]\n"}
	writeFiles(t, dir, orig)
	if got := snapTree(t, dir); got[name] != orig[name] {
		t.Skipf("the file system does not keep the name %q", name)
	}
	applied := map[string]string{"Disaster Recovery.md": orig["Disaster Recovery.md"], name: "[[Disaster Recovery]]\n"}

	want(t, relinkIn(t, ctx, "check", dir), ExitFindings, `"caf\xe9.md":1:1: variant: [[disaster-recovery]] -> [[Disaster Recovery]]`)
	want(t, relinkIn(t, ctx, "apply", dir), ExitClean, `"caf\xe9.md":1:1: variant:`)
	if got := snapTree(t, dir); !sameTree(got, applied) {
		t.Fatalf("after apply:\n%s", treeDiff(got, applied))
	}
	want(t, relinkIn(t, ctx, "snapshot", "show", "latest", "--vault", dir), ExitClean, "vault     "+strconv.Quote(dir)+"\n")
	want(t, relinkIn(t, ctx, "undo", dir), ExitClean, "restored \"caf\\xe9.md\"\nundo: restored 1 file")
	if got := snapTree(t, dir); !sameTree(got, orig) {
		t.Fatalf("after undo:\n%s", treeDiff(got, orig))
	}

	r := relinkChild(t, "kill:after-rename:1:*.md", "apply", dir)
	if r.code != atomicfile.KillExitCode {
		t.Fatalf("killed apply: %+v", r)
	}
	if got := snapTree(t, dir); !sameTree(got, applied) {
		t.Fatalf("after the kill:\n%s", treeDiff(got, applied))
	}
	want(t, relinkIn(t, ctx, "recover", dir), ExitClean, `"caf\xe9.md"`)
	if got := snapTree(t, dir); !sameTree(got, orig) {
		t.Fatalf("after recover:\n%s", treeDiff(got, orig))
	}
	if _, err := os.Stat(filepath.Join(dir, "caf\ufffd.md")); err == nil {
		t.Error("a second file was created")
	}
}
