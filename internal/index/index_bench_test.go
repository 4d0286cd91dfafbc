package index_test

import (
	"bytes"
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

const benchNotes = 10000

func wiki(b testing.TB) dialect.Dialect {
	d, err := dialect.ByName("wiki")
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// broken is a link that matches nothing at any level: resolving it makes
// the index build its ladder maps.
var broken = note.Link{Target: "zz no such note zz"}

// BenchmarkBuild indexes 10k generated notes (exact names only; the ladder
// is built on first use, see BenchmarkBuildLadder).
func BenchmarkBuild(b *testing.B) {
	notes := benchdata.Scan(b, benchNotes).Notes
	d := wiki(b)
	b.SetBytes(benchdata.Notes(b, benchNotes).Bytes) // vault bytes a second
	b.ReportAllocs()
	for b.Loop() {
		index.Build(notes, nil, d, fold.Separators)
	}
}

// BenchmarkBuildLadder is Build plus the ladder maps (every name and alias
// folded at each level up to separators), which the first link that does
// not resolve exactly pays for.
func BenchmarkBuildLadder(b *testing.B) {
	notes := benchdata.Scan(b, benchNotes).Notes
	d := wiki(b)
	b.SetBytes(benchdata.Notes(b, benchNotes).Bytes) // vault bytes a second
	b.ReportAllocs()
	for b.Loop() {
		ix := index.Build(notes, nil, d, fold.Separators)
		ix.Resolve(0, &broken)
	}
}

// builtIndex returns an index of the 10k notes with its ladder built, and
// the number of links.
func builtIndex(b *testing.B) (*index.Index, int) {
	notes := benchdata.Scan(b, benchNotes).Notes
	ix := index.Build(notes, nil, wiki(b), fold.Separators)
	ix.Resolve(0, &broken)
	links := 0
	for _, n := range notes {
		links += len(n.Links)
	}
	return ix, links
}

// BenchmarkResolve resolves every link of the 10k notes (~180k links) on
// one goroutine, the index built beforehand.
func BenchmarkResolve(b *testing.B) {
	ix, links := builtIndex(b)
	b.SetBytes(benchdata.Notes(b, benchNotes).Bytes) // vault bytes a second
	b.ReportAllocs()
	for b.Loop() {
		for i, n := range ix.Notes {
			for j := range n.Links {
				ix.Resolve(int32(i), &n.Links[j])
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(links), "ns/link")
}

// BenchmarkHints computes the near-name hints of every broken link of the
// 10k notes (~5k), as plan does for findings, on a fresh index each time
// (Hints memoizes per index): bucketing the names plus the queries.
func BenchmarkHints(b *testing.B) {
	ix, _ := builtIndex(b)
	var targets []string
	for i, n := range ix.Notes {
		for j := range n.Links {
			if r := ix.Resolve(int32(i), &n.Links[j]); r.Class == index.Broken && !r.Attachment && !r.Outside {
				targets = append(targets, n.Links[j].Target)
			}
		}
	}
	d := wiki(b)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fresh := index.Build(ix.Notes, nil, d, fold.Separators)
		b.StartTimer()
		for _, t := range targets {
			fresh.Hints(t, 3)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(len(targets), 1)), "ns/hint")
}

// BenchmarkResolveWarm is BenchmarkResolve with each note's links warmed
// first, as plan.Build does.
func BenchmarkResolveWarm(b *testing.B) {
	ix, links := builtIndex(b)
	b.SetBytes(benchdata.Notes(b, benchNotes).Bytes) // vault bytes a second
	b.ReportAllocs()
	for b.Loop() {
		for i, n := range ix.Notes {
			ix.Warm(int32(i), n.Links)
			for j := range n.Links {
				ix.Resolve(int32(i), &n.Links[j])
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(links), "ns/link")
}

// BenchmarkFromTables reads the tables of the 10k-note index back from
// their written form (what a run with the index cache does instead of
// Build): the checksum over the file and the table views.
func BenchmarkFromTables(b *testing.B) {
	notes := benchdata.Scan(b, benchNotes).Notes
	d := wiki(b)
	sum := index.TablesSum(notes, d, fold.Separators)
	var buf bytes.Buffer
	if err := index.Build(notes, nil, d, fold.Separators).WriteTables(&buf, sum, "bench"); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := index.FromTables(data, index.TablesSum(notes, d, fold.Separators), "bench", notes, nil, d, fold.Separators); err != nil {
			b.Fatal(err)
		}
	}
}
