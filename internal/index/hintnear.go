package index

import (
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/fold"
)

// HintKey is the key under which Hints compares a link's target with the
// vault's stems and titles.
func HintKey(s string) string { return fold.Key(fold.Compact, s) }

// HintNear reports whether a stem or title with hint key name can be among
// the hints of a target with hint key target: whether Hints, looking for
// the target, reads the name and finds it within the edit limit. A name
// for which it is false never changes a target's hints, whether it is
// added to the vault or removed.
func HintNear(target, name string) bool {
	if target == "" || name == "" || prefix(target) != prefix(name) {
		return false
	}
	qr := []rune(target)
	limit := max2(1, len(qr)/4)
	if d := utf8.RuneCountInString(name) - len(qr); d > limit || -d > limit {
		return false
	}
	return distance(qr, []rune(name), limit) <= limit
}

// HintPrefix is the first two runes of a hint key: HintNear is false for
// keys whose prefixes differ.
func HintPrefix(k string) string { return prefix(k) }
