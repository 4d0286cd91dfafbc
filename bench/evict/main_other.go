//go:build !linux

// Command evict drops the page cache of files: it needs Linux
// (posix_fadvise, syncfs, mincore); elsewhere it says so and fails, so that
// bench/run's cold-cache rows are never timed with a warm cache.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "evict: dropping the page cache needs Linux")
	os.Exit(2)
}
