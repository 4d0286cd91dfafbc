package report

import (
	"github.com/relinkmd/relink/internal/filename"
)

// Name returns a file name as text output shows it: see [filename.Quote].
func Name(s string) string { return filename.Quote(s) }

// DiffName returns prefix+file as a diff header names it. A name that Name
// would quote is quoted whole, prefix and all, the way git quotes it
// (quote_c_style, core.quotePath's default): in double quotes, with \" \\
// \a \b \t \n \v \f \r, and every other control byte and every byte
// above ASCII as three octal digits ("a/new\nline.md", "a/caf\351.md").
// Those are the only escapes that git apply and patch(1) read back: Go's
// \xe9 or \u2028 in a header made them look for another file.
func DiffName(prefix, file string) string {
	if filename.IsPlain(file) {
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
func AppendName(b []byte, s string) []byte { return filename.AppendQuote(b, s) }
