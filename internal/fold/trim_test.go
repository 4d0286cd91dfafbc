package fold

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

var trimCases = []string{
	"", " ", "a", " a", "a ", "\u3000상태\u3000", "상태 관리", "상태\u00a0", "\u0085x", "x\u2028",
	"\xff", "\xe2\x80", " \xff ", "a\xe3\x80\x80", "\t\n", "노트\t", "\ufeffx",
}

// TestTrimSpace: TrimSpace is strings.TrimSpace, whatever the script or
// the bytes (invalid UTF-8 included).
func TestTrimSpace(t *testing.T) {
	for _, s := range trimCases {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzTrimSpace(f *testing.F) {
	for _, s := range trimCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestTrimSpaceMatchesStrings(t *testing.T) {
	parts := []string{"", " ", "\t", "\u00a0", "\u3000", "\u2029", "\u0085", "a", "한", "\xff", "\xe3\x80", "\x80", "x y"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		s := ""
		for k := rng.IntN(5); k > 0; k-- {
			s += parts[rng.IntN(len(parts))]
		}
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestMayBeSpace holds the table TrimSpace reads to unicode.IsSpace: every
// white space rune starts with a byte it marks.
func TestMayBeSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		if b := string(r); !mayBeSpace[b[0]] {
			t.Errorf("%U is a space starting with %#x, which mayBeSpace does not mark", r, b[0])
		}
	}
}
