package index

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/cespare/xxhash/v2"
)

// strtab maps strings to uint64 values by open addressing. It copies every
// key into one byte arena, next to its value, and holds no pointers: a hit
// reads one slot and one record, where a Go map reads its control word, its
// slot and the key's bytes wherever they live, and the garbage collector has
// nothing in it to scan. Resolving a link is mostly one such lookup.
//
// The hash has no per-process seed, so that a table written to the index
// cache (tables.go) can be read back as it is. Its keys are note names of
// the user's own vault, not input from a network.
type strtab struct {
	slots []uint64 // 0 when empty, else hash>>32<<32 | record offset+1
	arena []byte   // records: value (8 bytes), key length (4), key
	n     int
}

const recordHeader = 12

func newStrtab(capacity int) *strtab {
	return &strtab{slots: make([]uint64, slotsFor(capacity))}
}

// reserve makes room in the arena for keys of keyBytes bytes in all, n of
// them, so that filling the table copies none of it again.
func (t *strtab) reserve(n, keyBytes int) {
	if want := len(t.arena) + n*recordHeader + keyBytes; want > cap(t.arena) {
		t.arena = append(make([]byte, 0, want), t.arena...)
	}
}

// slotsFor keeps the load at or below one half, for short probe runs.
func slotsFor(n int) int {
	return 1 << max(4, bits.Len(uint(2*n)))
}

// find returns the offset of key's record, or false and the empty slot
// where key would go.
func (t *strtab) find(key string, h uint64) (off uint32, slot int, ok bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, int(i), false
		}
		if s>>32 == h>>32 {
			o := uint32(s) - 1
			n := binary.LittleEndian.Uint32(t.arena[o+8:])
			// The conversion does not copy: the compiler compares in place.
			if int(n) == len(key) && string(t.arena[o+recordHeader:o+recordHeader+n]) == key {
				return o, int(i), true
			}
		}
	}
}

// get returns key's value.
func (t *strtab) get(key string) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	off, _, ok := t.find(key, hashString(key))
	if !ok {
		return 0, false
	}
	return t.load(off), true
}

// upsert returns the offset of key's record, adding one with value 0 when
// key is new, and whether key was there already.
func (t *strtab) upsert(key string) (off uint32, existed bool) {
	return t.upsertHashed(key, hashString(key))
}

// upsertHashed is upsert for a key whose hash (t.hash) is h.
func (t *strtab) upsertHashed(key string, h uint64) (off uint32, existed bool) {
	off, slot, ok := t.find(key, h)
	if ok {
		return off, true
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
		_, slot, _ = t.find(key, h)
	}
	if len(t.arena)+recordHeader+len(key) >= math.MaxUint32 {
		panic("index: more than 4 GB of names")
	}
	off = uint32(len(t.arena))
	t.arena = binary.LittleEndian.AppendUint64(t.arena, 0)
	t.arena = binary.LittleEndian.AppendUint32(t.arena, uint32(len(key)))
	t.arena = append(t.arena, key...)
	t.slots[slot] = h>>32<<32 | uint64(off+1)
	t.n++
	return off, false
}

func (t *strtab) set(key string, v uint64) {
	off, _ := t.upsert(key)
	t.store(off, v)
}

func (t *strtab) load(off uint32) uint64     { return binary.LittleEndian.Uint64(t.arena[off:]) }
func (t *strtab) store(off uint32, v uint64) { binary.LittleEndian.PutUint64(t.arena[off:], v) }

func (t *strtab) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		o := uint32(s) - 1
		n := binary.LittleEndian.Uint32(t.arena[o+8:])
		h := hashBytes(t.arena[o+recordHeader : o+recordHeader+n])
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// getBytes is get for a key held in a byte slice, which it does not copy.
func (t *strtab) getBytes(key []byte) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	h := hashBytes(key)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if s>>32 == h>>32 {
			o := uint32(s) - 1
			n := binary.LittleEndian.Uint32(t.arena[o+8:])
			if int(n) == len(key) && string(t.arena[o+recordHeader:o+recordHeader+n]) == string(key) {
				return t.load(o), true
			}
		}
	}
}

// hash is the hash that find takes for key.
func (t *strtab) hash(key string) uint64 { return hashString(key) }

// readAhead reads the home slots of the hashes in hs, all before any
// insert or lookup uses one, so that the processor overlaps their cache
// misses.
func (t *strtab) readAhead(hs []uint64) {
	var acc uint64
	for _, h := range hs {
		acc += t.home(h)
	}
	tableSink.Add(acc)
}

// tableSink keeps reads ahead from being optimized away.
var tableSink atomic.Uint64

// home returns the slot a probe for hash h starts at.
func (t *strtab) home(h uint64) uint64 { return t.slots[h&uint64(len(t.slots)-1)] }

// probe returns the first slot on h's probe sequence that is empty or
// carries h's fingerprint, looking at most probeAhead slots from its home
// (0 past them): the slot find stops at, most likely. A home slot taken by
// another key (at half load, for about a third of the keys looked up) is
// followed by the key's own within a slot or two, in the same cache line.
func (t *strtab) probe(h uint64) uint64 {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for range probeAhead {
		s := t.slots[i]
		if s == 0 || s>>32 == h>>32 {
			return s
		}
		i = (i + 1) & mask
	}
	return 0
}

const probeAhead = 4

// peek returns the value of the record that slot s points to, when s is
// full and carries h's fingerprint: most likely key's value, but unchecked.
// It also returns the last byte of the record's key: find compares the
// key, which starts 12 bytes into the record and so, for a key of a few
// dozen bytes, often ends in the next cache line; reading it here is what
// brings that line in too.
func (t *strtab) peek(s, h uint64) (v uint64, keyEnd byte, ok bool) {
	if s == 0 || s>>32 != h>>32 {
		return 0, 0, false
	}
	o := uint32(s) - 1
	n := binary.LittleEndian.Uint32(t.arena[o+8:])
	if n > 0 {
		keyEnd = t.arena[o+recordHeader+n-1]
	}
	return t.load(o), keyEnd, true
}

func hashString(s string) uint64 { return xxhash.Sum64String(s) }

// hashBytes is hashString for a key in a byte slice, which it does not
// copy.
func hashBytes(b []byte) uint64 {
	if len(b) == 0 {
		return xxhash.Sum64String("")
	}
	return xxhash.Sum64String(unsafe.String(&b[0], len(b)))
}
