// Package splice applies byte-range edits to a file's content. Bytes outside
// the edits never change: no re-encoding, no line-ending or BOM handling.
package splice

import (
	"bytes"
	"fmt"
	"sort"
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
	es := append([]Edit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
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
	var b bytes.Buffer
	b.Grow(size)
	prev = 0
	for _, e := range es {
		b.Write(src[prev:e.Start])
		b.WriteString(e.New)
		prev = e.End
	}
	b.Write(src[prev:])
	return b.Bytes(), nil
}
