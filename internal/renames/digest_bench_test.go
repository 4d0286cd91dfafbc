package renames

import (
	"fmt"
	"testing"
)

// BenchmarkUnchanged is what a check of an unchanged 10k- or 100k-note vault adds:
// the digest of its notes, compared with the state file's header.
func BenchmarkUnchanged(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("notes=%d", n), func(b *testing.B) {
			notes := make([]Note, n)
			for i := range notes {
				notes[i] = Note{Path: fmt.Sprintf("folder%02d/some note title number %d.md", i%73, i), Title: fmt.Sprintf("Some Note Title %d", i), Ino: uint64(i + 100), Dev: 2049, Content: uint64(i) + 1<<40}
			}
			for b.Loop() {
				d := NewDigester(len(notes))
				for i := range notes {
					d.Add(&notes[i])
				}
				d.Sum()
			}
		})
	}
}
