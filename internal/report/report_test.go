package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/relinkmd/relink/internal/plan"
)

// TestWriteLines: however many chunks the lines are formatted in, on
// however many workers, they come out as one line an edit or finding,
// merged by position, formatted as fmt would.
func TestWriteLines(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var edits []plan.Edit
	var finds []plan.Finding
	for f := range 900 {
		file := fmt.Sprintf("dir %03d/note ä %d.md", f, f)
		for range r.IntN(20) {
			line, col := 1+r.IntN(50), 1+r.IntN(80)
			if r.IntN(2) == 0 {
				edits = append(edits, plan.Edit{File: file, Line: line, Col: col, Class: "variant", Old: "[[a b]]", New: "[[A B]]"})
			} else {
				finds = append(finds, plan.Finding{File: file, Line: line, Col: col, Class: "ambiguous", Link: "[[x]]", Candidates: []string{"a.md", "b.md"}, Hints: []string{"y"}, Level: "case"})
			}
		}
	}
	slices.SortStableFunc(edits, func(a, b plan.Edit) int { return cmpPos(a.File, a.Line, a.Col, b.File, b.Line, b.Col) })
	slices.SortStableFunc(finds, func(a, b plan.Finding) int { return cmpPos(a.File, a.Line, a.Col, b.File, b.Line, b.Col) })
	var want bytes.Buffer
	i, j := 0, 0
	for i < len(edits) || j < len(finds) {
		if j >= len(finds) || i < len(edits) && before(edits[i], finds[j]) {
			e := edits[i]
			fmt.Fprintf(&want, "%s:%d:%d: %s: %s -> %s\n", e.File, e.Line, e.Col, e.Class, e.Old, e.New)
			i++
			continue
		}
		f := finds[j]
		fmt.Fprintf(&want, "%s:%d:%d: %s: %s%s\n", f.File, f.Line, f.Col, f.Class, f.Link, detailReference(f))
		j++
	}
	if len(edits)+len(finds) < 4*1024 {
		t.Fatalf("test setup: %d lines, too few for several chunks", len(edits)+len(finds))
	}
	// Streamed through a few reused buffers, in chunks of any size, on
	// any number of workers: the same text.
	for _, per := range []int{1, 7, 1000, linesPerChunk, 1 << 20} {
		for workers := 1; workers <= 4; workers++ {
			var got bytes.Buffer
			writeLines(&got, edits, finds, workers, per)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("writeLines, %d a chunk on %d workers: text differs from one line each, in order", per, workers)
			}
		}
	}
	var none bytes.Buffer
	writeLines(&none, nil, nil, 2, linesPerChunk)
	if none.Len() != 0 {
		t.Error("writeLines wrote lines for an empty plan")
	}
}

func cmpPos(af string, al, ac int, bf string, bl, bc int) int {
	switch {
	case af != bf:
		if af < bf {
			return -1
		}
		return 1
	case al != bl:
		return al - bl
	}
	return ac - bc
}

// TestDetailNamesAliases: a candidate that only an alias matched is shown
// with its alias, and a match at exact says no level.
func TestDetailNamesAliases(t *testing.T) {
	for _, tt := range []struct {
		give plan.Finding
		want string
	}{
		{plan.Finding{Class: "ambiguous", Candidates: []string{"A.md", "B.md"}, Aliases: []plan.CandidateAlias{{Note: "A.md", Alias: "X"}}, Level: "case"},
			` (candidates: A.md (alias "X"), B.md; at level case)`},
		{plan.Finding{Class: "ambiguous", Candidates: []string{"A.md", "B.md"}, Level: "exact"},
			` (candidates: A.md, B.md)`},
		{plan.Finding{Class: "alias", Candidates: []string{"Topics/Disaster Recovery.md"}, Aliases: []plan.CandidateAlias{{Note: "Topics/Disaster Recovery.md", Alias: "DR"}}, Level: "exact"},
			` (alias "DR" of Topics/Disaster Recovery.md (--allow-alias rewrites it))`},
		{plan.Finding{Class: "alias", Candidates: []string{"A.md"}, Level: "case"},
			` (alias of A.md (--allow-alias rewrites it); at level case)`},
	} {
		if got := Detail(tt.give); got != tt.want {
			t.Errorf("Detail(%+v) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestLinesWithoutPlace(t *testing.T) {
	f := plan.Finding{File: "a.md", Line: 3, Col: 1, Link: "[[x]]", Class: "broken", Message: "no note matches", Hints: []string{"X.md"}}
	if got, want := FindingLine(&f), `broken: [[x]] (no note matches; did you mean: X.md)`; got != want {
		t.Errorf("FindingLine = %q, want %q", got, want)
	}
	e := plan.Edit{File: "a.md", Line: 1, Col: 1, Old: "[[a-b]]", New: "[[A B]]", Class: "variant"}
	if got, want := EditLine(&e), "variant: [[a-b]] -> [[A B]]"; got != want {
		t.Errorf("EditLine = %q, want %q", got, want)
	}
}
