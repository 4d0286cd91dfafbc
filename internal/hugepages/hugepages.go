// Package hugepages asks Linux to back the Go heap of a one-shot run with
// transparent huge pages.
//
// Why: on the virtual machines relink is measured on, the first touch of
// a fresh 4 KB page costs ~12 µs, and a 100,000-note check without caches
// touches ~450 MB of fresh heap: ~110,000 page faults, a sixth of the
// run's CPU time. With 2 MB pages the run takes ~3,300 faults (a third of
// them the runtime's own span records, which are not heap).
// Most Linux systems ship with transparent huge pages in "madvise" mode,
// where only memory marked MADV_HUGEPAGE gets them, and the Go runtime
// marks none of its heap.
//
// How: a Reserver allocates one large block, marks its pages
// MADV_HUGEPAGE and drops it. The collector frees it at its next cycle, and since the
// runtime's page allocator hands out the lowest free addresses first, the
// heap that follows is carved from that range: its pages fault in 2 MB at
// a time. Nothing else changes: the memory is ordinary Go heap, freed and
// scavenged by the runtime as any other.
//
// It does nothing where it cannot help or could hurt: off Linux, when the
// kernel's mode is not "madvise" ("always" needs no advice, "never" takes
// none), and under an address-space limit (RLIMIT_AS), where reserving
// address space could make the runtime fail an allocation it would
// otherwise have made.
package hugepages

import (
	"sync"
	"sync/atomic"
)

// A Reserver grows the reserved range as a run's heap grows: Ensure(n)
// makes sure the next n bytes of heap are in advised ranges. The zero
// value is ready; it is safe for concurrent use.
type Reserver struct {
	mu       sync.Mutex
	reserved int
	advised  []advice
	parsed   atomic.Int64
	listed   atomic.Bool  // Listed has reserved
	next     atomic.Int64 // the parsed total of the next Ensure
}

// checkEvery is how many parsed bytes pass between two looks, and how
// much must be parsed before the first reservation: below it a vault's
// page faults cost less than reserving does.
const checkEvery = 8 << 20

// heapPerByte is the heap a run holds per byte of notes parsed: about
// 0.45 once they are read and 0.7 at its peak, while it plans (100,000
// generated notes: 684 MB of notes, ~310 MB live after the read, ~480 MB
// of resident memory at the peak).
const heapPerByte = 0.75

// Parsed counts size more bytes of notes parsed and, every checkEvery
// bytes, reserves ahead of the heap they will take. Readers call it after
// each note.
func (r *Reserver) Parsed(size int) {
	total := r.parsed.Add(int64(size))
	// One reader of those that cross a check wins it.
	next := r.next.Load()
	if total < max(next, checkEvery) || !r.next.CompareAndSwap(next, total+checkEvery) {
		return
	}
	r.Ensure(int(float64(total) * heapPerByte))
}

// listedEnough is how many notes a walk must find for Listed to reserve:
// about as many as checkEvery bytes of notes hold, and more than most
// personal vaults have. Below it, the reservation (~10 ms: the block's
// address space and a collection) costs more than the page faults it
// saves.
const listedEnough = 4096

// Listed tells r that the walk of a vault has found notes notes so far.
// At listedEnough it reserves the first block at once, before the notes
// are read, rather than once checkEvery bytes are parsed: what the run
// allocates before the first reservation faults in 4 KB pages (at 100,000
// notes, the first 16 MB of heap took ~4,000 of the run's ~6,800 page
// faults, and a tenth of a second of system time).
func (r *Reserver) Listed(notes int) {
	if notes >= listedEnough && !r.listed.Load() && r.listed.CompareAndSwap(false, true) {
		r.Ensure(firstBlock)
	}
}

// Cached reserves for a run that takes its notes from a note cache of
// size bytes, before it reads them: such a run holds about twice the
// cache's size in heap (100,000 generated notes: a 119 MB cache, ~2,400
// page faults with the reservation instead of ~45,000). A cache under
// checkEvery is a vault too small to be worth it.
func (r *Reserver) Cached(size int64) {
	if size >= checkEvery {
		r.Ensure(int(size) * 2)
	}
}

// firstBlock, the first reservation, is large: the heap allocated before
// a reservation, or past the reserved ranges between two, faults in small
// pages, and a vault worth reserving for is seldom small (reserved and
// never used, it is address space, not memory). Past maxReserved the
// reserve would count against the memory limit the command sets
// (cmd/relink: 1.5 GB), making the collector work harder, not less.
const (
	firstBlock  = 640 << 20
	maxReserved = 1024 << 20
)

// Ensure reserves, when it helps, enough that n bytes of heap in total
// are advised: at least double what is reserved, so that a heap growing
// to n takes O(log n) reservations.
func (r *Reserver) Ensure(n int) {
	if !advisable() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n <= r.reserved || r.reserved >= maxReserved {
		return
	}
	block := max(n-r.reserved, r.reserved, firstBlock)
	block = min(block, maxReserved-r.reserved)
	r.advised = append(r.advised, reserveBlock(block))
	r.reserved += block
}

// advice is an advised address range [lo, hi).
type advice struct{ lo, hi uintptr }

// Settle takes the advice back once a long-lived process has loaded what
// it keeps (a server's first load): what it loaded keeps its huge pages,
// but memory it frees and touches again later takes small ones, and
// khugepaged, which gathers even a sparse 2 MB range into a huge page,
// leaves the ranges alone. A server's resident memory then follows its
// heap, as without the advice. Ensure does nothing after Settle.
func (r *Reserver) Settle() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.advised {
		withdrawBlock(a)
	}
	r.advised = nil
	r.reserved = maxReserved
}

// advisable, reserveBlock and withdrawBlock are the system's; tests
// replace them.
var (
	advisable     = available
	reserveBlock  = reserve
	withdrawBlock = withdraw
)

// Reserved is how many bytes were reserved so far.
func (r *Reserver) Reserved() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reserved
}
