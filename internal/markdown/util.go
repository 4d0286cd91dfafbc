package markdown

// Character classes, matching goldmark's util package byte for byte: the
// differential test holds us to goldmark, so "space" means ' ', '\t', '\n'
// and '\r' (not '\v' or '\f'), and "punct" means ASCII punctuation.

const (
	cSpace = 1 << iota
	cPunct
	cAlnum
)

var class = func() (t [256]uint8) {
	for _, c := range []byte{' ', '\t', '\n', '\r'} {
		t[c] |= cSpace
	}
	for c := 0; c < 128; c++ {
		switch {
		case c >= '!' && c <= '/', c >= ':' && c <= '@', c >= '[' && c <= '`', c >= '{' && c <= '~':
			t[c] |= cPunct
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			t[c] |= cAlnum
		}
	}
	return t
}()

func isSpace(c byte) bool { return class[c]&cSpace != 0 }
func isPunct(c byte) bool { return class[c]&cPunct != 0 }
func isAlnum(c byte) bool { return class[c]&cAlnum != 0 }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isBlank reports whether b holds only spaces (an empty b is blank).
func isBlank(b []byte) bool {
	for _, c := range b {
		if class[c]&cSpace == 0 {
			return false
		}
	}
	return true
}

func tabWidth(col int) int { return 4 - col%4 }

// indentWidth returns the width in columns of the leading spaces and tabs of
// b, which starts at column col, and the number of bytes they take.
func indentWidth(b []byte, col int) (width, pos int) {
	for _, c := range b {
		switch c {
		case ' ':
			width++
		case '\t':
			width += tabWidth(col + width)
		default:
			return width, pos
		}
		pos++
	}
	return width, pos
}

// indentPosition finds where an indent of width columns ends in b; b starts
// at column col and its first pad bytes are virtual spaces (a tab partly
// consumed by a container). It returns the byte position (minus pad) and the
// columns of a tab that overshoot width, or -1, -1 if b is not indented
// enough.
func indentPosition(b []byte, col, pad, width int) (pos, padding int) {
	if width == 0 {
		return 0, pad
	}
	w, i, p := 0, 0, pad
	for ; i < len(b); i++ {
		if p > 0 {
			p--
			w++
			continue
		}
		if b[i] == '\t' && w < width {
			w += tabWidth(col + w)
		} else if b[i] == ' ' && w < width {
			w++
		} else {
			break
		}
	}
	if w >= width {
		return i - pad, w - width
	}
	return -1, -1
}

func trimLeftSpaceLen(b []byte) int {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func trimRightSpaceLen(b []byte) int {
	i := len(b)
	for i > 0 && isSpace(b[i-1]) {
		i--
	}
	return len(b) - i
}

// lower returns an ASCII letter in lower case.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// equalFoldASCII reports whether b equals the lower-case ASCII word s,
// ignoring case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFoldASCII(b[:len(s)], s)
}
