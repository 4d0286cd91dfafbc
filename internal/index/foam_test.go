package index

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// TestFoamDialect checks links against Foam's rules: the cases of
// docs/user/features/wikilinks.md ("Path vs Identifier Links" and its
// compatibility table) and of FoamWorkspace.listByIdentifier.
func TestFoamDialect(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{
		n("Home.md", ""),
		n("Graph Analysis.md", "Some Title"),
		n("projects/house/todo.md", ""),
		n("work/notes.md", ""),
		n("work/todo.md", ""),
		n(norm.NFC.String("상태 관리.md"), ""),
	}
	ix := Build(notes, nil, dialect.Foam{}, fold.Separators)
	tests := []struct {
		give string
		want want
	}{
		{"Graph Analysis", want{Class: "resolved", Target: "Graph Analysis.md"}},
		// Identifiers are compared lower-cased.
		{"graph analysis", want{Class: "resolved", Target: "Graph Analysis.md"}},
		{"graph analysis.md", want{Class: "resolved", Target: "Graph Analysis.md"}},
		// Separators are not Foam's business: a variant, repaired.
		{"graph-analysis", want{Class: "variant", Level: "separators", Target: "Graph Analysis.md"}},
		// A title is no identifier in Foam, but a name on the ladder.
		{"Some Title", want{Class: "variant", Level: "exact", Target: "Graph Analysis.md"}},
		{"notes", want{Class: "resolved", Target: "work/notes.md"}},
		{"work/notes", want{Class: "resolved", Target: "work/notes.md"}},
		{"/work/notes", want{Class: "resolved", Target: "work/notes.md"}},
		{"house/todo", want{Class: "resolved", Target: "projects/house/todo.md"}},
		{"projects/house/todo", want{Class: "resolved", Target: "projects/house/todo.md"}},
		{"todo", want{Class: "ambiguous", Level: "exact", Target: "", Cands: []string{"projects/house/todo.md", "work/todo.md"}}},
		// A wrong path from the root matches only paths.
		{"/house/todo", want{Class: "broken", Level: "separators"}},
		// Foam does not normalize Unicode: NFD is a variant of the NFC name.
		{norm.NFD.String("상태 관리"), want{Class: "variant", Level: "unicode", Target: norm.NFC.String("상태 관리.md")}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, resolve(ix, tt.give)); diff != "" {
			t.Errorf("Resolve(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
}

// TestFoamAnchors: Foam finds a section by its exact label; a case variant
// is repaired to it, a GitHub slug is left alone.
func TestFoamAnchors(t *testing.T) {
	t.Parallel()
	target := n("Guide.md", "")
	target.Headings = []string{"Setup Guide"}
	ix := Build([]*note.Note{n("Home.md", ""), target}, nil, dialect.Foam{}, fold.Separators)
	tests := []struct {
		give  string
		state AnchorState
		head  string
	}{
		{"Guide#Setup Guide", AnchorOK, ""},
		{"Guide#setup-guide", AnchorOK, ""},
		{"Guide#setup guide", AnchorRepair, "Setup Guide"},
		{"Guide#Nope", AnchorBroken, ""},
	}
	for _, tt := range tests {
		r := ix.Resolve(0, link(tt.give))
		if r.Anchor.State != tt.state || r.Anchor.Heading != tt.head {
			t.Errorf("%q: anchor %+v, want state %d heading %q", tt.give, r.Anchor, tt.state, tt.head)
		}
	}
}
