package markdown

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// want describes a Result by the text of its skip spans, so that cases
// read like the Markdown they are about.
type want struct {
	skip     []string
	headings []Heading
	ids      []string
}

func texts(src string, spans []Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, src[s.Start:s.End])
	}
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name string
		give string
		want want
	}{
		{"empty", "", want{}},
		{"prose", "Just [[a link]] and text.\n", want{}},
		{"korean prose", "상태 관리는 [[상태관리]] 참고.\n", want{}},

		// code spans
		{"code span", "a `[[x]]` b\n", want{skip: []string{"`[[x]]`"}}},
		{"double backticks", "a ``x ` [[y]]`` b\n", want{skip: []string{"``x ` [[y]]``"}}},
		{"unmatched run is text", "a `` x ` [[y]]\n", want{}},
		{"no closer", "a ` [[y]]\n", want{}},
		{"code span over lines", "a `x\n[[y]]` z\n", want{skip: []string{"`x\n[[y]]`"}}},
		{"code span stops at paragraph end", "a `x\n\n[[y]]` z\n", want{}},
		{"escaped backtick", "a \\`[[x]]` b\n", want{}},
		{"escaped backslash", "a \\\\`[[x]]` b\n", want{skip: []string{"`[[x]]`"}}},
		{"code in heading", "# Use `[[x]]`\n", want{
			skip:     []string{"`[[x]]`"},
			headings: []Heading{{1, "Use `[[x]]`", 1}},
		}},

		// fenced code
		{"fence", "```\n[[x]]\n```\n[[y]]\n", want{skip: []string{"```\n[[x]]\n```"}}},
		{"tilde fence with info", "~~~ js\n[[x]]\n~~~\n", want{skip: []string{"~~~ js\n[[x]]\n~~~"}}},
		{"unclosed fence runs to the end", "```\n[[x]]\n\n[[y]]\n", want{skip: []string{"```\n[[x]]\n\n[[y]]"}}},
		{"shorter fence does not close", "````\n```\n[[x]]\n````\n[[y]]\n", want{skip: []string{"````\n```\n[[x]]\n````"}}},
		{"other char does not close", "~~~\n```\n[[x]]\n~~~\n", want{skip: []string{"~~~\n```\n[[x]]\n~~~"}}},
		{"backtick in info: not a fence", "``` a`b\n[[x]]\n```\n", want{skip: []string{"```"}}},
		{"fence interrupts paragraph", "para\n```\n[[x]]\n```\n", want{skip: []string{"```\n[[x]]\n```"}}},
		{"fence in list item", "- a\n\n    ```\n    [[x]]\n    ```\n[[y]]\n", want{skip: []string{"```\n    [[x]]\n    ```"}}},
		{"fence ends with its quote", "> ```\n> [[x]]\n[[y]]\n", want{skip: []string{"```\n> [[x]]"}}},
		{"fence ends with its list item", "- ```\n  [[x]]\n[[y]]\n", want{skip: []string{"```\n  [[x]]"}}},
		{"indented 4: not a fence", "    ```\n    [[x]]\n", want{skip: []string{"```\n    [[x]]"}}},

		// indented code
		{"indented code", "    [[x]]\n", want{skip: []string{"[[x]]"}}},
		{"tab indented code", "\t[[x]]\n", want{skip: []string{"[[x]]"}}},
		{"indented code with blank lines", "    a\n\n    [[x]]\n\n[[y]]\n", want{skip: []string{"a\n\n    [[x]]"}}},
		{"indent cannot interrupt paragraph", "para\n    [[x]]\n", want{}},
		{"list continuation is not code", "- item\n    [[x]]\n", want{}},
		{"code inside list item", "- item\n\n        [[x]]\n", want{skip: []string{"  [[x]]"}}},
		{"list item paragraph, not code", "- item\n\n    [[x]]\n", want{}},
		{"code in quote", ">     [[x]]\n", want{skip: []string{"[[x]]"}}},
		{"lazy line is not code", "> para\n    [[x]]\n", want{}},

		// HTML comments
		{"comment block", "<!--\n[[x]]\n-->\n[[y]]\n", want{skip: []string{"<!--\n[[x]]\n-->"}}},
		{"comment block with blank lines", "<!-- a\n\n[[x]]\n-->\n", want{skip: []string{"<!-- a\n\n[[x]]\n-->"}}},
		{"comment block takes its line", "<!-- a --> [[x]]\n[[y]]\n", want{skip: []string{"<!-- a --> [[x]]"}}},
		{"unclosed comment block", "<!--\n[[x]]\n", want{skip: []string{"<!--\n[[x]]"}}},
		{"inline comment", "a <!-- [[x]] --> [[y]]\n", want{skip: []string{"<!-- [[x]] -->"}}},
		{"inline comment over lines", "a <!--\n[[x]] --> [[y]]\n", want{skip: []string{"<!--\n[[x]] -->"}}},
		{"inline comment needs its close in the paragraph", "a <!-- [[x]]\n\n-->\n", want{}},
		{"empty comments", "a <!--> [[x]] <!---> [[y]]\n", want{skip: []string{"<!-->", "<!--->"}}},
		{"html block is not code", "<div>\n`[[x]]`\n</div>\n", want{}},
		{"tag attribute hides a backtick", "<a title=\"`\">`[[x]]`\n", want{skip: []string{"`[[x]]`"}}},
		{"autolink hides a backtick", "<http://a.b/`>`[[x]]`\n", want{skip: []string{"`[[x]]`"}}},

		// links consume their destination
		{"link destination", "[a](`x`) `[[y]]`\n", want{skip: []string{"`[[y]]`"}}},
		{"link title", "[a](/u \"`\") `[[y]]`\n", want{skip: []string{"`[[y]]`"}}},
		{"reference definition", "[a]: `x`\n\n`[[y]]`\n", want{skip: []string{"`[[y]]`"}}},

		// Obsidian comments
		{"obsidian comment", "a %%[[x]]%% [[y]]\n", want{skip: []string{"%%[[x]]%%"}}},
		{"obsidian comment over lines", "a %%\n[[x]]\n%% [[y]]\n", want{skip: []string{"%%\n[[x]]\n%%"}}},
		{"obsidian comment over blocks", "%%\n# [[x]]\n\n```\n%%\n[[y]]\n", want{skip: []string{"%%\n# [[x]]\n\n```\n%%"}}},
		{"obsidian comment over blank lines", "a %%\n\nb [[x]]\n\nc %% `[[y]]` [[z]]\n", want{skip: []string{"%%\n\nb [[x]]\n\nc %%", "`[[y]]`"}}},
		{"unclosed obsidian comment runs to the end", "a %% [[x]]\n\n# H\n[[y]]\n", want{skip: []string{"%% [[x]]\n\n# H\n[[y]]\n"}}},
		{"obsidian comment in a quote", "> a %%\n>\n> b\n%% `[[x]]` [[y]]\n", want{skip: []string{"%%\n>\n> b\n%%", "`[[x]]`"}}},
		{"obsidian comment in a list", "- item %%\n\n  more\n  %% after [[x]]\n", want{skip: []string{"%%\n\n  more\n  %%"}}},
		{"obsidian comments one after another", "a %%\n\nb %% c %%\n\nd %%\n[[x]]\n", want{skip: []string{"%%\n\nb %%", "%%\n\nd %%"}}},
		{"line numbers after a comment", "%%\n\n%%\n# H\n", want{skip: []string{"%%\n\n%%"}, headings: []Heading{{1, "H", 4}}}},
		{"comment in code is code", "`%%` [[x]] %%\n", want{skip: []string{"`%%`", "%%\n"}}},
		{"code in comment is comment", "%% `a %% [[x]]`\n", want{skip: []string{"%% `a %%"}}},
		{"single percent", "100% [[x]] 50%\n", want{}},
		{"escaped percent", "\\%% [[x]] %%\n", want{skip: []string{"%%\n"}}},

		// math
		{"inline math", "a $x_[i]$ [[y]]\n", want{skip: []string{"$x_[i]$"}}},
		{"inline math with a link in it is text", "a $[[x]]$ [[y]]\n", want{}},
		{"display math", "$$\n[[x]]\n$$\n[[y]]\n", want{skip: []string{"$$\n[[x]]\n$$"}}},
		{"display math over blank lines", "$$\na\n\n[[x]]\n$$\n[[y]]\n", want{skip: []string{"$$\na\n\n[[x]]\n$$"}}},
		{"inline display math", "a $$[[x]]$$ b\n", want{skip: []string{"$$[[x]]$$"}}},
		{"display math in a list", "- $$\n\n  [[x]]\n  $$\n[[y]]\n", want{skip: []string{"$$\n\n  [[x]]\n  $$"}}},
		{"unclosed display math is text", "$$\n[[x]]\n", want{}},
		{"dollar then space", "costs $ 5 and [[x]] $6\n", want{}},
		{"closing dollar after space", "$5 and [[x]] $6\n", want{}},
		{"closing dollar before digit", "$5 and [[x]]$6\n", want{}},
		{"math on one line only", "$a\n[[x]]$\n", want{}},
		{"escaped dollar", "\\$[[x]]$\n", want{}},
		{"dollars in links are not math", "[[a$b]] [[c$d]]\n", want{}},

		// headings
		{"atx headings", "# One\n## Two ##\n### Three #\\#\n####### seven\n#nospace\n", want{headings: []Heading{
			{1, "One", 1}, {2, "Two", 2}, {3, "Three #\\#", 3},
		}}},
		{"empty headings", "#\n## ##\n", want{headings: []Heading{{1, "", 1}, {2, "", 2}}}},
		{"setext headings", "Title\n=====\n\nSub\n---\n", want{headings: []Heading{{1, "Title", 1}, {2, "Sub", 4}}}},
		{"multi-line setext", "A\n B \n==\n", want{headings: []Heading{{1, "A B", 1}}}},
		{"heading in quote and list", "> # Q\n- ## L\n", want{headings: []Heading{{1, "Q", 1}, {2, "L", 2}}}},
		{"no heading in code", "```\n# no\n```\n    # no\n", want{skip: []string{"```\n# no\n```", "# no"}}},
		{"no heading in comment", "<!--\n# no\n-->\n", want{skip: []string{"<!--\n# no\n-->"}}},
		{"no heading in obsidian comment", "%%\n\n# no\n%%\n# yes\n", want{
			skip:     []string{"%%\n\n# no\n%%"},
			headings: []Heading{{1, "yes", 5}},
		}},
		{"underline in obsidian comment", "a %%\n---\nb %%\n", want{skip: []string{"%%\n---\nb %%"}}},
		{"indented 4 is code", "    # no\n", want{skip: []string{"# no"}}},
		{"heading after paragraph", "para\n# H\n", want{headings: []Heading{{1, "H", 2}}}},
		{"thematic break is not setext", "\n---\n", want{}},
		{"list item is not setext", "- a\n---\n", want{}},

		// block ids
		{"block id", "Some text ^abc-1\n", want{ids: []string{"abc-1"}}},
		{"block id on own line", "> quote\n\n^quote-id\n", want{ids: []string{"quote-id"}}},
		{"block ids per line", "- one ^a\n- two ^b\n", want{ids: []string{"a", "b"}}},
		{"block id needs a space", "x^abc\n", want{}},
		{"block id at the end only", "a ^abc b\n", want{}},
		{"block id with trailing space", "a ^abc  \n", want{ids: []string{"abc"}}},
		{"no block id in code", "`a ^abc`\n\n    b ^def\n", want{skip: []string{"`a ^abc`", "b ^def"}}},
		{"block id after code span", "`a` ^abc\n", want{skip: []string{"`a`"}, ids: []string{"abc"}}},
		{"no block id in comment", "<!-- ^abc -->\na %% ^def\n", want{skip: []string{"<!-- ^abc -->", "%% ^def\n"}}},
		{"block id in heading", "# Head ^h1\n", want{headings: []Heading{{1, "Head ^h1", 1}}, ids: []string{"h1"}}},
		{"bad block id chars", "a ^ab_c\n", want{}},

		// line endings, BOM, odd bytes
		{"crlf", "# T\r\n```\r\n[[x]]\r\n```\r\n`[[y]]`\r\nz ^id\r\n", want{
			skip:     []string{"```\r\n[[x]]\r\n```\r", "`[[y]]`"},
			headings: []Heading{{1, "T", 1}},
			ids:      []string{"id"},
		}},
		{"crlf indented", "para\r\n\r\n    [[x]]\r\n", want{skip: []string{"[[x]]\r"}}},
		{"bom", "\xef\xbb\xbf# T\n`x`\n", want{skip: []string{"`x`"}, headings: []Heading{{1, "T", 1}}}},
		{"nul and invalid utf-8", "\x00\xff `\xfe` [[x]]\n", want{skip: []string{"`\xfe`"}}},
		{"no final newline", "`a`", want{skip: []string{"`a`"}}},
		{"lone cr is not a line break", "a\r# b\n", want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze([]byte(tt.give), 0)
			if msg := checkInvariants([]byte(tt.give), 0, got); msg != "" {
				t.Fatal(msg)
			}
			gotW := want{skip: texts(tt.give, got.Skip), headings: got.Headings, ids: got.BlockIDs}
			if diff := cmp.Diff(tt.want, gotW, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Analyze(%q) mismatch (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestAnalyzeStart(t *testing.T) {
	src := "---\ntitle: `x`\n---\n# H\n`[[a]]`\n"
	start := strings.Index(src, "# H")
	got := Analyze([]byte(src), start)
	wantSkip := []Span{{strings.Index(src, "`[[a]]`"), strings.Index(src, "`[[a]]`") + 7}}
	if diff := cmp.Diff(wantSkip, got.Skip); diff != "" {
		t.Errorf("Skip (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Heading{{1, "H", 4}}, got.Headings); diff != "" {
		t.Errorf("Headings (-want +got):\n%s", diff)
	}
	// out-of-range start is clamped
	for _, s := range []int{-5, len(src) + 5} {
		r := Analyze([]byte(src), s)
		if msg := checkInvariants([]byte(src), min(max(s, 0), len(src)), r); msg != "" {
			t.Errorf("start %d: %s", s, msg)
		}
	}
	// a BOM before the frontmatter
	bomSrc := "\xef\xbb\xbf" + src
	got = Analyze([]byte(bomSrc), start+3)
	if len(got.Headings) != 1 || got.Headings[0].Line != 4 {
		t.Errorf("with BOM: headings %+v", got.Headings)
	}
}

func TestInSkip(t *testing.T) {
	skip := []Span{{2, 4}, {6, 7}, {10, 20}}
	for p, want := range []bool{false, false, true, true, false, false, true, false, false, false, true} {
		if got := InSkip(skip, p); got != want {
			t.Errorf("InSkip(%d) = %v, want %v", p, got, want)
		}
	}
	if InSkip(nil, 0) || InSkip(skip, 20) || !InSkip(skip, 19) {
		t.Error("edges")
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, src := range diffCorpus {
		f.Add([]byte(src), 0)
	}
	f.Add([]byte("---\na: b\n---\n# x %%\n$$\n"), 12)
	f.Fuzz(func(t *testing.T, src []byte, start int) {
		r := Analyze(src, start)
		if msg := checkInvariants(src, min(max(start, 0), len(src)), r); msg != "" {
			t.Fatalf("%q (start %d): %s", src, start, msg)
		}
		if fresh := newScanner().analyze(src, start, true); fmt.Sprint(r) != fmt.Sprint(fresh) {
			t.Fatalf("%q (start %d): pooled scanner gives\n%+v\na new one\n%+v", src, start, r, fresh)
		}
		checkAppend(t, src, start, r)
	})
}

// checkAppend holds AnalyzeAppend to Analyze's result r.
func checkAppend(t *testing.T, src []byte, start int, r Result) {
	t.Helper()
	prefix := []Span{{-2, -1}}
	skip, heads, ids := AnalyzeAppend(src, start, prefix)
	var wantHeads []string
	for _, h := range r.Headings {
		wantHeads = append(wantHeads, h.Text)
	}
	if fmt.Sprint(skip) != fmt.Sprint(append(prefix, r.Skip...)) || fmt.Sprint(heads) != fmt.Sprint(wantHeads) ||
		fmt.Sprint(ids) != fmt.Sprint(r.BlockIDs) || (len(heads) == 0) != (heads == nil) || (len(ids) == 0) != (ids == nil) {
		t.Fatalf("%q (start %d): AnalyzeAppend gives %v %q %q, Analyze %+v", src, start, skip, heads, ids, r)
	}
}

func TestAnalyzeAppend(t *testing.T) {
	t.Parallel()
	for _, src := range diffCorpus {
		checkAppend(t, []byte(src), 0, Analyze([]byte(src), 0))
	}
}
