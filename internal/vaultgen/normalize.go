package vaultgen

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// level is a rung of the SPEC §4 ladder; exact (trimmed byte equality) is
// below it. The generator keeps its own copy of the ladder so that its ground
// truth does not depend on the code it is used to test.
type level int

const (
	lvlExact level = iota
	lvlUnicode
	lvlCase
	lvlWidth
	lvlSeparators
	lvlCompact
)

var levelNames = [...]string{"exact", "unicode", "case", "width", "separators", "compact"}

func (l level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "none"
	}
	return levelNames[l]
}

// normalizer computes ladder keys. It holds a case folder, which is not safe
// for concurrent use: one normalizer per goroutine.
type normalizer struct{ fold cases.Caser }

func newNormalizer() *normalizer { return &normalizer{fold: cases.Fold()} }

// key returns the key of s at level l: two spellings are equal at l when
// their keys are equal.
func (n *normalizer) key(s string, l level) string {
	s = strings.TrimSpace(s)
	if l == lvlExact {
		return s
	}
	s = norm.NFC.String(s)
	if l >= lvlWidth {
		s = width.Fold.String(s)
	}
	if l >= lvlCase {
		s = norm.NFC.String(n.fold.String(s))
	}
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for _, r := range s {
		if unicode.IsSpace(r) || (l >= lvlSeparators && (r == '-' || r == '_')) {
			sep = true
			continue
		}
		if sep && b.Len() > 0 && l != lvlCompact {
			b.WriteByte(' ')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// firstLevel returns the lowest level at which a and b are equal, or -1.
func (n *normalizer) firstLevel(a, b string) level {
	for l := lvlExact; l <= lvlCompact; l++ {
		if n.key(a, l) == n.key(b, l) {
			return l
		}
	}
	return -1
}
