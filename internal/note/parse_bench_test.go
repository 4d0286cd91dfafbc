package note_test

import (
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/note"
)

// BenchmarkParse parses 300 generated notes (~1.7 MB) whole: frontmatter
// YAML, markdown.Analyze, wikilink.Scan, link positions. MB/s is per file
// byte.
func BenchmarkParse(b *testing.B) {
	c := benchdata.Notes(b, 300)
	b.SetBytes(c.Bytes)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range c.Files {
			note.Parse(f.Path, f.Data, note.Options{})
		}
	}
}
