//go:build linux

package hugepages

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestReservedHeapIsAdvised allocates heap after a reservation and reads
// from the kernel that the memory it got is advised for huge pages (the
// "hg" flag of its mapping). It runs only where the kernel's mode is
// "madvise": elsewhere Ensure does nothing, by design.
func TestReservedHeapIsAdvised(t *testing.T) {
	if !available() {
		t.Skip("transparent huge pages are not in madvise mode here, or RLIMIT_AS is set")
	}
	var r Reserver
	r.Ensure(64 << 20)
	b := make([]byte, 64<<20)
	if !advised(t, uintptr(unsafe.Pointer(&b[len(b)/2]))) {
		t.Error("heap allocated after a reservation is not in a mapping advised for huge pages")
	}
	b[0] = 1
}

// advised reports whether the mapping holding address a has VM_HUGEPAGE.
func advised(t *testing.T, a uintptr) bool {
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
			return strings.Contains(" "+flags+" ", " hg ")
		}
	}
	t.Fatalf("no mapping holds %#x", a)
	return false
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
