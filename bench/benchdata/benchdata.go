// Package benchdata makes the inputs of relink's Go benchmarks from the
// deterministic vault generator (internal/vaultgen): the bytes of n
// generated notes, and the same notes parsed as the vault reader parses
// them. Each input is made once per test process and kept in memory, so
// that a benchmark's setup costs little after the first use and
// `go test -bench . -benchtime 1x ./...` stays quick.
package benchdata

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// Seed is the generator seed of every benchmark input.
const Seed = 1

// File is one note's path (vault-relative, '/') and bytes.
type File struct {
	Path string
	Data []byte
}

// Corpus is a generated vault held in memory.
type Corpus struct {
	Files []File // sorted by path
	Bytes int64  // total size of Files
	Stats vaultgen.Stats
}

var (
	mu      sync.Mutex
	corpora = map[int]*Corpus{}
	scans   = map[int]*vault.Scan{}
)

// Generate writes a vault of n notes (seed Seed, wiki dialect) into dir.
func Generate(tb testing.TB, dir string, n int) *vaultgen.Truth {
	tb.Helper()
	t, err := vaultgen.Generate(dir, vaultgen.Options{Notes: n, Seed: Seed})
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// tempDir is a scratch folder for a vault that is read back at once and
// deleted: in memory (/dev/shm) when there is one, since writing thousands
// of small files to a busy disk costs more than the benchmarks themselves.
func tempDir(tb testing.TB) string {
	tb.Helper()
	base := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	d, err := os.MkdirTemp(base, "relink-bench-")
	if err != nil {
		d, err = os.MkdirTemp("", "relink-bench-")
		if err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// Notes returns the bytes of a generated vault of n notes.
func Notes(tb testing.TB, n int) *Corpus {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if c := corpora[n]; c != nil {
		return c
	}
	dir := tempDir(tb)
	defer os.RemoveAll(dir)
	t := Generate(tb, dir, n)
	c := &Corpus{Stats: t.Stats}
	for _, nt := range t.Notes {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(nt.Path)))
		if err != nil {
			tb.Fatal(err)
		}
		c.Files = append(c.Files, File{Path: nt.Path, Data: b})
		c.Bytes += int64(len(b))
	}
	slices.SortFunc(c.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	corpora[n] = c
	return c
}

// Scan returns the generated vault of n notes as the vault reader returns
// it (wiki dialect): every note parsed, sorted by path. Callers must not
// change it.
func Scan(tb testing.TB, n int) *vault.Scan {
	tb.Helper()
	c := Notes(tb, n)
	mu.Lock()
	defer mu.Unlock()
	if s := scans[n]; s != nil {
		return s
	}
	s := &vault.Scan{Notes: make([]*note.Note, len(c.Files))}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(c.Files); i += 4 {
				nt := note.Parse(c.Files[i].Path, c.Files[i].Data, note.Options{})
				s.Notes[i] = &nt
			}
		})
	}
	wg.Wait()
	scans[n] = s
	return s
}
