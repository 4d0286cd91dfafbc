package dialect

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/note"
)

func TestFoamByName(t *testing.T) {
	d, err := ByName("foam")
	if err != nil || d.Name() != "foam" {
		t.Fatalf("ByName(foam) = %v, %v", d, err)
	}
	if !slices.Contains(Names, "foam") {
		t.Errorf("Names %v lacks foam", Names)
	}
}

func TestFoamResolves(t *testing.T) {
	tests := []struct {
		kind NameKind
		want bool
	}{
		{Stem, true},
		{Path, true},
		{Suffix, true},
		// Foam's identifiers are file names and paths: a title or an id
		// in frontmatter is no identifier (workspace.ts listByIdentifier).
		{Title, false},
		{ID, false},
	}
	for _, tt := range tests {
		if got := (Foam{}).Resolves(tt.kind); got != tt.want {
			t.Errorf("Resolves(%d) = %v, want %v", tt.kind, got, tt.want)
		}
	}
}

func TestFoamExactKey(t *testing.T) {
	nfd := norm.NFD.String("상태 관리")
	tests := []struct {
		a, b string
		same bool
	}{
		{"Graph Analysis", "graph analysis", true},
		{"  Note ", "note", true},
		{"a/B/Note", "A/b/note", true},
		// Foam lower-cases; it does not make separators or Unicode forms
		// equal.
		{"graph-analysis", "graph analysis", false},
		{"상태 관리", nfd, false},
	}
	for _, tt := range tests {
		if got := (Foam{}).ExactKey(tt.a) == (Foam{}).ExactKey(tt.b); got != tt.same {
			t.Errorf("ExactKey(%q) == ExactKey(%q): %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestFoamWriteNames(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"Note.md", []string{"Note"}},
		{"projects/house/todo.md", []string{"todo", "house/todo", "projects/house/todo"}},
	}
	for _, tt := range tests {
		n := &note.Note{Path: tt.path}
		n.Title = "A Title" // never written: it does not resolve in Foam
		if got := (Foam{}).WriteNames(n); !slices.Equal(got, tt.want) {
			t.Errorf("WriteNames(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestFoamAnchorResolves(t *testing.T) {
	tests := []struct {
		frag, heading string
		want          bool
	}{
		{"Section Title", "Section Title", true},
		// Resource.findSection compares labels with ===.
		{"section title", "Section Title", false},
		{"Section  Title", "Section Title", false},
		// The GitHub slug that VS Code's preview gives a heading.
		{"section-title", "Section Title", true},
		{"other-title", "Section Title", false},
	}
	for _, tt := range tests {
		if got := (Foam{}).AnchorResolves(tt.frag, tt.heading); got != tt.want {
			t.Errorf("AnchorResolves(%q, %q) = %v, want %v", tt.frag, tt.heading, got, tt.want)
		}
	}
}
