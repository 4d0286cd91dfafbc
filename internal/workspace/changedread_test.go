package workspace

import (
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// FuzzLightFilter: a note read for its names alone is passed over only
// when none of its links may name what a change touched. For a name and a
// note, whenever a link the full parse finds may name it (mayName, at the
// highest level of the ladder), the note must be one mayLink returns.
func FuzzLightFilter(f *testing.F) {
	for _, c := range [][2]string{
		{"Cache Line", "see [[cache-line]] and [x](Cache%20Line.md)"},
		{"Ｓｎａｐ", "[[snap]]"},
		{"a/b/Note", "[[b/note#h|x]] ![[NOTE.md]]"},
		{"Haskell -", "[[haskell-]]"},
		{"x", "[t](<x y.md>) [[x]]"},
		{"Straße", "[[strasse]] [a](Stra%C3%9Fe.md)"},
		{"K", "[[\u212a]]"},
		{"note", "---\nlinks: \"[[Note]]\"\n---\n"},
		{"ab", "[x](a\\_b.md)"},
	} {
		f.Add(c[0], c[1], "wiki")
		f.Add(c[0], c[1], "dendron")
	}
	f.Fuzz(func(t *testing.T, name, src, dial string) {
		d, err := dialect.ByName(dial)
		if err != nil {
			return
		}
		syntax := d.Syntax()
		key := fold.Key(fold.Compact, name)
		if key == "" {
			return
		}
		keys := map[string]bool{key: true}
		full, _ := note.ParsePacked("n.md", []byte(src), syntax, false, false)
		a := newAffected(keys)
		mayName := false
		for _, l := range full.LinkList(nil) {
			if a.mayName(l.Target) {
				mayName = true
				break
			}
		}
		lr := &lightReads{maxLinks: note.DefaultMaxLinks, filters: map[string]*trigramFilter{}, light: map[string]bool{}}
		ch := &Change{files: map[string]bool{}}
		if _, light := lr.read(ch)("n.md", []byte(src)); !light {
			return // parsed in full
		}
		if mayName && !lr.mayLink(keys)["n.md"] {
			t.Fatalf("a link of %q may name %q, and the note was passed over", src, name)
		}
	})
}

// TestLightFilterPassesOver: the filter does pass over what cannot
// match, or it saves nothing.
func TestLightFilterPassesOver(t *testing.T) {
	lr := &lightReads{maxLinks: note.DefaultMaxLinks, filters: map[string]*trigramFilter{}, light: map[string]bool{}}
	read := lr.read(&Change{files: map[string]bool{"changed.md": true}})
	for p, src := range map[string]string{
		"plain.md":   "no link at all",
		"other.md":   "[[Something Else]] and [x](elsewhere.md)",
		"linked.md":  "[[cache-line]]",
		"escaped.md": "[x](Cache%20Line.md)",
	} {
		if _, light := read(p, []byte(src)); !light {
			t.Errorf("%s parsed in full", p)
		}
	}
	if _, light := read("changed.md", []byte("[[x]]")); light {
		t.Error("a changed note was read for its names alone")
	}
	if _, light := read("accent.md", []byte("[[Café]]")); light {
		t.Error("a note the filter cannot speak for was read for its names alone")
	}
	got := lr.mayLink(map[string]bool{fold.Key(fold.Compact, "Cache Line"): true})
	if !got["linked.md"] || !got["escaped.md"] || got["other.md"] || got["plain.md"] {
		t.Errorf("mayLink = %v", got)
	}
}
