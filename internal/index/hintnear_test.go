package index

import (
	"fmt"
	"slices"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// HintNear holds for every name Hints returns, and for no name that a
// vault without it hints at no differently: each stem of a vault is
// removed in turn, and the hints of every query either do not change or
// the removed name was near.
func TestHintNearAgreesWithHints(t *testing.T) {
	stems := []string{"Disaster Recovery", "disaster-recover", "Backup Plan", "Backup Plans", "Ab", "Abc",
		"배운 점", "배운 것", "Zeta", "Zeta Notes", "recovery", "Recovery Runbook", "plan", "plán"}
	var notes []*note.Note
	for _, s := range stems {
		notes = append(notes, &note.Note{Path: s + ".md"})
	}
	slices.SortFunc(notes, func(a, b *note.Note) int {
		if a.Path < b.Path {
			return -1
		}
		return 1
	})
	queries := append(slices.Clone(stems), "Disaster Recovry", "Bakup Plan", "zet", "배운", "plam", "Recovery Runbok", "x")
	full := Build(notes, nil, dialect.Obsidian{}, fold.Compact)
	for i := range notes {
		without := Build(slices.Delete(slices.Clone(notes), i, i+1), nil, dialect.Obsidian{}, fold.Compact)
		removed := notes[i].Path
		for _, q := range queries {
			paths := func(ix *Index) string {
				var out []string
				for _, n := range ix.Hints(q, 3) {
					out = append(out, ix.Notes[n].Path)
				}
				return fmt.Sprint(out)
			}
			before, after := paths(full), paths(without)
			near := HintNear(HintKey(q), HintKey(dialect.StemOf(removed)))
			if before != after && !near {
				t.Errorf("removing %s changes the hints of %q (%s → %s), but HintNear says it is not near", removed, q, before, after)
			}
		}
	}
	for _, c := range []struct {
		q, name string
		near    bool
	}{
		{"Disaster Recovry", "Disaster Recovery", true},
		{"Bakup Plan", "Backup Plans", true},
		{"zeta", "Zeta Notes", false},
		{"x", "y", false},
		{"", "a", false},
	} {
		if got := HintNear(HintKey(c.q), HintKey(c.name)); got != c.near {
			t.Errorf("HintNear(%q, %q) = %t, want %t", c.q, c.name, got, c.near)
		}
	}
}
