package markdown

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// This file holds Analyze to goldmark (CommonMark, no extensions): a byte
// that can start a link is in Result.Skip exactly when goldmark puts it in
// a code span, an indented or fenced code block, or an HTML comment (an
// HTML block of type 2 or inline raw HTML starting "<!--"). Inputs with
// '%' or '$' are not compared: %%comments%% and $math$ are Obsidian's, not
// CommonMark's.

var gmParser = parser.NewParser(
	parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
)

// gmResult is what goldmark says about a document.
type gmResult struct {
	mask     []Span
	headings []Heading
}

// goldmarkParse parses src with goldmark and collects its code and comment
// mask and its headings. ok is false if goldmark panicked.
func goldmarkParse(src []byte) (res gmResult, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	doc := gmParser.Parse(text.NewReader(src))
	lineOf := func(p int) int { return 1 + bytes.Count(src[:min(p, len(src))], []byte{'\n'}) }
	addLines := func(n ast.Node) {
		lines := n.Lines()
		for i := range lines.Len() {
			s := lines.At(i)
			res.mask = append(res.mask, Span{s.Start, s.Stop})
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			first, last := n.FirstChild(), n.LastChild()
			if first != nil {
				a := first.(*ast.Text).Segment
				b := last.(*ast.Text).Segment
				res.mask = append(res.mask, Span{a.Start, b.Stop})
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock:
			addLines(n)
		case *ast.FencedCodeBlock:
			addLines(n)
			// The opening fence line, with its info string.
			p := blockStart(src, n.Pos(), "`~")
			start := bytes.LastIndexByte(src[:p], '\n') + 1
			end := len(src)
			if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
				end = p + i
			}
			res.mask = append(res.mask, Span{start, end})
		case *ast.HTMLBlock:
			if n.HTMLBlockType == ast.HTMLBlockType2 {
				addLines(n)
				if n.HasClosure() {
					res.mask = append(res.mask, Span{n.ClosureLine.Start, n.ClosureLine.Stop})
				}
			}
		case *ast.RawHTML:
			segs := n.Segments
			if segs.Len() > 0 && bytes.HasPrefix(src[segs.At(0).Start:], []byte("<!--")) {
				for i := range segs.Len() {
					s := segs.At(i)
					res.mask = append(res.mask, Span{s.Start, s.Stop})
				}
			}
		case *ast.Heading:
			// goldmark's Pos of an ATX heading is too far by the padding
			// of a tab split by a container, and may even be on the next
			// line; the lines of a heading with text are right. Line 0
			// stands for "not known".
			lines := n.Lines()
			h := Heading{Level: n.Level}
			if lines.Len() > 0 {
				h.Line = lineOf(lines.At(0).Start)
			}
			var parts []string
			for i := range lines.Len() {
				s := lines.At(i)
				t := src[s.Start:s.Stop]
				t = t[trimLeftSpaceLen(t) : len(t)-trimRightSpaceLen(t)]
				if len(t) > 0 {
					parts = append(parts, string(t))
				}
			}
			h.Text = strings.Join(parts, " ")
			res.headings = append(res.headings, h)
		}
		return ast.WalkContinue, nil
	})
	return res, true
}

// blockStart corrects goldmark's Node.Pos of a fenced code block, which is
// too far by the padding of a tab split by a container (at most 3, so
// still on the fence line): it backs up to the fence it should point at.
func blockStart(src []byte, p int, chars string) int {
	p = min(p, len(src))
	for k := 0; k < 4 && p > 0 && (p == len(src) || !strings.ContainsRune(chars, rune(src[p]))); k++ {
		p--
	}
	return p
}

// merge sorts spans and merges those that overlap or touch.
func merge(spans []Span) []Span {
	spans = slices.Clone(spans)
	slices.SortFunc(spans, cmpSpan)
	var out []Span
	for _, s := range spans {
		if s.End <= s.Start {
			continue
		}
		if n := len(out); n > 0 && s.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// comparable reports whether src is in the language both parsers share.
func comparable(src []byte) bool {
	return bytes.IndexByte(src, '%') < 0 && bytes.IndexByte(src, '$') < 0
}

// samePooled checks that a pooled scanner, used before, gives what a new
// one gives: no state leaks from one note to the next.
func samePooled(src []byte) string {
	a, b := Analyze(src, 0), newScanner().analyze(src, 0, true)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return fmt.Sprintf("pooled scanner differs from a new one:\n%+v\n%+v", a, b)
	}
	return ""
}

// sameWithoutExtensions checks that, on input without '%' and '$', the
// extensions change nothing.
func sameWithoutExtensions(src []byte) string {
	if !comparable(src) {
		return ""
	}
	a, b := Analyze(src, 0), analyze(src, 0, false)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return fmt.Sprintf("extensions change the result:\n%+v\n%+v", a, b)
	}
	return ""
}

// probe reports whether the differential test looks at offset p: where a
// wikilink starts, and (a stronger check that finds bugs faster) at every
// ASCII letter.
func probe(src []byte, p int) bool {
	c := src[p]
	return c == '[' && p+1 < len(src) && src[p+1] == '[' || isAlpha(c)
}

// diffGoldmark compares Analyze with goldmark on src and describes the
// first difference, or returns "". The Obsidian extensions are turned off,
// so that inputs with '%' and '$' can be compared too; on inputs without
// them Analyze is the same with or without (see FuzzAnalyzeVsGoldmark).
func diffGoldmark(src []byte) string {
	body := src
	off := 0
	if bytes.HasPrefix(src, bom) {
		body, off = src[3:], 3 // goldmark would take the BOM for text
	}
	gm, ok := goldmarkParse(body)
	if !ok {
		return "" // goldmark panicked: nothing to compare with
	}
	got := analyze(src, 0, false)
	if msg := checkInvariants(src, 0, got); msg != "" {
		return msg
	}
	mask := merge(gm.mask)
	for p := off; p < len(src); p++ {
		if !probe(src, p) {
			continue
		}
		ours, theirs := InSkip(got.Skip, p), InSkip(mask, p-off)
		if ours != theirs {
			lo, hi := max(0, p-20), min(len(src), p+20)
			return fmt.Sprintf("offset %d (%q): in Skip = %v, in goldmark's code/comments = %v\nnear %q\nSkip %v\ngoldmark %v",
				p, src[p], ours, theirs, src[lo:hi], got.Skip, gm.mask)
		}
	}
	// A BOM adds no line, so goldmark's line numbers stand.
	if !sameHeadings(got.Headings, gm.headings) {
		return fmt.Sprintf("headings:\n got %+v\nwant %+v", got.Headings, gm.headings)
	}
	return ""
}

// sameHeadings compares headings, taking Line 0 in want as any line.
func sameHeadings(got, want []Heading) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		g := got[i]
		if w.Line == 0 {
			g.Line = 0
		}
		if g != w {
			return false
		}
	}
	return true
}

// checkInvariants checks what Result promises for any input.
func checkInvariants(src []byte, start int, r Result) string {
	prev := start
	for i, s := range r.Skip {
		if s.Start < start || s.End > len(src) || s.Start >= s.End {
			return fmt.Sprintf("span %d %v out of [%d, %d] or empty", i, s, start, len(src))
		}
		if i > 0 && s.Start <= prev {
			return fmt.Sprintf("span %d %v overlaps, touches or precedes the one before (end %d)", i, s, prev)
		}
		prev = s.End
	}
	for _, h := range r.Headings {
		if h.Level < 1 || h.Level > 6 || h.Line < 1 {
			return fmt.Sprintf("bad heading %+v", h)
		}
	}
	return ""
}

func TestGoldmarkCorpus(t *testing.T) {
	for i, src := range diffCorpus {
		if msg := diffGoldmark([]byte(src)); msg != "" {
			t.Errorf("corpus[%d] %q:\n%s", i, src, msg)
		}
	}
}

func FuzzAnalyzeVsGoldmark(f *testing.F) {
	for _, src := range diffCorpus {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if excluded(src) {
			return
		}
		if msg := diffGoldmark(src); msg != "" {
			t.Errorf("%q:\n%s", src, msg)
		}
		if msg := sameWithoutExtensions(src); msg != "" {
			t.Errorf("%q:\n%s", src, msg)
		}
		if msg := samePooled(src); msg != "" {
			t.Errorf("%q:\n%s", src, msg)
		}
		if msg := sameSlowPath(src, 0); msg != "" {
			t.Errorf("%q:\n%s", src, msg)
		}
	})
}

// excluded lists the shapes where we knowingly differ from goldmark (see
// the package documentation):
//
//   - Nesting deeper than maxDepth block quotes and list items, which we
//     cut off to stay fast: excluded when the input has enough container
//     markers for that (a list item is two blocks deep, list and item).
//   - Link labels with letters whose simple and full case folding differ:
//     not excluded, the fuzzer does not build them.
func excluded(src []byte) bool {
	markers := 0
	for _, c := range src {
		switch c {
		case '>', '-', '*', '+', '.', ')':
			markers++
		}
	}
	return markers >= maxDepth/2
}

// TestGoldmarkRealNotes runs the differential check over the real vaults
// in /work/shared/corpora, when they are there.
func TestGoldmarkRealNotes(t *testing.T) {
	root := os.Getenv("RELINK_CORPORA")
	if root == "" {
		root = "/work/shared/corpora"
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no corpora at %s", root)
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		start := frontmatterEnd(src)
		r := Analyze(src, start)
		if msg := checkInvariants(src, start, r); msg != "" {
			t.Errorf("%s: %s", path, msg)
		}
		// goldmark sees the body only.
		body := src[start:]
		if msg := diffGoldmark(body); msg != "" {
			t.Errorf("%s (body at %d):\n%s", path, start, msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d notes", n)
}

// frontmatterEnd returns where the body starts: after a "---" line, YAML
// and a closing "---" line, or 0.
func frontmatterEnd(src []byte) int {
	s := src
	if bytes.HasPrefix(s, bom) {
		s = s[3:]
	}
	if !bytes.HasPrefix(s, []byte("---\n")) && !bytes.HasPrefix(s, []byte("---\r\n")) {
		return 0
	}
	off := len(src) - len(s)
	i := bytes.IndexByte(s, '\n') + 1
	for i < len(s) {
		j := bytes.IndexByte(s[i:], '\n')
		line := s[i:]
		if j >= 0 {
			line = s[i : i+j+1]
		}
		if t := bytes.TrimRight(line, "\r\n"); string(t) == "---" || string(t) == "..." {
			return off + i + len(line)
		}
		if j < 0 {
			break
		}
		i += j + 1
	}
	return 0
}
