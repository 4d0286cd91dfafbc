package workspace

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/config"
)

func recoverVault(t *testing.T, dir string, opt RecoverOptions) (*RecoverResult, error) {
	t.Helper()
	v, cfg, err := OpenVault(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	return Recover(context.Background(), v, cfg, opt)
}

// crashed sets up the state a crash leaves: a pending journal, a.md
// rewritten, b.md edited by someone since, c/d.md untouched, and a temp
// file of the interrupted write.
func crashed(t *testing.T) (dir, store string) {
	dir, store = newVault(t, testVault)
	beginPending(t, dir, store)
	writeTree(t, dir, map[string]string{
		"a.md":                     testVaultApplied["a.md"],
		"b.md":                     "someone else's b\n",
		"c/.relink-tmp-0123456789": "[[Disaster",
	})
	return dir, store
}

func actions(res *RecoverResult) map[string]string {
	m := map[string]string{}
	for _, f := range res.Files {
		m[f.Path] = f.Action
	}
	return m
}

func TestRecoverRollBack(t *testing.T) {
	dir, store := crashed(t)
	res, err := recoverVault(t, dir, RecoverOptions{Store: store, DryRun: true})
	if err != nil || res.Journal == nil {
		t.Fatal(res, err)
	}
	want := map[string]string{"a.md": ActionRestored, "b.md": ActionLeftAlone, "c/d.md": ActionUntouched}
	if got := actions(res); !mapsEqual(got, want) {
		t.Errorf("dry run actions %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "c", ".relink-tmp-0123456789")); err != nil {
		t.Errorf("dry run removed the temp file: %v", err)
	}

	res, err = recoverVault(t, dir, RecoverOptions{Store: store})
	if err != nil || res.LeftAlone() != 1 || res.Temps != 1 {
		t.Fatal(res, err)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": "someone else's b\n"}))
	if pe, err := Pending(dir, config.Config{}, store); pe != nil || err != nil {
		t.Errorf("still pending: %v %v", pe, err)
	}
	res, err = recoverVault(t, dir, RecoverOptions{Store: store})
	if err != nil || res.Journal != nil {
		t.Errorf("second recover: %+v, %v", res, err)
	}
}

func TestRecoverRollForward(t *testing.T) {
	dir, store := crashed(t)
	res, err := recoverVault(t, dir, RecoverOptions{Store: store, Forward: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.md": ActionDone, "b.md": ActionLeftAlone, "c/d.md": ActionCompleted}
	if got := actions(res); !mapsEqual(got, want) {
		t.Errorf("actions %v", got)
	}
	wantTree(t, dir, withFiles(testVaultApplied, map[string]string{"b.md": "someone else's b\n"}))
	if got := manifestPaths(res.Commit); !slices.Equal(got, []string{"a.md", "c/d.md"}) {
		t.Errorf("committed %v", got)
	}
	// The committed snapshot undoes like any apply.
	if _, err := undo(t, dir, UndoOptions{Store: store}); err != nil {
		t.Fatal(err)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": "someone else's b\n"}))
}

// A write that fails during recovery keeps the journal, so that recover can
// run again.
func TestRecoverWriteFails(t *testing.T) {
	dir, store := crashed(t)
	restore := atomicfile.SetFaultHook(func(step, name string) error {
		if name == "a.md" {
			return atomicfile.ErrInjected
		}
		return nil
	})
	_, err := recoverVault(t, dir, RecoverOptions{Store: store})
	restore()
	if err == nil || !strings.Contains(err.Error(), "could not write a.md; the operation is still pending") {
		t.Fatalf("err = %v", err)
	}
	res, err := recoverVault(t, dir, RecoverOptions{Store: store})
	if err != nil || actions(res)["a.md"] != ActionRestored {
		t.Fatal(res, err)
	}
	wantTree(t, dir, withFiles(testVault, map[string]string{"b.md": "someone else's b\n"}))
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
