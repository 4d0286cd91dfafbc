package index

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// levenshtein is the whole dynamic-programming table, without band or
// early exit.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func randomKey(rng *rand.Rand, alphabet []rune) []rune {
	k := make([]rune, rng.IntN(90))
	for i := range k {
		k[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return k
}

// TestDistanceAndBoundAgreeWithFullTable checks the banded distance against
// the whole table, and that the class bound never exceeds the distance (or
// a hint would be lost).
func TestDistanceAndBoundAgreeWithFullTable(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for _, alphabet := range [][]rune{[]rune("ab"), []rune("abcdefghij0123"), []rune("상태관리가zZ9é")} {
		for range 20000 {
			a := randomKey(rng, alphabet)
			b := a
			if rng.IntN(3) > 0 {
				b = randomKey(rng, alphabet)
			} else {
				b = append([]rune(nil), a...)
				for range rng.IntN(6) {
					if len(b) > 0 {
						b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
					}
				}
			}
			if rng.IntN(2) == 0 && len(b) > 3 {
				b = b[:len(b)-rng.IntN(3)]
			}
			want := levenshtein(a, b)
			if bound := classBound(runeClasses(string(a)), runeClasses(string(b))); bound > want {
				t.Fatalf("classBound(%q, %q) = %d > distance %d", string(a), string(b), bound, want)
			}
			for _, limit := range []int{0, 1, 2, 3, 5, 8, 20} {
				got := distance(a, b, limit)
				if want <= limit && got != want || want > limit && got <= limit {
					t.Fatalf("distance(%q, %q, %d) = %d, want %d", string(a), string(b), limit, got, want)
				}
			}
		}
	}
}

// The hint cache gives back what was computed, for the query and the
// count asked, and computes again what it does not hold: a query that
// shares a slot with another, or the same query with another count.
func TestHintCache(t *testing.T) {
	var c hintCache
	if _, ok := c.load("q", 3); ok {
		t.Fatal("an empty cache holds q")
	}
	c.store("q", 3, []int32{1, 2})
	if out, ok := c.load("q", 3); !ok || len(out) != 2 || out[0] != 1 {
		t.Errorf("load(q, 3) = %v, %v", out, ok)
	}
	if _, ok := c.load("q", 2); ok {
		t.Error("load(q, 2) gave q's hints for 3")
	}
	// Another query in q's slot replaces it.
	var other string
	for i := 0; ; i++ {
		if other = fmt.Sprint("x", i); c.slot(other) == c.slot("q") {
			break
		}
	}
	c.store(other, 3, nil)
	if _, ok := c.load("q", 3); ok {
		t.Error("q is still held after", other, "took its slot")
	}
	if out, ok := c.load(other, 3); !ok || out != nil {
		t.Errorf("load(%s) = %v, %v", other, out, ok)
	}
}
