package markdown

import (
	"bytes"
	"unicode/utf8"
)

// HTML blocks and inline HTML, hand-written equivalents of goldmark's
// regular expressions (parser/html_block.go, parser/raw_html.go).

var allowedBlockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "base": true, "basefont": true,
	"blockquote": true, "body": true, "caption": true, "center": true, "col": true,
	"colgroup": true, "dd": true, "details": true, "dialog": true, "dir": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "frame": true, "frameset": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"head": true, "header": true, "hr": true, "html": true, "iframe": true,
	"legend": true, "li": true, "link": true, "main": true, "menu": true,
	"menuitem": true, "meta": true, "nav": true, "noframes": true, "ol": true,
	"optgroup": true, "option": true, "p": true, "param": true, "search": true,
	"section": true, "summary": true, "table": true, "tbody": true, "td": true,
	"tfoot": true, "th": true, "thead": true, "title": true, "tr": true,
	"track": true, "ul": true,
}

func isBlockTag(name []byte) bool {
	if len(name) > 10 {
		return false
	}
	var buf [10]byte
	for i, c := range name {
		buf[i] = lower(c)
	}
	return allowedBlockTags[string(buf[:len(name)])]
}

var type1Tags = [...]string{"script", "pre", "style", "textarea"}

// htmlBlockOpen returns the HTML block type (1-7) that line starts, or 0.
func htmlBlockOpen(line []byte, lastIsPara bool) int {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i > 3 || i >= len(line) || line[i] != '<' {
		return 0
	}
	tag := line[i:]
	rest := tag[1:]
	for _, name := range type1Tags {
		if hasPrefixFold(rest, name) {
			after := rest[len(name):]
			if len(after) == 0 || after[0] == ' ' || after[0] == '\t' || after[0] == '\n' ||
				after[0] == '\f' || after[0] == '\r' || after[0] == '>' ||
				(len(after) > 1 && after[0] == '/' && after[1] == '>') {
				return 1
			}
		}
	}
	switch {
	case bytes.HasPrefix(rest, []byte("!--")):
		return 2
	case len(rest) > 0 && rest[0] == '?':
		return 3
	case len(rest) > 1 && rest[0] == '!' && rest[1] >= 'A' && rest[1] <= 'Z':
		return 4
	case bytes.HasPrefix(rest, []byte("![CDATA[")):
		return 5
	}
	if name, isClose, hasAttr, ok := matchType7(tag); ok {
		if isBlockTag(name) {
			return 6
		}
		raw := equalFoldASCII(name, "script") || equalFoldASCII(name, "style") || equalFoldASCII(name, "pre")
		if !raw && !lastIsPara && !(isClose && hasAttr) {
			return 7
		}
	}
	// type 6: <tag or </tag, then a space, '>', "/>" or the end of line.
	j := 1
	if j < len(tag) && tag[j] == '/' {
		j++
		for j < len(tag) && tag[j] == ' ' {
			j++
		}
	}
	k := j
	if k >= len(tag) || !isAlpha(tag[k]) {
		return 0
	}
	for k < len(tag) && (isAlnum(tag[k]) || tag[k] == '-') {
		k++
	}
	after := tag[k:]
	if len(after) == 0 || after[0] == ' ' || after[0] == '>' || string(after) == "\n" || string(after) == "\r\n" ||
		(len(after) > 1 && after[0] == '/' && after[1] == '>') {
		if isBlockTag(tag[j:k]) {
			return 6
		}
	}
	return 0
}

// matchType7 matches a whole line that is one open or closing tag:
// goldmark's htmlBlockType7Regexp without the leading spaces.
func matchType7(tag []byte) (name []byte, isClose, hasAttr, ok bool) {
	if len(tag) < 2 || tag[0] != '<' {
		return nil, false, false, false
	}
	i := 1
	if tag[i] == '/' {
		i++
		isClose = true
		if i < len(tag) && tag[i] == ' ' {
			isClose = false // goldmark compares the group "/ *" with "/"
		}
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
	}
	if i >= len(tag) || !isAlpha(tag[i]) {
		return nil, false, false, false
	}
	ns := i
	for i < len(tag) && (isAlnum(tag[i]) || tag[i] == '-') {
		i++
	}
	name = tag[ns:i]
	attrStart := i
	i = lineAttributes(tag, i)
	hasAttr = i != attrStart
	for i < len(tag) && tag[i] == ' ' {
		i++
	}
	switch {
	case i < len(tag) && tag[i] == '>':
		i++
	case i+1 < len(tag) && tag[i] == '/' && tag[i+1] == '>':
		i += 2
	default:
		return nil, false, false, false
	}
	for i < len(tag) && tag[i] == ' ' {
		i++
	}
	rest := tag[i:]
	if len(rest) == 0 || string(rest) == "\n" || string(rest) == "\r\n" {
		return name, isClose, hasAttr, true
	}
	return nil, false, false, false
}

func isAttrSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isAttrNameStart(c byte) bool { return isAlpha(c) || c == '_' || c == ':' }

func isAttrNameChar(c byte) bool {
	return isAlnum(c) || c == '_' || c == ':' || c == '.' || c == '-'
}

func isUnquotedChar(c byte) bool {
	return c > 0x20 && c != '"' && c != '\'' && c != '=' && c != '<' && c != '>' && c != '`'
}

// lineAttributes skips attributes in b from i (within one line) and
// returns where they end. (goldmark matches block HTML on bytes, so any
// byte that is not excluded, valid UTF-8 or not, may be in a value.)
func lineAttributes(b []byte, i int) int {
	for {
		j := i
		for j < len(b) && isAttrSpace(b[j]) {
			j++
		}
		if j == i || j >= len(b) || !isAttrNameStart(b[j]) {
			return i
		}
		j++
		for j < len(b) && isAttrNameChar(b[j]) {
			j++
		}
		i = j
		// optional value
		for j < len(b) && isAttrSpace(b[j]) {
			j++
		}
		if j >= len(b) || b[j] != '=' {
			continue
		}
		j++
		for j < len(b) && isAttrSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			continue
		}
		switch q := b[j]; q {
		case '"', '\'':
			k := bytes.IndexByte(b[j+1:], q)
			if k < 0 {
				continue
			}
			i = j + 1 + k + 1
		default:
			k := j
			for k < len(b) && isUnquotedChar(b[k]) {
				k++
			}
			if k > j {
				i = k
			}
		}
	}
}

// validRunes reports whether b has no invalid UTF-8 and no U+FFFD: goldmark
// feeds its regular expressions through a rune reader that stops at them.
func validRunes(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError {
			return false
		}
		i += n
	}
	return true
}

// htmlBlockCloses reports whether line holds the end condition of an HTML
// block of type 1-5.
func htmlBlockCloses(t uint8, line []byte) bool {
	switch t {
	case 1:
		for i := 0; ; {
			k := bytes.Index(line[i:], []byte("</"))
			if k < 0 {
				return false
			}
			i += k + 2
			for _, name := range type1Tags {
				if hasPrefixFold(line[i:], name) && len(line) > i+len(name) && line[i+len(name)] == '>' {
					// goldmark's regexp needs no '\n' before the tag.
					return bytes.IndexByte(line[:i], '\n') < 0
				}
			}
		}
	case 2:
		return bytes.Contains(line, []byte("-->"))
	case 3:
		return bytes.Contains(line, []byte("?>"))
	case 4:
		return bytes.IndexByte(line, '>') >= 0
	case 5:
		return bytes.Contains(line, []byte("]]>"))
	}
	return false
}

// Autolinks: goldmark's util.FindURLIndex and util.FindEmailIndex, with
// its tables (github.com/yuin/goldmark, MIT licence).

var urlTable = [256]uint8{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 1, 5, 5, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 0, 1, 0, 1, 1, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1} //nolint:lll

var emailTable = [256]uint8{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} //nolint:lll

func findURLIndex(b []byte) int {
	if !(len(b) > 0 && urlTable[b[0]]&7 == 7) {
		return -1
	}
	i := 1
	for i < len(b) && urlTable[b[i]]&4 == 4 {
		i++
	}
	if i == 1 || i > 33 || i >= len(b) || b[i] != ':' {
		return -1
	}
	i++
	for i < len(b) && urlTable[b[i]]&1 == 1 {
		i++
	}
	return i
}

func findEmailIndex(b []byte) int {
	i := 0
	lim := min(len(b), 64)
	for i < lim && emailTable[b[i]]&1 == 1 {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != '@' {
		return -1
	}
	i++
	if i >= len(b) {
		return -1
	}
	n := matchDomain(b[i:min(len(b), i+256)])
	if n < 0 || n > 255 {
		return -1
	}
	return i + n
}

// matchDomain is the leftmost-first match of
// ^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*
// or -1.
func matchDomain(b []byte) int {
	label := func(i int) int { // end of the label at i, or -1
		if i >= len(b) || !isAlnum(b[i]) {
			return -1
		}
		end := i + 1
		for j := i + 1; j < len(b) && j <= i+62 && (isAlnum(b[j]) || b[j] == '-'); j++ {
			if isAlnum(b[j]) {
				end = j + 1
			}
		}
		return end
	}
	i := label(0)
	if i < 0 {
		return -1
	}
	for i < len(b) && b[i] == '.' {
		e := label(i + 1)
		if e < 0 {
			break
		}
		i = e
	}
	return i
}
