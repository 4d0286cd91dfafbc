package plan_test

import (
	"runtime"
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/plan"
)

// BenchmarkBuild plans the repairs of 10k generated notes (~180k links)
// on GOMAXPROCS workers, as workspace.Load does. The index (with its lazy
// ladder and hint maps) is built and warmed before timing, so this is
// resolution, hints and edit making only.
func BenchmarkBuild(b *testing.B) {
	notes := benchdata.Scan(b, 10000).Notes
	d, err := dialect.ByName("wiki")
	if err != nil {
		b.Fatal(err)
	}
	ix := index.Build(notes, nil, d, fold.Separators)
	opt := plan.Options{Workers: runtime.GOMAXPROCS(0)}
	pl := plan.Build(ix, opt) // warms the ladder and hints
	b.ReportAllocs()
	for b.Loop() {
		plan.Build(ix, opt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(pl.Stats.Links, 1)), "ns/link")
	b.ReportMetric(float64(len(pl.Edits)), "edits")
}
