package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// perLevelLadder is the ladder as one map per level, every name keyed level
// by level: the straightforward reading of SPEC §4 that the single map must
// agree with.
type perLevelLadder struct {
	names   [fold.Compact + 1]map[string][]entry
	aliases [fold.Compact + 1]map[string][]noteAlias
}

type noteAlias struct {
	note  int32
	alias string
}

func buildPerLevel(ix *Index) *perLevelLadder {
	pl := &perLevelLadder{}
	levels := append([]fold.Level{fold.Exact}, fold.Levels...)
	for _, lv := range levels {
		pl.names[lv] = map[string][]entry{}
		pl.aliases[lv] = map[string][]noteAlias{}
	}
	for i, n := range ix.Notes {
		id := int32(i)
		for _, x := range namesOf(n, nil) {
			for _, lv := range levels {
				if k := fold.Key(lv, x.name); k != "" {
					pl.names[lv][k] = append(pl.names[lv][k], entry{id, 1 << x.kind})
				}
			}
		}
		if n.Err != nil {
			continue
		}
		for _, a := range n.Aliases {
			for _, lv := range levels {
				if k := fold.Key(lv, a); k != "" {
					pl.aliases[lv][k] = append(pl.aliases[lv][k], noteAlias{id, a})
				}
			}
		}
	}
	return pl
}

func (pl *perLevelLadder) climb(ix *Index, t string, pathOnly bool) Result {
	// Up to the first level with a name, every name and alias that
	// matches is a candidate; the first level with only aliases decides
	// unless a name follows.
	var aliasNotes []int32
	var aliasSpell []string
	var stop *Result
	for _, lv := range append([]fold.Level{fold.Exact}, fold.Levels...) {
		if lv > ix.MaxLevel {
			break
		}
		key := fold.Key(lv, t)
		if key == "" {
			break
		}
		var byName []int32
		for _, e := range pl.names[lv][key] {
			if !pathOnly || e.Kinds.has(dialect.Path) {
				byName = append(byName, e.Note)
			}
		}
		if !pathOnly {
			for _, a := range pl.aliases[lv][key] {
				aliasNotes = append(aliasNotes, a.note)
				aliasSpell = append(aliasSpell, a.alias)
			}
		}
		if len(byName) == 0 && len(aliasNotes) == 0 {
			continue
		}
		all := ix.canonicals(append(slices.Clone(byName), aliasNotes...))
		matches := func() []AliasMatch {
			var out []AliasMatch
			for _, c := range all {
				if slices.ContainsFunc(byName, func(n int32) bool { return ix.canon[n] == c }) {
					continue
				}
				i := slices.IndexFunc(aliasNotes, func(n int32) bool { return ix.canon[n] == c })
				out = append(out, AliasMatch{c, aliasSpell[i]})
			}
			return out
		}
		if len(byName) == 0 {
			if stop == nil {
				if len(all) > 1 {
					return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: all, Aliases: matches()}
				}
				r := Result{Class: Alias, Level: lv, Target: all[0], Candidates: sortedUnique(slices.Clone(aliasNotes))}
				for _, n := range r.Candidates {
					r.Aliases = append(r.Aliases, AliasMatch{n, aliasSpell[slices.Index(aliasNotes, n)]})
				}
				stop = &r
			}
			continue
		}
		if len(all) > 1 {
			return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: all, Aliases: matches()}
		}
		return Result{Class: Variant, Level: lv, Target: all[0]}
	}
	if stop != nil {
		return *stop
	}
	return Result{Class: Broken, Level: ix.MaxLevel, Target: -1}
}

// lookup is lookupLadder on the per-level maps.
func (pl *perLevelLadder) lookup(s string, max fold.Level) []int32 {
	for _, lv := range fold.Levels {
		if lv > max {
			break
		}
		var out []int32
		for _, e := range pl.names[lv][fold.Key(lv, s)] {
			out = append(out, e.Note)
		}
		if len(out) > 0 {
			return sortedUnique(out)
		}
	}
	return nil
}

// spellings are pieces of names that collide at every level of the ladder.
var spellings = []string{
	"a", "A", "b", "B", "ss", "ß", "Ｓ", "s", "상태", "관리", "가", "\u1100\u1161",
	" ", "  ", "-", "_", "\u00a0", "\u3000", "é", "e\u0301", "ﬁ", "fi", "K", "\u212a", "1",
}

func randomSpelling(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(4) {
		b.WriteString(spellings[rng.IntN(len(spellings))])
	}
	return b.String()
}

// TestLadderAgreesWithPerLevelMaps resolves random spellings against random
// vaults, at every highest level, with both ladders.
func TestLadderAgreesWithPerLevelMaps(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	seen := map[Class]map[fold.Level]int{}
	for vault := range 60 {
		var notes []*note.Note
		for i := range 25 {
			dir := []string{"", "x/", "x/y/", "Y/"}[rng.IntN(4)]
			nt := n(fmt.Sprintf("%s%s %d.md", dir, randomSpelling(rng), i), "")
			switch rng.IntN(4) {
			case 0, 1:
				nt.Title = randomSpelling(rng)
			case 2:
				// Two words and a separator between them: such
				// titles meet only from the separators level up.
				nt.Title = []string{"a", "B"}[rng.IntN(2)] + []string{"-", "_", " -", " "}[rng.IntN(4)] + []string{"b", "ß"}[rng.IntN(2)]
			}
			for range rng.IntN(3) {
				nt.Aliases = append(nt.Aliases, randomSpelling(rng))
			}
			if i > 0 && rng.IntN(6) == 0 {
				nt.DuplicateOf = notes[rng.IntN(i)].Title
			}
			notes = append(notes, nt)
		}
		slices.SortFunc(notes, func(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) })
		for _, max := range fold.Levels {
			ix := Build(notes, nil, dialect.Wiki{}, max)
			pl := buildPerLevel(ix)
			var queries []string
			for range 200 {
				queries = append(queries, randomSpelling(rng))
			}
			for _, nt := range notes {
				queries = append(queries, nt.Title, strings.ToUpper(dialect.StemOf(nt.Path)), dialect.PathName(nt.Path))
				queries = append(queries, nt.Aliases...)
				// Spellings that differ from a name by its separators
				// only, inside it or at its ends.
				for _, x := range append([]string{nt.Title}, nt.Aliases...) {
					queries = append(queries, strings.ReplaceAll(x, "-", "_"), strings.ReplaceAll(x, "_", " -"), "-"+x)
				}
			}
			for _, q := range queries {
				if got, want := ix.lookupLadder(q), pl.lookup(q, max); !slices.Equal(got, want) {
					t.Fatalf("vault %d, level %v: lookupLadder(%q) = %v, per level %v", vault, max, q, got, want)
				}
				for _, pathOnly := range []bool{false, true} {
					got, want := ix.climb(q, pathOnly), pl.climb(ix, q, pathOnly)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("vault %d, level %v: climb(%q, pathOnly=%v) (-per level +single map):\n%s", vault, max, q, pathOnly, diff)
					}
					if seen[got.Class] == nil {
						seen[got.Class] = map[fold.Level]int{}
					}
					seen[got.Class][got.Level]++
				}
			}
		}
	}
	// The spellings must reach every outcome on every level, or the test
	// compares nothing.
	for _, c := range []Class{Variant, Ambiguous, Alias} {
		for _, lv := range fold.Levels {
			if seen[c][lv] == 0 {
				t.Errorf("no %v result at level %v", c, lv)
			}
		}
	}
}
