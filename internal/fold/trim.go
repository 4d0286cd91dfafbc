package fold

import "strings"

// TrimSpace is strings.TrimSpace, quick for a string that starts and ends
// with a rune that is not a space whatever its script: strings.TrimSpace
// takes a slow path for any string that does not start with ASCII, such
// as most names and link targets of a vault written in Korean, and names
// are trimmed at every step of reading and resolving them.
func TrimSpace(s string) string {
	if s == "" {
		return s
	}
	// Only the first byte of each end's rune is read: every white space
	// character past ASCII starts with one of a few bytes (mayBeSpace),
	// and a rune starting otherwise needs no decoding. Invalid UTF-8 is
	// never a space, so strings.TrimSpace decides whatever is unsure.
	last := len(s) - 1
	for i := 0; i < 3 && last > 0 && s[last]&0xC0 == 0x80; i++ {
		last--
	}
	if mayBeSpace[s[0]] || mayBeSpace[s[last]] {
		return strings.TrimSpace(s)
	}
	return s
}

// mayBeSpace marks the bytes a white space character (unicode.IsSpace)
// can start with: the ASCII spaces, and the lead bytes of U+0085 and
// U+00A0 (0xC2), U+1680 (0xE1), U+2000–U+205F (0xE2) and U+3000 (0xE3).
// Continuation bytes (10xxxxxx) are marked too: a string whose end is a
// lone one is not valid UTF-8, for strings.TrimSpace to judge.
var mayBeSpace = func() (t [256]bool) {
	for _, c := range []byte{'\t', '\n', '\v', '\f', '\r', ' ', 0xC2, 0xE1, 0xE2, 0xE3} {
		t[c] = true
	}
	for c := 0x80; c < 0xC0; c++ {
		t[c] = true
	}
	return t
}()
