// Package frontmatter finds a note's YAML frontmatter and decodes the fields
// relink reads (SPEC §2). It never re-serializes YAML: callers edit the
// original bytes, so comments, order and quoting survive.
package frontmatter

import (
	"bytes"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Fields are the frontmatter values relink reads. Missing fields are empty.
type Fields struct {
	Title       string
	Aliases     []string
	ID          string
	CanonicalID string
	DuplicateOf string
}

// Block locates frontmatter in a file.
type Block struct {
	// Start and End delimit the YAML text between the "---" lines.
	Start, End int
	// Body is the offset of the first byte after the closing delimiter line.
	Body int
}

var bom = []byte("\xef\xbb\xbf")

// Split finds the frontmatter block. ok is false when the file has none; then
// the body starts after an optional BOM.
func Split(src []byte) (b Block, ok bool) {
	i := 0
	if bytes.HasPrefix(src, bom) {
		i = len(bom)
	}
	first, next := line(src, i)
	if string(bytes.TrimRight(first, " \t")) != "---" {
		return Block{Body: i}, false
	}
	start := next
	for p := next; p < len(src); {
		l, n := line(src, p)
		t := bytes.TrimRight(l, " \t")
		if string(t) == "---" || string(t) == "..." {
			return Block{Start: start, End: p, Body: n}, true
		}
		p = n
	}
	// No closing delimiter: not frontmatter (a thematic break, say).
	return Block{Body: i}, false
}

// line returns the line at p without its line ending, and the offset after it.
func line(src []byte, p int) ([]byte, int) {
	e := bytes.IndexByte(src[p:], '\n')
	if e < 0 {
		return bytes.TrimSuffix(src[p:], []byte("\r")), len(src)
	}
	return bytes.TrimSuffix(src[p:p+e], []byte("\r")), p + e + 1
}

// Decode parses the YAML text of a block. An error names the YAML problem;
// the caller adds the file name.
//
// Most frontmatter is a flat list of "key: value" lines, which decodeFast
// reads without a YAML parser; anything else goes to yaml.v3. Both give the
// same result for every input (FuzzDecodeFast checks this).
func Decode(yamlText []byte) (Fields, error) {
	if f, ok := decodeFast(yamlText); ok {
		return f, nil
	}
	return decodeYAML(yamlText)
}

// DecodeReference is Decode by yaml.v3 alone, without the fast path: the
// reference path that relink's differential test holds Decode to.
func DecodeReference(yamlText []byte) (Fields, error) { return decodeYAML(yamlText) }

// decodeYAML decodes with yaml.v3; it defines what Decode returns.
func decodeYAML(yamlText []byte) (Fields, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(yamlText, &raw); err != nil {
		return Fields{}, fmt.Errorf("frontmatter: %w", err)
	}
	return fields(raw["title"], raw["id"], raw["canonical_id"], raw["duplicate_of"], raw["aliases"], raw["alias"]), nil
}

// fields builds Fields from the decoded values of the keys relink reads.
func fields(title, id, canonicalID, duplicateOf, aliases, alias any) Fields {
	var f Fields
	f.Title = scalar(title)
	f.ID = scalar(id)
	f.CanonicalID = scalar(canonicalID)
	f.DuplicateOf = scalar(duplicateOf)
	f.Aliases = append(list(aliases), list(alias)...)
	return f
}

// scalar turns a YAML value into the string a user meant. An unquoted
// "[[Note]]" decodes as a nested list; it is read back as the link it is.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if len(x) == 1 {
			if inner, ok := x[0].([]any); ok && len(inner) == 1 {
				return "[[" + scalar(inner[0]) + "]]"
			}
		}
	}
	return ""
}

func list(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range x {
			if s := scalar(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	default:
		if s := scalar(x); s != "" {
			return []string{s}
		}
	}
	return nil
}
