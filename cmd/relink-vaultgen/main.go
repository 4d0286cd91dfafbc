// Command relink-vaultgen writes a deterministic synthetic vault for
// relink's benchmarks and end-to-end tests, and optionally its ground truth.
//
//	relink-vaultgen -n 10000 -seed 1 -o /tmp/vault10k [-dialect obsidian] [-truth truth.json] [-force]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/relinkmd/relink/internal/vaultgen"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "relink-vaultgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("relink-vaultgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of notes")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same bytes")
	out := fs.String("o", "", "vault directory to write (required; must be empty or missing unless -force)")
	dialect := fs.String("dialect", "wiki", "wiki or obsidian (obsidian adds .obsidian/ at the root)")
	truth := fs.String("truth", "", "write the ground truth as JSON to this file (outside the vault)")
	force := fs.Bool("force", false, "write into a non-empty directory (existing files are overwritten, others kept)")
	workers := fs.Int("workers", 0, "parallel writers (0: 2×GOMAXPROCS); never changes the output")
	quiet := fs.Bool("q", false, "print nothing on success")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return errors.New("-o DIR is required")
	}
	if !*force {
		entries, err := os.ReadDir(*out)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("%s is not empty (use -force to write into it anyway)", *out)
		}
	}
	start := time.Now()
	t, err := vaultgen.Generate(*out, vaultgen.Options{
		Notes: *n, Seed: *seed, Dialect: *dialect, TruthPath: *truth, Workers: *workers,
	})
	if err != nil {
		return err
	}
	if !*quiet {
		s := t.Stats
		fmt.Fprintf(stderr, "wrote %d notes in %d folders, %.1f MB, %d links (+%d in code, %d in frontmatter) to %s in %v\n",
			s.Notes, s.Folders, float64(s.Bytes)/1e6, s.Links, s.CodeLinks, s.FrontmatterLinks, *out,
			time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(stderr, "planted: variant %d, broken %d, alias %d, ambiguous %d, duplicate %d\n",
			s.Classes["variant"], s.Classes["broken"], s.Classes["alias"], s.Classes["ambiguous"], s.Classes["duplicate"])
	}
	return nil
}
