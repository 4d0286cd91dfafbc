package frontmatter

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file decodes the common shape of frontmatter without a YAML parser:
//
//	key: plain scalar          # optional comment
//	key   : 'single' or "double quoted, no escapes"
//	key: [flow, [sequence], 'of scalars']
//	key:
//	  - block sequence item   (any of the value forms above)
//
// Keys start at column 0 and are unquoted; values fit on one line. Whatever
// else it meets (nested mappings, multi-line scalars, anchors, tags, block
// scalars, escapes, tabs, duplicate keys, unusual characters, ...) makes
// decodeFast give up, and Decode asks yaml.v3. decodeFast therefore never
// reports an error: it only answers when yaml.v3 would succeed, and then with
// the same values. Plain scalars are resolved as yaml.v3 resolves them
// (resolvePlain), so "id: 0x1F" still reads as "31".

// The keys relink reads, as indexes into decodeFast's values.
const (
	slotTitle = iota
	slotID
	slotCanonicalID
	slotDuplicateOf
	slotAliases
	slotAlias
	nSlots

	slotNone = -1
)

func slotOf(key []byte) int {
	switch string(key) {
	case "title":
		return slotTitle
	case "id":
		return slotID
	case "canonical_id":
		return slotCanonicalID
	case "duplicate_of":
		return slotDuplicateOf
	case "aliases":
		return slotAliases
	case "alias":
		return slotAlias
	}
	return slotNone
}

// maxFlowDepth bounds nested flow sequences ("[[Note]]" is depth 2).
const maxFlowDepth = 4

// maxKeyLen stays well under yaml.v3's 1024-character limit on simple keys.
const maxKeyLen = 256

// decodeFast decodes yamlText if it is in the simple subset described above.
// ok is false when it is not; the caller must then use decodeYAML.
func decodeFast(yamlText []byte) (f Fields, ok bool) {
	if !simpleText(yamlText) {
		return Fields{}, false
	}
	var vals [nSlots]value
	var keyBuf [32][]byte
	keys := keyBuf[:0]
	var keySet map[string]struct{} // the keys, once there are too many to scan

	// After "key:" with no value, block sequence items may follow.
	open := false
	openSlot := slotNone
	seqIndent := -1
	var seq []value
	closeSeq := func() {
		if open && openSlot != slotNone && seqIndent >= 0 {
			vals[openSlot] = value{kind: kindSeq, seq: seq}
		}
		open, openSlot, seqIndent, seq = false, slotNone, -1, nil
	}

	for p := 0; p < len(yamlText); {
		var ln []byte
		if e := bytes.IndexByte(yamlText[p:], '\n'); e < 0 {
			ln, p = yamlText[p:], len(yamlText)
		} else {
			ln, p = yamlText[p:p+e], p+e+1
		}
		if n := len(ln); n > 0 && ln[n-1] == '\r' {
			ln = ln[:n-1] // simpleText allows '\r' only before '\n'
		}
		ind := 0
		for ind < len(ln) && ln[ind] == ' ' {
			ind++
		}
		rest := ln[ind:]
		if len(rest) == 0 || rest[0] == '#' {
			continue // blank or comment line
		}

		if rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ') {
			// A block sequence item.
			if !open {
				return Fields{}, false
			}
			if seqIndent < 0 {
				seqIndent = ind
			} else if ind != seqIndent {
				return Fields{}, false
			}
			item := skipSpaces(rest, 1)
			var v value
			if item < len(rest) && rest[item] != '#' {
				if v, ok = blockValue(rest[item:], openSlot != slotNone); !ok {
					return Fields{}, false
				}
			}
			if openSlot != slotNone {
				seq = append(seq, v)
			}
			continue
		}
		if ind != 0 {
			return Fields{}, false // continuation line, nested mapping, ...
		}
		closeSeq()

		// "key:" or "key: value" with an unquoted key.
		colon := keyEnd(rest)
		if colon < 0 {
			return Fields{}, false
		}
		key := bytes.TrimRight(rest[:colon], " ")
		// yaml.v3 reports duplicate keys. A scan of the few keys of most
		// frontmatter, a set beyond: a scan is quadratic in the keys.
		if keySet != nil {
			if _, dup := keySet[string(key)]; dup {
				return Fields{}, false
			}
			keySet[string(key)] = struct{}{}
		} else {
			for _, k := range keys {
				if bytes.Equal(k, key) {
					return Fields{}, false
				}
			}
			keys = append(keys, key)
			if len(keys) == cap(keyBuf) {
				keySet = make(map[string]struct{}, 2*len(keys))
				for _, k := range keys {
					keySet[string(k)] = struct{}{}
				}
			}
		}
		slot := slotOf(key)
		v := skipSpaces(rest, colon+1)
		if v == len(rest) || rest[v] == '#' {
			open, openSlot = true, slot
			continue
		}
		val, ok := blockValue(rest[v:], slot != slotNone)
		if !ok {
			return Fields{}, false
		}
		if slot != slotNone {
			vals[slot] = val
		}
	}
	closeSeq()
	f.Title = vals[slotTitle].scalar()
	f.ID = vals[slotID].scalar()
	f.CanonicalID = vals[slotCanonicalID].scalar()
	f.DuplicateOf = vals[slotDuplicateOf].scalar()
	f.Aliases = append(vals[slotAliases].list(), vals[slotAlias].list()...)
	return f, true
}

// value is a value decodeFast read. Strings, by far the most common, are
// not boxed in an interface; other values are what yaml.v3 would give.
type value struct {
	kind uint8
	s    string  // kindStr
	v    any     // kindAny: int, int64, uint64, float64, bool, time.Time
	seq  []value // kindSeq
}

const (
	kindNull = iota
	kindStr
	kindAny
	kindSeq
)

// yaml returns v as yaml.v3 decodes it into an interface.
func (v value) yaml() any {
	switch v.kind {
	case kindStr:
		return v.s
	case kindAny:
		return v.v
	case kindSeq:
		out := make([]any, len(v.seq))
		for i, e := range v.seq {
			out[i] = e.yaml()
		}
		return out
	}
	return nil
}

// scalar is scalar(v.yaml()).
func (v value) scalar() string {
	switch v.kind {
	case kindStr:
		return v.s
	case kindNull:
		return ""
	}
	return scalar(v.yaml())
}

// list is list(v.yaml()).
func (v value) list() []string {
	switch v.kind {
	case kindNull:
		return nil
	case kindSeq:
		var out []string
		for _, e := range v.seq {
			if s := e.scalar(); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if s := v.scalar(); s != "" {
		return []string{s}
	}
	return nil
}

// simpleText reports whether every character of b is one the fast path
// handles the way yaml.v3 does: printable ASCII, '\n', "\r\n", and valid
// UTF-8 from U+00A0 up, except the line and paragraph separators, the byte
// order mark and the non-characters U+FFFE and U+FFFF. Tabs, NEL, control
// characters and invalid UTF-8 are left to yaml.v3.
func simpleText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c < 0x7f, c == '\n':
			case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			default:
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || r < 0xa0 ||
			r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += n
	}
	return true
}

// keyEnd returns the index of the ':' ending the unquoted key that starts
// line, or -1 if the line does not start with a key the fast path accepts.
// The key starts with a letter, digit or '_' and holds only those, '-', '.',
// '/', spaces and non-ASCII characters; the ':' is followed by a space or
// the end of the line.
func keyEnd(line []byte) int {
	if len(line) == 0 || !keyStart(line[0]) {
		return -1
	}
	for i := 1; i < len(line) && i <= maxKeyLen; i++ {
		c := line[i]
		switch {
		case c == ':':
			if i+1 < len(line) && line[i+1] != ' ' {
				return -1
			}
			return i
		case keyStart(c), c == '-', c == '.', c == '/', c >= utf8.RuneSelf:
		case c == ' ':
			if i+1 < len(line) && line[i+1] == '#' {
				return -1
			}
		default:
			return -1
		}
	}
	return -1
}

func keyStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// blockValue decodes the value s of a mapping entry or sequence item: s is
// the rest of the line, starting with neither a space nor '#'. The decoded
// value is built only if want is set.
func blockValue(s []byte, want bool) (value, bool) {
	switch s[0] {
	case '[':
		v, n, ok := flowSeq(s, 1, want, 1)
		if !ok || !trailerOK(s[n:]) {
			return value{}, false
		}
		return value{kind: kindSeq, seq: v}, true
	case '\'', '"':
		v, n, ok := quoted(s, want)
		if !ok || !trailerOK(s[n:]) {
			return value{}, false
		}
		return value{kind: kindStr, s: v}, true
	case '-', '?', ':':
		// A plain scalar may start with these if a non-space follows.
		if len(s) == 1 || s[1] == ' ' {
			return value{}, false
		}
	case ',', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return value{}, false
	}
	// A plain scalar: up to a comment (" #") or the end of the line; ": "
	// or a final ':' would make it a mapping key.
	end := len(s)
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && s[i-1] == ' ' {
			end = i
			break
		}
	}
	s = bytes.TrimRight(s[:end], " ")
	for i, c := range s {
		if c == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return value{}, false
		}
	}
	if !want {
		return value{}, true
	}
	return resolvePlain(string(s)), true
}

// trailerOK reports whether what follows a quoted scalar or flow sequence on
// its line is only spaces and perhaps a comment.
func trailerOK(s []byte) bool {
	i := skipSpaces(s, 0)
	return i == len(s) || i > 0 && s[i] == '#'
}

// quoted decodes the single-line quoted scalar at the start of s and returns
// the index after its closing quote. Double-quoted scalars with escapes, and
// scalars running past the line, are left to yaml.v3.
func quoted(s []byte, want bool) (string, int, bool) {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				return "", 0, false
			}
		case q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				i++ // '' is an escaped '
				continue
			}
			if !want {
				return "", i + 1, true
			}
			v := string(s[1:i])
			if q == '\'' {
				v = strings.ReplaceAll(v, "''", "'")
			}
			return v, i + 1, true
		}
	}
	return "", 0, false
}

// flowSeq decodes the flow sequence whose '[' is just before s[i] and
// returns the index after its ']'. It must end on the same line. Items are
// plain or quoted scalars and nested flow sequences; flow mappings, empty
// items, a trailing comma and comments are left to yaml.v3.
func flowSeq(s []byte, i int, want bool, depth int) ([]value, int, bool) {
	var out []value
	i = skipSpaces(s, i)
	if i < len(s) && s[i] == ']' {
		return out, i + 1, true
	}
	for {
		if i >= len(s) {
			return nil, 0, false
		}
		var v value
		switch c := s[i]; c {
		case '[':
			if depth >= maxFlowDepth {
				return nil, 0, false
			}
			inner, n, ok := flowSeq(s, i+1, want, depth+1)
			if !ok {
				return nil, 0, false
			}
			v, i = value{kind: kindSeq, seq: inner}, n
		case '\'', '"':
			q, n, ok := quoted(s[i:], want)
			if !ok {
				return nil, 0, false
			}
			v, i = value{kind: kindStr, s: q}, i+n
		case '?', ':', ',', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
			return nil, 0, false
		default:
			if c == '-' && (i+1 == len(s) || s[i+1] == ' ') {
				return nil, 0, false
			}
			// A plain scalar, up to ',' or ']'.
			start := i
			for ; i < len(s) && s[i] != ',' && s[i] != ']'; i++ {
				switch s[i] {
				case '[', '{', '}', '?', ':':
					return nil, 0, false
				case '#':
					if s[i-1] == ' ' {
						return nil, 0, false
					}
				}
			}
			if want {
				v = resolvePlain(string(bytes.TrimRight(s[start:i], " ")))
			}
		}
		if want {
			out = append(out, v)
		}
		i = skipSpaces(s, i)
		if i >= len(s) {
			return nil, 0, false
		}
		switch s[i] {
		case ']':
			return out, i + 1, true
		case ',':
			i = skipSpaces(s, i+1)
			if i < len(s) && (s[i] == ']' || s[i] == ',') {
				return nil, 0, false
			}
		default:
			return nil, 0, false
		}
	}
}

// resolvePlain returns the value yaml.v3 decodes an untagged plain scalar to
// when the target is an interface: a copy of its resolve function
// (resolve.go, v3.0.6) for the empty tag. Timestamps stay time.Time, as
// yaml.v3 leaves them in an interface, so scalar reads them as "".
func resolvePlain(in string) value {
	var hint byte
	switch c := in[0]; {
	case c == '+' || c == '-':
		hint = 'S'
	case '0' <= c && c <= '9':
		hint = 'D'
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		hint = 'M'
	case c == '.':
		hint = '.'
	default:
		return value{kind: kindStr, s: in}
	}
	switch in {
	case "true", "True", "TRUE":
		return value{kind: kindAny, v: true}
	case "false", "False", "FALSE":
		return value{kind: kindAny, v: false}
	case "~", "null", "Null", "NULL":
		return value{}
	case ".nan", ".NaN", ".NAN":
		return value{kind: kindAny, v: math.NaN()}
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return value{kind: kindAny, v: math.Inf(+1)}
	case "-.inf", "-.Inf", "-.INF":
		return value{kind: kindAny, v: math.Inf(-1)}
	}
	switch hint {
	case '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return value{kind: kindAny, v: f}
		}
	case 'D', 'S':
		if t, ok := parseTimestamp(in); ok {
			return value{kind: kindAny, v: t}
		}
		plain := strings.ReplaceAll(in, "_", "")
		if v, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return intValue(v)
		}
		if v, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return value{kind: kindAny, v: v}
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return value{kind: kindAny, v: f}
			}
		}
		if strings.HasPrefix(plain, "0b") {
			if v, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return intValue(v)
			}
			if v, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return value{kind: kindAny, v: v}
			}
		} else if strings.HasPrefix(plain, "-0b") {
			if v, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return value{kind: kindAny, v: int(v)}
			}
		}
		if strings.HasPrefix(plain, "0o") {
			if v, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
				return intValue(v)
			}
			if v, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
				return value{kind: kindAny, v: v}
			}
		} else if strings.HasPrefix(plain, "-0o") {
			if v, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
				return value{kind: kindAny, v: int(v)}
			}
		}
	}
	return value{kind: kindStr, s: in}
}

func intValue(v int64) value {
	if v == int64(int(v)) {
		return value{kind: kindAny, v: int(v)}
	}
	return value{kind: kindAny, v: v}
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// Timestamp formats yaml.v3 accepts (resolve.go).
var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

func parseTimestamp(s string) (time.Time, bool) {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return time.Time{}, false
	}
	for _, format := range timestampFormats {
		if t, err := time.Parse(format, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
