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
