package review

import (
	"encoding/json"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/relinkmd/relink/internal/vaultgen"
	"github.com/relinkmd/relink/internal/workspace"
)

// BenchmarkBuild measures what the server adds to a plan: the page's data
// for a generated vault (RELINK_BENCH_NOTES notes, default 2000; 10000 is
// the size the page is designed for), and its JSON.
func BenchmarkBuild(b *testing.B) {
	n := 2000
	if s := os.Getenv("RELINK_BENCH_NOTES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	rep, err := workspace.Load(dir, workspace.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer rep.Vault.Close()
	b.ResetTimer()
	for b.Loop() {
		m := build(rep, "", newChoices())
		if err := json.NewEncoder(io.Discard).Encode(m.data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rep.Plan.Edits)), "edits")
}
