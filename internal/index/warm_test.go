package index

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
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
			ix.Warm(0, ls)
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

// Warm reads ahead for Markdown links too, from the folder of the note
// they are written in; whatever the target or the source, it reads only
// (no panic, no result changed).
func TestWarmMarkdownLinks(t *testing.T) {
	notes := []*note.Note{{Path: "a.md"}, {Path: "dir/b.md"}, {Path: "dir/sub/c.md"}}
	ix := Build(notes, []string{"img.png"}, dialect.Wiki{}, fold.Separators)
	long := strings.Repeat("x/", 300) + "c.md"
	var ls []note.Link
	for _, target := range []string{"", "/", ".", "..", "../a.md", "../../a.md", "/dir/b.md", "sub/c.md",
		"b.MD", "img.png", "a/../../b.md", long, "#frag", "dir/b.md"} {
		ls = append(ls, note.Link{Link: wikilink.Link{Kind: wikilink.Markdown}, Target: target})
		ls = append(ls, note.Link{Link: wikilink.Link{Kind: wikilink.Markdown}, Target: target, Frag: "h", HasFrag: true})
	}
	ls = append(ls, note.Link{Target: "b"}, note.Link{Target: "c", Frag: "x", HasFrag: true})
	for _, src := range []int32{-1, 0, 1, 2, 3, 1 << 20} {
		var before []Result
		if src >= 0 && int(src) < len(notes) {
			for i := range ls {
				before = append(before, ix.Resolve(src, &ls[i]))
			}
		}
		ix.Warm(src, ls)
		for i, r := range before {
			if got := ix.Resolve(src, &ls[i]); !reflect.DeepEqual(got, r) {
				t.Errorf("src %d, %q: %+v after Warm, %+v before", src, ls[i].Target, got, r)
			}
		}
	}
	if r := ix.Resolve(0, &ls[len(ls)-4]); r.Class != Resolved || r.Target != 1 {
		t.Errorf("[x](dir/b.md) from a.md: %+v", r)
	}
}
