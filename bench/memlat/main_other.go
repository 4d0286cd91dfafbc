//go:build !linux

// Command memlat measures random loads and first touches with and
// without huge pages: it needs Linux (madvise); elsewhere it says so.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "memlat: needs Linux")
	os.Exit(2)
}
