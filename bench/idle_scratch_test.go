package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/workspace"
)

func TestTitleScratch(t *testing.T) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		t.Skip()
	}
	t0 := time.Now()
	e, err := workspace.OpenEngine(dir, workspace.EngineOptions{Options: workspace.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	t.Logf("open %v", time.Since(t0))
	p := e.Report().Index.Notes[5000].Path
	full := filepath.Join(dir, p)
	orig, _ := os.ReadFile(full)
	title := regexp.MustCompile(`(?m)^title:.*$`)
	for i, d := range []time.Duration{0, 3 * time.Second, 0} {
		time.Sleep(d)
		text := title.ReplaceAll(bytes.Clone(orig), []byte("title: Benchmark Retitled Note"))
		if i == 1 {
			text = orig
		}
		t1 := time.Now()
		if i == 1 {
			f, _ := os.Create("/tmp/title1.prof")
			pprof.StartCPUProfile(f)
		}
		if err := e.SetBuffer(p, text); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			pprof.StopCPUProfile()
		}
		t.Logf("title change %d after %v: %v", i, d, time.Since(t1))
	}
}
