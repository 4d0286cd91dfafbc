package plan_test

import (
	"runtime"
	"sync"
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
	b.SetBytes(benchdata.Notes(b, 10000).Bytes) // vault bytes a second
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

// memo is a plan.Memo in memory.
type memo struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (m *memo) Lookup(p string, d [32]byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	enc, ok := m.m[p+string(d[:])]
	return enc, ok
}

func (m *memo) Record(p string, d [32]byte, enc []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[p+string(d[:])] = enc
}

// BenchmarkBuildMemo is BenchmarkBuild with every note's plan in a memo,
// as on a re-check where no note changed: each note's links digest, the
// lookup and the decoding of its plan.
func BenchmarkBuildMemo(b *testing.B) {
	notes := benchdata.Scan(b, 10000).Notes
	d, err := dialect.ByName("wiki")
	if err != nil {
		b.Fatal(err)
	}
	ix := index.Build(notes, nil, d, fold.Separators)
	opt := plan.Options{Workers: runtime.GOMAXPROCS(0), Memo: &memo{m: map[string][]byte{}}}
	plan.Build(ix, opt)
	b.SetBytes(benchdata.Notes(b, 10000).Bytes) // vault bytes a second
	b.ReportAllocs()
	for b.Loop() {
		plan.Build(ix, opt)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(notes)), "ns/note")
}
