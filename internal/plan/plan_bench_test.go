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
// on GOMAXPROCS workers, as workspace.Load does: each time on a fresh index
// (index.Build is not timed, see internal/index), so the timed part is
// what plan.Build costs in a run: the lazy ladder and hint maps, resolving
// every link, hints for the broken ones, and the edits.
func BenchmarkBuild(b *testing.B) {
	notes := benchdata.Scan(b, 10000).Notes
	d, err := dialect.ByName("wiki")
	if err != nil {
		b.Fatal(err)
	}
	opt := plan.Options{Workers: runtime.GOMAXPROCS(0)}
	var pl *plan.Plan
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ix := index.Build(notes, nil, d, fold.Separators)
		b.StartTimer()
		pl = plan.Build(ix, opt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(pl.Stats.Links, 1)), "ns/link")
	b.ReportMetric(float64(len(pl.Edits)), "edits")
}
