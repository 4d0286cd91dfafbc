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
	var size int64
	for b.Loop() {
		scan, err := v.Read(ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if size == 0 {
			for _, n := range scan.Notes {
				if st, err := v.Root.Stat(n.Path); err == nil {
					size += st.Size()
				}
			}
			b.SetBytes(size)
		}
	}
}
