package renames

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRematchMatchesMatch: after random changes of titles, ids and bytes
// of notes at the same paths, Rematch gives what Match of all the notes
// gives, or says it cannot (a changed note at a path the last run did not
// see); a vault with moved, vanished and fresh notes, recorded formers and
// git renames.
func TestRematchMatchesMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sum := func(k int) uint64 { return uint64(k) + 1<<40 }
	for trial := range 40 {
		var old []Note
		for i := range 30 {
			o := Note{Path: fmt.Sprintf("n%02d.md", i), Title: fmt.Sprintf("T%d", i%9), ID: fmt.Sprintf("id%d", i%5), Ino: uint64(100 + i), Dev: 1, Content: sum(i)}
			if i%4 == 0 {
				o.Formers = []Name{{Path: fmt.Sprintf("was%d.md", i)}, {Path: o.Path, Title: "Old title"}}
			}
			old = append(old, o)
		}
		// Today: most notes where they were, some moved, some new.
		var cur []Note
		for i, o := range old {
			c := o
			c.Formers = nil
			switch {
			case i%7 == 3:
				c.Path = fmt.Sprintf("moved/n%02d.md", i)
			case i%11 == 5:
				continue // vanished
			}
			cur = append(cur, c)
		}
		cur = append(cur, Note{Path: "fresh.md", Title: "T1", Content: sum(99)})
		slices.SortFunc(cur, func(a, b Note) int { return cmpString(a.Path, b.Path) })
		moved := []Moved{{From: "gone.md", To: cur[2].Path}, {From: "n00.md", To: cur[3].Path}}
		m := NewMatcher(old, moved)
		if diff := cmp.Diff(Match(old, cur, moved), m.Match(cur)); diff != "" {
			t.Fatalf("trial %d: Matcher.Match differs from Match:\n%s", trial, diff)
		}
		for round := range 20 {
			changed := map[int]Note{}
			for range 1 + rng.IntN(3) {
				n := rng.IntN(len(cur))
				c := cur[n]
				switch rng.IntN(4) {
				case 0:
					c.Title = fmt.Sprintf("T%d", rng.IntN(12))
				case 1:
					c.ID = fmt.Sprintf("id%d", rng.IntN(7))
				case 2:
					c.Content = sum(rng.IntN(40))
				case 3:
					c.Title = old[rng.IntN(len(old))].Title
				}
				changed[n] = c
			}
			got, ok := m.Rematch(changed)
			for n, c := range changed {
				cur[n] = c
			}
			want := Match(old, cur, moved)
			if !ok {
				m.Match(cur)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("trial %d round %d: Rematch differs from Match (-match +rematch):\n%s", trial, round, diff)
			}
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestJoinPathsMergeMatchesMaps: the one-pass merge of sorted lists pairs
// notes as the maps do, duplicates in the old list and paths on one side
// only included; a shuffled list takes the maps.
func TestJoinPathsMergeMatchesMaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	byMaps := func(old, cur []Note) ([]int, []bool) {
		curAt := map[string]int{}
		for n := range cur {
			curAt[cur[n].Path] = n
		}
		at, seen := make([]int, len(old)), make([]bool, len(cur))
		for i := range old {
			at[i] = -1
			if n, ok := curAt[old[i].Path]; ok {
				at[i], seen[n] = n, true
			}
		}
		return at, seen
	}
	for trial := range 200 {
		var old, cur []Note
		for range rng.IntN(30) {
			old = append(old, Note{Path: fmt.Sprintf("n%02d.md", rng.IntN(40))})
		}
		for i := range 40 {
			if rng.IntN(2) == 0 {
				cur = append(cur, Note{Path: fmt.Sprintf("n%02d.md", i)})
			}
		}
		slices.SortFunc(old, func(a, b Note) int { return cmpString(a.Path, b.Path) })
		if trial%3 == 0 {
			rng.Shuffle(len(old), func(i, j int) { old[i], old[j] = old[j], old[i] })
			rng.Shuffle(len(cur), func(i, j int) { cur[i], cur[j] = cur[j], cur[i] })
		}
		at, seen := joinPaths(old, cur)
		wantAt, wantSeen := byMaps(old, cur)
		if !slices.Equal(at, wantAt) || !slices.Equal(seen, wantSeen) {
			t.Fatalf("trial %d: joinPaths %v %v, maps %v %v\nold %v\ncur %v", trial, at, seen, wantAt, wantSeen, old, cur)
		}
	}
}
