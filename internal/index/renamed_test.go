package index

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

func TestRenamed(t *testing.T) {
	notes := []*note.Note{
		n("src.md", ""),
		n("archive/New Name.md", ""),
		n("Retitled.md", "Fresh Title"),
		n("Old Taken.md", ""),
		n("moved/Taken.md", ""),
		n("b/One.md", ""),
		n("c/Two.md", ""),
	}
	formers := []Former{
		{Path: "Old Name.md", Note: 1},
		{Path: "Retitled.md", Title: "Stale Title", Note: 2},
		{Path: "Old Taken.md", Note: 4}, // a new note took the old path
		{Path: "Both.md", Note: 5},
		{Path: "x/Both.md", Note: 6},
	}
	tests := []struct {
		dialect string
		target  string
		want    want
	}{
		{"wiki", "Old Name", want{Class: "renamed", Level: "exact", Target: "archive/New Name.md"}},
		{"wiki", "old-name", want{Class: "renamed", Level: "separators", Target: "archive/New Name.md"}},
		{"wiki", "Old Name.md", want{Class: "renamed", Level: "exact", Target: "archive/New Name.md"}},
		{"wiki", "Stale Title", want{Class: "renamed", Level: "exact", Target: "Retitled.md"}},
		{"wiki", "stale title", want{Class: "renamed", Level: "case", Target: "Retitled.md"}},
		// The old name resolves to another note today: never touched.
		{"wiki", "Old Taken", want{Class: "resolved", Target: "Old Taken.md"}},
		// Former names of two notes: a question, not a rewrite.
		{"wiki", "Both", want{Class: "ambiguous", Level: "exact", Cands: []string{"b/One.md", "c/Two.md"}}},
		{"wiki", "x/Both", want{Class: "renamed", Level: "exact", Target: "c/Two.md"}},
		{"wiki", "Nowhere", want{Class: "broken", Level: "separators"}},
		// A dialect that does not resolve titles has no former titles.
		{"obsidian", "Stale Title", want{Class: "broken", Level: "separators"}},
		{"obsidian", "old name", want{Class: "renamed", Level: "exact", Target: "archive/New Name.md"}},
	}
	for _, tt := range tests {
		d, err := dialect.ByName(tt.dialect)
		if err != nil {
			t.Fatal(err)
		}
		ix := Build(notes, nil, d, fold.Separators)
		ix.SetRenamed(formers)
		if diff := cmp.Diff(tt.want, resolve(ix, tt.target)); diff != "" {
			t.Errorf("%s [[%s]] (-want +got):\n%s", tt.dialect, tt.target, diff)
		}
	}
}

func TestRenamedPathForms(t *testing.T) {
	notes := []*note.Note{n("dir/src.md", ""), n("dir/New.md", "")}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	ix.SetRenamed([]Former{{Path: "dir/Old.md", Title: "Old Title", Note: 1}})
	md := &note.Link{Link: wikilink.Link{Kind: wikilink.Markdown}, Target: "Old.md"}
	if r := ix.Resolve(0, md); r.Class != Renamed || r.Target != 1 || !r.PathForm {
		t.Errorf("Markdown link to the old path: %+v", r)
	}
	// A path-form link takes former paths only, not titles.
	if r := ix.Resolve(0, link("/Old Title")); r.Class != Broken {
		t.Errorf("path form by a former title: %+v", r)
	}
	if r := ix.Resolve(0, link("/dir/Old")); r.Class != Renamed || r.Target != 1 {
		t.Errorf("path form by the former path: %+v", r)
	}
	used := ix.RenamedUsed()
	if len(used) != 1 || used[0].Path != "dir/Old.md" {
		t.Errorf("RenamedUsed = %+v", used)
	}
}

func TestRenamedUsedOnlyWhenLinked(t *testing.T) {
	notes := []*note.Note{n("src.md", ""), n("New.md", "")}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	ix.SetRenamed([]Former{{Path: "Old.md", Note: 1}})
	ix.Resolve(0, link("New"))
	if used := ix.RenamedUsed(); len(used) != 0 {
		t.Errorf("a former name no link used is kept: %+v", used)
	}
}
