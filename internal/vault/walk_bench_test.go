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
