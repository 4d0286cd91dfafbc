package index

import (
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// TestWithDuplicateOf: the index after dup gets duplicate_of: ref tells
// where dup's chain ends, and leaves ix as it was.
func TestWithDuplicateOf(t *testing.T) {
	dupOf := func(p, ref string) *note.Note {
		x := n(p, "")
		x.DuplicateOf = ref
		return x
	}
	ix := Build([]*note.Note{n("a.md", ""), n("b.md", "Bee"), dupOf("c.md", "[[a]]"), n("d.md", "")}, []string{"img.png"}, dialect.Wiki{}, fold.Separators)
	a, _ := ix.NoteByPath("a.md")
	b, _ := ix.NoteByPath("b.md")
	c, _ := ix.NoteByPath("c.md")
	d, _ := ix.NoteByPath("d.md")
	tests := []struct {
		dup   int32
		ref   string
		want  int32
		cycle bool
	}{
		{a, "[[Bee]]", b, false}, // by title
		{a, "[[b]]", b, false},   // by stem
		{d, "[[c]]", a, false},   // along c's chain
		{a, "[[c]]", a, true},    // c is a duplicate of a: a cycle
		{a, "[[nothing]]", a, false},
	}
	for _, tc := range tests {
		after := ix.WithDuplicateOf(tc.dup, tc.ref)
		if got := after.Canonical(tc.dup); got != tc.want {
			t.Errorf("%s duplicate_of %s: canonical %s, want %s", ix.Notes[tc.dup].Path, tc.ref, after.Notes[got].Path, after.Notes[tc.want].Path)
		}
		cycle := false
		for _, p := range after.Problems {
			cycle = cycle || p.File == ix.Notes[tc.dup].Path && strings.Contains(p.Message, "cycle")
		}
		if cycle != tc.cycle {
			t.Errorf("%s duplicate_of %s: cycle reported %v, want %v (%v)", ix.Notes[tc.dup].Path, tc.ref, cycle, tc.cycle, after.Problems)
		}
		if !ix.namesAttachment("img.png", ".png") || !after.namesAttachment("img.png", ".png") {
			t.Errorf("attachments lost")
		}
		if ix.Notes[tc.dup].DuplicateOf != "" && tc.dup != c {
			t.Errorf("the index itself was changed")
		}
	}
}
