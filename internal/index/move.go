package index

import (
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/note"
)

// WithMove returns the index of the same vault after the note at path from
// is moved to path to: the same notes, attachments, dialect and level, the
// moved note under its new path (its content as it is). ids maps each note
// index of ix to its index in the new one. The notes themselves are
// shared, but for the moved one, which is copied. ok is false when from is
// not a note of ix, or to is one already.
func (ix *Index) WithMove(from, to string) (after *Index, ids []int32, ok bool) {
	src, ok := ix.NoteByPath(from)
	if !ok {
		return nil, nil, false
	}
	if _, taken := ix.NoteByPath(to); taken {
		return nil, nil, false
	}
	moved := *ix.Notes[src]
	moved.Path = to
	notes := slices.Clone(ix.Notes)
	notes[src] = &moved
	order := make([]int32, len(notes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(notes[a].Path, notes[b].Path) })
	sorted := make([]*note.Note, len(notes))
	ids = make([]int32, len(notes))
	for newID, oldID := range order {
		sorted[newID] = notes[oldID]
		ids[oldID] = int32(newID)
	}
	attachments := make([]string, 0, len(ix.attach))
	for a := range ix.attach {
		attachments = append(attachments, a)
	}
	slices.Sort(attachments)
	after = Build(sorted, attachments, ix.Dialect, ix.MaxLevel)
	after.LocalVaults = ix.LocalVaults
	return after, ids, true
}
