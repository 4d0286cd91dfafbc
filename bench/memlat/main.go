//go:build linux

// Command memlat measures what this machine charges for memory, the two
// costs a 100,000-note run pays that ripgrep does not: a load at random
// in a large table (a chain of dependent loads through a random cycle,
// one per 64-byte line), and the first touch of fresh memory (a write to
// every page of a new mapping), each with 2 MB pages advised
// (MADV_HUGEPAGE) and refused (MADV_NOHUGEPAGE). On a machine whose
// memory is backed by 2 MB pages a random load in 256 MB costs about what
// one in 64 MB does; where a hypervisor backs the guest with 4 KB pages,
// huge pages in the guest change neither figure (docs/performance.md).
//
//	go run ./bench/memlat [-sizes 1,4,16,64,256] [-touch 512]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	sizes := flag.String("sizes", "1,4,16,64,256", "table sizes in MB for the random loads")
	touch := flag.Int("touch", 512, "MB of fresh memory to touch (0: skip)")
	flag.Parse()
	for _, f := range strings.Split(*sizes, ",") {
		mb, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || mb <= 0 {
			fmt.Fprintf(os.Stderr, "memlat: bad size %q\n", f)
			os.Exit(2)
		}
		huge, small := chase(mb<<20, true), chase(mb<<20, false)
		fmt.Printf("random load in %4d MB: %6.1f ns with huge pages, %6.1f ns without\n", mb, huge, small)
	}
	if *touch > 0 {
		huge, small := firstTouch(*touch<<20, true), firstTouch(*touch<<20, false)
		fmt.Printf("first touch of %d MB: %.2f GB/s with huge pages, %.2f GB/s without\n", *touch, huge, small)
	}
}

// mapped returns a fresh anonymous mapping of size bytes, advised for or
// against huge pages.
func mapped(size int, huge bool) []byte {
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		fmt.Fprintln(os.Stderr, "memlat:", err)
		os.Exit(1)
	}
	advice := unix.MADV_NOHUGEPAGE
	if huge {
		advice = unix.MADV_HUGEPAGE
	}
	_ = unix.Madvise(b, advice) // unsupported: the kernel's default
	return b
}

// chase returns the nanoseconds a dependent load takes, at random over a
// table of size bytes.
func chase(size int, huge bool) float64 {
	b := mapped(size, huge)
	defer unix.Munmap(b)
	words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), size/8)
	lines := size / 64
	order := rand.Perm(lines)
	for i, line := range order {
		words[line*8] = uint64(order[(i+1)%lines] * 8)
	}
	const steps = 4_000_000
	p := uint64(order[0] * 8)
	start := time.Now()
	for range steps {
		p = words[p]
	}
	elapsed := time.Since(start)
	if p == 1 { // keeps the chain from being optimized away; never true
		fmt.Println()
	}
	return float64(elapsed.Nanoseconds()) / steps
}

// firstTouch returns the GB/s at which size bytes of fresh memory are
// written once, a byte a page.
func firstTouch(size int, huge bool) float64 {
	b := mapped(size, huge)
	defer unix.Munmap(b)
	start := time.Now()
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	return float64(size) / time.Since(start).Seconds() / 1e9
}
