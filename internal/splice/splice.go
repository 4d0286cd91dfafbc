// Package splice applies byte-range edits to a file's content. Bytes outside
// the edits never change: no re-encoding, no line-ending or BOM handling.
package splice

import (
	"fmt"
	"slices"
)

// Edit replaces src[Start:End], which must equal Old, with New.
type Edit struct {
	Start, End int
	Old, New   string
}

// Apply returns src with every edit applied. It refuses edits out of
// bounds, overlapping, or whose Old no longer matches: then the file is
// not what was planned.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	return Append(nil, src, edits)
}

// Append is Apply appending the result to dst. dst may be src itself (its
// length that of src): the result then follows src in one array, without
// a copy of src when dst has the capacity.
func Append(dst, src []byte, edits []Edit) ([]byte, error) {
	es := edits
	if !slices.IsSortedFunc(es, byStart) {
		es = slices.Clone(edits)
		slices.SortStableFunc(es, byStart)
	}
	size := len(src)
	prev := 0
	for _, e := range es {
		if e.Start < prev || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("edit %d..%d out of bounds or overlapping", e.Start, e.End)
		}
		if string(src[e.Start:e.End]) != e.Old {
			return nil, fmt.Errorf("edit at %d..%d: found %q, expected %q", e.Start, e.End, src[e.Start:e.End], e.Old)
		}
		size += len(e.New) - (e.End - e.Start)
		prev = e.End
	}
	dst = slices.Grow(dst, size)
	prev = 0
	for _, e := range es {
		dst = append(dst, src[prev:e.Start]...)
		dst = append(dst, e.New...)
		prev = e.End
	}
	return append(dst, src[prev:]...), nil
}

func byStart(a, b Edit) int { return a.Start - b.Start }
