package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

func TestName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a.md", "a.md"},
		{"Topics/Heap Snapshot.md", "Topics/Heap Snapshot.md"},
		{"상태 관리.md", "상태 관리.md"},
		{"e\u0301.md", "e\u0301.md"},
		{"nbsp\u00a0x.md", "nbsp\u00a0x.md"},
		{"quote\"inside.md", "quote\"inside.md"},
		{"", ""},
		{"new\nline.md", `"new\nline.md"`},
		{"car\rret.md", `"car\rret.md"`},
		{"tab\t.md", `"tab\t.md"`},
		{"\x01.md", `"\x01.md"`},
		{"del\x7f.md", `"del\x7f.md"`},
		{"caf\xe9.md", `"caf\xe9.md"`},
		{"\xef\xbf\xbd.md", "\ufffd.md"},
		{"sep\u2028.md", `"sep\u2028.md"`},
		{"bidi\u202e.md", `"bidi\u202e.md"`},
		{`"starts quoted".md`, `"\"starts quoted\".md"`},
	} {
		if got := Name(c.in); got != c.want {
			t.Errorf("Name(%q) = %s, want %s", c.in, got, c.want)
		}
		if got := string(AppendName([]byte("x:"), c.in)); got != "x:"+c.want {
			t.Errorf("AppendName(%q) = %s", c.in, got)
		}
	}
}

// FuzzName: a shown name is one line and reads back to the exact name.
func FuzzName(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Name(s)
		if strings.ContainsAny(got, "\n\r") {
			t.Fatalf("Name(%q) = %q spans lines", s, got)
		}
		if got == s {
			return
		}
		back, err := strconv.Unquote(got)
		if err != nil || back != s {
			t.Fatalf("Name(%q) = %s reads back as %q, %v", s, got, back, err)
		}
	})
}

// TestTextOddNames: a finding, an edit and a problem in a file whose name
// holds a newline or a byte that is not UTF-8 each stay one line, with the
// name quoted.
func TestTextOddNames(t *testing.T) {
	p := &plan.Plan{
		Edits: []plan.Edit{{File: "caf\xe9.md", Line: 1, Col: 1, Class: "variant", Old: "[[a b]]", New: "[[A B]]"}},
		Findings: []plan.Finding{
			{File: "new\nline.md", Line: 2, Col: 3, Class: "ambiguous", Link: "[[x]]", Candidates: []string{"x\ny.md", "X.md"}},
			{File: "tab\t.md", Line: 1, Col: 1, Class: "broken", Link: "[[z]]", Hints: []string{"z\rz"}},
		},
	}
	var out, errw bytes.Buffer
	in := Input{Plan: p, Problems: []vault.Problem{{File: "bad\xff\n.md", Message: "not UTF-8"}}}
	if err := Text(&out, &errw, in); err != nil {
		t.Fatal(err)
	}
	want := `"caf\xe9.md":1:1: variant: [[a b]] -> [[A B]]` + "\n" +
		`"new\nline.md":2:3: ambiguous: [[x]] (candidates: "x\ny.md", X.md)` + "\n" +
		`"tab\t.md":1:1: broken: [[z]] (did you mean: "z\rz")` + "\n" +
		Summary(p, 1) + "\n"
	if out.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", out.String(), want)
	}
	if want := `relink: "bad\xff\n.md": not UTF-8` + "\n"; errw.String() != want {
		t.Errorf("problems: %q, want %q", errw.String(), want)
	}
}

// TestJSONOddNames: a name that is not UTF-8 has its exact bytes beside
// the string that JSON can hold; a name that is UTF-8 (newline and all) is
// the string alone.
func TestJSONOddNames(t *testing.T) {
	p := &plan.Plan{
		Edits:    []plan.Edit{{File: "caf\xe9.md", Target: "t\xff.md", Class: "variant"}},
		Findings: []plan.Finding{{File: "new\nline.md", Class: "ambiguous", Candidates: []string{"a.md", "b\xfe.md"}}},
	}
	var out bytes.Buffer
	if err := JSON(&out, Input{Plan: p, Problems: []vault.Problem{{File: "\xc3(", Message: "m"}}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"file": "caf\ufffd.md",` + "\n      " + `"file_base64": "Y2Fm6S5tZA==",`,
		`"target": "t\ufffd.md",` + "\n      " + `"target_base64": "dP8ubWQ=",`,
		`"file": "new\nline.md",` + "\n      " + `"line"`,
		`"candidates_base64": [` + "\n        " + `"YS5tZA==",` + "\n        " + `"Yv4ubWQ="` + "\n      ]",
		`"file_base64": "wyg=",`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, out.String())
		}
	}
}

func TestDiffName(t *testing.T) {
	for _, c := range []struct{ prefix, file, want string }{
		{"a/", "Topics/Note one.md", "a/Topics/Note one.md"},
		{"b/", "new\nline.md", `"b/new\nline.md"`},
		{"a/", "caf\xe9.md", `"a/caf\351.md"`},
		{"a/", "sep\u2028.md", `"a/sep\342\200\250.md"`},
		{"a/", "tab\t\"q\\\x7f.md", `"a/tab\t\"q\\\177.md"`},
		{"a/", "x\x01.md", `"a/x\001.md"`},
		{"a/", `back\slash "quote".md`, `a/back\slash "quote".md`},
		{"a/", `"lead.md`, `"a/\"lead.md"`},
	} {
		if got := DiffName(c.prefix, c.file); got != c.want {
			t.Errorf("DiffName(%q, %q) = %s, want %s", c.prefix, c.file, got, c.want)
		}
	}
}
