// Package fold computes the normalization keys of the resolution ladder
// (SPEC §4): two spellings are equal at a level when their keys are equal.
// Each level includes every level before it.
//
//	unicode     NFC, trimmed, runs of whitespace → one space   "상태 관리" (NFD) = "상태 관리"
//	case        + full Unicode case folding                    "Cache Line" = "cache line"
//	width       + full-width/half-width folding                "Ｓｎａｐ" = "Snap", U+3000 = " "
//	separators  + space, '-', '_', NBSP runs → one separator   "Cache-Line" = "cache line"
//	compact     + separators removed                           "상태관리" = "상태 관리"
//
// A separator is a run between two other characters only: a '-' or '_' at
// the start or end of a name is part of it, on every level ("Haskell -",
// the note about the operator, is never "Haskell", and "-" never folds to
// nothing).
//
// Width folding is deliberately not NFKC: NFKC would also merge "①" with "1"
// and "ﬁ" with "fi", which are distinct titles.
package fold

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Level is a rung of the ladder. Exact (the zero value) is below the ladder:
// byte equality after trimming.
type Level int

const (
	Exact Level = iota
	Unicode
	Case
	Width
	Separators
	Compact
)

// Levels lists the ladder from the lowest rung up.
var Levels = []Level{Unicode, Case, Width, Separators, Compact}

var names = [...]string{"exact", "unicode", "case", "width", "separators", "compact"}

func (l Level) String() string {
	if l >= 0 && int(l) < len(names) {
		return names[l]
	}
	return fmt.Sprintf("level(%d)", int(l))
}

// ParseLevel reads a level name as written in flags and config.
func ParseLevel(s string) (Level, error) {
	for i, n := range names {
		if n == s && i > 0 {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want unicode, case, width, separators or compact)", s)
}

// Key returns the key of s at level l.
func Key(l Level, s string) string {
	s = TrimSpace(s)
	if l == Exact {
		return s
	}
	if k, ok := plainKey(l, s); ok {
		return k
	}
	return generalKey(l, s)
}

// generalKey is Key for any trimmed s: NFC, width and case folding through
// x/text, then separators.
func generalKey(l Level, s string) string {
	return settle(l, foldOnce(l, s))
}

// settle finishes a key k of level l that foldOnce made. At Compact,
// dropping separators can join a combining mark to the letter before the
// space ("a \u0311" -> "ȃ"), and what composes may fold again (U+1FB3
// folds to "αι"): a key must be a key of itself, so k is folded again
// until nothing moves. Each round only composes or shortens, so this ends
// within a few rounds.
func settle(l Level, k string) string {
	if l != Compact {
		return k
	}
	for i := 0; i < 8; i++ {
		next := foldOnce(l, k)
		if next == k {
			break
		}
		k = next
	}
	return k
}

// Steps computes the keys of one string level by level, as a climb up the
// ladder asks for them: Key(l) equals the package's Key(l, s) for every
// level, but what the levels have in common (valid UTF-8 and NFC, case
// folding, width folding) is done once, not once a level. The zero value is
// not ready: use NewSteps.
type Steps struct {
	s     string // trimmed
	plain bool   // ASCII and Hangul syllables only: plainKey's fast path
	// composed is s in NFC when s is plain but for conjoining jamo that
	// compose (composeHangul), the decomposed Korean of some file
	// systems and editors; plainKey then keys it above Exact.
	composed string
	// Of a plain s: whether it has an upper-case letter, and a '-' or
	// '_'; and the keys computed so far (bit l of have for keys[l]).
	// Several levels often share one key, and a climb asks for each
	// level of the link and of every name under its top key.
	upper, dash bool
	have        uint8
	keys        [Compact + 1]string
	// The string before separate, per level: unicode, case, and width
	// (which separators and compact share); set on first use.
	unicode, cased, wide string
	done                 uint8
}

const (
	stepUnicode = 1 << iota
	stepCase
	stepWidth
)

// NewSteps starts the keys of s.
func NewSteps(s string) Steps {
	s = TrimSpace(s)
	st := Steps{s: s, plain: isPlain(s)}
	if !st.plain {
		st.composed, st.plain = composeHangul(s)
	}
	if st.plain {
		s := st.plainString()
		for i := 0; i < len(s); i++ {
			c := s[i]
			st.upper = st.upper || 'A' <= c && c <= 'Z'
			st.dash = st.dash || c == '-' || c == '_'
		}
	}
	return st
}

// plainString is the plain string whose keys are s's above Exact: s, or
// s composed.
func (st *Steps) plainString() string {
	if st.composed != "" {
		return st.composed
	}
	return st.s
}

// The Hangul jamo that compose into syllables (Unicode §3.12).
const (
	hangulBase = 0xAC00
	jamoL      = 0x1100 // the leading consonants start here
	jamoV      = 0x1161 // the vowels
	jamoT      = 0x11A7 // the trailing consonants follow it
	countL     = 19
	countV     = 21
	countT     = 28 // 27 and none
)

// composeHangul returns s in NFC and true when s holds only ASCII, Hangul
// syllables and conjoining jamo that NFC composes into syllables with what
// precedes them (a leading consonant and a vowel; a syllable without a
// trailing consonant and one): NFC of such a string is the standard's
// arithmetic composition, and the result is plain. Anything else (another
// rune, a jamo left alone) gives false.
func composeHangul(s string) (string, bool) {
	b := make([]byte, 0, len(s)) // composing never lengthens
	last := rune(-1)             // the syllable or jamo last written, while it may compose
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		switch {
		case r < utf8.RuneSelf || isHangulSyllable(r):
			b = utf8.AppendRune(b, r)
			last = r
			continue
		case r >= jamoV && r < jamoV+countV && last >= jamoL && last < jamoL+countL:
			// Leading consonant + vowel: replace the consonant.
			b = b[:len(b)-utf8.RuneLen(last)]
			last = hangulBase + ((last-jamoL)*countV+(r-jamoV))*countT
			b = utf8.AppendRune(b, last)
			continue
		case r > jamoT && r < jamoT+countT && isHangulSyllable(last) && (last-hangulBase)%countT == 0:
			// Syllable without a trailing consonant + one.
			b = b[:len(b)-utf8.RuneLen(last)]
			last += r - jamoT
			b = utf8.AppendRune(b, last)
			continue
		case r >= jamoL && r < jamoL+countL:
			// A leading consonant composes only with a vowel after it.
			b = utf8.AppendRune(b, r)
			last = r
			continue
		}
		return "", false
	}
	// b is not written again: the result shares it.
	c := unsafe.String(unsafe.SliceData(b), len(b))
	if !isPlain(c) {
		return "", false // a leading consonant left alone
	}
	return c, true
}

// plainLevel is the lowest level whose key of a plain string equals its
// key at l, as plainKey computes it: width folding changes no ASCII letter
// nor Hangul syllable, case folding changes nothing without an upper-case
// letter, and the separators level only adds '-' and '_' to the
// separators.
func (st *Steps) plainLevel(l Level) Level {
	if l == Separators && !st.dash {
		l = Width
	}
	if l == Width {
		l = Case
	}
	if l == Case && !st.upper {
		l = Unicode
	}
	return l
}

// isPlain reports whether plainKey takes s: ASCII and Hangul syllables.
func isPlain(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isHangulSyllable(r) {
			return false
		}
		i += n
	}
	return true
}

// Key returns the key of the string at level l.
func (st *Steps) Key(l Level) string {
	if l == Exact {
		return st.s
	}
	if st.plain {
		l = st.plainLevel(l)
		if st.have&(1<<l) == 0 {
			st.keys[l], _ = plainKey(l, st.plainString())
			st.have |= 1 << l
		}
		return st.keys[l]
	}
	return settle(l, separate(l, st.before(l)))
}

// before is foldOnce(l, s) without its last step, separate.
func (st *Steps) before(l Level) string {
	if st.done&stepUnicode == 0 {
		st.unicode, st.done = nfc(validUTF8(st.s)), st.done|stepUnicode
	}
	if l < Case {
		return st.unicode
	}
	if l < Width || !hasWide(st.unicode) {
		if st.done&stepCase == 0 {
			st.cased, st.done = nfc(foldCase(st.unicode)), st.done|stepCase
		}
		return st.cased
	}
	if st.done&stepWidth == 0 {
		st.wide, st.done = nfc(foldCase(width.Fold.String(st.unicode))), st.done|stepWidth
	}
	return st.wide
}

func foldOnce(l Level, s string) string {
	s = nfc(validUTF8(s))
	if l >= Width && hasWide(s) {
		// Fold before case folding so that full-width letters fold too.
		s = width.Fold.String(s)
	}
	if l >= Case {
		s = nfc(foldCase(s))
	}
	return separate(l, s)
}

// foldCase is full Unicode case folding. x/text's folder swaps Cherokee
// capital and small letters (each folds to the other, so folding twice
// gives back the input); Unicode's CaseFolding.txt folds the small letters
// to the capitals, which is what a key needs to be a key of itself.
func foldCase(s string) string {
	c := folders.Get().(*cases.Caser)
	s = c.String(s)
	folders.Put(c)
	if !hasCherokee(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xAB70 && r <= 0xABBF: // small letters A..YA
			r = r - 0xAB70 + 0x13A0
		case r >= 0x13F8 && r <= 0x13FD: // small letters YE..MV
			r -= 8
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hasCherokee(s string) bool {
	for _, r := range s {
		if r >= 0x13A0 && r <= 0x13FD || r >= 0xAB70 && r <= 0xABBF {
			return true
		}
	}
	return false
}

// folders reuses case folders: building one per key was a large share of
// the ladder's cost on non-ASCII vaults.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as ranging over s reads it. It comes before NFC: x/text's
// normalizer leaves a combining mark after an invalid byte as it is
// ("\xf4\u0340"), and the key would then change when computed again.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// nfc returns s itself when its quick check passes, as nearly every title
// does. (It used to ask IsNormalString first: for a string that is not NFC,
// which is when this matters, that built x/text's reorder buffer twice.)
func nfc(s string) string {
	return norm.NFC.String(s)
}

// hasWide reports whether s has a rune that width folding may change:
// the half-width and full-width forms block, U+3000, and the wide/narrow
// symbol ranges x/text/width folds.
func hasWide(s string) bool {
	for _, r := range s {
		if r >= 0xFF00 && r <= 0xFFEF || r == 0x3000 || r >= 0x20A9 && r <= 0x25EF || r >= 0x2985 && r <= 0x2986 || r >= 0x3131 && r <= 0x318E {
			return true
		}
	}
	return false
}

// separate collapses whitespace (and, from Separators up, '-' and '_') runs
// into one space, or drops them at Compact. Only a run between two other
// characters is a separator: a '-' or '_' at the start or end of a name is
// part of the name ("Haskell -", about the operator, is not "Haskell";
// "_draft" is not "draft"). In such an edge run the '-' and '_' stay, and
// the whitespace around them is whitespace between two characters: one
// space, or none at Compact ("Haskell -" and "Haskell  -" are equal at
// Separators, and equal "Haskell-" only at Compact). s is trimmed.
func separate(l Level, s string) string {
	lo, hi := core(l, s)
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i, r := range s {
		if isSep(l, r) {
			if i < lo || i >= hi {
				if r == '-' || r == '_' {
					// Part of the name: the whitespace before it is
					// one space between two characters.
					if pending && l != Compact {
						b.WriteByte(' ')
					}
					pending = false
					b.WriteRune(r)
					continue
				}
			}
			pending = true
			continue
		}
		if pending && b.Len() > 0 && l != Compact {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
	}
	return b.String()
}

// core returns the byte span of s from its first to the end of its last
// rune that is not a separator at level l (lo == hi == len(s) when there is
// none): the runs outside it are at the edges of the name.
func core(l Level, s string) (lo, hi int) {
	lo = len(s)
	for i, r := range s {
		if !isSep(l, r) {
			if lo == len(s) {
				lo = i
			}
			hi = i + utf8.RuneLen(r)
		}
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func isSep(l Level, r rune) bool {
	if unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000' {
		return true
	}
	return l >= Separators && (r == '-' || r == '_')
}

// isHangulSyllable reports whether r is a precomposed Hangul syllable: NFC
// leaves it alone (only a conjoining jamo after it would compose), and case
// and width folding do not touch it.
func isHangulSyllable(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

// plainKey is the fast path for trimmed strings of ASCII and Hangul
// syllables, the bulk of Latin and Korean names and links: NFC and width
// folding are identities there and case folding is ASCII lowering. It
// returns s itself, without allocating, when the level changes nothing.
// ok is false for any other rune; generalKey handles those.
func plainKey(l Level, s string) (key string, ok bool) {
	p, ok := scanPlain(l, s)
	if !ok {
		return "", false
	}
	if p.clean(s) {
		return s, true
	}
	buf := p.appendKey(make([]byte, 0, len(s)), s)
	// buf is not written again: the key shares it rather than copy it.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), true
}

// AppendKey appends Key(l, s) to dst: the same bytes, without allocating
// a string for a name of ASCII and Hangul syllables (a caller that only
// hashes the key, for one).
func AppendKey(dst []byte, l Level, s string) []byte {
	s = TrimSpace(s)
	if l == Exact {
		return append(dst, s...)
	}
	p, ok := scanPlain(l, s)
	switch {
	case !ok:
		return append(dst, generalKey(l, s)...)
	case p.clean(s):
		return append(dst, s...)
	}
	return p.appendKey(dst, s)
}

// plainScan is what scanPlain finds of a plain name (ASCII and Hangul
// syllables) on its way through: where its core is, as core does for
// separate, and whether it has an upper-case letter the level lowers.
type plainScan struct {
	l      Level
	lo, hi int
	upper  bool
}

func scanPlain(l Level, s string) (p plainScan, ok bool) {
	p = plainScan{l: l, lo: -1}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isHangulSyllable(r) {
				return p, false
			}
			if p.lo < 0 {
				p.lo = i
			}
			i += n
			p.hi = i
			continue
		}
		if !isASCIISep(l, c) {
			if p.lo < 0 {
				p.lo = i
			}
			p.hi = i + 1
		}
		p.upper = p.upper || l >= Case && 'A' <= c && c <= 'Z'
		i++
	}
	if p.lo < 0 {
		p.lo, p.hi = len(s), len(s)
	}
	return p, true
}

// collapses reports whether the byte of s at i is part of a separator run
// (an edge '-' or '_' is not: it is part of the name).
func (p *plainScan) collapses(s string, i int) bool {
	c := s[i]
	return c < utf8.RuneSelf && isASCIISep(p.l, c) && !((i < p.lo || i >= p.hi) && (c == '-' || c == '_'))
}

// clean reports whether the key of s is s itself.
func (p *plainScan) clean(s string) bool {
	if p.upper {
		return false
	}
	for i := 0; i < len(s); i++ {
		// A separator is kept as is only when it is a single space
		// between two characters that stay, below Compact.
		if p.collapses(s, i) && !(p.l != Compact && s[i] == ' ' && i > 0 && !p.collapses(s, i-1) && i+1 < len(s) && !p.collapses(s, i+1)) {
			return false
		}
	}
	return true
}

// appendKey appends the key of s to dst.
func (p *plainScan) appendKey(dst []byte, s string) []byte {
	start := len(dst)
	pending := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if p.collapses(s, i) {
			pending = true
			continue
		}
		if pending && len(dst) > start && p.l != Compact {
			dst = append(dst, ' ')
		}
		pending = false
		if p.l >= Case && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// isASCIISep is isSep for an ASCII byte.
func isASCIISep(l Level, c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || (l >= Separators && (c == '-' || c == '_'))
}

// CaseOnly folds case and composes to NFC, but keeps whitespace as it is:
// how Obsidian compares a link with a file name.
func CaseOnly(s string) string {
	s = TrimSpace(s)
	if k, ok := plainLower(s); ok {
		return k
	}
	return norm.NFC.String(foldCase(norm.NFC.String(s)))
}

// plainLower is CaseOnly for strings of ASCII and Hangul syllables (see
// plainKey); it returns s itself when s has no upper-case letter.
func plainLower(s string) (string, bool) {
	upper := false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isHangulSyllable(r) {
				return "", false
			}
			i += n
			continue
		}
		upper = upper || 'A' <= c && c <= 'Z'
		i++
	}
	if !upper {
		return s, true
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}
