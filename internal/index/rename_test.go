package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// TestRenameMatchesBuild: an index made by Rename, after random changes
// of titles, aliases, ids and duplicate_of of a few notes, round after
// round (overlays over overlays), answers every question as Build's index
// of the same notes: every link's resolution, the notes sharing each
// name's key, hints of names and of misspellings, canonical notes and
// the index's problems. In every dialect.
func TestRenameMatchesBuild(t *testing.T) {
	base := slices.Clone(benchdata.Scan(t, 600).Notes)
	// Titles apart from the stems, ids and aliases: names that a change
	// can take away.
	for i, n := range base {
		if n.Err != nil || i%3 == 0 {
			continue
		}
		c := *n
		c.Title = fmt.Sprintf("Topic %d", i%40)
		if i%5 == 0 {
			c.ID = fmt.Sprintf("id-%d", i%7)
			c.Aliases = []string{fmt.Sprintf("topic-%d", i%30)}
		}
		switch i % 11 {
		case 1:
			c.DuplicateOf = fmt.Sprintf("Topic %d", (i+1)%80)
		case 2:
			c.CanonicalID = fmt.Sprintf("id-%d", i%9)
		}
		base[i] = &c
	}
	for _, dn := range dialect.Names {
		t.Run(dn, func(t *testing.T) {
			d, _ := dialect.ByName(dn)
			rng := rand.New(rand.NewPCG(7, uint64(len(dn))))
			notes := slices.Clone(base)
			ix := Build(notes, []string{"img/a.png"}, d, fold.Compact)
			words := []string{"Cache Line", "cache-line", "Disaster Recovery", "DR", "상태 관리", "Ｆｕｌｌ", "Notes"}
			var all []string // names of notes, before and after
			for round := range 30 {
				next := slices.Clone(notes)
				for range 1 + rng.IntN(5) {
					j := rng.IntN(len(next))
					if next[j].Err != nil {
						continue
					}
					c := *next[j]
					other := next[rng.IntN(len(next))]
					all = append(all, c.Title, other.Title, dialect.StemOf(other.Path))
					switch rng.IntN(8) {
					case 6: // a name some duplicate_of names, or not
						c.Title = fmt.Sprintf("Topic %d", rng.IntN(80))
					case 7:
						c.ID = fmt.Sprintf("id-%d", rng.IntN(9))
					case 0: // another note's title: now ambiguous
						c.Title = other.Title
					case 1:
						c.Title = words[rng.IntN(len(words))] + fmt.Sprint(round%3)
					case 2:
						c.Aliases = append(slices.Clone(c.Aliases), dialect.StemOf(other.Path), words[rng.IntN(len(words))])
					case 3:
						c.Aliases, c.Title = nil, ""
					case 4:
						c.ID = fmt.Sprintf("id-%d", rng.IntN(5))
					case 5:
						c.DuplicateOf = dialect.StemOf(other.Path)
					}
					all = append(all, c.Title)
					all = append(all, c.Aliases...)
					next[j] = &c
				}
				nx, ok := ix.Rename(next)
				if !ok {
					t.Fatalf("round %d: Rename refused", round)
				}
				want := Build(next, []string{"img/a.png"}, d, fold.Compact)
				sameAnswers(t, fmt.Sprintf("round %d", round), want, nx, all)
				notes, ix = next, nx
			}
			// Another set of notes: refused.
			if _, ok := ix.Rename(notes[1:]); ok {
				t.Fatal("Rename of another count of notes")
			}
		})
	}
}

func sameAnswers(t *testing.T, what string, want, got *Index, names []string) {
	t.Helper()
	if diff := cmp.Diff(want.Problems, got.Problems); diff != "" {
		t.Fatalf("%s: problems differ (-build +rename):\n%s", what, diff)
	}
	for i := range want.Notes {
		if want.Canonical(int32(i)) != got.Canonical(int32(i)) {
			t.Fatalf("%s: canonical note of %s: %d, renamed %d", what, want.Notes[i].Path, want.Canonical(int32(i)), got.Canonical(int32(i)))
		}
	}
	var links []note.Link
	for i, n := range want.Notes {
		if n.Err != nil {
			continue
		}
		links = n.LinkList(links[:0])
		for li := range links {
			w, g := want.Resolve(int32(i), &links[li]), got.Resolve(int32(i), &links[li])
			if diff := cmp.Diff(w, g); diff != "" {
				t.Fatalf("%s: %s's link %q resolves otherwise (-build +rename):\n%s", what, n.Path, links[li].Text, diff)
			}
		}
		for _, s := range append([]string{n.Title, dialect.StemOf(n.Path), n.Title + "x", n.ID}, n.Aliases...) {
			names = append(names, s)
		}
	}
	for _, s := range names {
		l := link(s)
		if w, g := want.Resolve(0, l), got.Resolve(0, l); !cmp.Equal(w, g) {
			t.Fatalf("%s: [[%s]] resolves otherwise:\n%s", what, s, cmp.Diff(w, g))
		}
		if w, g := want.NotesSharingKey(s), got.NotesSharingKey(s); !slices.Equal(w, g) {
			t.Fatalf("%s: notes sharing %q: %v, renamed %v", what, s, w, g)
		}
		if w, g := want.Hints(s, 5), got.Hints(s, 5); !slices.Equal(w, g) {
			t.Fatalf("%s: hints of %q: %v, renamed %v", what, s, w, g)
		}
		if w, g := want.lookupLadder(s), got.lookupLadder(s); !slices.Equal(w, g) {
			t.Fatalf("%s: ladder lookup of %q: %v, renamed %v", what, s, w, g)
		}
	}
}
