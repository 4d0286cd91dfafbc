package report

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/plan"
)

// ReadFile returns a file of the vault by its vault-relative path. The
// plan printer shows each edit's line through it and reads nothing else.
type ReadFile func(path string) ([]byte, error)

// PlanText writes what `relink plan` prints: first the edits apply would
// make, each as a compiler-style line followed by its line of the note
// before ("-") and after ("+") the edit, the edits of one line together;
// then the findings apply leaves alone, one line each; then the summary.
// A line whose file cannot be read, or no longer holds the planned link,
// is printed without its preview, and the reason goes to errw.
func PlanText(w, errw io.Writer, in Input, read ReadFile) error {
	ew := &errWriter{w: w}
	edits := in.Plan.Edits
	if len(edits) == 0 {
		fmt.Fprintln(ew, "apply would change nothing")
	} else {
		files, _ := FileEdits(edits)
		fmt.Fprintf(ew, "apply would make %s in %s:\n", Count(len(edits), "edit"), Count(len(files), "file"))
	}
	EditPreviews(ew, errw, edits, read)
	if n := len(in.Plan.Findings); n > 0 {
		fmt.Fprintf(ew, "\n%s that apply leaves alone:\n", Count(n, "finding"))
		writeLines(ew, nil, in.Plan.Findings, 1, linesPerChunk)
	}
	Problems(errw, in.Problems)
	Warnings(errw, in.Warnings)
	fmt.Fprintln(ew, "\n"+Summary(in.Plan, len(in.Problems)))
	return ew.err
}

// EditPreviews writes edits (sorted by file and offset) as plan does: a
// blank line before each file's, each edit a compiler-style line, the
// edits of one line followed by that line before ("-") and after ("+").
// read gives a file's content as the edits' offsets count it; a file it
// cannot read, or that no longer holds an edit's link, gets no preview and
// the reason goes to errw.
func EditPreviews(w, errw io.Writer, edits []plan.Edit, read ReadFile) {
	// A blank line before each file's edits sets the files apart.
	var b []byte
	for i := 0; i < len(edits); {
		file := edits[i].File
		src, err := read(file)
		if err != nil {
			fmt.Fprintf(errw, "relink: %s: %v\n", Name(file), err)
		}
		b = append(b, '\n')
		j := i
		for j < len(edits) && edits[j].File == file {
			j++
		}
		// The edits of one line share one preview, after their lines.
		for k := i; k < j; {
			m := k
			for m < j && edits[m].Line == edits[k].Line {
				b = appendEdit(b, &edits[m])
				m++
			}
			if err == nil {
				old, new, ok := LinePreview(src, edits[k:m])
				if ok {
					b = append(b, "    - "...)
					b = append(b, old...)
					b = append(b, "\n    + "...)
					b = append(b, new...)
					b = append(b, '\n')
				} else {
					fmt.Fprintf(errw, "relink: %s:%d: the file changed since it was read; no preview\n", Name(file), edits[k].Line)
				}
			}
			k = m
		}
		w.Write(b)
		b = b[:0]
		i = j
	}
}

// previewWidth is the number of characters of a line shown in full; a
// longer line (a paragraph is one line in Markdown) is cut to previewMargin
// characters on either side of its edits.
const (
	previewWidth  = 120
	previewMargin = 40
)

// LinePreview returns the line of src that holds edits (all on one line,
// in order) as it is and as the edits make it, cut to the part around the
// edits when the line is long ("…" marks a cut). ok is false when src
// does not hold an edit's old text at its offsets.
func LinePreview(src []byte, edits []plan.Edit) (old, new string, ok bool) {
	if len(edits) == 0 {
		return "", "", false
	}
	for _, e := range edits {
		if e.Start < 0 || e.End > len(src) || e.Start > e.End || string(src[e.Start:e.End]) != e.Old {
			return "", "", false
		}
	}
	first, last := edits[0], edits[len(edits)-1]
	lineStart := bytes.LastIndexByte(src[:first.Start], '\n') + 1
	if lineStart == 0 && first.Start >= len("\uFEFF") && bytes.HasPrefix(src, []byte("\uFEFF")) {
		lineStart = len("\uFEFF") // a BOM is no part of the first line's text
	}
	lineEnd := len(src)
	if i := bytes.IndexByte(src[last.End:], '\n'); i >= 0 {
		lineEnd = last.End + i
	}
	if lineEnd > last.End && src[lineEnd-1] == '\r' {
		lineEnd--
	}
	if bytes.IndexByte(src[lineStart:last.Start], '\n') >= 0 {
		return "", "", false // the edits are not on one line
	}
	lo, hi := lineStart, lineEnd
	if utf8.RuneCount(src[lineStart:lineEnd]) > previewWidth {
		lo = back(src, first.Start, lineStart, previewMargin)
		hi = forward(src, last.End, lineEnd, previewMargin)
	}
	var ob, nb []byte
	if lo > lineStart {
		ob, nb = append(ob, "…"...), append(nb, "…"...)
	}
	ob = append(ob, src[lo:hi]...)
	at := lo
	for _, e := range edits {
		nb = append(nb, src[at:e.Start]...)
		nb = append(nb, e.New...)
		at = e.End
	}
	nb = append(nb, src[at:hi]...)
	if hi < lineEnd {
		ob, nb = append(ob, "…"...), append(nb, "…"...)
	}
	return string(ob), string(nb), true
}

// back returns the offset n characters before at, but not before floor.
func back(src []byte, at, floor, n int) int {
	for ; n > 0 && at > floor; n-- {
		_, size := utf8.DecodeLastRune(src[floor:at])
		at -= size
	}
	return at
}

// forward returns the offset n characters after at, but not past ceil.
func forward(src []byte, at, ceil, n int) int {
	for ; n > 0 && at < ceil; n-- {
		_, size := utf8.DecodeRune(src[at:ceil])
		at += size
	}
	return at
}
