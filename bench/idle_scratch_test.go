package bench

import (
	"os"
	"path/filepath"
	"regexp"
	"bytes"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/workspace"
)

func TestIdleScratch(t *testing.T) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		t.Skip()
	}
	e, err := workspace.OpenEngine(dir, workspace.EngineOptions{Options: workspace.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	time.Sleep(3 * time.Second)
	p := e.Report().Index.Notes[5000].Path
	full := filepath.Join(dir, p)
	orig, _ := os.ReadFile(full)
	defer os.WriteFile(full, orig, 0o644)
	title := regexp.MustCompile(`(?m)^title:.*$`)
	os.WriteFile(full, title.ReplaceAll(bytes.Clone(orig), []byte("title: Benchmark Retitled Note")), 0o644)
	c0 := cpuTime()
	t0 := time.Now()
	e.Refresh(p)
	t.Logf("title refresh %v wall, %v cpu", time.Since(t0), cpuTime()-c0)
	f, _ := os.Create("/tmp/idle.prof")
	pprof.StartCPUProfile(f)
	c1 := cpuTime()
	time.Sleep(3 * time.Second)
	pprof.StopCPUProfile()
	t.Logf("idle after: %v cpu", cpuTime()-c1)
}
