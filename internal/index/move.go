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
	return ix.WithMoves(map[string]string{from: to}, nil)
}

// WithMoves is WithMove for many files moved at once (a folder): notes
// maps the old path of each moved note to its new one, attachments the
// old path of each moved attachment to its new one. ok is false when a
// moved note is not a note of ix, or a new path is taken by a note that
// stays or is given twice.
func (ix *Index) WithMoves(notes, attachments map[string]string) (after *Index, ids []int32, ok bool) {
	all := slices.Clone(ix.Notes)
	taken := make(map[string]bool, len(notes))
	for from, to := range notes {
		src, ok := ix.NoteByPath(from)
		if !ok || taken[to] {
			return nil, nil, false
		}
		taken[to] = true
		if n, exists := ix.NoteByPath(to); exists {
			if _, leaves := notes[ix.Notes[n].Path]; !leaves {
				return nil, nil, false
			}
		}
		moved := *ix.Notes[src]
		moved.Path = to
		all[src] = &moved
	}
	order := make([]int32, len(all))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(all[a].Path, all[b].Path) })
	sorted := make([]*note.Note, len(all))
	ids = make([]int32, len(all))
	for newID, oldID := range order {
		sorted[newID] = all[oldID]
		ids[oldID] = int32(newID)
	}
	paths := make([]string, 0, len(ix.attach))
	for a := range ix.attach {
		if to, ok := attachments[a]; ok {
			a = to
		}
		paths = append(paths, a)
	}
	slices.Sort(paths)
	after = Build(sorted, paths, ix.Dialect, ix.MaxLevel)
	after.LocalVaults = ix.LocalVaults
	return after, ids, true
}
