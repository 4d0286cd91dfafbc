package index

import (
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// An index of the same notes read again shares the names and answers with
// the new headings, while the first index keeps answering with the old.
func TestWithNotes(t *testing.T) {
	parse := func(p, src string) *note.Note {
		n := note.Parse(p, []byte(src), dialect.Obsidian{}.Syntax())
		return &n
	}
	notes := []*note.Note{
		parse("a.md", "[[B Note#Old]] [[b note]] [[Nowhere]]"),
		parse("b note.md", "# Old\n"),
	}
	ix := Build(notes, nil, dialect.Obsidian{}, fold.Compact)
	link := func(ix *Index, i int) Class {
		links := ix.Notes[0].LinkList(nil)
		return ix.Resolve(0, &links[i]).Class
	}
	if c := link(ix, 0); c != Resolved {
		t.Fatalf("before: [[B Note#Old]] is %v", c)
	}
	again := []*note.Note{notes[0], parse("b note.md", "# New\n")}
	if !SameNames(notes[1], again[1]) {
		t.Fatal("a new heading changed the note's names")
	}
	nx := ix.WithNotes(again)
	if c := link(nx, 0); c != Heading {
		t.Errorf("after: [[B Note#Old]] is %v, want heading (the heading is gone)", c)
	}
	if c := link(ix, 0); c != Resolved {
		t.Errorf("the first index changed: [[B Note#Old]] is %v", c)
	}
	for i, want := range []Class{Resolved, Broken} {
		if c := link(nx, i+1); c != want {
			t.Errorf("link %d: %v, want %v", i+1, c, want)
		}
	}
	// A new title is another name.
	if SameNames(notes[1], parse("b note.md", "---\ntitle: Other\n---\n# Old\n")) {
		t.Error("a new title kept the note's names")
	}
	defer func() {
		if recover() == nil {
			t.Error("WithNotes took another number of notes")
		}
	}()
	ix.WithNotes(again[:1])
}
