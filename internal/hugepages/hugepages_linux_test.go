//go:build linux

package hugepages

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReserveAdvisesThenSettleWithdraws reads from the kernel that the
// reserved range is advised for huge pages (the "hg" flag of its mapping)
// and that Settle takes the advice back ("nh"). It runs only where the
// kernel's mode is "madvise": elsewhere Ensure does nothing, by design.
func TestReserveAdvisesThenSettleWithdraws(t *testing.T) {
	if !available() {
		t.Skip("transparent huge pages are not in madvise mode here, or RLIMIT_AS is set")
	}
	var r Reserver
	r.Ensure(64 << 20)
	if len(r.advised) != 1 || r.advised[0].hi <= r.advised[0].lo {
		t.Fatalf("advised ranges %v after one reservation", r.advised)
	}
	at := (r.advised[0].lo + r.advised[0].hi) / 2
	if flags := vmFlags(t, at); !strings.Contains(flags, " hg ") {
		t.Errorf("the reserved range's mapping has flags %q, want hg", flags)
	}
	r.Settle()
	if flags := vmFlags(t, at); strings.Contains(flags, " hg ") || !strings.Contains(flags, " nh ") {
		t.Errorf("after Settle the range's mapping has flags %q, want nh", flags)
	}
}

// vmFlags returns the VmFlags of the mapping holding address a, with a
// space on each side.
func vmFlags(t *testing.T, a uintptr) string {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			in = lo <= a && a < hi
			continue
		}
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && in {
			return " " + strings.TrimSpace(flags) + " "
		}
	}
	t.Fatalf("no mapping holds %#x", a)
	return ""
}

// mappingRange reads the address range of a mapping's first line
// ("7f12a000-7f12c000 rw-p ...").
func mappingRange(line string) (lo, hi uintptr, ok bool) {
	span, _, found := strings.Cut(line, " ")
	from, to, dash := strings.Cut(span, "-")
	if !found || !dash {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(from, 16, 64)
	h, err2 := strconv.ParseUint(to, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}
