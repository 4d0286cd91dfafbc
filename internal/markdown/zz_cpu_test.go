package markdown

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	src := benchBody(1 << 20)
	Analyze(src, 0)
	n := 300
	c0 := cpuNow()
	w0 := time.Now()
	for range n {
		Analyze(src, 0)
	}
	c := cpuNow() - c0
	w := time.Since(w0)
	t.Logf("cpu %.0f MB/s, wall %.0f MB/s", float64(n*len(src))/c.Seconds()/1e6, float64(n*len(src))/w.Seconds()/1e6)
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

func TestZZCorpus(t *testing.T) {
	var files [][]byte
	total := 0
	filepath.WalkDir("/work/shared/corpora", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			b, _ := os.ReadFile(p)
			files = append(files, b)
			total += len(b)
		}
		return nil
	})
	n := 20
	c0 := cpuNow()
	for range n {
		for _, f := range files {
			Analyze(f, frontmatterEnd(f))
		}
	}
	c := cpuNow() - c0
	t.Logf("corpus %d files %d bytes: %.0f MB/s", len(files), total, float64(n*total)/c.Seconds()/1e6)
}

func BenchmarkZZCorpus(b *testing.B) {
	var files [][]byte
	total := 0
	filepath.WalkDir("/work/shared/corpora", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			bb, _ := os.ReadFile(p)
			files = append(files, bb)
			total += len(bb)
		}
		return nil
	})
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Analyze(f, frontmatterEnd(f))
		}
	}
}
