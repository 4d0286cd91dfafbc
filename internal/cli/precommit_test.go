package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook runs the relink-check hook of .pre-commit-hooks.yaml
// with pre-commit itself (a config naming this repository at its HEAD;
// pre-commit builds relink with go install, as for any golang hook) in a
// new repository: it
// fails on a commit that deletes a note other notes link to, and passes on
// a clean one. It skips where pre-commit, git or go is missing.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds relink with pre-commit")
	}
	for _, tool := range []string{"pre-commit", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// pre-commit clones the hook's repository at a commit: this one's
	// HEAD, the way a user's config names a tag.
	head, err := exec.Command("git", "-C", root, "rev-parse", "--verify", "--quiet", "HEAD").Output()
	if err != nil {
		t.Skip("this copy of relink is not a git repository")
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "vault")
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit"),
		// The hook's build reuses the module cache instead of fetching
		// every module again into pre-commit's own GOPATH.
		"GOMODCACHE="+strings.TrimSpace(string(modcache)),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CEILING_DIRECTORIES="+tmp,
	)
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) {
		t.Helper()
		if out, err := run(name, args...); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"a.md":     "[[B]]\n",
		"B.md":     "# B\n",
		"other.md": "[[Nowhere]]\n",
	})
	// The config lives outside the repository it checks: pre-commit
	// refuses a config of the repository that is not staged.
	config := filepath.Join(tmp, "pre-commit-config.yaml")
	writeFiles(t, tmp, map[string]string{"pre-commit-config.yaml": "repos:\n- repo: " + root + "\n  rev: " + strings.TrimSpace(string(head)) + "\n  hooks:\n  - id: relink-check\n"})
	must("git", "init", "-q")
	must("git", "add", "-A")
	must("git", "commit", "-q", "-m", "vault")

	// A commit that deletes B.md breaks a.md's link: the hook fails and
	// says where. (other.md's broken link is older than the change.)
	must("git", "rm", "-q", "B.md")
	out, err := run("pre-commit", "run", "-c", config)
	if err == nil {
		t.Fatalf("the hook passed a commit that breaks a link:\n%s", out)
	}
	if !strings.Contains(out, "a.md:1:1: broken: [[B]]") || strings.Contains(out, "other.md") {
		t.Errorf("the hook's output does not name a.md's broken link alone:\n%s", out)
	}

	// A clean change: the hook passes.
	must("git", "reset", "-q", "HEAD", "B.md")
	must("git", "checkout", "-q", "--", "B.md")
	writeFiles(t, dir, map[string]string{"c.md": "[[B]]\n"})
	must("git", "add", "c.md")
	if out, err := run("pre-commit", "run", "-c", config); err != nil {
		t.Fatalf("the hook failed on a clean change: %v\n%s", err, out)
	}
}
