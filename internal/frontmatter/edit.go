package frontmatter

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/relinkmd/relink/internal/splice"
)

// The edits below change one top-level key of a note's frontmatter as a
// byte-range splice: every other byte of the file stays as written
// (comments, order, quoting, line endings). Each edit is checked by
// parsing the result: the key must hold the new value and every other
// key its old one, or the edit is refused; a frontmatter written in a
// form the splice cannot safely extend (a flow mapping, say) is refused
// rather than rewritten.

// ErrUnsupported is returned when a frontmatter cannot be edited by a
// splice that keeps every other byte.
var ErrUnsupported = errors.New("frontmatter written in a form relink does not edit")

// SetKey returns the edit that gives the top-level key the YAML value
// text value (written as given: quote it with Quote). An existing value
// is replaced, a missing key is added as the block's last line, and a
// note without frontmatter gets a new block at its start (after a BOM).
func SetKey(src []byte, key, value string) (splice.Edit, error) {
	b, ok := Split(src)
	eol := lineEnding(src)
	var e splice.Edit
	switch {
	case !ok:
		e = splice.Edit{Start: b.Body, End: b.Body, New: "---" + eol + key + ": " + value + eol + "---" + eol}
	default:
		ent, found := findKey(src, b, key)
		if found {
			end := ent.end
			if end == ent.lineEnd {
				// A value on the key's line: its trailing comment stays.
				end = ent.value + len(bytes.TrimRight(stripComment(src[ent.value:ent.lineEnd]), " \t\r"))
			}
			e = splice.Edit{Start: ent.value, End: end, New: " " + value}
		} else {
			e = splice.Edit{Start: b.End, End: b.End, New: key + ": " + value + eol}
		}
	}
	e.Old = string(src[e.Start:e.End])
	want, err := decodeAny(value)
	if err != nil {
		return splice.Edit{}, fmt.Errorf("value %s: %w", value, err)
	}
	if err := checkEdit(src, e, key, func(old any, had bool) any { return want }); err != nil {
		return splice.Edit{}, err
	}
	return e, nil
}

// AddToList returns the edit that appends item to the list under the
// top-level key (aliases, say): before the closing "]" of an inline
// list, as a "- item" line after the last of a block list (with its
// indent), "[old, item]" for a single plain value, a block list for an
// empty key, and a new key (a block list) when the key is missing.
// changed is false, and there is no edit, when the list holds item
// already.
func AddToList(src []byte, key, item string) (e splice.Edit, changed bool, err error) {
	if strings.TrimSpace(item) == "" {
		return splice.Edit{}, false, errors.New("an empty item names nothing")
	}
	b, ok := Split(src)
	old := map[string]any{}
	if ok {
		if err := yaml.Unmarshal(src[b.Start:b.End], &old); err != nil {
			return splice.Edit{}, false, fmt.Errorf("frontmatter: %w", err)
		}
	}
	for _, s := range list(old[key]) {
		if s == item {
			return splice.Edit{}, false, nil
		}
	}
	eol := lineEnding(src)
	q := Quote(item)
	switch {
	case !ok:
		e = splice.Edit{Start: b.Body, End: b.Body, New: "---" + eol + key + ":" + eol + "  - " + q + eol + "---" + eol}
	default:
		ent, found := findKey(src, b, key)
		if !found {
			e = splice.Edit{Start: b.End, End: b.End, New: key + ":" + eol + "  - " + q + eol}
			break
		}
		inline := bytes.TrimSpace(stripComment(src[ent.value:ent.lineEnd]))
		switch {
		case len(inline) == 0 && ent.end > ent.lineEnd:
			// A block list: a line like its last item's, after it.
			indent := itemIndent(src, ent.lineEnd, ent.end)
			e = splice.Edit{Start: ent.end, End: ent.end, New: eol + indent + q}
		case len(inline) == 0:
			e = splice.Edit{Start: ent.lineEnd, End: ent.lineEnd, New: eol + "  - " + q}
		case old[key] == nil && ent.end == ent.lineEnd:
			// "key: ~" or "key: null": the list replaces the null.
			start := ent.value + bytes.Index(src[ent.value:ent.lineEnd], inline)
			e = splice.Edit{Start: start, End: start + len(inline), New: "[" + q + "]"}
		case inline[0] == '[' && inline[len(inline)-1] == ']' && ent.end == ent.lineEnd:
			closing := ent.value + bytes.LastIndexByte(src[ent.value:ent.lineEnd], ']')
			at := closing
			for at > ent.value && (src[at-1] == ' ' || src[at-1] == '\t') {
				at--
			}
			sep := ", "
			if src[at-1] == '[' {
				sep = ""
			}
			e = splice.Edit{Start: at, End: at, New: sep + q}
		case ent.end == ent.lineEnd && inline[0] != '[' && inline[0] != '{' && inline[0] != '|' && inline[0] != '>' && inline[0] != '&' && inline[0] != '*' && inline[0] != '!':
			// One value: it becomes the list's first item.
			start := ent.value + bytes.Index(src[ent.value:ent.lineEnd], inline)
			e = splice.Edit{Start: start, End: start + len(inline), New: "[" + string(inline) + ", " + q + "]"}
		default:
			return splice.Edit{}, false, fmt.Errorf("%s: %w", key, ErrUnsupported)
		}
	}
	e.Old = string(src[e.Start:e.End])
	err = checkEdit(src, e, key, func(old any, had bool) any {
		var l []any
		switch x := old.(type) {
		case []any:
			l = append(l, x...)
		case nil:
		default:
			l = append(l, x)
		}
		return append(l, item)
	})
	if err != nil {
		return splice.Edit{}, false, err
	}
	return e, true, nil
}

// Quote writes s as a YAML scalar that reads back as the string s: plain
// when that is safe anywhere (a list item, a flow list), double-quoted
// otherwise. s must be valid UTF-8.
func Quote(s string) string {
	if plainSafe(s) {
		if v, err := decodeAny(s); err == nil {
			if str, ok := v.(string); ok && str == s {
				return s
			}
		}
	}
	return strconv.Quote(s)
}

func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '-' || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '_' && r != '-' && r != '.' && r != '(' && r != ')' && r != '/' {
			return false
		}
	}
	return true
}

// entry is where a top-level key's entry lies: value is the offset after
// its ':', lineEnd the end of the key's line (before its line ending),
// end the end of the entry's last line, before its line ending.
type entry struct{ value, lineEnd, end int }

// findKey finds the top-level key in the block b: a line that starts
// with the key (plain, or in quotes) and ':'. The entry goes on over the
// lines that belong to its value (indented ones, and "- " items at the
// key's own indent), blank lines and comments after it excluded.
func findKey(src []byte, b Block, key string) (entry, bool) {
	for p := b.Start; p < b.End; {
		l, next := line(src, p)
		if v, ok := keyLine(l, key); ok {
			ent := entry{value: p + v, lineEnd: p + len(l), end: p + len(l)}
			for q := next; q < b.End; {
				l2, n2 := line(src, q)
				t := bytes.TrimSpace(l2)
				switch {
				case len(t) == 0 || t[0] == '#':
				case l2[0] == ' ' || l2[0] == '\t' || l2[0] == '-' && (len(l2) == 1 || l2[1] == ' ' || l2[1] == '\t'):
					ent.end = q + len(l2)
				default:
					return ent, true
				}
				q = n2
			}
			return ent, true
		}
		p = next
	}
	return entry{}, false
}

// keyLine reports whether l is the line of key, and the offset after its
// ':'.
func keyLine(l []byte, key string) (int, bool) {
	for _, k := range []string{key, `"` + key + `"`, `'` + key + `'`} {
		if !bytes.HasPrefix(l, []byte(k)) {
			continue
		}
		i := len(k)
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		if i < len(l) && l[i] == ':' && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t') {
			return i + 1, true
		}
	}
	return 0, false
}

// itemIndent is the text before the value of the last "- " item between
// from and to, so that a new item lines up with it.
func itemIndent(src []byte, from, to int) string {
	indent := "  - "
	for p := from; p < to; {
		l, next := line(src, p)
		t := bytes.TrimLeft(l, " \t")
		if len(t) > 0 && t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\t') {
			j := 1
			for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
				j++
			}
			if j == 1 {
				indent = string(l[:len(l)-len(t)]) + "- "
			} else {
				indent = string(l[:len(l)-len(t)+j])
			}
		}
		p = next
	}
	return indent
}

// stripComment removes a " #" comment from a line's value part (outside
// quotes).
func stripComment(v []byte) []byte {
	var quote byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || v[i-1] == ' ' || v[i-1] == '\t'):
			return v[:i]
		}
	}
	return v
}

// lineEnding is the file's line ending: that of its first line, "\n"
// when it has none.
func lineEnding(src []byte) string {
	if n := bytes.IndexByte(src, '\n'); n > 0 && src[n-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func decodeAny(text string) (any, error) {
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// checkEdit parses the frontmatter before and after e: the key must hold
// want(old value) and every other key its old value.
func checkEdit(src []byte, e splice.Edit, key string, want func(old any, had bool) any) error {
	old := map[string]any{}
	if b, ok := Split(src); ok {
		if err := yaml.Unmarshal(src[b.Start:b.End], &old); err != nil {
			return fmt.Errorf("frontmatter: %w", err)
		}
	}
	out, err := splice.Apply(src, []splice.Edit{e})
	if err != nil {
		return err
	}
	b, ok := Split(out)
	if !ok {
		return ErrUnsupported
	}
	got := map[string]any{}
	if err := yaml.Unmarshal(out[b.Start:b.End], &got); err != nil {
		return fmt.Errorf("%s: %w", key, ErrUnsupported)
	}
	ov, had := old[key]
	if !reflect.DeepEqual(got[key], want(ov, had)) || len(got) != len(old)+boolInt(!had) {
		return fmt.Errorf("%s: %w", key, ErrUnsupported)
	}
	for k, v := range old {
		if k != key && !reflect.DeepEqual(got[k], v) {
			return fmt.Errorf("%s: %w", key, ErrUnsupported)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
