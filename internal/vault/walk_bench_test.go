package vault

import (
	"os"
	"testing"
)

// BenchmarkFiles times the walk alone on BENCH_VAULT (skipped without it).
func BenchmarkFiles(b *testing.B) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		b.Skip("set BENCH_VAULT to a vault folder")
	}
	v, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for b.Loop() {
		if _, _, _, err := v.Files(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead times walking, opening, reading and parsing BENCH_VAULT
// (skipped without it). MB/s is per byte of notes read.
func BenchmarkRead(b *testing.B) {
	dir := os.Getenv("BENCH_VAULT")
	if dir == "" {
		b.Skip("set BENCH_VAULT to a vault folder")
	}
	v, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	notes, _, _, err := v.Files(nil)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, p := range notes {
		if st, err := v.Root.Stat(p); err == nil {
			size += st.Size()
		}
	}
	b.SetBytes(size)
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := v.Read(ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time tells more than wall time on a shared machine.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
