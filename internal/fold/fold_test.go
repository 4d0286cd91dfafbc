package fold

import (
	"testing"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

func TestKey(t *testing.T) {
	t.Parallel()
	nfd := norm.NFD.String("상태 관리")
	tests := []struct {
		desc string
		a, b string
		want Level // lowest level at which a and b are equal; -1 never
	}{
		{"identical", "Cache Line", "Cache Line", Exact},
		{"surrounding space", " Cache Line ", "Cache Line", Exact},
		{"NFD hangul", nfd, "상태 관리", Unicode},
		{"repeated space", "Cache  Line", "Cache Line", Unicode},
		{"case", "cache line", "Cache Line", Case},
		{"german sharp s folds", "STRASSE", "straße", Case},
		{"greek final sigma", "ΣΊΣΥΦΟΣ", "σίσυφος", Case},
		{"full-width latin", "Ｓｎａｐ", "Snap", Width},
		{"ideographic space", "상태\u3000관리", "상태 관리", Unicode},
		{"full-width lower vs upper", "ｓｎａｐ", "Snap", Width},
		{"hyphen", "Cache-Line", "cache line", Separators},
		{"underscore run", "Cache__Line", "Cache Line", Separators},
		{"nbsp", "Cache\u00a0Line", "Cache Line", Unicode},
		{"mixed separators", "cache - line", "Cache_Line", Separators},
		{"korean spacing", "상태관리", "상태 관리", Compact},
		{"camel compact", "heap snapshot", "HeapSnapshot", Compact},
		{"circled digit is not one", "①", "1", -1},
		{"full case folding expands ligatures", "ﬁle", "file", Case},
		{"roman numeral is not I", "Ⅰ", "I", -1},
		{"different words", "Cache Line", "Cache Lines", -1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got := Level(-1)
			for _, l := range append([]Level{Exact}, Levels...) {
				if Key(l, tt.a) == Key(l, tt.b) {
					got = l
					break
				}
			}
			if got != tt.want {
				t.Errorf("%q vs %q: equal first at %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestASCIIFastPathAgrees(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"Cache-Line", "  a__B  c ", "X", "a\tb", "-lead", "trail_"} {
		for _, l := range Levels {
			if got, want := asciiKey(l, s), separate(l, generalCase(l, s)); got != want {
				t.Errorf("Key(%v, %q): fast %q, general %q", l, s, got, want)
			}
		}
	}
}

func generalCase(l Level, s string) string {
	if l >= Case {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 32
			}
		}
		return string(b)
	}
	return s
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Cache Line", "상태 관리", "Ｓｎａｐ", "a-b_c", "\u00a0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := ""
		for i, l := range Levels {
			k := Key(l, s)
			// A key is a fixed point of its own level.
			if Key(l, k) != k {
				t.Fatalf("Key(%v) not idempotent on %q: %q -> %q", l, s, k, Key(l, k))
			}
			// Each level merges at least what the one below merges.
			if i > 0 && Key(l, prev) != k {
				t.Fatalf("level %v does not include the one below for %q", l, s)
			}
			prev = k
		}
	})
}

// TestHasWideCoversWidthFold checks every rune: width folding changes only
// runes that hasWide reports, so skipping it elsewhere changes nothing.
func TestHasWideCoversWidthFold(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= 0x10FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if width.Fold.String(s) != s && !hasWide(s) {
			t.Errorf("width.Fold changes U+%04X but hasWide is false", r)
		}
	}
}
