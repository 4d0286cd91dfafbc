package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/vaultgen"
)

// TestPlanDiffApplies holds plan --diff to what it promises: applied with
// git apply (and patch(1), when installed) to a copy of the vault, it gives
// exactly the tree that relink apply writes. The vaults are a small one of
// the awkward cases (no final newline, CRLF, BOM, names with spaces, names
// that diff headers quote: a control character, a byte that is not UTF-8), the
// sample vault, generated vaults in two dialects and the real vaults in
// ../shared/corpora when they are there. The diff that snapshot diff
// prints of that apply must apply the same way.
func TestPlanDiffApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	patch, _ := exec.LookPath("patch")
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))

	vaults := map[string]string{}
	awkward := t.TempDir()
	writeFiles(t, awkward, map[string]string{
		"Topics/Disaster Recovery.md": "# Disaster Recovery\n",
		"no newline.md":               "first\n[[disaster-recovery]] last line, no newline",
		"only line.md":                "[[disaster_recovery]]",
		"crlf.md":                     "a\r\nb\r\n[[DISASTER RECOVERY]]\r\nc",
		"bom.md":                      "\ufeff[[disaster recovery]]\n\n\n\n\n\n\n\n[[Disaster-Recovery]]",
		"Sub Folder/with space.md":    "x\n[[disaster-recovery|DR]]\n",
		// Names that a diff header quotes, and one that it need not.
		"lat\xe9.md":       "[[disaster-recovery]]\n",
		"tab\tname.md":     "[[disaster-recovery]]\n",
		"sep\u2028.md":     "[[disaster-recovery]]\n",
		"caf\xc3\xa9\n.md": "[[disaster-recovery]]\n",
		"back\\sl\"ash.md": "[[disaster-recovery]]\n",
	})
	vaults["awkward"] = awkward
	sample, err := filepath.Abs(filepath.Join("..", "..", "examples", "sample-vault"))
	if err != nil {
		t.Fatal(err)
	}
	vaults["sample"] = sample
	for _, dialect := range []string{"wiki", "obsidian"} {
		dir := filepath.Join(t.TempDir(), "gen")
		if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 200, Seed: 7, Dialect: dialect}); err != nil {
			t.Fatal(err)
		}
		vaults["generated-"+dialect] = dir
	}
	corpora := filepath.Join("..", "..", "..", "shared", "corpora")
	for name, dir := range map[string]string{
		"johngrib-wiki": filepath.Join(corpora, "johngrib-wiki", "_wiki"),
		"foam-docs":     filepath.Join(corpora, "foam-docs", "docs"),
		"dendron-site":  filepath.Join(corpora, "dendron-site"),
	} {
		if _, err := os.Stat(dir); err == nil {
			vaults[name] = dir
		}
	}

	for name, src := range vaults {
		t.Run(name, func(t *testing.T) {
			applied := filepath.Join(t.TempDir(), "vault")
			copyTree(t, src, applied)
			before := snapTree(t, applied)

			r := relinkIn(t, context.Background(), "plan", "--diff", applied)
			if r.code != ExitClean && r.code != ExitFindings {
				t.Fatalf("plan --diff: exit %d\n%s", r.code, r.stderr)
			}
			diffFile := filepath.Join(t.TempDir(), "plan.diff")
			if err := os.WriteFile(diffFile, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			if a := relinkIn(t, context.Background(), "apply", "--dialect", dialectOf(t, applied), applied); a.code != ExitClean {
				t.Fatalf("apply: exit %d\n%s%s", a.code, a.stdout, a.stderr)
			}
			want := snapTree(t, applied)
			if r.stdout == "" {
				if !sameTree(want, before) {
					t.Fatal("plan --diff printed nothing, but apply changed files")
				}
				return
			}

			// snapshot diff of that apply says the same in the same form.
			sd := relinkIn(t, context.Background(), "snapshot", "diff", "latest", "--vault", applied)
			if sd.code != ExitClean {
				t.Fatalf("snapshot diff: exit %d\n%s", sd.code, sd.stderr)
			}
			snapDiffFile := filepath.Join(t.TempDir(), "snapshot.diff")
			if err := os.WriteFile(snapDiffFile, []byte(sd.stdout), 0o644); err != nil {
				t.Fatal(err)
			}

			var tools [][]string
			for _, f := range []string{diffFile, snapDiffFile} {
				tools = append(tools, []string{git, "apply", "--whitespace=nowarn", f})
				if patch != "" {
					tools = append(tools, []string{patch, "-s", "-p1", "-i", f})
				}
			}
			for _, tool := range tools {
				dir := filepath.Join(t.TempDir(), "vault")
				copyTree(t, src, dir)
				cmd := exec.Command(tool[0], tool[1:]...)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(tool, " "), err, out)
				}
				if got := snapTree(t, dir); !sameTree(got, want) {
					t.Errorf("%s %s gives another tree than apply:\n%s", filepath.Base(tool[0]), filepath.Base(tool[len(tool)-1]), treeDiff(got, want))
				}
			}
		})
	}
}

// dialectOf names the dialect that plan detected, so that apply runs
// under the same rules without tripping the wrong-dialect guard's refusal.
func dialectOf(t *testing.T, vault string) string {
	t.Helper()
	r := relinkIn(t, context.Background(), "plan", "--format", "json", vault)
	const key = `"dialect": "`
	i := strings.Index(r.stdout, key)
	if i < 0 {
		t.Fatalf("plan --format json names no dialect:\n%s", r.stdout)
	}
	rest := r.stdout[i+len(key):]
	return rest[:strings.IndexByte(rest, '"')]
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
