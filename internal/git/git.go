// Package git runs the git commands whose whole output relink reads, for
// the features that read a work tree's history (renames since a commit,
// the files a change touched), so that every caller reports a failure the
// same way: git's own message, not an exit status.
package git

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// Output runs git with args in dir (git -C dir …), feeding it stdin when
// not nil, and returns what it printed on stdout. A failure is an error
// holding the subcommand and git's message on stderr.
func Output(dir string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}
