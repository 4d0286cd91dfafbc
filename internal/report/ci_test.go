package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

func TestGitHubEscape(t *testing.T) {
	for _, tc := range []struct {
		in, data, property string
	}{
		{"plain text", "plain text", "plain text"},
		{"100%", "100%25", "100%25"},
		{"%25 stays text", "%2525 stays text", "%2525 stays text"},
		{"a\nb", "a%0Ab", "a%0Ab"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"key: value", "key: value", "key%3A value"},
		{"a,b", "a,b", "a%2Cb"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		{"weird, name: 50%.md", "weird, name: 50%25.md", "weird%2C name%3A 50%25.md"},
		{"상태 관리.md", "상태 관리.md", "상태 관리.md"},
		{"", "", ""},
	} {
		if got := GitHubData(tc.in); got != tc.data {
			t.Errorf("GitHubData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := GitHubProperty(tc.in); got != tc.property {
			t.Errorf("GitHubProperty(%q) = %q, want %q", tc.in, got, tc.property)
		}
	}
}

// ciInput is a report with one of everything a CI format carries, with
// names that need escaping in every format.
func ciInput() Input {
	return Input{
		Vault: "/v", Dialect: "wiki", Level: "separators",
		Plan: &plan.Plan{
			Stats: plan.Stats{Notes: 3, Links: 4, Variant: 1, Broken: 1, Ambiguous: 1, Heading: 1},
			Edits: []plan.Edit{
				{File: "a, b: 100%.md", Line: 2, Col: 3, Start: 10, End: 25, Old: "[[🙂 smile]]", New: "[[🙂 Smile]]", Target: "🙂 Smile.md", Class: "variant", Level: "case"},
			},
			Findings: []plan.Finding{
				{File: "a, b: 100%.md", Line: 1, Col: 1, Link: "[[x\ny]]", Class: "broken", Candidates: []string{}, Message: "no note matches", Hints: []string{"xy.md"}},
				{File: "a, b: 100%.md", Line: 3, Col: 5, Link: "[[cache line]]", Class: "ambiguous", Candidates: []string{"A.md", "B.md"}, Level: "separators"},
				{File: "new\nline.md", Line: 1, Col: 2, Link: "[[N#h]]", Class: "heading", Candidates: []string{}, Message: `no heading or block "h" in N.md`},
			},
		},
		Problems: []vault.Problem{{File: "bad\xff.md", Message: "invalid UTF-8"}, {File: "", Message: "vault-wide"}},
		Warnings: []string{"most links look broken"},
	}
}

func TestGitHubLines(t *testing.T) {
	var out, errb bytes.Buffer
	if err := GitHub(&out, &errb, ciInput(), CIPlace{Root: "/repo", Prefix: "notes/"}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"::error file=notes/a%2C b%3A 100%25.md,line=1,col=1,endColumn=8,title=relink broken::broken: [[x%0Ay]] (no note matches; did you mean: xy.md)\n" +
		"::warning file=notes/a%2C b%3A 100%25.md,line=2,col=3,endColumn=14,title=relink variant::variant: [[🙂 smile]] -> [[🙂 Smile]]\n" +
		"::warning file=notes/a%2C b%3A 100%25.md,line=3,col=5,endColumn=19,title=relink ambiguous::ambiguous: [[cache line]] (candidates: A.md, B.md; at level separators)\n" +
		"::warning file=notes/new%0Aline.md,line=1,col=2,endColumn=9,title=relink heading::heading: [[N#h]] (no heading or block \"h\" in N.md)\n" +
		"::warning file=notes/bad\xff.md,title=relink problem::\"bad\\xff.md\": invalid UTF-8\n" +
		"::warning title=relink problem::vault-wide\n" +
		"::warning title=relink::most links look broken\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !strings.HasPrefix(errb.String(), "3 notes, 4 links:") {
		t.Errorf("stderr %q, want the summary", errb.String())
	}
}

// validateSARIF fails the test when a SARIF log does not validate
// against the official schema.
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	if err := validSARIF(t, doc); err != nil {
		t.Fatalf("the SARIF log does not validate: %v\n%s", err, doc)
	}
}

// validSARIF validates a SARIF log against the official schema.
func validSARIF(t *testing.T, doc []byte) error {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("testdata/sarif-2.1.0/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

// TestSARIFSchemaRejects: the schema test can fail: a log with a level
// SARIF does not know, or without its version, does not validate.
func TestSARIFSchemaRejects(t *testing.T) {
	var out bytes.Buffer
	if err := SARIF(&out, ciInput(), CIPlace{Root: "/repo"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ old, new string }{
		{`"level": "error"`, `"level": "fatal"`},
		{`"version": "2.1.0"`, `"version": "2.0.0"`},
		{`"startLine": 1`, `"startLine": 0`},
	} {
		doc := strings.Replace(out.String(), bad.old, bad.new, 1)
		if doc == out.String() {
			t.Fatalf("no %s in the log", bad.old)
		}
		if validSARIF(t, []byte(doc)) == nil {
			t.Errorf("a log with %s validates", bad.new)
		}
	}
}

func TestSARIFValidates(t *testing.T) {
	var out bytes.Buffer
	if err := SARIF(&out, ciInput(), CIPlace{Root: "/repo dir/x", Prefix: "notes/"}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, out.Bytes())
	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			ColumnKind         string
			Results            []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn, EndColumn int }
					}
				}
				Fixes []struct {
					ArtifactChanges []struct {
						Replacements []struct {
							DeletedRegion   struct{ ByteOffset, ByteLength, StartColumn, EndColumn int }
							InsertedContent struct{ Text string }
						}
					}
				}
			}
			Invocations []struct {
				ToolExecutionNotifications []struct{ Message struct{ Text string } }
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" || run.OriginalURIBaseIDs["SRCROOT"].URI != "file:///repo%20dir/x/" {
		t.Errorf("columnKind %q, base %+v", run.ColumnKind, run.OriginalURIBaseIDs)
	}
	var ids []string
	for _, r := range run.Results {
		ids = append(ids, r.RuleID)
	}
	if got := strings.Join(ids, " "); got != "broken variant ambiguous heading problem problem" {
		t.Fatalf("results %s", got)
	}
	v := run.Results[1]
	if loc := v.Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "notes/a%2C%20b%3A%20100%25.md" || *loc.Region != (struct{ StartLine, StartColumn, EndColumn int }{2, 3, 14}) {
		t.Errorf("location %+v %+v", loc.ArtifactLocation, loc.Region)
	}
	rp := v.Fixes[0].ArtifactChanges[0].Replacements[0]
	if rp.DeletedRegion.ByteOffset != 10 || rp.DeletedRegion.ByteLength != 15 || rp.DeletedRegion.StartColumn != 3 || rp.DeletedRegion.EndColumn != 14 || rp.InsertedContent.Text != "[[🙂 Smile]]" {
		t.Errorf("replacement %+v", rp)
	}
	if u := run.Results[4].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "notes/bad%FF.md" {
		t.Errorf("problem uri %q", u)
	}
	if len(run.Results[5].Locations) != 0 {
		t.Errorf("a problem with no file has a location")
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 1 || n[0].Message.Text != "most links look broken" {
		t.Errorf("notifications %+v", n)
	}
}

// unescapeGitHub undoes the escapes the Actions runner undoes, in its
// order: the escapes of the given set, '%' last.
func unescapeGitHub(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	for i := 0; i < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return strings.ReplaceAll(s, "%25", "%")
}

// FuzzGitHubEscape: an escaped value holds no character that would end
// the command or the property, and reads back as it was.
func FuzzGitHubEscape(f *testing.F) {
	for _, s := range []string{"a", "100%", "%0A", "%250A", "a:b,c", "x\r\ny", "%%3A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, p := GitHubData(s), GitHubProperty(s)
		if strings.ContainsAny(d, "\r\n") || strings.ContainsAny(p, "\r\n:,") {
			t.Fatalf("%q escapes to %q / %q", s, d, p)
		}
		if got := unescapeGitHub(d, false); got != s {
			t.Fatalf("data %q -> %q -> %q", s, d, got)
		}
		if got := unescapeGitHub(p, true); got != s {
			t.Fatalf("property %q -> %q -> %q", s, p, got)
		}
	})
}
