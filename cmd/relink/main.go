// Command relink finds and repairs broken [[wikilinks]] in a Markdown vault.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"

	"github.com/relinkmd/relink/internal/cli"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// RELINK_CPUPROFILE=file writes a CPU profile (docs/performance.md).
	if p := os.Getenv("RELINK_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "relink:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "relink:", err)
			os.Exit(2)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	// RELINK_MEMPROFILE=file writes a heap profile at exit.
	if p := os.Getenv("RELINK_MEMPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			runtime.GC() // a heap profile is as of the last collection
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	if code != 0 {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}

// tuneGC sets a soft memory limit: relink's heap is mostly link records
// that live for the whole run, and on a 100,000-note vault the collector's
// default pacing peaks near 1.6 GB. The limit only makes the collector work
// harder past it (see docs/performance.md for the trade-off); GOMEMLIMIT in
// the environment wins.
//
// It also lets the heap of a command grow to five times its live data
// between collections instead of twice: a command's heap is what it keeps
// (the notes, the index, the plan), it grows from nothing to ~300 MB on a
// 100,000-note vault, and at the default pacing that took 12 collections,
// each running on a quarter of the cores (on 2 cores, half of one) while
// it lasts. At 400 the 100k check without caches takes 8-9% less time at
// the same peak (docs/performance.md). The servers (lsp, mcp, review) set
// their own, lower, percentage once their vault is loaded; GOGC in the
// environment wins.
func tuneGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1536 << 20)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(commandGCPercent)
	}
}

// commandGCPercent is the collector's percentage for a one-shot command.
const commandGCPercent = 400
