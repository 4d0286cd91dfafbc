package markdown_test

import (
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
)

// BenchmarkAnalyzeNotes analyzes the bodies of 300 generated notes, as
// note.Parse does. MB/s is per body byte.
func BenchmarkAnalyzeNotes(b *testing.B) {
	type body struct {
		src  []byte
		from int
	}
	var bodies []body
	var size int64
	for _, f := range benchdata.Notes(b, 300).Files {
		fm, _ := frontmatter.Split(f.Data)
		bodies = append(bodies, body{f.Data, fm.Body})
		size += int64(len(f.Data) - fm.Body)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, x := range bodies {
			markdown.Analyze(x.src, x.from)
		}
	}
}
