package report

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// JSON writes the document, indented, followed by a newline: the bytes
// encoding/json writes for a Document (two-space indent, no HTML escaping),
// which TestJSONMatchesEncodingJSON holds it to. A large vault's plan has
// 100k edits and findings or more; encoding/json spent most of a
// `plan --format json` on them, by reflection, and then indented its own
// output again. Here they are appended by hand, in chunks on every core.
func JSON(w io.Writer, in Input) error {
	var b []byte
	b = append(b, "{\n  \"version\": 1,\n  \"vault\": "...)
	b = appendJSONString(b, in.Vault)
	b = append(b, ",\n  \"dialect\": "...)
	b = appendJSONString(b, in.Dialect)
	b = append(b, ",\n  \"level\": "...)
	b = appendJSONString(b, in.Level)
	s := in.Plan.Stats
	b = append(b, ",\n  \"stats\": {"...)
	for i, f := range [...]struct {
		name string
		n    int
	}{{"notes", s.Notes}, {"links", s.Links}, {"resolved", s.Resolved}, {"variant", s.Variant}, {"ambiguous", s.Ambiguous}, {"alias", s.Alias}, {"broken", s.Broken}, {"duplicate", s.Duplicate}, {"heading", s.Heading}} {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    \""...)
		b = append(b, f.name...)
		b = append(b, "\": "...)
		b = strconv.AppendInt(b, int64(f.n), 10)
	}
	if s.Renamed > 0 {
		// Only a vault with renamed notes has the key (SPEC §6: stats
		// then count renamed too).
		b = append(b, ",\n    \"renamed\": "...)
		b = strconv.AppendInt(b, int64(s.Renamed), 10)
	}
	b = append(b, "\n  },\n  \"edits\": "...)
	ew := &errWriter{w: w}
	b = writeArray(ew, b, len(in.Plan.Edits), func(b []byte, i int) []byte { return appendEditJSON(b, &in.Plan.Edits[i]) })
	b = append(b, ",\n  \"findings\": "...)
	b = writeArray(ew, b, len(in.Plan.Findings), func(b []byte, i int) []byte { return appendFindingJSON(b, &in.Plan.Findings[i]) })
	if len(in.Problems) > 0 {
		b = append(b, ",\n  \"problems\": "...)
		b = writeArray(ew, b, len(in.Problems), func(b []byte, i int) []byte { return appendProblemJSON(b, &in.Problems[i]) })
	}
	if len(in.Warnings) > 0 {
		b = append(b, ",\n  \"warnings\": [\n    "...)
		for i, s := range in.Warnings {
			if i > 0 {
				b = append(b, ",\n    "...)
			}
			b = appendJSONString(b, s)
		}
		b = append(b, "\n  ]"...)
	}
	b = append(b, "\n}\n"...)
	ew.Write(b)
	return ew.err
}

// writeArray appends an array of n objects at the document's second
// level, each appended by item; "[]" when n is 0. The objects are
// formatted objectsPerChunk at a time on every core and written in order
// (writeOrdered); what b holds is written first.
func writeArray(w io.Writer, b []byte, n int, item func(b []byte, i int) []byte) []byte {
	if n == 0 {
		return append(b, "[]"...)
	}
	b = append(b, "[\n    "...)
	w.Write(b)
	per := objectsPerChunk
	writeOrdered(w, (n+per-1)/per, runtime.GOMAXPROCS(0), func(cb []byte, c int) []byte {
		for i := c * per; i < min((c+1)*per, n); i++ {
			if i > 0 {
				cb = append(cb, ",\n    "...)
			}
			cb = item(cb, i)
		}
		return cb
	})
	return append(b[:0], "\n  ]"...)
}

// objectsPerChunk is how many objects of an array the JSON document
// formats into one buffer (some 300 KB).
const objectsPerChunk = 1024

func appendEditJSON(b []byte, e *plan.Edit) []byte {
	b = appendNameField(b, "{\n      \"file\": ", ",\n      \"file_base64\": ", e.File)
	b = appendIntField(b, ",\n      \"line\": ", e.Line)
	b = appendIntField(b, ",\n      \"col\": ", e.Col)
	b = appendIntField(b, ",\n      \"start\": ", e.Start)
	b = appendIntField(b, ",\n      \"end\": ", e.End)
	b = appendField(b, ",\n      \"old\": ", e.Old)
	b = appendField(b, ",\n      \"new\": ", e.New)
	b = appendNameField(b, ",\n      \"target\": ", ",\n      \"target_base64\": ", e.Target)
	b = appendField(b, ",\n      \"class\": ", e.Class)
	b = appendField(b, ",\n      \"level\": ", e.Level)
	return append(b, "\n    }"...)
}

func appendFindingJSON(b []byte, f *plan.Finding) []byte {
	b = appendNameField(b, "{\n      \"file\": ", ",\n      \"file_base64\": ", f.File)
	b = appendIntField(b, ",\n      \"line\": ", f.Line)
	b = appendIntField(b, ",\n      \"col\": ", f.Col)
	b = appendField(b, ",\n      \"link\": ", f.Link)
	b = appendField(b, ",\n      \"class\": ", f.Class)
	b = append(b, ",\n      \"candidates\": "...)
	b = appendStrings(b, f.Candidates, false)
	if !allUTF8(f.Candidates) {
		b = append(b, ",\n      \"candidates_base64\": [\n        "...)
		for i, c := range f.Candidates {
			if i > 0 {
				b = append(b, ",\n        "...)
			}
			b = appendBase64(b, c)
		}
		b = append(b, "\n      ]"...)
	}
	if f.Level != "" {
		b = appendField(b, ",\n      \"level\": ", f.Level)
	}
	if f.Message != "" {
		b = appendField(b, ",\n      \"message\": ", f.Message)
	}
	if len(f.Hints) > 0 {
		b = append(b, ",\n      \"hints\": "...)
		b = appendStrings(b, f.Hints, true)
	}
	if len(f.Aliases) > 0 {
		b = append(b, ",\n      \"aliases\": ["...)
		for i, a := range f.Aliases {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendField(b, "\n        {\n          \"note\": ", a.Note)
			b = appendField(b, ",\n          \"alias\": ", a.Alias)
			b = append(b, "\n        }"...)
		}
		b = append(b, "\n      ]"...)
	}
	return append(b, "\n    }"...)
}

func appendProblemJSON(b []byte, p *vault.Problem) []byte {
	b = appendNameField(b, "{\n      \"file\": ", ",\n      \"file_base64\": ", p.File)
	b = appendField(b, ",\n      \"message\": ", p.Message)
	return append(b, "\n    }"...)
}

func appendField(b []byte, head, s string) []byte {
	return appendJSONString(append(b, head...), s)
}

// appendNameField appends a file name: the string (where a byte that is
// not UTF-8 becomes U+FFFD, as JSON strings hold only UTF-8) and, for
// such a name only, its exact bytes in standard base64 under head64, so
// that a reader gets every name back exactly (docs/json.md).
func appendNameField(b []byte, head, head64, s string) []byte {
	b = appendField(b, head, s)
	if utf8.ValidString(s) {
		return b
	}
	return appendBase64(append(b, head64...), s)
}

func appendBase64(b []byte, s string) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, []byte(s))
	return append(b, '"')
}

func allUTF8(ss []string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func appendIntField(b []byte, head string, n int) []byte {
	return strconv.AppendInt(append(b, head...), int64(n), 10)
}

// appendStrings appends a string array at the objects' level: null for
// nil (a nil slice without omitempty), [] for empty.
func appendStrings(b []byte, ss []string, nonNil bool) []byte {
	switch {
	case ss == nil && !nonNil:
		return append(b, "null"...)
	case len(ss) == 0:
		return append(b, "[]"...)
	}
	b = append(b, "[\n        "...)
	for i, s := range ss {
		if i > 0 {
			b = append(b, ",\n        "...)
		}
		b = appendJSONString(b, s)
	}
	return append(b, "\n      ]"...)
}

// appendJSONString appends s as encoding/json does without HTML escaping.
// Nearly every string is valid UTF-8 without a control character, quote,
// backslash or line/paragraph separator, and goes in as it is; any other
// is left to encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == 0xE2 && strings.HasPrefix(s[i:], "\u2028") || c == 0xE2 && strings.HasPrefix(s[i:], "\u2029") {
			plain = false
			break
		}
	}
	if plain && utf8.ValidString(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return append(b, strings.TrimSuffix(sb.String(), "\n")...)
}
