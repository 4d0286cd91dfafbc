package plan

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// TestLedgerPatch: after random changes of notes' links and headings (no
// names change), Patch of the changed notes and of the notes whose
// fragments point into a note whose anchors changed equals a fresh Build,
// change after change, with or without a memo for the first plan.
var ledgerSeed = uint64(1)

func TestLedgerPatch(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	for _, opt := range []Options{{Workers: 2}, {Workers: 2, AllowAlias: true, FollowDuplicates: true, KeepDisplay: true}, {Workers: 2, Memo: &mapMemo{}}} {
		rng := rand.New(rand.NewPCG(ledgerSeed, uint64(opt.Workers)))
		cur := slices.Clone(notes)
		ix := index.Build(cur, nil, d, fold.Compact)
		l := NewLedger()
		lopt := opt
		lopt.Ledger = l
		pl := Build(ix, lopt)
		if opt.Memo != nil {
			// Once more: every share from the memo, with its deps.
			l = NewLedger()
			lopt.Ledger = l
			pl = Build(index.Build(cur, nil, d, fold.Compact), lopt)
		}
		fresh := opt
		fresh.Memo = nil
		if diff := cmp.Diff(Build(ix, fresh), pl); diff != "" {
			t.Fatalf("a plan built with a ledger differs (-want +got):\n%s", diff)
		}
		patched := 0
		z := Flat(pl)
		for round := range 40 {
			next := slices.Clone(cur)
			var changed, anchorsChanged []string
			for range 1 + rng.IntN(4) {
				j, kind := rng.IntN(len(next)), rng.IntN(4)
				if kind == 3 {
					// A note some fragment points into (the ledger's
					// notes in path order, so that the seed decides).
					<-l.ready
					var srcs []string
					for src, e := range l.notes {
						if len(e.deps) > 0 {
							srcs = append(srcs, src)
						}
					}
					if len(srcs) > 0 {
						slices.Sort(srcs)
						deps := l.notes[srcs[rng.IntN(len(srcs))]].deps
						k, _ := ix.NoteByPath(deps[rng.IntN(len(deps))].Path)
						j = int(k)
					}
				}
				if next[j].Err != nil {
					continue
				}
				n := reparsed(*next[j])
				links := slices.Clone(next[j].LinkList(nil))
				switch kind {
				case 0: // drop a link
					if len(links) > 0 {
						links = slices.Delete(links, 0, 1)
					}
				case 1: // borrow another note's links
					links = append(links, next[rng.IntN(len(next))].LinkList(nil)...)
					for k := range links {
						links[k].Line = int32(1000 + k)
					}
				case 2: // a broken link
					links = append(links, note.Link{Text: "[[no such note]]", Target: "no such note", Line: 999, Col: 1})
				case 3: // a heading more or less
					if len(n.Headings) > 0 && rng.IntN(3) > 0 {
						n.Headings = n.Headings[1:]
					} else {
						n.Headings = append(slices.Clone(n.Headings), "Heading of round "+string(rune('A'+round%26)))
					}
				}
				n.Links = links
				if !SameAnchors(next[j], &n) {
					anchorsChanged = append(anchorsChanged, n.Path)
				}
				next[j] = &n
				changed = append(changed, n.Path)
			}
			nx := ix.WithNotes(next)
			paths := append(changed, l.FragmentDependents(anchorsChanged)...)
			got, ok := l.Patch(z, nx, opt, paths)
			if !ok {
				t.Fatalf("round %d: Patch refused", round)
			}
			want := Build(index.Build(next, nil, d, fold.Compact), fresh)
			// Each note's share, read lazily, is the fresh plan's.
			for _, n := range next {
				we, wf := want.Of(n.Path)
				ge, gf := got.Of(n.Path)
				if !cmp.Equal(slices.Clip(we), slices.Clip(ge), cmpopts.EquateEmpty()) || !cmp.Equal(wf, gf, cmpopts.EquateEmpty()) {
					t.Fatalf("round %d: %s's share differs:\n%s%s", round, n.Path, cmp.Diff(we, ge, cmpopts.EquateEmpty()), cmp.Diff(wf, gf, cmpopts.EquateEmpty()))
				}
			}
			if got.EditCount() != len(want.Edits) || got.Stats != want.Stats || got.NoteLinks != want.NoteLinks || got.NoteLinksOff != want.NoteLinksOff {
				t.Fatalf("round %d: counts %d %+v %d/%d, want %d %+v %d/%d", round, got.EditCount(), got.Stats, got.NoteLinks, got.NoteLinksOff, len(want.Edits), want.Stats, want.NoteLinks, want.NoteLinksOff)
			}
			// Made flat every few rounds, lazy over lazy the others.
			if round%7 == 3 {
				if diff := cmp.Diff(want, got.Plan()); diff != "" {
					t.Fatalf("round %d: patched plan differs from a fresh one (-want +got):\n%s", round, diff)
				}
			}
			cur, ix, z = next, nx, got
			patched++
		}
		if patched != 40 {
			t.Fatalf("%d rounds", patched)
		}
	}
}

// TestLedgerPatchNotes: notes added and removed (the caller names every
// note a change of names can affect: here, all of them) patch to a fresh
// plan too, and a ledger that does not know a note the old plan holds is
// refused.
func TestLedgerPatchNotes(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	l := NewLedger()
	pl := Build(index.Build(notes, nil, d, fold.Compact), Options{Workers: 2, Ledger: l})
	fewer := slices.Delete(slices.Clone(notes), 10, 20)
	ix := index.Build(fewer, nil, d, fold.Compact)
	var all []string
	for _, n := range notes {
		all = append(all, n.Path)
	}
	got, ok := l.Patch(Flat(pl), ix, Options{Workers: 2}, all)
	if !ok {
		t.Fatal("Patch refused")
	}
	if diff := cmp.Diff(Build(ix, Options{Workers: 2}), got.Plan()); diff != "" {
		t.Fatalf("after notes were removed (-want +got):\n%s", diff)
	}
	back, ok := l.Patch(got, index.Build(notes, nil, d, fold.Compact), Options{Workers: 2}, all)
	if !ok {
		t.Fatal("Patch refused")
	}
	if diff := cmp.Diff(Build(index.Build(notes, nil, d, fold.Compact), Options{Workers: 2}), back.Plan()); diff != "" {
		t.Fatalf("after notes were added back (-want +got):\n%s", diff)
	}
	// A ledger of another plan.
	other := NewLedger()
	Build(index.Build(fewer, nil, d, fold.Compact), Options{Workers: 2, Ledger: other})
	var gone []string
	for _, n := range notes[10:20] {
		gone = append(gone, n.Path)
	}
	if _, ok := other.Patch(back, ix, Options{Workers: 2}, gone); ok {
		t.Fatal("Patch of a plan its ledger does not know was accepted")
	}
}

// TestLedgerPatchKeepsDeps: a note planned again by Patch keeps its
// fragment dependencies in the ledger, so a later change of the headings
// it points into still names it. (Patch once planned without recording
// them, and a note patched once was then missed: its heading finding went
// stale.)
func TestLedgerPatchKeepsDeps(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	ix := index.Build(notes, nil, d, fold.Compact)
	l := NewLedger()
	z := Flat(Build(ix, Options{Workers: 2, Ledger: l}))
	<-l.Ready()
	var srcs []string
	for src, e := range l.notes {
		if len(e.deps) > 0 {
			srcs = append(srcs, src)
		}
	}
	if len(srcs) == 0 {
		t.Fatal("no note's links have fragments")
	}
	slices.Sort(srcs)
	for _, src := range srcs[:min(len(srcs), 20)] {
		var before []string
		for _, dep := range l.notes[src].deps {
			before = append(before, dep.Path)
		}
		got, ok := l.Patch(z, ix, Options{Workers: 2}, []string{src})
		if !ok {
			t.Fatal("Patch refused")
		}
		z = got
		var after []string
		for _, dep := range l.notes[src].deps {
			after = append(after, dep.Path)
		}
		if !slices.Equal(before, after) {
			t.Fatalf("%s's fragment dependencies after Patch: %q, want %q", src, after, before)
		}
		if !slices.Contains(l.FragmentDependents(before[:1]), src) {
			t.Fatalf("%s is not among %s's fragment dependents after Patch", src, before[0])
		}
	}
}
