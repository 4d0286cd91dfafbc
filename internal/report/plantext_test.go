package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/plan"
)

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		word string
		want string
	}{
		{0, "note", "0 notes"},
		{1, "note", "1 note"},
		{2, "link", "2 links"},
		{1, "problem", "1 problem"},
		{1, "stored content", "1 stored content"},
		{1, "entry/entries", "1 entry"},
		{3, "entry/entries", "3 entries"},
	} {
		if got := Count(tt.n, tt.word); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.word, got, tt.want)
		}
	}
}

func TestSummarySingular(t *testing.T) {
	p := &plan.Plan{Stats: plan.Stats{Notes: 1, Links: 1, Variant: 1}, Edits: []plan.Edit{{}}}
	want := "1 note, 1 link: 0 resolved, 1 variant, 0 ambiguous, 0 alias, 0 broken, 0 duplicate, 0 heading; 1 edit, 1 problem"
	if got := Summary(p, 1); got != want {
		t.Errorf("Summary = %q\nwant      %q", got, want)
	}
}

// TestSummaryRenamed: the summary counts renamed links after heading, and
// only when there are any.
func TestSummaryRenamed(t *testing.T) {
	p := &plan.Plan{Stats: plan.Stats{Notes: 2, Links: 3, Resolved: 1, Renamed: 2}, Edits: []plan.Edit{{}, {}}}
	want := "2 notes, 3 links: 1 resolved, 0 variant, 0 ambiguous, 0 alias, 0 broken, 0 duplicate, 0 heading, 2 renamed; 2 edits"
	if got := Summary(p, 0); got != want {
		t.Errorf("Summary = %q\nwant      %q", got, want)
	}
}

func TestNormalizationTags(t *testing.T) {
	nfc := "[[상태 관리]]"
	nfd := norm.NFD.String(nfc)
	for _, tt := range []struct {
		name, old, new   string
		wantOld, wantNew string
	}{
		{"NFD link to an NFC name", nfd, nfc, NFDTag, ""},
		{"NFC link to an NFD name", nfc, nfd, "", NFDTag},
		{"NFD and a visible change", norm.NFD.String("[[상태-관리]]"), nfc, "", ""},
		{"visible change only", "[[a b]]", "[[A B]]", "", ""},
		{"equal", nfc, nfc, "", ""},
		{"composed Latin vs decomposed", "[[Cafe\u0301]]", "[[Café]]", NFDTag, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, n := NormalizationTags(tt.old, tt.new)
			if o != tt.wantOld || n != tt.wantNew {
				t.Errorf("tags %q, %q; want %q, %q", o, n, tt.wantOld, tt.wantNew)
			}
		})
	}
	e := plan.Edit{File: "a.md", Line: 1, Col: 1, Class: "variant", Old: nfd, New: nfc}
	want := "a.md:1:1: variant: " + nfd + " (NFD) -> " + nfc + "\n"
	if got := string(appendEdit(nil, &e)); got != want {
		t.Errorf("line %q, want %q", got, want)
	}
}

// edit plans replacing old, found at its first occurrence in src, by new.
func edit(src, old, new string, line int) plan.Edit {
	i := strings.Index(src, old)
	return plan.Edit{File: "n.md", Line: line, Col: i + 1, Start: i, End: i + len(old), Old: old, New: new, Class: "variant"}
}

func TestLinePreview(t *testing.T) {
	src := "# T\r\nsee [[a b]] and [[c]] here\r\nlast"
	long := "x" + strings.Repeat("가", 100) + " [[a b]] " + strings.Repeat("나", 100) + "\n"
	tests := []struct {
		name     string
		src      string
		edits    []plan.Edit
		old, new string
		ok       bool
	}{
		{"two edits on a CRLF line", src, []plan.Edit{edit(src, "[[a b]]", "[[A B]]", 2), edit(src, "[[c]]", "[[C]]", 2)},
			"see [[a b]] and [[c]] here", "see [[A B]] and [[C]] here", true},
		{"BOM before the first line", "\uFEFF[[q]]\n", []plan.Edit{edit("\uFEFF[[q]]\n", "[[q]]", "[[Q]]", 1)}, "[[q]]", "[[Q]]", true},
		{"last line without newline", "x\n[[q]]", []plan.Edit{edit("x\n[[q]]", "[[q]]", "[[Q]]", 2)}, "[[q]]", "[[Q]]", true},
		{"long line cut around the edit", long, []plan.Edit{edit(long, "[[a b]]", "[[A B]]", 1)},
			"…" + strings.Repeat("가", 39) + " [[a b]] " + strings.Repeat("나", 39) + "…",
			"…" + strings.Repeat("가", 39) + " [[A B]] " + strings.Repeat("나", 39) + "…", true},
		{"file changed", "see [[x]]", []plan.Edit{{Start: 4, End: 9, Old: "[[y]]", New: "[[Y]]"}}, "", "", false},
		{"offsets past the end", "see", []plan.Edit{{Start: 4, End: 9, Old: "[[y]]"}}, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new, ok := LinePreview([]byte(tt.src), tt.edits)
			if old != tt.old || new != tt.new || ok != tt.ok {
				t.Errorf("got %q, %q, %v\nwant %q, %q, %v", old, new, ok, tt.old, tt.new, tt.ok)
			}
		})
	}
}

// TestPlanText: the edits first, each line's edits with the line before
// and after them, then the findings under their own heading, then the
// summary; a file that cannot be read loses only its preview.
func TestPlanText(t *testing.T) {
	a := "see [[a b]] and [[c]]\n"
	files := map[string]string{"a.md": a}
	ea1, ea2 := edit(a, "[[a b]]", "[[A B]]", 1), edit(a, "[[c]]", "[[C]]", 1)
	ea1.File, ea2.File = "a.md", "a.md"
	p := &plan.Plan{
		Stats:    plan.Stats{Notes: 3, Links: 4, Variant: 3, Broken: 1},
		Edits:    []plan.Edit{ea1, ea2, {File: "gone.md", Line: 2, Col: 1, Class: "variant", Old: "[[x]]", New: "[[X]]"}},
		Findings: []plan.Finding{{File: "a.md", Line: 1, Col: 1, Class: "broken", Link: "[[z]]", Message: "no note matches"}},
	}
	read := func(f string) ([]byte, error) {
		if s, ok := files[f]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("file does not exist")
	}
	var out, errb bytes.Buffer
	if err := PlanText(&out, &errb, Input{Plan: p}, read); err != nil {
		t.Fatal(err)
	}
	want := `apply would make 3 edits in 2 files:

a.md:1:5: variant: [[a b]] -> [[A B]]
a.md:1:17: variant: [[c]] -> [[C]]
    - see [[a b]] and [[c]]
    + see [[A B]] and [[C]]

gone.md:2:1: variant: [[x]] -> [[X]]

1 finding that apply leaves alone:
a.md:1:1: broken: [[z]] (no note matches)

3 notes, 4 links: 0 resolved, 3 variant, 0 ambiguous, 0 alias, 1 broken, 0 duplicate, 0 heading; 3 edits
`
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}
	if got := errb.String(); got != "relink: gone.md: file does not exist\n" {
		t.Errorf("stderr %q", got)
	}
	out.Reset()
	PlanText(&out, &errb, Input{Plan: &plan.Plan{}}, read)
	if !strings.HasPrefix(out.String(), "apply would change nothing\n") {
		t.Errorf("empty plan: %q", out.String())
	}
}

// FuzzLinePreview: any source and edit offsets give a preview or ok=false,
// never a panic; a preview of an edit that fits shows its old and new text.
func FuzzLinePreview(f *testing.F) {
	f.Add("see [[a b]] here\n", 4, 11, "[[A B]]")
	f.Add("\uFEFF[[q]]", 3, 8, "[[Q]]")
	f.Add("x\r\n[[\xff]]\r\n", 3, 10, "[[y]]")
	f.Add("x\r\n[[\xff]]\r\n", 3, 11, "[[y]]")
	f.Add("\uFEFF[[q]]", 0, 3, "x")
	f.Add(strings.Repeat("가", 200)+"[[a]]", 600, 605, "[[A]]")
	f.Fuzz(func(t *testing.T, src string, start, end int, new string) {
		if start < 0 || end < start || end > len(src) {
			return
		}
		e := plan.Edit{Start: start, End: end, Old: src[start:end], New: new}
		old, nw, ok := LinePreview([]byte(src), []plan.Edit{e})
		if !ok {
			return
		}
		if !strings.Contains(old, e.Old) {
			t.Errorf("preview %q lacks the old text %q", old, e.Old)
		}
		if !strings.Contains(nw, new) {
			t.Errorf("preview %q lacks the new text %q", nw, new)
		}
	})
}

// equalNFC is the comparison of the two strings' NFC forms, whichever of
// them is NFC already.
func TestEqualNFC(t *testing.T) {
	samples := []string{"", "a", "[[상태 관리]]", norm.NFD.String("[[상태 관리]]"), "[[Cafe\u0301]]", "[[Café]]",
		norm.NFD.String("[[상태-관리]]"), "[[" + strings.Repeat("가", 200) + "]]", norm.NFD.String("[[" + strings.Repeat("가", 200) + "]]"),
		"\u0301", "e\u0301\u0301", "\xff\xfe"}
	for _, a := range samples {
		for _, b := range samples {
			want := norm.NFC.String(a) == norm.NFC.String(b)
			if got := equalNFC(a, b, norm.NFC.IsNormalString(a), norm.NFC.IsNormalString(b)); got != want {
				t.Errorf("equalNFC(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
}

// NormalizationTags gives what the straightforward definition gives
// (both strings' NFC forms made and compared) for every pair of samples:
// NFC, NFD, mixed, visible changes, invalid UTF-8.
func TestNormalizationTagsReference(t *testing.T) {
	reference := func(old, new string) (string, string) {
		if old == new {
			return "", ""
		}
		oldNFC, newNFC := norm.NFC.IsNormalString(old), norm.NFC.IsNormalString(new)
		if oldNFC && newNFC || norm.NFC.String(old) != norm.NFC.String(new) {
			return "", ""
		}
		o, n := "", ""
		if !oldNFC {
			o = NFDTag
		}
		if !newNFC {
			n = NFDTag
		}
		return o, n
	}
	var samples []string
	for _, s := range []string{"[[상태 관리]]", "[[상태-관리]]", "[[Café]]", "[[a b]]", "[[A B]]", "", "가", "é", "\xff", "[[" + strings.Repeat("관", 100) + "]]"} {
		samples = append(samples, s, norm.NFD.String(s), norm.NFKD.String(s))
	}
	samples = append(samples, "e\u0301\u0300", "e\u0300\u0301", "\u1100\u1161\u11a8x", "가\u11a8")
	for _, a := range samples {
		for _, b := range samples {
			go1, gn := NormalizationTags(a, b)
			wo, wn := reference(a, b)
			if go1 != wo || gn != wn {
				t.Errorf("NormalizationTags(%q, %q) = %q, %q; want %q, %q", a, b, go1, gn, wo, wn)
			}
		}
	}
}
