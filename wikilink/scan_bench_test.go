package wikilink_test

import (
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/wikilink"
)

// BenchmarkScan scans the bodies of 300 generated notes (~1.6 MB) with the
// code spans that markdown.Analyze finds, as note.Parse does. MB/s is per
// body byte.
func BenchmarkScan(b *testing.B) {
	type body struct {
		src  []byte
		from int
		skip []wikilink.Span
	}
	var bodies []body
	var size int64
	for _, f := range benchdata.Notes(b, 300).Files {
		fm, _ := frontmatter.Split(f.Data)
		var skip []wikilink.Span
		for _, s := range markdown.Analyze(f.Data, fm.Body).Skip {
			skip = append(skip, wikilink.Span{Start: int32(s.Start), End: int32(s.End)})
		}
		bodies = append(bodies, body{f.Data, fm.Body, skip})
		size += int64(len(f.Data) - fm.Body)
	}
	links := 0
	for _, x := range bodies {
		links += len(wikilink.Scan(x.src, x.from, len(x.src), x.skip, wikilink.Options{}))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, x := range bodies {
			wikilink.Scan(x.src, x.from, len(x.src), x.skip, wikilink.Options{})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(links), "ns/link")
}
