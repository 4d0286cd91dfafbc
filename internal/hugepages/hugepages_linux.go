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
// address space, not memory.
func reserve(n int) {
	b := make([]byte, n)
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + uintptr(n)) &^ (hugePage - 1)
	if hi > lo {
		// An error (a kernel without THP) leaves ordinary pages: the run
		// is as it would have been.
		_ = unix.Madvise(b[lo-start:hi-start], unix.MADV_HUGEPAGE)
	}
	runtime.KeepAlive(b)
	// Freed now, not at the collection the block's size will soon set
	// off: until then the heap would grow past it, into pages without
	// the advice.
	b = nil
	runtime.GC()
}
