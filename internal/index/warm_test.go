package index

import (
	"fmt"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// Warm reads ahead what resolving a link reads first, not a note's every
// heading per link: links with a fragment into a note of 100,000 headings
// cost what they cost into a note of 1,000 (reading all headings per link
// made 100,000 such links take minutes). The ratio of the two times is
// checked, the best of a few runs each, so that a slow machine does not
// fail it.
func TestWarmLinearInHeadings(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 headings")
	}
	const links = 2_000
	var ls []note.Link
	for i := range links {
		ls = append(ls, note.Link{Target: "a", Frag: fmt.Sprintf("Heading %d", i), HasFrag: true})
	}
	best := func(headings int) time.Duration {
		nt := &note.Note{Path: "a.md"}
		for i := range headings {
			nt.Headings = append(nt.Headings, fmt.Sprintf("Heading %d", i))
		}
		ix := Build([]*note.Note{nt}, nil, dialect.Wiki{}, fold.Separators)
		var min time.Duration
		for range 5 {
			start := time.Now()
			ix.Warm(ls)
			if d := time.Since(start); min == 0 || d < min {
				min = d
			}
		}
		return min
	}
	small, large := best(1_000), best(100_000)
	if large > 10*small+5*time.Millisecond {
		t.Errorf("Warm of %d links: %v into 1,000 headings, %v into 100,000", links, small, large)
	}
}
