package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/splice"
)

// FileEdits groups a plan's edits by file, in order.
func FileEdits(edits []plan.Edit) (files []string, byFile map[string][]plan.Edit) {
	byFile = map[string][]plan.Edit{}
	for _, e := range edits {
		if _, ok := byFile[e.File]; !ok {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	return files, byFile
}

// SpliceEdits converts plan edits to splices.
func SpliceEdits(es []plan.Edit) []splice.Edit {
	out := make([]splice.Edit, len(es))
	for i, e := range es {
		out[i] = splice.Edit{Start: e.Start, End: e.End, Old: e.Old, New: e.New}
	}
	return out
}

// Diff writes a unified diff (3 lines of context) of the edits of one file.
func Diff(w io.Writer, file string, old []byte, edits []plan.Edit) error {
	return diffFile(w, file, file, old, edits, nil)
}

// GitDiff writes the edits of one file as git does, under a "diff --git"
// line; when from and to differ the file is renamed, which "rename from"
// and "rename to" lines say, and a rename with no edits has no hunks. git
// apply takes it whole.
func GitDiff(w io.Writer, from, to string, old []byte, edits []plan.Edit) error {
	head := func(w io.Writer) {
		fmt.Fprintf(w, "diff --git %s %s\n", DiffName("a/", from), DiffName("b/", to))
		if from != to {
			fmt.Fprintf(w, "rename from %s\nrename to %s\n", DiffName("", from), DiffName("", to))
		}
	}
	if from != to {
		var b bytes.Buffer
		if err := diffFile(&b, from, to, old, edits, nil); err != nil {
			return err
		}
		if b.Len() == 0 {
			fmt.Fprintf(w, "diff --git %s %s\nsimilarity index 100%%\n", DiffName("a/", from), DiffName("b/", to))
			fmt.Fprintf(w, "rename from %s\nrename to %s\n", DiffName("", from), DiffName("", to))
			return nil
		}
	}
	return diffFile(w, from, to, old, edits, head)
}

// diffFile writes the unified diff of edits in old, from (the file's old
// name) to to (its new one), with head written first; nothing when the
// edits change nothing.
func diffFile(w io.Writer, from, to string, old []byte, edits []plan.Edit, head func(io.Writer)) error {
	file := to
	nw, err := splice.Apply(old, SpliceEdits(edits))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	a, b := lines(old), lines(nw)
	// Links never span lines and edits keep the line count, so line i of
	// the old file is line i of the new one.
	if len(a) != len(b) {
		return fmt.Errorf("%s: edit changed the number of lines", Name(file))
	}
	var changed []int
	for i := range a {
		if a[i] != b[i] {
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if head != nil {
		head(w)
	}
	DiffHeader(w, DiffName("a/", from), DiffName("b/", to))
	const ctx = 3
	for k := 0; k < len(changed); {
		start := max(changed[k]-ctx, 0)
		end := min(changed[k]+ctx+1, len(a))
		m := k + 1
		for m < len(changed) && changed[m]-ctx <= end {
			end = min(changed[m]+ctx+1, len(a))
			m++
		}
		n := end - start
		fmt.Fprintf(w, "@@ -%d,%d +%d,%d @@\n", start+1, n, start+1, n)
		isChanged := map[int]bool{}
		for _, c := range changed[k:m] {
			isChanged[c] = true
		}
		for i := start; i < end; {
			if !isChanged[i] {
				diffLine(w, ' ', a[i])
				i++
				continue
			}
			// A run of changed lines: all removals, then all additions.
			j := i
			for j < end && isChanged[j] {
				j++
			}
			for x := i; x < j; x++ {
				diffLine(w, '-', a[x])
			}
			for x := i; x < j; x++ {
				diffLine(w, '+', b[x])
			}
			i = j
		}
		k = m
	}
	return nil
}

// DiffHeader writes the two file lines of a unified diff. The tab ends
// each name: patch(1) otherwise stops a name at its first space, and git
// apply reads either. "/dev/null" names a side where the file is absent.
func DiffHeader(w io.Writer, oldName, newName string) {
	fmt.Fprintf(w, "--- %s\t\n+++ %s\t\n", oldName, newName)
}

// NoNewline is the line a unified diff puts after a line that ends its file
// without a newline; without it git apply and patch(1) refuse the hunk or
// add a newline that the file never had.
const NoNewline = "\\ No newline at end of file\n"

// diffLine writes one line of a hunk. A CRLF line keeps its \r so that the
// diff applies with patch(1); the file's last line, when it has no newline,
// is followed by the NoNewline marker.
func diffLine(w io.Writer, op byte, l string) {
	body, hadNewline := strings.CutSuffix(l, "\n")
	fmt.Fprintf(w, "%c%s\n", op, body)
	if !hadNewline {
		io.WriteString(w, NoNewline)
	}
}

func lines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// FileDiff writes a unified diff of one file from before to after, in the
// same form as Diff, for contents that may differ in any way (snapshot diff).
// A side where the file did not exist (created, deleted) is named
// /dev/null, so that git apply and patch(1) create or delete the file.
func FileDiff(w io.Writer, file string, before, after []byte, created, deleted bool) error {
	hunks := diff.Diff("a", before, "b", after)
	if hunks == nil {
		return nil
	}
	// diff.Diff starts with its own three header lines; the hunks follow.
	for range 3 {
		i := bytes.IndexByte(hunks, '\n')
		if i < 0 {
			return fmt.Errorf("%s: unexpected diff output", file)
		}
		hunks = hunks[i+1:]
	}
	oldName, newName := DiffName("a/", file), DiffName("b/", file)
	if created {
		oldName = "/dev/null"
	}
	if deleted {
		newName = "/dev/null"
	}
	DiffHeader(w, oldName, newName)
	_, err := w.Write(hunks)
	return err
}
