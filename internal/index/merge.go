package index

import (
	"slices"
)

// WithDuplicateOf returns the index of the same vault once note dup's
// frontmatter says duplicate_of: ref (the same notes, attachments,
// dialect and level; dup's copy carries the new value). Its Canonical
// tells where the chain from dup then ends: at dup itself when ref names
// no single note or closes a cycle.
func (ix *Index) WithDuplicateOf(dup int32, ref string) *Index {
	return ix.WithDuplicatesOf(map[int32]string{dup: ref})
}

// WithDuplicatesOf is WithDuplicateOf for several notes at once: refs
// maps each note to its new duplicate_of value.
func (ix *Index) WithDuplicatesOf(refs map[int32]string) *Index {
	notes := slices.Clone(ix.Notes)
	for dup, ref := range refs {
		n := *ix.Notes[dup]
		n.DuplicateOf = ref
		notes[dup] = &n
	}
	attachments := make([]string, 0, len(ix.attach))
	for a := range ix.attach {
		attachments = append(attachments, a)
	}
	slices.Sort(attachments)
	after := Build(notes, attachments, ix.Dialect, ix.MaxLevel)
	after.LocalVaults = ix.LocalVaults
	return after
}
