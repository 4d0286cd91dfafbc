//go:build linux

package hugepages

import (
	"bytes"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePage = 2 << 20

var available = sync.OnceValue(func() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		return false
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &lim); err != nil || lim.Cur != unix.RLIM_INFINITY {
		return false
	}
	return true
})

// reserve allocates a block of n bytes, advises the whole 2 MB pages in
// it, and drops it. The block is never touched: until it is reused, it is
// address space, not memory. It returns the advised range as addresses:
// the block itself must not be kept, or it would never be freed for the
// heap to reuse.
func reserve(n int) advice {
	b := make([]byte, n)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + uintptr(n)) &^ (hugePage - 1)
	if hi <= lo {
		return advice{}
	}
	// An error (a kernel without THP) leaves ordinary pages: the run is
	// as it would have been.
	_ = unix.Madvise(b[lo-start:hi-start], unix.MADV_HUGEPAGE)
	runtime.KeepAlive(b)
	// Freed now, not at the collection the block's size will soon set
	// off: until then the heap would grow past it, into pages without
	// the advice.
	b = nil
	runtime.GC()
	return advice{lo, hi}
}

// withdraw takes the advice back from a range: its huge pages stay, and
// faults and khugepaged give it small ones from then on.
func withdraw(a advice) {
	if a.hi > a.lo {
		// The range is Go heap, mapped for the rest of the process: the
		// runtime never unmaps its arenas.
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, a.lo, a.hi-a.lo, unix.MADV_NOHUGEPAGE)
	}
}
