// Package bench holds relink's whole-pipeline benchmarks; the whole-command
// benchmark script is bench/run (see docs/performance.md).
package bench

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/workspace"
)

// BenchmarkLoad2k runs workspace.Load (walk, read, parse, index, plan) on a
// generated 2k-note vault (~10 MB, warm page cache), as `relink check`
// does before printing.
func BenchmarkLoad2k(b *testing.B) {
	dir := b.TempDir()
	t := benchdata.Generate(b, dir, 2000)
	benchLoad(b, dir, t.Stats.Bytes, false, false)
}

// BenchmarkLoadVault runs workspace.Load on the vault named by $BENCH_VAULT
// (skipped when unset, as in CI). bench/run uses it to profile a 100k-note
// vault:
//
//	BENCH_VAULT=/tmp/relink-bench/v100000 go test ./bench -run '^$' \
//	    -bench LoadVault -benchtime 3x -cpuprofile cpu.out
//
// With $BENCH_HEAP set, it also writes a heap profile there after the last
// Load, while its report is still live: what a run holds at its peak.
//
// "parse" reads and parses every note; "cached" takes them from a note
// cache filled by one Load before the timer starts (the notes of a vault
// written less than notecache.Settle ago are not cached); "all-caches"
// also takes the index's tables and the notes' plans from their caches,
// as check does on an unchanged vault.
func BenchmarkLoadVault(b *testing.B) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		b.Skip("BENCH_VAULT not set")
	}
	var size int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	b.Run("parse", func(b *testing.B) { benchLoad(b, dir, size, false, false) })
	b.Run("cached", func(b *testing.B) { benchLoad(b, dir, size, true, false) })
	b.Run("all-caches", func(b *testing.B) { benchLoad(b, dir, size, true, true) })
}

// benchLoad times workspace.Load; once uses the index and plan caches too,
// as check does (their files stay mapped: a few iterations only).
func benchLoad(b *testing.B, dir string, size int64, cache, once bool) {
	opt := workspace.Options{Cache: &cache, Once: once}
	if cache {
		b.Setenv("XDG_STATE_HOME", b.TempDir())
		rep, err := workspace.Load(dir, opt)
		if err != nil {
			b.Fatal(err)
		}
		rep.Vault.Close()
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var rep *workspace.Report
	for b.Loop() {
		if rep != nil {
			rep.Vault.Close()
			rep = nil
		}
		var err error
		rep, err = workspace.Load(dir, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rep.Plan.Stats.Links), "links")
	if p := os.Getenv("BENCH_HEAP"); p != "" {
		runtime.GC()
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
	}
	rep.Vault.Close()
}

// BenchmarkStagesVault times the stages of workspace.Load one by one on
// the vault named by $BENCH_VAULT (wiki dialect, level separators), and
// reports each as seconds per run: read (walk, read and parse in
// parallel), index (index.Build, serial), ladder (the folded-name maps,
// built on the first link that does not resolve exactly) and plan
// (resolution, hints and edits, in parallel), and the CPU time of each
// (index-cpu-s covers the index and the ladder).
func BenchmarkStagesVault(b *testing.B) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		b.Skip("BENCH_VAULT not set")
	}
	d, err := dialect.ByName("wiki")
	if err != nil {
		b.Fatal(err)
	}
	var read, build, ladder, planning time.Duration
	var readCPU, buildCPU, planCPU time.Duration
	for b.Loop() {
		c0 := cpuTime()
		t0 := time.Now()
		v, err := vault.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		scan, err := v.Read(vault.ReadOptions{Syntax: d.Syntax()})
		if err != nil {
			b.Fatal(err)
		}
		t1, c1 := time.Now(), cpuTime()
		ix := index.Build(scan.Notes, scan.Attachments, d, fold.Separators)
		t2 := time.Now()
		ix.Resolve(0, &note.Link{Target: "zz no such note zz"})
		t3, c3 := time.Now(), cpuTime()
		plan.Build(ix, plan.Options{Workers: runtime.GOMAXPROCS(0)})
		t4, c4 := time.Now(), cpuTime()
		readCPU += c1 - c0
		buildCPU += c3 - c1
		planCPU += c4 - c3
		v.Close()
		read += t1.Sub(t0)
		build += t2.Sub(t1)
		ladder += t3.Sub(t2)
		planning += t4.Sub(t3)
	}
	n := float64(b.N)
	b.ReportMetric(read.Seconds()/n, "read-s")
	b.ReportMetric(build.Seconds()/n, "index-s")
	b.ReportMetric(ladder.Seconds()/n, "ladder-s")
	b.ReportMetric(planning.Seconds()/n, "plan-s")
	// CPU time (user and system, every core): steadier than wall time on
	// a shared machine, and what a 2-core run is bound by.
	b.ReportMetric(readCPU.Seconds()/n, "read-cpu-s")
	b.ReportMetric(buildCPU.Seconds()/n, "index-cpu-s")
	b.ReportMetric(planCPU.Seconds()/n, "plan-cpu-s")
}
