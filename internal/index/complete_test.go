package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// TestComplete: completion matches prefixes on the ladder up to the
// index's level, names before aliases, each note once by its shortest
// matching name, a duplicate by its canonical note.
func TestComplete(t *testing.T) {
	dup := n("Archive/DR old.md", "")
	dup.DuplicateOf = "Disaster Recovery"
	notes := []*note.Note{
		dup,
		n("Cache Line.md", ""),
		n("Cache_Line_Basics.md", "Cache Line Basics"),
		n("Topics/Disaster Recovery.md", "Disaster Recovery", "DR", "Disaster plan"),
		n("상태 관리.md", ""),
	}
	show := func(cs []Completion, ix *Index) []string {
		var out []string
		for _, c := range cs {
			s := fmt.Sprintf("%s=%s", c.Name, ix.Notes[c.Note].Path)
			if c.Alias {
				s = "alias " + s
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		level fold.Level
		typed string
		want  []string
	}{
		{fold.Separators, "disaster-rec", []string{"Disaster Recovery=Topics/Disaster Recovery.md"}},
		{fold.Separators, "disaster", []string{"Disaster Recovery=Topics/Disaster Recovery.md", "alias Disaster plan=Topics/Disaster Recovery.md"}},
		{fold.Separators, "d", []string{"DR old=Topics/Disaster Recovery.md", "alias DR=Topics/Disaster Recovery.md", "alias Disaster plan=Topics/Disaster Recovery.md"}},
		{fold.Separators, "cache line", []string{"Cache Line=Cache Line.md", "Cache Line Basics=Cache_Line_Basics.md"}},
		{fold.Separators, "cache-", []string{"Cache Line=Cache Line.md", "Cache Line Basics=Cache_Line_Basics.md"}},
		{fold.Case, "cache-line", nil},
		{fold.Case, "CACHE LINE B", []string{"Cache Line Basics=Cache_Line_Basics.md"}},
		{fold.Separators, "상태관", nil},
		{fold.Compact, "상태관", []string{"상태 관리=상태 관리.md"}},
		{fold.Separators, "topics/dis", []string{"Topics/Disaster Recovery=Topics/Disaster Recovery.md"}},
		{fold.Separators, "zzz", nil},
	}
	for _, tt := range tests {
		ix := Build(notes, nil, dialect.Wiki{}, tt.level)
		if diff := cmp.Diff(tt.want, show(ix.Complete(tt.typed, 10), ix)); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tt.level, tt.typed, diff)
		}
	}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	if got := ix.Complete("", 2); len(got) != 2 {
		t.Errorf("max 2: %d completions", len(got))
	}
}

// TestCompleteSharedByWithNotes: an index WithNotes makes (the same names,
// a note read again) completes from the table its source built, without
// building it again, and the same way; an index made before the table was
// built shares the one build.
func TestCompleteSharedByWithNotes(t *testing.T) {
	notes := []*note.Note{n("a/Disaster Recovery.md", "Disaster Recovery", "DR"), n("b.md", "")}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	early := ix.WithNotes(slices.Clone(notes))
	before := ix.Complete("disaster-rec", 5)
	if early.completionTable() != ix.completionTable() {
		t.Errorf("an index made before the table was built built another")
	}
	again := *notes[0]
	again.Headings = []string{"New heading"}
	nx := ix.WithNotes([]*note.Note{&again, notes[1]})
	if nx.completionTable() != ix.completionTable() {
		t.Errorf("WithNotes built another completion table")
	}
	if diff := cmp.Diff(before, nx.Complete("disaster-rec", 5)); diff != "" {
		t.Errorf("completions differ (-before +after):\n%s", diff)
	}
}

// TestCompleteAgainstBruteForce: the walk in rank order (a prefix most
// names match) and the sorted run (a rarer prefix) both answer as a
// brute-force scan of every name does.
func TestCompleteAgainstBruteForce(t *testing.T) {
	var notes []*note.Note
	for i := 0; i < 600; i++ {
		nn := n(fmt.Sprintf("d%d/Note %c%d x.md", i%7, 'a'+i%5, i), fmt.Sprintf("Note %c%d", 'a'+i%5, i), fmt.Sprintf("Alias %d", i%40))
		notes = append(notes, nn)
	}
	slices.SortFunc(notes, func(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) })
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	brute := func(typed string, max int) []Completion {
		q := fold.Key(fold.Separators, trimTrailingSeparators(typed))
		var es []completionEntry
		for _, e := range ix.completionTable().byKey {
			if strings.HasPrefix(e.key, q) {
				es = append(es, e)
			}
		}
		slices.SortFunc(es, func(a, b completionEntry) int { return rankCompare(&a, &b) })
		var out []Completion
		seen := map[string]bool{}
		for _, e := range es {
			// A note once by a name; each of its aliases once.
			k := fmt.Sprint(e.note, " ", e.alias)
			if e.alias {
				k += " " + e.name
			}
			if seen[k] || len(out) == max {
				continue
			}
			seen[k] = true
			out = append(out, Completion{Note: e.note, Name: e.name, Alias: e.alias})
		}
		return out
	}
	for _, q := range []string{"", "n", "note", "note a", "note a1", "note-b2", "alias", "alias 3", "d3/note", "zz"} {
		if diff := cmp.Diff(brute(q, 20), ix.Complete(q, 20)); diff != "" {
			t.Errorf("%q (-brute +Complete):\n%s", q, diff)
		}
	}
}

// TestDeriveCompletions: after random changes of titles and aliases of a
// few notes, a table derived from the old one is the table built fresh,
// entry for entry and rank for rank; an index that differs in more than
// names is left to build its own.
func TestDeriveCompletions(t *testing.T) {
	d, _ := dialect.ByName("obsidian")
	words := []string{"Cache Line", "cache-line", "Disaster Recovery", "DR", "상태 관리", "Ｆｕｌｌ", "a", "Notes", "notes", "Zeta"}
	var notes []*note.Note
	for i := range 300 {
		w := words[i%len(words)]
		notes = append(notes, n(fmt.Sprintf("f%d/%s %d.md", i%7, w, i/len(words)), fmt.Sprintf("%s T%d", words[(i*3)%len(words)], i), words[(i*7)%len(words)]))
	}
	slices.SortFunc(notes, func(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) })
	ix := Build(notes, nil, d, fold.Compact)
	ix.WarmCompletions()
	for round := range 30 {
		next := slices.Clone(notes)
		for k := range 1 + round%5 {
			j := (round*37 + k*101) % len(next)
			c := *next[j]
			switch (round + k) % 4 {
			case 0:
				c.Title = words[(round+k)%len(words)] + " Renamed"
			case 1:
				c.Aliases = append(slices.Clone(c.Aliases), words[(round*k)%len(words)])
			case 2:
				c.Aliases = nil
			case 3:
				c.Title = ""
			}
			next[j] = &c
		}
		nx := Build(next, nil, d, fold.Compact)
		nx.DeriveCompletions(ix)
		if nx.completions.derive == nil {
			t.Fatalf("round %d: no table derived", round)
		}
		fresh := Build(next, nil, d, fold.Compact)
		// Prefixes of the names before and after.
		prefixes := map[string]bool{}
		for _, n := range append(slices.Clone(notes), next...) {
			for _, s := range append([]string{n.Title, dialect.StemOf(n.Path)}, n.Aliases...) {
				r := []rune(s)
				for _, l := range []int{0, 1, 2, 4, len(r) - 1, len(r)} {
					if l >= 0 && l <= len(r) {
						prefixes[string(r[:l])] = true
					}
				}
			}
		}
		for q := range prefixes {
			for _, max := range []int{0, 3} {
				if want, got := fresh.Complete(q, max), nx.Complete(q, max); !slices.Equal(want, got) {
					t.Fatalf("round %d: Complete(%q, %d): derived %v, fresh %v", round, q, max, got, want)
				}
			}
		}
		notes, ix = next, nx
	}
	// Another count of notes: nothing derived.
	nx := Build(notes[1:], nil, d, fold.Compact)
	nx.DeriveCompletions(ix)
	if nx.completions.derive != nil {
		t.Fatal("a table derived for another set of notes")
	}
}
