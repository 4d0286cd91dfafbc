package report

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/plan"
)

func TestGitDiff(t *testing.T) {
	t.Parallel()
	src := []byte("# N\n[[a]]\n")
	edit := []plan.Edit{{Start: 4, End: 9, Old: "[[a]]", New: "[[b]]"}}
	tests := []struct {
		desc     string
		from, to string
		edits    []plan.Edit
		want     string
	}{
		{"edits in place", "n.md", "n.md", edit,
			"diff --git a/n.md b/n.md\n--- a/n.md\t\n+++ b/n.md\t\n@@ -1,2 +1,2 @@\n # N\n-[[a]]\n+[[b]]\n"},
		{"a rename with edits", "n.md", "sub/m.md", edit,
			"diff --git a/n.md b/sub/m.md\nrename from n.md\nrename to sub/m.md\n--- a/n.md\t\n+++ b/sub/m.md\t\n@@ -1,2 +1,2 @@\n # N\n-[[a]]\n+[[b]]\n"},
		{"a rename alone", "n.md", "sub/m.md", nil,
			"diff --git a/n.md b/sub/m.md\nsimilarity index 100%\nrename from n.md\nrename to sub/m.md\n"},
		{"names git quotes", "a\tb.md", "c.md", nil,
			"diff --git \"a/a\\tb.md\" b/c.md\nsimilarity index 100%\nrename from \"a\\tb.md\"\nrename to c.md\n"},
		{"nothing to do", "n.md", "n.md", nil, ""},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := GitDiff(&b, tt.from, tt.to, src, tt.edits); err != nil {
			t.Fatalf("%s: %v", tt.desc, err)
		}
		if diff := cmp.Diff(tt.want, b.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.desc, diff)
		}
	}
}
