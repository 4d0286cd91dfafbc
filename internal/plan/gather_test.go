package plan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGatherParts: the parts' edits and findings land in order, whatever
// the number of workers and however the parts are sized (none, one, many,
// above and below the size worth sharing).
func TestGatherParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 7, 300, 5000} {
		for _, workers := range []int{1, 2, 3, 8} {
			parts := make([]notePlan, n)
			var wantE []Edit
			var wantF []Finding
			for k := range parts {
				for range rng.IntN(4) {
					e := Edit{File: fmt.Sprint(k), Line: len(wantE)}
					parts[k].edits = append(parts[k].edits, e)
					wantE = append(wantE, e)
				}
				for range rng.IntN(3) {
					f := Finding{File: fmt.Sprint(k), Line: len(wantF)}
					parts[k].findings = append(parts[k].findings, f)
					wantF = append(wantF, f)
				}
			}
			pl := &Plan{Edits: make([]Edit, len(wantE)), Findings: make([]Finding, len(wantF))}
			gatherParts(parts, pl, workers)
			if !slices.EqualFunc(pl.Edits, wantE, func(a, b Edit) bool { return a == b }) {
				t.Errorf("%d parts, %d workers: edits out of order", n, workers)
			}
			if !slices.EqualFunc(pl.Findings, wantF, func(a, b Finding) bool { return a.File == b.File && a.Line == b.Line }) {
				t.Errorf("%d parts, %d workers: findings out of order", n, workers)
			}
		}
	}
}
