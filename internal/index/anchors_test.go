package index

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// manyAnchorsNote has n headings of a few shapes (with ids, duplicates,
// case and separator variants), n block ids and n anchor ids.
func manyAnchorsNote(n int) *note.Note {
	nt := &note.Note{Path: "a.md"}
	for i := range n {
		switch i % 5 {
		case 0:
			nt.Headings = append(nt.Headings, fmt.Sprintf("Heading %d", i))
		case 1:
			nt.Headings = append(nt.Headings, fmt.Sprintf("CR, LF %d {#cr-lf-%d}", i, i))
		case 2:
			nt.Headings = append(nt.Headings, fmt.Sprintf("Heading %d", i-2)) // a duplicate
		case 3:
			nt.Headings = append(nt.Headings, fmt.Sprintf("heading-%d", i-3)) // a variant of another
		case 4:
			nt.Headings = append(nt.Headings, fmt.Sprintf("Ünïcode Ärger %d", i))
		}
		nt.BlockIDs = append(nt.BlockIDs, fmt.Sprintf("b%d", i))
		nt.AnchorIDs = append(nt.AnchorIDs, fmt.Sprintf("x%d", i))
	}
	return nt
}

// The anchor table answers as a scan of the note's anchors does, for every
// kind of fragment and every dialect.
func TestAnchorTableMatchesScan(t *testing.T) {
	t.Parallel()
	nt := manyAnchorsNote(200)
	// Headings that only a dialect's own comparison finds: punctuation
	// that Obsidian's stripHeading drops, a '#' inside a heading, a nested
	// path, inline HTML.
	nt.Headings = append(nt.Headings, "What is it?", "C# Basics", "Details", "<font color=\"#ffc000\">Title</font>", "!!", "Top", "Heading 7")
	frags := []string{"What is it", "what is it?", "What-is-it", "What is it!", "C# Basics", "C Basics", "c-basics",
		"C# Basics#Details", "Top#Heading 7", "Top#Heading 8", "Heading 7#Top", "<font color=\"#ffc000\">Title</font>",
		"Title", "!!", "??", "#", "a#b#c#d#e#f#g#h#i", "Details#", "#Details"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		i := r.IntN(220)
		frags = append(frags,
			fmt.Sprintf("Heading %d", i), fmt.Sprintf("heading %d", i), fmt.Sprintf("heading-%d", i),
			fmt.Sprintf("HEADING_%d", i), fmt.Sprintf("cr-lf-%d", i), fmt.Sprintf("CR, LF %d", i),
			fmt.Sprintf("^b%d", i), fmt.Sprintf("x%d", i), fmt.Sprintf("Top#Heading %d", i),
			fmt.Sprintf("unicode-arger-%d", i), fmt.Sprintf("ünïcode ärger %d", i), fmt.Sprintf("Heading%d", i))
	}
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Obsidian{}, dialect.Dendron{}, dialect.Foam{}, dialect.Strict{Dialect: dialect.Obsidian{}}} {
		ix := Build([]*note.Note{nt}, nil, d, fold.Compact)
		tab := ix.anchorsOf(0)
		if tab == nil {
			t.Fatal("no anchor table for a note with many anchors")
		}
		for _, f := range frags {
			want := ix.checkAnchorScan(0, f)
			got := ix.checkAnchorTable(tab, 0, f)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %q (-scan +table):\n%s", d.Name(), f, diff)
			}
		}
	}
}

// A note whose links name each of its many headings, block ids and anchor
// ids costs time linear in their number: 20,000 of each, checked here,
// took hours when each link scanned all of them (a fold per heading per link).
func TestManyAnchorsLinear(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("20,000 anchors")
	}
	const n = 20_000
	nt := manyAnchorsNote(n)
	ix := Build([]*note.Note{nt}, nil, dialect.Obsidian{}, fold.Compact)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			ix.checkAnchor(0, fmt.Sprintf("heading-%d", i))   // a slug
			ix.checkAnchor(0, fmt.Sprintf("^b%d", i))         // a block id
			ix.checkAnchor(0, fmt.Sprintf("x%d", i))          // an anchor id
			ix.checkAnchor(0, fmt.Sprintf("Heading  %d!", i)) // a repair
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("checking 20,000 fragments against 20,000 anchors did not finish")
	}
}

// A note's rungs are merged by a map when it has many names and aliases:
// the same rungs as the scan makes.
func TestAddRungMapMatchesScan(t *testing.T) {
	t.Parallel()
	var adds []struct {
		name string
		k    kinds
	}
	for i := range 100 {
		adds = append(adds, struct {
			name string
			k    kinds
		}{fmt.Sprintf("n%d", i%37), kinds(1 << (i % 3))})
		adds = append(adds, struct {
			name string
			k    kinds
		}{fmt.Sprintf("n%d", i%41), 0})
	}
	var scan, mapped ladder
	seen := map[rungKey]int{}
	for _, a := range adds {
		scan.addRung(0, a.name, 7, a.k, nil)
		mapped.addRung(0, a.name, 7, a.k, seen)
	}
	if diff := cmp.Diff(scan.rungs, mapped.rungs, cmp.AllowUnexported(rung{})); diff != "" {
		t.Errorf("rungs (-scan +map):\n%s", diff)
	}
}

// A note with 500,000 aliases and a broken link (which builds the ladder)
// is indexed in time linear in them; merging each alias into the note's
// earlier ones by a scan took hours.
func TestManyAliasesLinear(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("500,000 aliases")
	}
	nt := &note.Note{Path: "a.md"}
	for i := range 500_000 {
		nt.Aliases = append(nt.Aliases, fmt.Sprintf("alias %d", i))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix := Build([]*note.Note{nt}, nil, dialect.Wiki{}, fold.Separators)
		ix.buildLadder()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("indexing 500,000 aliases did not finish")
	}
}

// BenchmarkSizeClasses indexes one note with 1,000, 10,000 and 100,000
// aliases (the ladder, which the first unresolved link builds), and checks
// as many fragments against a note with that many headings, block ids and
// anchor ids: ns/op must grow tenfold per step, not a hundredfold.
func BenchmarkSizeClasses(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		nt := &note.Note{Path: "a.md"}
		for i := range n {
			nt.Aliases = append(nt.Aliases, fmt.Sprintf("alias %d", i))
		}
		b.Run(fmt.Sprintf("aliases/n=%d", n), func(b *testing.B) {
			skipLargeInShort(b, n)
			for b.Loop() {
				Build([]*note.Note{nt}, nil, dialect.Wiki{}, fold.Separators).buildLadder()
			}
		})
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		nt := manyAnchorsNote(n)
		var frags []string
		for i := range n {
			frags = append(frags, fmt.Sprintf("heading-%d", i), fmt.Sprintf("^b%d", i), fmt.Sprintf("x%d", i), fmt.Sprintf("Heading  %d!", i))
		}
		b.Run(fmt.Sprintf("anchors/n=%d", n), func(b *testing.B) {
			skipLargeInShort(b, n)
			for b.Loop() {
				ix := Build([]*note.Note{nt}, nil, dialect.Obsidian{}, fold.Compact)
				for _, f := range frags {
					ix.checkAnchor(0, f)
				}
			}
		})
	}
}

// skipLargeInShort keeps CI's one pass over every benchmark (-short
// -benchtime 1x) to the small sizes.
func skipLargeInShort(b *testing.B, n int) {
	if testing.Short() && n > 10_000 {
		b.Skip("large size class; run without -short")
	}
}
