package index

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
)

// Hints returns up to max notes whose stem or title is near t: a few
// edits apart once spelling is folded away. Hints are only shown, never
// applied.
func (ix *Index) Hints(t string, max int) []int32 {
	ix.hintOnce.Do(func() {
		ix.hints = make(map[string][]int32)
		for i, n := range ix.Notes {
			seen := ""
			for _, s := range []string{dialect.StemOf(n.Path), n.Title} {
				k := fold.Key(fold.Compact, s)
				if k == "" || k == seen {
					continue
				}
				seen = k
				b := prefix(k)
				ix.hints[b] = append(ix.hints[b], int32(i))
			}
		}
	})
	q := fold.Key(fold.Compact, t)
	if q == "" {
		return nil
	}
	qr := []rune(q)
	limit := max2(1, len(qr)/4)
	type hit struct {
		n    int32
		dist int
	}
	var hits []hit
	seen := map[int32]bool{}
	for _, n := range ix.hints[prefix(q)] {
		if seen[n] {
			continue
		}
		seen[n] = true
		nt := ix.Notes[n]
		best := limit + 1
		for _, s := range []string{dialect.StemOf(nt.Path), nt.Title} {
			k := fold.Key(fold.Compact, s)
			if k == "" {
				continue
			}
			d := distance(qr, []rune(k), limit)
			if d > limit && len(qr) >= 4 && (strings.HasPrefix(k, q) || strings.HasPrefix(q, k)) {
				d = limit
			}
			if d < best {
				best = d
			}
		}
		if best <= limit {
			hits = append(hits, hit{ix.canon[n], best})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		return hits[i].n < hits[j].n
	})
	var out []int32
	for _, h := range hits {
		if len(out) == max {
			break
		}
		if !containsID(out, h.n) {
			out = append(out, h.n)
		}
	}
	return out
}

func containsID(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func prefix(k string) string {
	_, a := utf8.DecodeRuneInString(k)
	if a >= len(k) {
		return k
	}
	_, b := utf8.DecodeRuneInString(k[a:])
	return k[:a+b]
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// distance is the Levenshtein distance of a and b, or limit+1 once it is
// known to exceed limit.
func distance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
