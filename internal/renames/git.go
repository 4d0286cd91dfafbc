package renames

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/relinkmd/relink/internal/git"
)

// ShallowCloneHint is what to add to "git knows no commit REF" in the
// repository holding dir: when the clone is shallow, the commit may well
// exist and the clone just not hold it (a CI checkout is one commit deep
// by default), and fetching the rest of the history is the fix. It is ""
// for a full clone, where the commit is really unknown.
func ShallowCloneHint(dir string) string {
	out, err := git.Output(dir, nil, "rev-parse", "--is-shallow-repository")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return ""
	}
	return ": the clone is shallow (its history stops before that commit); fetch the rest with git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0)"
}

// Git returns the renames of notes that git records between ref and the
// work tree of the repository holding dir, with paths relative to dir:
// the renames `git diff -M ref` finds, and the notes deleted since ref
// whose exact bytes are in a file git does not track yet (a rename not
// yet added), unless the bytes are empty or several deleted notes'. It fails when dir is not in a git work tree or ref names
// no commit.
func Git(dir, ref string) ([]Moved, error) {
	if out, err := git.Output(dir, nil, "rev-parse", "--is-inside-work-tree"); err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil, fmt.Errorf("--since %s: %s is not in a git work tree", ref, dir)
	}
	if _, err := git.Output(dir, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("--since %s: git knows no commit %s%s", ref, ref, ShallowCloneHint(dir))
	}
	out, err := git.Output(dir, nil, "diff", "--raw", "--no-abbrev", "-z", "-M", "--relative", ref, "--")
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", ref, err)
	}
	var moved []Moved
	deleted := map[string][]string{} // blob id -> deleted notes
	fields := bytes.Split(out, []byte{0})
	for i := 0; i < len(fields); i++ {
		head := string(fields[i])
		if !strings.HasPrefix(head, ":") {
			continue
		}
		meta := strings.Fields(head)
		if len(meta) < 5 {
			continue
		}
		status := meta[4]
		switch {
		case strings.HasPrefix(status, "R") && i+2 < len(fields):
			from, to := string(fields[i+1]), string(fields[i+2])
			i += 2
			if isNote(from) && isNote(to) {
				moved = append(moved, Moved{From: from, To: to})
			}
		case status == "D" && i+1 < len(fields):
			p := string(fields[i+1])
			i++
			if isNote(p) {
				deleted[meta[2]] = append(deleted[meta[2]], p)
			}
		default:
			i++
			if strings.HasPrefix(status, "C") {
				i++
			}
		}
	}
	if len(deleted) == 0 {
		return moved, nil
	}
	// hash-object reads its paths from the top of the work tree: list
	// them from there, and give them back relative to dir.
	prefix, err := git.Output(dir, nil, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", ref, err)
	}
	top := strings.TrimRight(string(prefix), "\n")
	out, err = git.Output(dir, nil, "ls-files", "-z", "--others", "--exclude-standard", "--full-name")
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", ref, err)
	}
	var untracked []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 && isNote(string(p)) && strings.HasPrefix(string(p), top) {
			untracked = append(untracked, string(p))
		}
	}
	if len(untracked) == 0 {
		return moved, nil
	}
	// The blob ids the untracked notes would get, to find the deleted
	// notes' bytes among them.
	out, err = git.Output(dir, []byte(strings.Join(untracked, "\n")+"\n"), "hash-object", "--stdin-paths")
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", ref, err)
	}
	ids := strings.Fields(string(out))
	for i, id := range ids {
		if i >= len(untracked) {
			break
		}
		// Bytes name a note only when they are its own: not empty, and
		// not those of several deleted notes (an unedited template).
		if id == emptyBlob || len(deleted[id]) > 1 {
			continue
		}
		for _, from := range deleted[id] {
			moved = append(moved, Moved{From: from, To: strings.TrimPrefix(untracked[i], top)})
		}
	}
	return moved, nil
}

// emptyBlob is git's id for the bytes of an empty file.
const emptyBlob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"

func isNote(p string) bool {
	e := strings.ToLower(path.Ext(p))
	return e == ".md" || e == ".markdown"
}
