package index

import (
	"slices"

	"github.com/relinkmd/relink/internal/note"
)

// SameNames reports whether two readings of a note give the index the
// same names: path, frontmatter names (title, aliases, id, canonical id,
// duplicate of) and whether it could be parsed. Everything else a note
// holds — links, headings, anchors, its hash — the index reads from
// Notes when asked, never from its tables.
func SameNames(a, b *note.Note) bool {
	if a.Path != b.Path || a.Title != b.Title || a.ID != b.ID || a.CanonicalID != b.CanonicalID ||
		a.DuplicateOf != b.DuplicateOf || !slices.Equal(a.Aliases, b.Aliases) {
		return false
	}
	if (a.Err == nil) != (b.Err == nil) {
		return false
	}
	return a.Err == nil || a.Err.Error() == b.Err.Error()
}

// WithNotes returns an index of notes, which must be ix's notes one for
// one with the same names (SameNames), some read again: it shares ix's
// name tables, canonical notes, attachments, ladder, hints and former
// names, and builds only what depends on the notes' headings and anchors
// (on first use, as Build does). ix stays as it is and usable.
func (ix *Index) WithNotes(notes []*note.Note) *Index {
	if len(notes) != len(ix.Notes) {
		panic("index: WithNotes with another number of notes")
	}
	// Built now, if they are not yet, so that both indexes hold them.
	ix.buildLadder()
	ix.hintOnce.Do(ix.buildHints)
	nx := &Index{
		Notes:       notes,
		Dialect:     ix.Dialect,
		MaxLevel:    ix.MaxLevel,
		Problems:    ix.Problems,
		LocalVaults: ix.LocalVaults,
		canon:       ix.canon,
		exact:       ix.exact,
		byPath:      ix.byPath,
		attach:      ix.attach,
		attachBy:    ix.attachBy,
		attachExt:   ix.attachExt,
		trimKey:     ix.trimKey,
		ladder:      ix.ladder,
		hints:       ix.hints,
		renamed:     ix.renamed,
		over:        ix.over,
	}
	// The completion table depends on names only: shared, built or
	// not, so that it is built once for all of them.
	nx.completions = ix.completions
	nx.ladderOnce.Do(func() {})
	nx.hintOnce.Do(func() {})
	// Hints depend on names only, and an anchor table on its note's
	// record: both memos are shared. The tables of the records replaced
	// go (an older index that still needs one builds it again).
	nx.hintMemo, nx.anchors = ix.hintMemo, ix.anchors
	for i, n := range ix.Notes {
		if notes[i] != n {
			ix.anchors.Delete(n)
		}
	}
	return nx
}

// RenamedFormers returns the former names SetRenamed gave ix.
func (ix *Index) RenamedFormers() []Former {
	if ix.renamed == nil {
		return nil
	}
	return ix.renamed.formers
}

// Settle waits for what Build starts in the background (the ladder and
// the hints), which read the notes' names. A caller that replaces a
// note's parse in place with another of the same names (check --changed
// reads some notes for their names first, and in full later) calls it
// first: the names stay the same, but the note's memory is rewritten.
func (ix *Index) Settle() {
	ix.buildLadder()
	ix.hintOnce.Do(ix.buildHints)
}
