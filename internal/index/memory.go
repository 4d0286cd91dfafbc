package index

import "unsafe"

// tableMemory gives a strtab its slots and arena. Large ones are mapped
// outside the Go heap, in huge pages where the system has them (see
// memory_linux.go): resolving a link is a random read or two in tables of
// tens of megabytes, where with 4 KB pages nearly every read also misses
// the TLB, and a first touch of each 4 KB page costs a fault. Go's own
// heap cannot be asked for huge pages. The tables hold no pointers, so the
// garbage collector need not see them; the mappings are released when the
// strtab that owns them is collected.
type tableMemory struct {
	maps *mappings // apart from the tableMemory, for its cleanup
}

type mappings struct{ list [][]byte }

// mapThreshold is the size from which a table is mapped rather than made.
const mapThreshold = 4 << 20

func (m *tableMemory) bytes(n int) []byte {
	if n >= mapThreshold {
		if b := m.mapped(n); b != nil {
			return b
		}
	}
	return make([]byte, n)
}

func (m *tableMemory) uint64s(n int) []uint64 {
	if n*8 >= mapThreshold {
		if b := m.mapped(n * 8); b != nil {
			return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), n)
		}
	}
	return make([]uint64, n)
}
