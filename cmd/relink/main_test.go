package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC holds a command's collector settings: five times the live
// heap between collections and the soft memory limit, unless the
// environment says otherwise (GOGC, GOMEMLIMIT win).
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	tuneGC()
	if got := debug.SetGCPercent(100); got != commandGCPercent {
		t.Errorf("GC percent = %d, want %d", got, commandGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != 1536<<20 {
		t.Errorf("memory limit = %d, want %d", got, 1536<<20)
	}

	t.Setenv("GOGC", "100")
	debug.SetGCPercent(100)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, GC percent = %d, want the environment's 100", got)
	}
}
