// Package filename says how text output shows a file name: as it is when
// that is safe, else quoted. A file system allows any byte but '/' and NUL
// in a name: printed raw, a newline would split one line of output into
// two, and an invalid byte would reach the terminal as U+FFFD, the name of
// another file. Every place that prints a name, a message that embeds one
// included, goes through Quote.
package filename

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Quote returns s as it is when it is valid UTF-8 made of graphic
// characters (letters, marks, numbers, punctuation, symbols, spaces) and
// does not start with a double quote; otherwise quoted the way Go quotes a
// string ("new\nline.md", "caf\xe9.md", "sep\u2028.md"). Quoted, every name
// reads back to its exact bytes (strconv.Unquote), and a quoted name is
// told from a plain one by its first character.
func Quote(s string) string {
	if IsPlain(s) {
		return s
	}
	return strconv.Quote(s)
}

// AppendQuote appends Quote(s) to b.
func AppendQuote(b []byte, s string) []byte {
	if IsPlain(s) {
		return append(b, s...)
	}
	return strconv.AppendQuote(b, s)
}

// IsPlain reports whether Quote shows s as it is.
func IsPlain(s string) bool {
	if s != "" && s[0] == '"' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !unicode.IsGraphic(r) {
			return false
		}
		i += size
	}
	return true
}
