package frontmatter

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/relinkmd/relink/internal/splice"
)

func applyEdit(t *testing.T, src string, e splice.Edit) string {
	t.Helper()
	out, err := splice.Apply([]byte(src), []splice.Edit{e})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSetKey(t *testing.T) {
	const v = `"[[Canon]]"`
	tests := []struct{ name, src, want string }{
		{"no frontmatter", "# Dup\n\nbody\n", "---\nduplicate_of: \"[[Canon]]\"\n---\n# Dup\n\nbody\n"},
		{"no frontmatter, BOM", "\xef\xbb\xbf# Dup\n", "\xef\xbb\xbf---\nduplicate_of: \"[[Canon]]\"\n---\n# Dup\n"},
		{"no frontmatter, CRLF", "# Dup\r\nbody\r\n", "---\r\nduplicate_of: \"[[Canon]]\"\r\n---\r\n# Dup\r\nbody\r\n"},
		{"empty file", "", "---\nduplicate_of: \"[[Canon]]\"\n---\n"},
		{"new key last", "---\ntitle: Dup # the title\ntags: [a]\n---\nbody\n", "---\ntitle: Dup # the title\ntags: [a]\nduplicate_of: \"[[Canon]]\"\n---\nbody\n"},
		{"empty block", "---\n---\nbody\n", "---\nduplicate_of: \"[[Canon]]\"\n---\nbody\n"},
		{"CRLF block", "---\r\ntitle: Dup\r\n---\r\n", "---\r\ntitle: Dup\r\nduplicate_of: \"[[Canon]]\"\r\n---\r\n"},
		{"replaced", "---\ntitle: Dup\nduplicate_of: \"[[Other]]\"\nid: x\n---\n", "---\ntitle: Dup\nduplicate_of: \"[[Canon]]\"\nid: x\n---\n"},
		{"replaced, its comment kept", "---\nduplicate_of: \"[[Other]]\" # was other\r\nid: x\n---\n", "---\nduplicate_of: \"[[Canon]]\" # was other\r\nid: x\n---\n"},
		{"empty, its comment kept", "---\nduplicate_of:   # none yet\nid: x\n---\n", "---\nduplicate_of: \"[[Canon]]\"   # none yet\nid: x\n---\n"},
		{"replaced unquoted", "---\nduplicate_of: [[Other]]\n---\n", "---\nduplicate_of: \"[[Canon]]\"\n---\n"},
		{"replaced multi-line", "---\nduplicate_of: >\n  folded\n  text\n\n# kept\nid: x\n---\n", "---\nduplicate_of: \"[[Canon]]\"\n\n# kept\nid: x\n---\n"},
		{"quoted key", "---\n\"duplicate_of\": x\n---\n", "---\n\"duplicate_of\": \"[[Canon]]\"\n---\n"},
		{"only a comment", "---\n# c\n---\n", "---\n# c\nduplicate_of: \"[[Canon]]\"\n---\n"},
		{"thematic break is not frontmatter", "---\ntext\n", "---\nduplicate_of: \"[[Canon]]\"\n---\n---\ntext\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := SetKey([]byte(tc.src), "duplicate_of", v)
			if err != nil {
				t.Fatal(err)
			}
			if got := applyEdit(t, tc.src, e); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestSetKeyRefuses(t *testing.T) {
	for _, src := range []string{
		"---\n{title: x, duplicate_of: y}\n---\n", // a flow mapping
		"---\ntitle: [unclosed\n---\n",            // broken YAML
	} {
		if _, err := SetKey([]byte(src), "duplicate_of", `"[[C]]"`); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}

func TestAddToList(t *testing.T) {
	tests := []struct{ name, src, item, want string }{
		{"inline", "---\naliases: [a, b]\n---\n", "Dup", "---\naliases: [a, b, Dup]\n---\n"},
		{"inline, spaces and comment", "---\naliases: [ a ] # c\n---\n", "Dup", "---\naliases: [ a, Dup ] # c\n---\n"},
		{"inline empty", "---\naliases: []\n---\n", "Dup", "---\naliases: [Dup]\n---\n"},
		{"block", "---\naliases:\n  - a\n  - b\ntitle: t\n---\n", "Dup", "---\naliases:\n  - a\n  - b\n  - Dup\ntitle: t\n---\n"},
		{"block at the key's indent", "---\naliases:\n- a\n---\n", "Dup", "---\naliases:\n- a\n- Dup\n---\n"},
		{"block, CRLF", "---\r\naliases:\r\n    -   a\r\n---\r\n", "Dup", "---\r\naliases:\r\n    -   a\r\n    -   Dup\r\n---\r\n"},
		{"empty key", "---\naliases:\ntitle: t\n---\n", "Dup", "---\naliases:\n  - Dup\ntitle: t\n---\n"},
		{"null", "---\naliases: ~\n---\n", "Dup", "---\naliases: [Dup]\n---\n"},
		{"one value", "---\naliases: A\n---\n", "Dup", "---\naliases: [A, Dup]\n---\n"},
		{"missing key", "---\ntitle: C\n---\n", "Dup", "---\ntitle: C\naliases:\n  - Dup\n---\n"},
		{"no frontmatter", "# C\n", "Dup", "---\naliases:\n  - Dup\n---\n# C\n"},
		{"quoted item", "---\naliases: [a]\n---\n", "x: y, [z]", "---\naliases: [a, \"x: y, [z]\"]\n---\n"},
		{"number-like item", "---\naliases: [a]\n---\n", "2024", "---\naliases: [a, \"2024\"]\n---\n"},
		{"yes-like item", "---\naliases:\n  - a\n---\n", "true", "---\naliases:\n  - a\n  - \"true\"\n---\n"},
		{"unicode", "---\naliases: [가]\n---\n", "재해 복구", "---\naliases: [가, 재해 복구]\n---\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, changed, err := AddToList([]byte(tc.src), "aliases", tc.item)
			if err != nil || !changed {
				t.Fatal(changed, err)
			}
			if got := applyEdit(t, tc.src, e); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestAddToListPresent(t *testing.T) {
	for _, src := range []string{"---\naliases: [a, Dup]\n---\n", "---\naliases:\n  - Dup\n---\n", "---\naliases: Dup\n---\n"} {
		_, changed, err := AddToList([]byte(src), "aliases", "Dup")
		if err != nil || changed {
			t.Errorf("%q: changed %v, %v", src, changed, err)
		}
	}
	if _, _, err := AddToList([]byte("---\naliases: {a: b}\n---\n"), "aliases", "Dup"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a mapping: %v", err)
	}
}

// FuzzSetKey: on any frontmatter that parses as a mapping, the edit either
// is refused or gives a file whose frontmatter parses with the key set to
// the value and every other key unchanged, and whose bytes outside the
// edit are the old ones.
func FuzzSetKey(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add("---\n"+s+"---\nbody\n", "Canon")
	}
	f.Add("# no frontmatter\n", "C|D")
	f.Add("---\ndup: x\n---\n", "a\"b")
	f.Fuzz(func(t *testing.T, src, name string) {
		if !utf8.ValidString(name) {
			return // no link names a note by invalid UTF-8
		}
		value := Quote("[[" + name + "]]")
		for _, edit := range []func() (splice.Edit, error){
			func() (splice.Edit, error) { return SetKey([]byte(src), "duplicate_of", value) },
			func() (splice.Edit, error) {
				e, changed, err := AddToList([]byte(src), "aliases", name)
				if err == nil && !changed {
					return e, errors.New("unchanged")
				}
				return e, err
			},
		} {
			e, err := edit()
			if err != nil {
				continue
			}
			out, err := splice.Apply([]byte(src), []splice.Edit{e})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte(src[:e.Start])) || !bytes.HasSuffix(out, []byte(src[e.End:])) {
				t.Fatalf("bytes outside the edit changed: %q", out)
			}
			b, ok := Split(out)
			if !ok {
				t.Fatalf("no frontmatter in %q", out)
			}
			var m map[string]any
			if err := yaml.Unmarshal(out[b.Start:b.End], &m); err != nil {
				t.Fatalf("%q: %v", out, err)
			}
			if e.Old == "" && !strings.Contains(e.New, "duplicate_of") || e.Old != "" && !strings.HasPrefix(e.New, " "+value) {
				// AddToList's edit: the item is in the list.
				found := false
				for _, a := range list(m["aliases"]) {
					found = found || a == name
				}
				if !found {
					t.Fatalf("aliases lack %q in %q", name, out)
				}
				continue
			}
			if s, ok := m["duplicate_of"].(string); !ok || s != "[["+name+"]]" {
				t.Fatalf("duplicate_of = %#v in %q", m["duplicate_of"], out)
			}
		}
	})
}
