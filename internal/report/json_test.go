package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// Document is the JSON document of `plan --format json` and
// `check --format json` (SPEC §6) as a struct: encoding/json writes from
// it what JSON must write by hand.
type Document struct {
	Version  int          `json:"version"`
	Vault    string       `json:"vault"`
	Dialect  string       `json:"dialect"`
	Level    string       `json:"level"`
	Stats    plan.Stats   `json:"stats"`
	Edits    []docEdit    `json:"edits"`
	Findings []docFinding `json:"findings"`
	Problems []docProblem `json:"problems,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
}

// Document's edits, findings and problems: plan's, and the exact bytes
// of each name that is not UTF-8.
type (
	docEdit struct {
		File       string `json:"file"`
		FileBase64 []byte `json:"file_base64,omitempty"`
		Line       int    `json:"line"`
		Col        int    `json:"col"`
		Start      int    `json:"start"`
		End        int    `json:"end"`
		Old        string `json:"old"`
		New        string `json:"new"`
		Target     string `json:"target"`
		TargetB64  []byte `json:"target_base64,omitempty"`
		Class      string `json:"class"`
		Level      string `json:"level"`
	}
	docFinding struct {
		File          string                `json:"file"`
		FileBase64    []byte                `json:"file_base64,omitempty"`
		Line          int                   `json:"line"`
		Col           int                   `json:"col"`
		Link          string                `json:"link"`
		Class         string                `json:"class"`
		Candidates    []string              `json:"candidates"`
		CandidatesB64 [][]byte              `json:"candidates_base64,omitempty"`
		Level         string                `json:"level,omitempty"`
		Message       string                `json:"message,omitempty"`
		Hints         []string              `json:"hints,omitempty"`
		Aliases       []plan.CandidateAlias `json:"aliases,omitempty"`
	}
	docProblem struct {
		File       string `json:"file"`
		FileBase64 []byte `json:"file_base64,omitempty"`
		Message    string `json:"message"`
	}
)

// exact is s's bytes when s is not UTF-8, else nil.
func exact(s string) []byte {
	if utf8.ValidString(s) {
		return nil
	}
	return []byte(s)
}

// encodingJSON is the document as encoding/json writes it: what JSON
// must write, byte for byte.
func encodingJSON(t *testing.T, in Input) []byte {
	t.Helper()
	d := Document{
		Version: 1, Vault: in.Vault, Dialect: in.Dialect, Level: in.Level,
		Stats: in.Plan.Stats, Edits: []docEdit{}, Findings: []docFinding{},
		Warnings: in.Warnings,
	}
	for _, e := range in.Plan.Edits {
		d.Edits = append(d.Edits, docEdit{e.File, exact(e.File), e.Line, e.Col, e.Start, e.End, e.Old, e.New, e.Target, exact(e.Target), e.Class, e.Level})
	}
	for _, f := range in.Plan.Findings {
		df := docFinding{File: f.File, FileBase64: exact(f.File), Line: f.Line, Col: f.Col, Link: f.Link, Class: f.Class,
			Candidates: f.Candidates, Level: f.Level, Message: f.Message, Hints: f.Hints, Aliases: f.Aliases}
		for _, c := range f.Candidates {
			if !utf8.ValidString(c) {
				for _, c := range f.Candidates {
					df.CandidatesB64 = append(df.CandidatesB64, []byte(c))
				}
				break
			}
		}
		d.Findings = append(d.Findings, df)
	}
	if in.Problems != nil {
		d.Problems = []docProblem{}
		for _, p := range in.Problems {
			d.Problems = append(d.Problems, docProblem{p.File, exact(p.File), p.Message})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// odd strings: everything encoding/json escapes or replaces, and what it
// leaves alone although a hand-written encoder might not.
var oddStrings = []string{
	"", "plain", "상태 노트", "<a&b>", "quote \" and \\ backslash", "tab\tnew\nline\r",
	"\x00\x01\x1f\x7f", "\b\f", "bad \xff utf8 \xc3", "sep \u2028 and \u2029", "e\u0301", "ｆｕｌｌ", "emoji 🙂",
	"\xe2\x80", "\xe2\x80\xa8\xe2", "[[a|b]]", "/path/to/note.md",
}

func randomString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return oddStrings[r.IntN(len(oddStrings))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	if r.IntN(2) == 0 {
		return string(b)
	}
	return fmt.Sprintf("note %d/%q", r.IntN(1000), b)
}

func randomAliases(r *rand.Rand) []plan.CandidateAlias {
	var out []plan.CandidateAlias
	for range r.IntN(3) {
		out = append(out, plan.CandidateAlias{Note: randomString(r), Alias: randomString(r)})
	}
	return out
}

func randomStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(3))
	for i := range out {
		out[i] = randomString(r)
	}
	return out
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 40 {
		in := Input{Vault: randomString(r), Dialect: "wiki", Level: randomString(r), Plan: &plan.Plan{}}
		in.Plan.Stats = plan.Stats{Notes: r.IntN(1e6), Links: r.IntN(1e7), Resolved: 3, Variant: 4, Ambiguous: 5, Alias: 6, Broken: 7, Duplicate: 8, Heading: 9}
		if round%2 == 0 {
			// renamed is in the stats only when there are any.
			in.Plan.Stats.Renamed = r.IntN(100)
		}
		// Some rounds large enough for several chunks.
		n := r.IntN(20)
		if round%4 == 0 {
			n = 3000 + r.IntN(3000)
		}
		for range n {
			if r.IntN(2) == 0 {
				in.Plan.Edits = append(in.Plan.Edits, plan.Edit{File: randomString(r), Line: r.IntN(100), Col: r.IntN(100), Start: r.IntN(1e5), End: r.IntN(1e5), Old: randomString(r), New: randomString(r), Target: randomString(r), Class: "variant", Level: randomString(r)})
			} else {
				in.Plan.Findings = append(in.Plan.Findings, plan.Finding{File: randomString(r), Line: r.IntN(100), Col: -r.IntN(3), Link: randomString(r), Class: "broken", Candidates: randomStrings(r), Level: randomString(r), Message: randomString(r), Hints: randomStrings(r), Aliases: randomAliases(r)})
			}
		}
		for range r.IntN(3) {
			in.Problems = append(in.Problems, vault.Problem{File: randomString(r), Message: randomString(r)})
		}
		if r.IntN(2) == 0 {
			in.Problems = []vault.Problem{}
		}
		for range r.IntN(3) {
			in.Warnings = append(in.Warnings, randomString(r))
		}
		var got bytes.Buffer
		if err := JSON(&got, in); err != nil {
			t.Fatal(err)
		}
		want := encodingJSON(t, in)
		if !bytes.Equal(got.Bytes(), want) {
			i := 0
			for i < len(want) && i < got.Len() && want[i] == got.Bytes()[i] {
				i++
			}
			t.Fatalf("round %d: differs from encoding/json at byte %d:\ngot  %q\nwant %q", round, i, tail(got.Bytes(), i), tail(want, i))
		}
	}
}

func tail(b []byte, i int) []byte {
	lo := max(0, i-40)
	return b[lo:min(len(b), i+40)]
}

func FuzzJSONString(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got := appendJSONString(nil, s); string(got)+"\n" != want.String() {
			t.Fatalf("%q: got %s, want %s", s, got, want.String())
		}
	})
}
