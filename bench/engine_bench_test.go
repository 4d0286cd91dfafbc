package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/workspace"
)

// BenchmarkEngineUpdate10k measures what a long-lived server (relink mcp)
// pays after one note of a generated 10k-note vault changes on disk:
// Engine.Refresh of that note, which re-reads and re-parses it, re-plans
// what depends on it and publishes the new report. "body" adds a link to
// the note's body (no name changes: the index is kept), "title" changes
// its title (names change: the index is rebuilt and every note's plan is
// made again), "load" is a whole workspace.Load of the same vault for
// comparison. BENCH_VAULT names another vault to run on (its note 5000
// is edited and put back).
func BenchmarkEngineUpdate10k(b *testing.B) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		if testing.Short() {
			b.Skip("a 10k-note vault is generated")
		}
		dir = b.TempDir()
		benchdata.Generate(b, dir, 10000)
	}
	opt := workspace.Options{SkipNames: true}
	e, err := workspace.OpenEngine(dir, workspace.EngineOptions{Options: opt})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	p := e.Report().Index.Notes[5000].Path
	full := filepath.Join(dir, p)
	orig, err := os.ReadFile(full)
	if err != nil {
		b.Fatal(err)
	}
	defer os.WriteFile(full, orig, 0o644)
	title := regexp.MustCompile(`(?m)^title:.*$`)
	if !title.Match(orig) {
		b.Fatalf("%s has no title line", p)
	}
	variants := map[string][2][]byte{
		"body":  {orig, append(bytes.Clone(orig), "\nSee [[Nonexistent Benchmark Topic]].\n"...)},
		"title": {orig, title.ReplaceAll(bytes.Clone(orig), []byte("title: Benchmark Retitled Note"))},
	}
	for _, name := range []string{"body", "title"} {
		texts := variants[name]
		b.Run(name, func(b *testing.B) {
			i := 0
			cpu := cpuTime()
			for b.Loop() {
				i++
				if err := os.WriteFile(full, texts[i%2], 0o644); err != nil {
					b.Fatal(err)
				}
				if _, err := e.Refresh(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu).Seconds()*1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(e.Report().PlansReused), "plans-reused")
		})
	}
	os.WriteFile(full, orig, 0o644)
	b.Run("load", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			rep, err := workspace.Load(dir, opt)
			if err != nil {
				b.Fatal(err)
			}
			rep.Vault.Close()
		}
		b.ReportMetric((cpuTime()-cpu).Seconds()*1000/float64(b.N), "cpu-ms/op")
	})
}
