package workspace

import (
	"fmt"
	"strings"
	"testing"
)

func TestMajorities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		links, off     int
		most, resolves bool
	}{
		{10, 10, true, false},
		{10, 6, true, false},
		{10, 5, false, false}, // half is not most, either way
		{10, 4, false, true},
		{3000, 1501, true, false},
		{0, 0, false, false},
	}
	for _, tt := range tests {
		if got := mostOff(tt.links, tt.off); got != tt.most {
			t.Errorf("mostOff(%d, %d) = %v, want %v", tt.links, tt.off, got, tt.most)
		}
		if got := resolvesMost(tt.links, tt.off); got != tt.resolves {
			t.Errorf("resolvesMost(%d, %d) = %v, want %v", tt.links, tt.off, got, tt.resolves)
		}
	}
}

// TestDoubtDialect loads small vaults whose dialect was not detected and
// checks which dialect the guard names, and that a dialect given in the
// config silences it.
func TestDoubtDialect(t *testing.T) {
	t.Parallel()
	labelFirst, caseOnly := map[string]string{}, map[string]string{}
	var lf, co, few, many strings.Builder
	for i := range 5 {
		labelFirst[fmt.Sprintf("topic.n%d.md", i)] = ""
		fmt.Fprintf(&lf, "[[Topic %d|topic.n%d]] [[Again|topic.n%d]]\n", i, i, i)
		caseOnly[fmt.Sprintf("Note %d.md", i)] = ""
		fmt.Fprintf(&co, "[[note %d]] [[NOTE %d]]\n", i, i)
		fmt.Fprintf(&few, "[[Later %d]]\n", i)
	}
	for i := range minDoubtAlone {
		fmt.Fprintf(&many, "[[Later %d]]\n", i)
	}
	labelFirst["root.md"], caseOnly["Home.md"] = lf.String(), co.String()
	fewPlaceholders := map[string]string{"Home.md": "", "Plan.md": few.String()}
	manyPlaceholders := map[string]string{"Home.md": "", "Plan.md": many.String()}
	// Spelling variants that no dialect resolves: relink's daily work.
	variants := map[string]string{"Disaster Recovery.md": "", "a.md": "[[disaster-recovery]] [[Disaster_Recovery]] [[disaster  recovery]]\n[[DISASTER-RECOVERY]] [[disaster_recovery]]\n"}
	withConfig := map[string]string{".relink.toml": "dialect = \"wiki\"\n"}
	for k, v := range labelFirst {
		withConfig[k] = v
	}
	tests := []struct {
		name   string
		files  map[string]string
		doubt  bool
		likely string
	}{
		{"dendron syntax", labelFirst, true, "dendron"},
		// Ten case variants in a small vault: Obsidian and Foam would
		// resolve them, but the rewrite is harmless under every dialect
		// and wiki rules are no less likely: repaired, not doubted.
		{"case only", caseOnly, false, ""},
		// Five links to notes still to write are no wrong dialect; twenty
		// are too many to say nothing, though no dialect does better.
		{"few placeholders", fewPlaceholders, false, ""},
		{"many placeholders", manyPlaceholders, true, ""},
		{"variants", variants, false, ""},
		{"explicit in config", withConfig, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := newVault(t, tt.files)
			rep := loadVault(t, dir)
			if got := rep.Doubt != nil; got != tt.doubt {
				t.Fatalf("doubt = %+v, want doubt %v", rep.Doubt, tt.doubt)
			}
			if rep.Doubt == nil {
				if len(rep.Warnings) != 0 {
					t.Errorf("warnings without a doubt: %q", rep.Warnings)
				}
				return
			}
			if rep.Doubt.Likely != tt.likely {
				t.Errorf("likely = %q, want %q (%+v)", rep.Doubt.Likely, tt.likely, rep.Doubt)
			}
			if tt.likely != "" && rep.Doubt.LikelyOff != 0 {
				t.Errorf("under %s %d links are still off", tt.likely, rep.Doubt.LikelyOff)
			}
			if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "--dialect wiki") {
				t.Errorf("warnings %q", rep.Warnings)
			}
		})
	}
}
