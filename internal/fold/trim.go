package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TrimSpace is strings.TrimSpace, quick for a string that starts and ends
// with a rune that is not a space whatever its script: strings.TrimSpace
// takes a slow path for any string that does not start with ASCII, such
// as most names and link targets of a vault written in Korean, and names
// are trimmed at every step of reading and resolving them.
func TrimSpace(s string) string {
	if s == "" {
		return s
	}
	first, last := rune(s[0]), rune(s[len(s)-1])
	if first >= utf8.RuneSelf {
		first, _ = utf8.DecodeRuneInString(s)
	}
	if last >= utf8.RuneSelf {
		last, _ = utf8.DecodeLastRuneInString(s)
	}
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return strings.TrimSpace(s)
	}
	return s
}
