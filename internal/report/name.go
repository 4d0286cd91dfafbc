package report

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Name returns a file name as text output shows it: as it is when it is
// valid UTF-8 made of graphic characters (letters, marks, numbers,
// punctuation, symbols, spaces) and does not start with a double quote;
// otherwise quoted the way Go quotes a string ("new\nline.md",
// "caf\xe9.md", "sep\u2028.md"). A file system allows any byte but '/' and
// NUL in a name: printed raw, a newline would split one finding into two
// lines, and an invalid byte would reach the terminal as U+FFFD, the name
// of another file. Quoted, every name reads back to its exact bytes
// (strconv.Unquote), and a quoted name is told from a plain one by its
// first character.
func Name(s string) string {
	if plainName(s) {
		return s
	}
	return strconv.Quote(s)
}

// DiffName returns prefix+file as a diff header names it. A name that Name
// would quote is quoted whole, prefix and all, the way git quotes it
// (quote_c_style, core.quotePath's default): in double quotes, with \" \\
// \a \b \t \n \v \f \r, and every other control byte and every byte
// above ASCII as three octal digits ("a/new\nline.md", "a/caf\351.md").
// Those are the only escapes that git apply and patch(1) read back: Go's
// \xe9 or \u2028 in a header made them look for another file.
func DiffName(prefix, file string) string {
	if plainName(file) {
		return prefix + file
	}
	return gitQuote(prefix + file)
}

// gitQuote quotes s as git's quote_c_style does.
func gitQuote(s string) string {
	b := make([]byte, 0, len(s)+8)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\a':
			b = append(b, `\a`...)
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\v':
			b = append(b, `\v`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			if c < 0x20 || c >= 0x7f {
				b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			} else {
				b = append(b, c)
			}
		}
	}
	return string(append(b, '"'))
}

// AppendName appends Name(s) to b.
func AppendName(b []byte, s string) []byte {
	if plainName(s) {
		return append(b, s...)
	}
	return strconv.AppendQuote(b, s)
}

func plainName(s string) bool {
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
