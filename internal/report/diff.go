package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

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
	// The tab ends the name for patch(1), which otherwise stops at a space.
	fmt.Fprintf(w, "--- %s\t\n+++ %s\t\n", DiffName("a/", file), DiffName("b/", file))
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
				fmt.Fprintf(w, " %s\n", show(a[i]))
				i++
				continue
			}
			// A run of changed lines: all removals, then all additions.
			j := i
			for j < end && isChanged[j] {
				j++
			}
			for x := i; x < j; x++ {
				fmt.Fprintf(w, "-%s\n", show(a[x]))
			}
			for x := i; x < j; x++ {
				fmt.Fprintf(w, "+%s\n", show(b[x]))
			}
			i = j
		}
		k = m
	}
	return nil
}

// show keeps a CRLF line's \r so that the diff applies with patch(1).
func show(l string) string { return strings.TrimSuffix(l, "\n") }

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
