package hugepages

import (
	"testing"
)

// fake replaces the system calls with a record of the blocks reserved.
func fake(t *testing.T) *[]int {
	var blocks []int
	oldAdvisable, oldReserve, oldWithdraw := advisable, reserveBlock, withdrawBlock
	advisable = func() bool { return true }
	reserveBlock = func(n int) advice {
		blocks = append(blocks, n)
		return advice{uintptr(len(blocks)), uintptr(len(blocks) + 1)}
	}
	withdrawBlock = func(a advice) { blocks = append(blocks, -int(a.lo)) }
	t.Cleanup(func() { advisable, reserveBlock, withdrawBlock = oldAdvisable, oldReserve, oldWithdraw })
	return &blocks
}

func TestEnsureReservesAheadThenStops(t *testing.T) {
	blocks := fake(t)
	var r Reserver
	for _, step := range []struct {
		ensure   int
		reserved int
	}{
		{6 << 20, firstBlock},          // the first block is large
		{firstBlock, firstBlock},       // covered: nothing more
		{firstBlock + 1, maxReserved},  // doubling, capped
		{4 * maxReserved, maxReserved}, // never past the cap
	} {
		r.Ensure(step.ensure)
		if got := r.Reserved(); got != step.reserved {
			t.Fatalf("after Ensure(%d): reserved %d, want %d (blocks %v)", step.ensure, got, step.reserved, *blocks)
		}
	}
	if len(*blocks) != 2 {
		t.Errorf("blocks %v, want two", *blocks)
	}
}

func TestEnsureDoesNothingWhereItCannotHelp(t *testing.T) {
	blocks := fake(t)
	advisable = func() bool { return false }
	var r Reserver
	r.Ensure(1 << 30)
	if r.Reserved() != 0 || len(*blocks) != 0 {
		t.Errorf("reserved %d in %v with huge pages unavailable", r.Reserved(), *blocks)
	}
}

// TestParsedWaitsForAVaultWorthIt: nothing for the first checkEvery bytes
// (a small vault pays no reservation), then one reservation, however many
// readers report at once.
func TestParsedWaitsForAVaultWorthIt(t *testing.T) {
	blocks := fake(t)
	var r Reserver
	for range checkEvery/4096 - 1 {
		r.Parsed(4096)
	}
	if len(*blocks) != 0 {
		t.Fatalf("reserved %v before %d bytes were parsed", *blocks, checkEvery)
	}
	done := make(chan struct{})
	for range 8 {
		go func() {
			for range 1000 {
				r.Parsed(4096)
			}
			done <- struct{}{}
		}()
	}
	for range 8 {
		<-done
	}
	if len(*blocks) != 1 || (*blocks)[0] != firstBlock {
		t.Errorf("blocks %v after %d bytes, want one of %d", *blocks, checkEvery+8*1000*4096, firstBlock)
	}
}

func TestCachedReservesForALargeCacheOnly(t *testing.T) {
	blocks := fake(t)
	var r Reserver
	r.Cached(checkEvery - 1)
	if len(*blocks) != 0 {
		t.Fatalf("reserved %v for a small cache", *blocks)
	}
	r.Cached(120 << 20)
	if r.Reserved() != firstBlock {
		t.Errorf("reserved %d for a 120 MB cache, want %d", r.Reserved(), firstBlock)
	}
}

// TestSettleWithdrawsEveryBlock: a server's reservations are withdrawn
// once it has loaded, and none is made after.
func TestSettleWithdrawsEveryBlock(t *testing.T) {
	blocks := fake(t)
	var r Reserver
	r.Ensure(1)
	r.Ensure(firstBlock + 1)
	r.Settle()
	r.Ensure(2 * maxReserved)
	r.Parsed(4 * checkEvery)
	want := []int{firstBlock, maxReserved - firstBlock, -1, -2}
	if len(*blocks) != len(want) {
		t.Fatalf("blocks %v, want %v", *blocks, want)
	}
	for i := range want {
		if (*blocks)[i] != want[i] {
			t.Fatalf("blocks %v, want %v", *blocks, want)
		}
	}
}

// TestListedReservesForALargeVault: a walk that finds fewer than
// listedEnough notes reserves nothing; one that finds more reserves the
// first block once, however many walkers report.
func TestListedReservesForALargeVault(t *testing.T) {
	blocks := fake(t)
	var r Reserver
	for n := 1024; n < listedEnough; n += 1024 {
		r.Listed(n)
	}
	if len(*blocks) != 0 {
		t.Fatalf("reserved %v for a walk of %d notes", *blocks, listedEnough-1)
	}
	done := make(chan struct{})
	for range 4 {
		go func() {
			for n := listedEnough; n < 4*listedEnough; n += 1024 {
				r.Listed(n)
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	if len(*blocks) != 1 || (*blocks)[0] != firstBlock {
		t.Errorf("blocks %v, want one of %d", *blocks, firstBlock)
	}
	// Parsed then finds the heap it would have reserved for covered.
	r.Parsed(checkEvery)
	if len(*blocks) != 1 {
		t.Errorf("blocks %v after Parsed, want the one of Listed", *blocks)
	}
}
