package fold

import (
	mathrand "math/rand"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/quick"
	"unicode"
	"unsafe"

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
		// An edge '-' or '_' is part of the name, on every level.
		{"trailing operator", "Haskell -", "Haskell", -1},
		{"trailing operators differ", "Haskell -", "Haskell +", -1},
		{"trailing hyphen", "Haskell-", "Haskell", -1},
		{"trailing underscore", "Haskell_", "Haskell", -1},
		{"leading underscore", "_draft", "draft", -1},
		{"leading hyphen", "-draft", "draft", -1},
		{"edge hyphen is not underscore", "Haskell-", "Haskell_", -1},
		{"edge hyphen run is not one hyphen", "Haskell--", "Haskell-", -1},
		{"only separators", "-", "_", -1},
		{"only separators is not empty", "- -", "--", Compact},
		{"space before an edge hyphen", "Haskell -", "Haskell-", Compact},
		{"space run before an edge hyphen", "Haskell  -", "Haskell -", Unicode},
		{"edge hyphen keeps the case fold", "HASKELL -", "haskell -", Case},
		{"edge hyphen, inner separators", "Haskell_Lang -", "haskell lang -", Separators},
		{"edge underscore, inner separators", "_my-draft", "_my draft", Separators},
		{"full-width edge hyphen", "Haskell\uff0d", "Haskell-", Width},
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

// plainSamples mixes the runes plainKey takes with ones it must refuse.
var plainSamples = []string{
	"Cache-Line", "  a__B  c ", "X", "a\tb", "-lead", "trail_", "a b", "a  b", "a -b", "A_b-C",
	"상태 관리", "상태관리", "Docker 템플릿", "HTTP_테스트-Goal", "운동 - 채용", "가\u11a8", "각", "\u1100\u1161",
	"Ｓｎａｐ", "straße", "ΣΊΣΥΦΟΣ", "Cache\u00a0Line", "상태\u3000관리", "ﬁle", "\u212a", "e\u0301", "", " ", "-", "_ -",
	"Haskell -", "Haskell  -", "- x", "x -_", "_draft", "a - _", "- - a", "상태 -", "A-", "a-\t-", "a -  b -",
	"\u1109\u1161\u11bc\u1110\u1162 \u1100\u116a\u11ab\u1105\u1175", "\u1100\u1161\u11a8", "가\u11a8 Cache-\u1100\u1161", "\u1100 \u1161", "Ｓ\u1100\u1161",
}

func TestPlainKeyAgreesWithGeneral(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		trimmed := strings.TrimSpace(s)
		for _, l := range Levels {
			if got, want := Key(l, s), generalKey(l, trimmed); got != want {
				t.Errorf("Key(%v, %q) = %q, general path %q", l, s, got, want)
			}
		}
		if got, want := CaseOnly(s), norm.NFC.String(foldCase(norm.NFC.String(trimmed))); got != want {
			t.Errorf("CaseOnly(%q) = %q, general path %q", s, got, want)
		}
	}
	for _, s := range plainSamples {
		check(s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		check(randomName(rng))
	}
}

// randomName strings together runes that names are made of and runes that
// sit at the edges of the fast paths.
func randomName(rng *rand.Rand) string {
	return randomFrom(rng, []rune("aZ09 -_\t.#/Kk상태관리가힣\uac00\ud7a3\u11a8\u1161\u3131\u00a0\u3000\uff33\uff53\u00df\u03a3\u0301\u212a\ufb01\u2160é\u1100\u1112\u1175\u11c2\u1113"), 12)
}

// randomFrom strings together fewer than max runes drawn from runes.
func randomFrom(rng *rand.Rand, runes []rune, max int) string {
	var b strings.Builder
	for range rng.IntN(max) {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

// TestStepsAgreeWithKey asks one Steps for every level, in random orders
// and each level twice: the keys it shares between levels of a plain name
// (plainLevel) and remembers must be what Key computes afresh.
func TestStepsAgreeWithKey(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		st := NewSteps(s)
		order := append(slices.Clone(climb), climb...)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, l := range order {
			if got, want := st.Key(l), Key(l, s); got != want {
				t.Fatalf("Steps.Key(%v) of %q in order %v = %q, Key %q", l, s, order, got, want)
			}
		}
	}
	for _, s := range plainSamples {
		check(s)
	}
	for range 20000 {
		check(randomName(rng))
	}
}

// TestComposeHangul holds composeHangul to NFC: what it composes is NFC's
// result, and plain; the decomposed form of any plain Korean name is
// composed, not left to the general path.
func TestComposeHangul(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	alphabet := []rune("a -Z상태각가힣\u1100\u1112\u1113\u1161\u1175\u1176\u11a8\u11c2\u11c3\u3131é")
	for range 50000 {
		s := randomFrom(rng, alphabet, 10)
		if got, ok := composeHangul(s); ok && (got != norm.NFC.String(s) || !isPlain(got)) {
			t.Fatalf("composeHangul(%q) = %q, NFC %q", s, got, norm.NFC.String(s))
		}
	}
	for _, s := range []string{"상태 관리", "Docker 템플릿", "각", "HTTP_테스트-Goal", "힣", "가 각 갂", ""} {
		d := norm.NFD.String(s)
		if got, ok := composeHangul(d); !ok || got != s {
			t.Errorf("composeHangul(NFD %q) = %q, %v; want it composed", s, got, ok)
		}
	}
	for _, s := range []string{"\u1100", "\u1161", "\u11a8", "가\u1161", "각\u11a8", "\u1113\u1161", "e\u0301"} {
		if got, ok := composeHangul(s); ok {
			t.Errorf("composeHangul(%q) = %q: composed what NFC leaves", s, got)
		}
	}
}

// TestStepsShareKeys holds the climb of a plain name to one key per
// distinct key, not one per level.
func TestStepsShareKeys(t *testing.T) {
	for _, tt := range []struct {
		s      string
		allocs float64
	}{
		{"cache line", 1},      // the name itself up to compact's "cacheline"
		{"Cache Line", 2},      // "cache line", then "cacheline"
		{"Cache-Line_x", 3},    // "cache-line_x", "cache line x", "cachelinex"
		{"상태 관리", 1},           // the name itself, then "상태관리"
		{"Knowledge  Base", 3}, // "Knowledge Base", "knowledge base", "knowledgebase"
		{"\u1109\u1161\u11bc\u1110\u1162 \u1100\u116a\u11ab\u1105\u1175", 2}, // NFD "상태 관리": composed, then its compact key
	} {
		n := testing.AllocsPerRun(20, func() {
			st := NewSteps(tt.s)
			for _, l := range climb {
				st.Key(l)
				st.Key(l)
			}
		})
		if n != tt.allocs {
			t.Errorf("the climb of %q allocates %v times, want %v", tt.s, n, tt.allocs)
		}
	}
}

func TestPlainKeyReturnsInputUnchanged(t *testing.T) {
	for _, tt := range []struct {
		l Level
		s string
	}{{Unicode, "Cache Line"}, {Case, "cache line"}, {Separators, "상태 관리"}, {Compact, "상태관리"}} {
		k := Key(tt.l, tt.s)
		if k != tt.s || unsafe.StringData(k) != unsafe.StringData(tt.s) {
			t.Errorf("Key(%v, %q) = %q: want the input itself", tt.l, tt.s, k)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Key(Separators, "cache line 5") }); n != 0 {
		t.Errorf("Key on a key allocates %v times", n)
	}
}

func TestLadderIsCumulative(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomName(rng)
		prev := strings.TrimSpace(s)
		for _, l := range Levels {
			k := Key(l, s)
			if Key(l, prev) != k {
				t.Fatalf("Key(%v, Key(%v, %q)) = %q, want Key(%v, s) = %q", l, l-1, s, Key(l, prev), l, k)
			}
			prev = k
		}
	}
}

// climb is every level, exact first, as a climb asks for them.
var climb = append([]Level{Exact}, Levels...)

func FuzzKey(f *testing.F) {
	for _, s := range []string{"Cache Line", "상태 관리", "Ｓｎａｐ", "a-b_c", "\u00a0x", "Haskell -", "_draft", "-", "x\u3000\uff0d", "Cafe\u0301 Ｎｏｔｅ", "  \u1100\u1161 Ｘ ", "a \u0311"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		trimmed := strings.TrimSpace(s)
		for _, l := range Levels {
			if got, want := Key(l, s), generalKey(l, trimmed); got != want {
				t.Fatalf("Key(%v, %q) = %q, general path %q", l, s, got, want)
			}
			if got := AppendKey([]byte("x"), l, s); string(got) != "x"+Key(l, s) {
				t.Fatalf("AppendKey(%v, %q) = %q, Key %q", l, s, got[1:], Key(l, s))
			}
		}
		// Steps gives each level's key, whichever level is asked first.
		up, down := NewSteps(s), NewSteps(s)
		for i, l := range climb {
			if got, want := up.Key(l), Key(l, s); got != want {
				t.Fatalf("Steps.Key(%v) of %q climbing = %q, Key %q", l, s, got, want)
			}
			l = climb[len(climb)-1-i]
			if got, want := down.Key(l), Key(l, s); got != want {
				t.Fatalf("Steps.Key(%v) of %q descending = %q, Key %q", l, s, got, want)
			}
		}
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
		// No level folds away a '-' or '_' at an end of the name, nor
		// a whole name: a name is never equal to one without its edge.
		lead, trail := edgeMarks(Key(Width, s))
		for _, l := range []Level{Separators, Compact} {
			k := Key(l, s)
			if kl, kt := edgeMarks(k); kl != lead || kt != trail {
				t.Fatalf("Key(%v, %q) = %q lost an edge '-' or '_' of %q", l, s, k, Key(Width, s))
			}
			if (k == "") != (trimmed == "") {
				t.Fatalf("Key(%v, %q) = %q", l, s, k)
			}
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

// TestCompactComposesAcrossDroppedSeparators: dropping a separator can put
// a combining mark right after a letter, which NFC then composes (and the
// composed letter may fold again); the key must still be a key of itself.
func TestCompactComposesAcrossDroppedSeparators(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ give, want string }{
		{"A \u0311", "\u0203"},        // a + inverted breve -> ȃ
		{"α \u0345", "\u03b1\u03b9"},  // ᾳ folds to alpha iota
		{"가 \u11a8", "\uac01"},        // a trailing jamo joins the syllable: 각
		{"Cache - Line", "cacheline"}, // nothing to compose
	} {
		got := Key(Compact, tt.give)
		if got != tt.want {
			t.Errorf("Key(compact, %q) = %q, want %q", tt.give, got, tt.want)
		}
		if again := Key(Compact, got); again != got {
			t.Errorf("Key(compact, %q) = %q, not a key of itself (%q)", tt.give, got, again)
		}
	}
}

// TestCaseFoldIsAKeyOfItself checks every rune: folding a folded rune
// changes nothing (x/text alone swaps Cherokee capital and small letters).
func TestCaseFoldIsAKeyOfItself(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := "x" + string(r)
		k := Key(Case, s)
		if again := Key(Case, k); again != k {
			t.Fatalf("Key(case, %q) = %q, and its key is %q", s, k, again)
		}
		if c := CaseOnly(s); CaseOnly(c) != c {
			t.Fatalf("CaseOnly(%q) = %q, and its own is %q", s, c, CaseOnly(c))
		}
	}
	if Key(Case, "\u13c0") != Key(Case, "\uab90") || CaseOnly("\u13c0") != CaseOnly("\uab90") {
		t.Fatal("Cherokee capital and small G do not fold together")
	}
}

// specKey is SPEC §4's separators and compact levels read literally, on top
// of the width key: the separator runs between two other characters become
// one space (or nothing at compact); '-' and '_' in the runs at the ends
// stay, and the whitespace there is one space between two characters (or
// nothing at compact).
func specKey(l Level, s string) string {
	if l < Separators {
		return Key(l, s)
	}
	isSepRune := func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '_' }
	w := Key(Width, s)
	c := strings.TrimFunc(w, isSepRune)
	start := strings.Index(w, c)
	if c == "" {
		start = len(w)
	}
	lead, trail := w[:start], w[start+len(c):]
	joint := " "
	if l == Compact {
		joint = ""
		lead = strings.ReplaceAll(lead, " ", "")
		trail = strings.ReplaceAll(trail, " ", "")
	}
	k := lead + strings.Join(strings.FieldsFunc(c, isSepRune), joint) + trail
	if l == Compact && k != s {
		// Joining can compose what the separators kept apart.
		return specKey(l, k)
	}
	return k
}

// TestSeparatorsFollowSpec compares the keys with the literal reading of
// the rule, on names made mostly of separators and letters.
func TestSeparatorsFollowSpec(t *testing.T) {
	t.Parallel()
	for _, s := range append(plainSamples, "Haskell -", "Haskell - -", "- x -", "_ _x", "x\u3000-", "\u00a0-a-\u00a0", "a \u0311-") {
		for _, l := range []Level{Separators, Compact} {
			if got, want := Key(l, s), specKey(l, s); got != want {
				t.Errorf("Key(%v, %q) = %q, SPEC says %q", l, s, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	runes := []rune("ab- _\t\u00a0\u3000\uff0dA상")
	for range 20000 {
		s := randomFrom(rng, runes, 8)
		for _, l := range []Level{Separators, Compact} {
			if got, want := Key(l, s), specKey(l, s); got != want {
				t.Fatalf("Key(%v, %q) = %q, SPEC says %q", l, s, got, want)
			}
		}
	}
}

// edgeMarks is what no level may fold away: the '-' and '_' at the start
// and at the end of a name, whitespace apart.
func edgeMarks(s string) (lead, trail string) {
	isSepRune := func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '_' }
	c := strings.TrimFunc(s, isSepRune)
	i := strings.Index(s, c)
	if c == "" {
		i = len(s)
	}
	drop := func(x string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '_' {
				return r
			}
			return -1
		}, x)
	}
	return drop(s[:i]), drop(s[i+len(c):])
}

// TestNoKeyDropsAnEdgeMark: two names that share a key on any level have
// the same '-' and '_' at their ends, and the same other characters. Pairs
// are made by changing one name's separators, so that many share a key.
func TestNoKeyDropsAnEdgeMark(t *testing.T) {
	t.Parallel()
	seps := []string{"", " ", "-", "_", "  ", " - ", "\u00a0", "\u3000", "-_"}
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' || r == '_' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	property := func(words []uint8, sepA, sepB []uint8) bool {
		if len(words) > 5 {
			words = words[:5]
		}
		build := func(pick []uint8) string {
			var b strings.Builder
			for i := 0; i <= len(words); i++ {
				if i < len(pick) {
					b.WriteString(seps[int(pick[i])%len(seps)])
				}
				if i < len(words) {
					b.WriteString([]string{"Haskell", "x", "상태", "B"}[int(words[i])%4])
				}
			}
			return b.String()
		}
		a, b := build(sepA), build(sepB)
		for _, l := range Levels {
			if Key(l, a) != Key(l, b) {
				continue
			}
			la, ta := edgeMarks(strings.TrimSpace(a))
			lb, tb := edgeMarks(strings.TrimSpace(b))
			if la != lb || ta != tb || letters(a) != letters(b) {
				t.Errorf("%q and %q share the %v key %q", a, b, l, Key(l, a))
				return false
			}
		}
		return true
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 5000, Rand: mathrand.New(mathrand.NewSource(7))}); err != nil {
		t.Error(err)
	}
}
