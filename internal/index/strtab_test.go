package index

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStrtabAgreesWithMap sets and reads random keys, from a table sized
// too small so that it grows, against a Go map.
func TestStrtabAgreesWithMap(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	tab := newStrtab(3)
	want := map[string]uint64{}
	key := func() string { return fmt.Sprintf("k%d", rng.IntN(5000)) }
	for range 20000 {
		k, v := key(), rng.Uint64()
		if rng.IntN(7) == 0 {
			k = "" // the empty key is a key like any other
		}
		tab.set(k, v)
		want[k] = v
	}
	if tab.n != len(want) {
		t.Fatalf("table holds %d keys, want %d", tab.n, len(want))
	}
	for range 20000 {
		k := key()
		got, ok := tab.get(k)
		w, wok := want[k]
		if ok != wok || got != w {
			t.Fatalf("get(%q) = %d, %v; want %d, %v", k, got, ok, w, wok)
		}
	}
	if _, ok := newStrtab(0).get("x"); ok {
		t.Error("empty table finds a key")
	}
}

// TestProbe: probe stops where find does, for keys present and absent,
// within probeAhead slots of home (and says nothing, 0, past them); a
// present key's probe leads peek to its value.
func TestProbe(t *testing.T) {
	t.Parallel()
	tab := newStrtab(1 << 12)
	for i := range 1 << 12 { // half full: long enough probe runs
		tab.set(fmt.Sprintf("k%d", i), uint64(i))
	}
	for i := range 1 << 13 {
		k := fmt.Sprintf("k%d", i)
		h := tab.hash(k)
		off, slot, ok := tab.find(k, h)
		mask := uint64(len(tab.slots) - 1)
		dist := (uint64(slot) - h&mask) & mask
		got := tab.probe(h)
		switch {
		case dist >= probeAhead:
			if got != 0 && got>>32 != h>>32 {
				t.Fatalf("%s: probe = %#x past probeAhead, want 0 or a fingerprint match", k, got)
			}
		case ok:
			if got != tab.slots[slot] {
				t.Fatalf("%s: probe = %#x, want its slot %#x", k, got, tab.slots[slot])
			}
			if v, _, found := tab.peek(got, h); !found || v != tab.load(off) {
				t.Fatalf("%s: peek after probe = %d, %v; want %d", k, v, found, tab.load(off))
			}
		default:
			// Absent: the empty slot find stopped at, unless a slot
			// before it carries the same fingerprint.
			if got != 0 && got>>32 != h>>32 {
				t.Fatalf("%s (absent): probe = %#x", k, got)
			}
		}
	}
}
