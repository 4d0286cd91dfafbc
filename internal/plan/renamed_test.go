package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// TestRenamedEdits: links by a former name get renamed edits to the note's
// canonical name today, keeping their display, heading and embed; stats
// count them; two notes with one former name leave the link alone.
func TestRenamedEdits(t *testing.T) {
	files := []struct{ path, text string }{
		{"a.md", "[[Old Note]] [[old note#Part|shown]] ![[Old Note]] [[Gone]] [[Twice]]\n"},
		{"New Note.md", "# Part\n"},
		{"p.md", ""},
		{"q.md", ""},
	}
	var notes []*note.Note
	for _, f := range files {
		n := note.Parse(f.path, []byte(f.text), note.Options{})
		notes = append(notes, &n)
	}
	ix := index.Build(notes, nil, dialect.Wiki{}, fold.Separators)
	ix.SetRenamed([]index.Former{
		{Path: "Old Note.md", Note: 1},
		{Path: "Twice.md", Note: 2},
		{Path: "x/Twice.md", Note: 3},
	})
	p := Build(ix, Options{Workers: 2})
	want := []string{
		"a.md: [[Old Note]] -> [[New Note]] (renamed/exact)",
		"a.md: [[old note#Part|shown]] -> [[New Note#Part|shown]] (renamed/case)",
		"a.md: ![[Old Note]] -> ![[New Note]] (renamed/exact)",
	}
	if diff := cmp.Diff(want, edits(p)); diff != "" {
		t.Errorf("edits (-want +got):\n%s", diff)
	}
	if p.Stats.Renamed != 3 || p.Stats.Broken != 1 || p.Stats.Ambiguous != 1 || p.Stats.Variant != 0 {
		t.Errorf("stats: %+v", p.Stats)
	}
	var classes []string
	for _, f := range p.Findings {
		classes = append(classes, f.Link+" "+f.Class)
	}
	if diff := cmp.Diff([]string{"[[Gone]] broken", "[[Twice]] ambiguous"}, classes); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
