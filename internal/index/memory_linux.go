package index

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePage = 2 << 20

func newTableMemory() *tableMemory {
	m := &tableMemory{maps: &mappings{}}
	runtime.AddCleanup(m, func(maps *mappings) {
		for _, b := range maps.list {
			unix.Munmap(b)
		}
	}, m.maps)
	return m
}

// mapped returns n zero bytes mapped for this table, aligned to and
// advised as huge pages, or nil (the caller then makes them).
func (m *tableMemory) mapped(n int) []byte {
	size := (n + hugePage - 1) / hugePage * hugePage
	// Mapped one huge page over, to start the table on a huge page.
	b, err := unix.Mmap(-1, 0, size+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil
	}
	m.maps.list = append(m.maps.list, b)
	off := 0
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % hugePage); r != 0 {
		off = hugePage - r
	}
	t := b[off : off+size]
	unix.Madvise(t, unix.MADV_HUGEPAGE) // only advice: without it, 4 KB pages
	return t[:n:n]
}
