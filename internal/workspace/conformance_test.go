package workspace

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestObsidianExportInputs runs relink over obsidian-export's test inputs
// (../shared/conformance): real Obsidian edge cases, re-expressed as
// expectations of relink's own.
func TestObsidianExportInputs(t *testing.T) {
	base := filepath.Join("..", "..", "..", "shared", "conformance", "obsidian-export", "input")
	if _, err := os.Stat(base); err != nil {
		t.Skip("../shared/conformance not present")
	}
	strict := true
	tests := []struct {
		dir       string
		opt       Options
		wantEdits []string
		resolved  int
	}{
		// The app forgives case: nothing to repair.
		{"main-samples", Options{Dialect: "obsidian"}, nil, 25},
		// Published to a case-sensitive site, the case variants are repaired
		// to the files' own spelling; links in code spans and fences and the
		// unclosed "[[unclosed link" are not links.
		{"main-samples", Options{Dialect: "obsidian", Strict: &strict}, []string{
			"obsidian-wikilinks.md:1:49 [[Pure-Markdown-Examples]] -> [[pure-markdown-examples]]",
			"obsidian-wikilinks.md:9:9 [[uppercased-note]] -> [[Uppercased-note]]",
		}, 23},
		// [[dir1/Note]] and [[dir2/Note]] each resolve by path.
		{"same-filename-different-directories", Options{Dialect: "obsidian"}, nil, 4},
		// Nöte with 'quotes' resolves as written.
		{"non-ascii", Options{Dialect: "obsidian"}, nil, 3},
		// Embeds that loop are just links.
		{"infinite-recursion", Options{Dialect: "obsidian"}, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			rep, err := Load(filepath.Join(base, tt.dir), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Vault.Close()
			verifyEdits(t, rep)
			var got []string
			for _, e := range rep.Plan.Edits {
				got = append(got, e.File+":"+strconv.Itoa(e.Line)+":"+strconv.Itoa(e.Col)+" "+e.Old+" -> "+e.New)
			}
			if diff := cmp.Diff(tt.wantEdits, got); diff != "" {
				t.Errorf("edits (-want +got):\n%s", diff)
			}
			if rep.Plan.Stats.Resolved != tt.resolved {
				t.Errorf("resolved %d, want %d (%+v)", rep.Plan.Stats.Resolved, tt.resolved, rep.Plan.Stats)
			}
		})
	}
}
