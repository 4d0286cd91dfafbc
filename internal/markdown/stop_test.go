package markdown

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// skipPlainIn with the vector scan finds what the table loop finds: every
// stop byte at every position of stretches from 0 to 200 bytes long, from
// every start, in ASCII and in Korean text (whose bytes are all above
// 0x80), and in random bytes.
func TestSkipPlainMatchesTable(t *testing.T) {
	check := func(b []byte, p int) {
		t.Helper()
		if got, want := skipPlainIn(b, p, len(b)), skipPlainTable(b, p); got != want {
			t.Fatalf("skipPlainIn(%q, %d, len) = %d, want %d", b, p, got, want)
		}
	}
	fills := [][]byte{[]byte("plain text "), []byte("상태 관리 ")}
	for _, fill := range fills {
		for n := 0; n <= 200; n++ {
			base := bytes.Repeat(fill, n/len(fill)+1)[:n]
			// No stop at all, from every start.
			for p := 0; p <= n; p++ {
				check(base, p)
			}
			for _, stop := range []byte("\n\\`<[]!%$") {
				for at := 0; at < n; at++ {
					b := bytes.Clone(base)
					b[at] = stop
					for _, p := range []int{0, 1, at / 2, at, min(at+1, n)} {
						check(b, p)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := sparseStops(r, 8)
		check(b, r.IntN(len(b)+1))
	}
}

// sparseStops is up to 299 random bytes in which an ASCII stop byte is
// kept one time in keep (the others become 'a'): sparser stops, longer
// stretches between them.
func sparseStops(r *rand.Rand, keep int) []byte {
	b := make([]byte, r.IntN(300))
	for i := range b {
		b[i] = byte(r.IntN(256))
		if r.IntN(keep) != 0 && b[i] < 0x80 && inlineStop[b[i]] != 0 {
			b[i] = 'a'
		}
	}
	return b
}

// skipPlainIn reads on past end: whatever lies there, stops or none, it
// finds what the table loop finds in src[:end].
func TestSkipPlainInMatchesTable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		src := sparseStops(r, 12)
		end := r.IntN(len(src) + 1)
		p := r.IntN(end + 1)
		if got, want := skipPlainIn(src, p, end), skipPlainTable(src[:end], p); got != want {
			t.Fatalf("skipPlainIn(%q, %d, %d) = %d, want %d", src, p, end, got, want)
		}
	}
}

// FuzzSkipPlainIn holds skipPlainIn to the table loop, to the end of src
// (end = len(src)) or short of it.
func FuzzSkipPlainIn(f *testing.F) {
	f.Add([]byte("plain text [[link]] then more plain text well past one vector block"), 3, 12)
	seed := []byte("some plain text, then a [[link]] and more plain text to pass 64 bytes")
	f.Add(seed, 0, len(seed))
	seed = bytes.Repeat([]byte("상태 "), 40)
	f.Add(seed, 3, len(seed))
	f.Fuzz(func(t *testing.T, src []byte, p, end int) {
		if end < 0 || end > len(src) || p < 0 || p > end {
			return
		}
		if got, want := skipPlainIn(src, p, end), skipPlainTable(src[:end], p); got != want {
			t.Fatalf("skipPlainIn(%q, %d, %d) = %d, want %d", src, p, end, got, want)
		}
	})
}
