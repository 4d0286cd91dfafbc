package git

import (
	"os/exec"
	"strings"
	"testing"
)

func TestOutput(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if _, err := Output(dir, nil, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	out, err := Output(dir, []byte("hello\n"), "hash-object", "--stdin")
	if err != nil {
		t.Fatal(err)
	}
	// git's id of the blob "hello\n".
	if got := strings.TrimSpace(string(out)); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("hash-object = %q", got)
	}
	_, err = Output(dir, nil, "rev-parse", "--verify", "no-such-ref^{commit}")
	if err == nil || !strings.HasPrefix(err.Error(), "git rev-parse: ") || strings.Contains(err.Error(), "exit status") {
		t.Errorf("a failing git run: err = %v, want git's own message", err)
	}
}
