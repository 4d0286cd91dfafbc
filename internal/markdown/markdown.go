// Package markdown finds the parts of a note body that are not prose: code
// (fenced, indented, inline), HTML comments, Obsidian %%comments%% and math
// blocks. Links inside them are not links. It also collects headings and
// block ids for anchor checks.
//
// It is a fast line scanner, not a renderer: goldmark is the authority on
// CommonMark, and a differential fuzz test holds this scanner to it.
//
// # How it works
//
// Analyze makes one pass over the lines, in two layers, as goldmark does:
//
//   - The block layer (block.go) is a port of goldmark's block parser,
//     kept to what decides where things are: block quotes and list items
//     (with their indentation and lazy continuation lines), fenced and
//     indented code, HTML blocks, ATX and setext headings, thematic breaks,
//     paragraphs and link reference definitions. It builds no tree; it keeps
//     only the open blocks and a few counters.
//   - The inline layer (inline.go) runs over each paragraph and heading
//     when it closes. It finds code spans (which may span lines), raw HTML
//     and HTML comments, autolinks, and the link tails goldmark consumes
//     ("[text](dest "title")"), so that a backtick inside them opens no code
//     span. It also finds the Obsidian extensions %%comment%% and $math$,
//     and block ids at the ends of lines.
//
// A %%comment%% (or a "$$" display block that starts a line) that runs
// past the end of its paragraph, over blank lines or blocks, is raw text
// up to its close, as in Obsidian: the block layer then starts afresh
// after it, at the top level. An unclosed %% runs to the end of the file;
// an unclosed "$$" is just text.
//
// # Invariants
//
//   - Result.Skip is sorted, its spans are non-empty, do not overlap or
//     touch, and lie within [start, len(src)]. A span may include
//     container prefixes ("> ", list indentation) between the lines of a
//     block; no link can start there anyway.
//   - Offsets are into src; Heading.Line counts lines from the start of
//     src (1-based), frontmatter included.
//   - Lines end at '\n'; a '\r' before it is a space, as in goldmark. A
//     UTF-8 byte order mark at start is skipped. Any input is accepted:
//     invalid UTF-8 and NUL bytes are just bytes, and Analyze never
//     panics.
//   - Headings and block ids inside code, HTML blocks and comments are not
//     reported. Headings inside block quotes and list items are.
//
// # Where it differs from goldmark
//
// On inputs without '%' and '$' (the extensions), a "[[" lies in Skip
// exactly when goldmark puts it in a code span, a code block or an HTML
// comment, except in shapes documented in the differential test: a
// reference link "[text][label]" or "[text]" whose definition comes later
// in the document is not known when the paragraph is scanned, and case
// folding of link labels is Unicode simple folding.
package markdown

import (
	"bytes"
	"slices"
	"sync"
)

// Span is a half-open byte range [Start, End) into the note's bytes.
type Span struct{ Start, End int }

// Heading is an ATX (# Title) or setext heading.
type Heading struct {
	Level int
	Text  string // inline text, trimmed, without closing #s
	Line  int    // 1-based line in the file
}

// Result is what Analyze finds in a body.
type Result struct {
	// Skip holds sorted, non-overlapping spans in which no link may start.
	Skip     []Span
	Headings []Heading
	// BlockIDs are the ids of "^id" markers at the end of a paragraph/line.
	BlockIDs []string
}

// InSkip reports whether offset p lies in one of the spans of skip, which
// must be sorted and non-overlapping as Result.Skip is.
func InSkip(skip []Span, p int) bool {
	i, _ := slices.BinarySearchFunc(skip, p, func(s Span, p int) int {
		switch {
		case s.End <= p:
			return -1
		case s.Start > p:
			return 1
		}
		return 0
	})
	return i < len(skip) && skip[i].Start <= p && p < skip[i].End
}

var bom = []byte("\xef\xbb\xbf")

// Analyze scans src[start:] (start is the first byte after frontmatter) and
// returns offsets relative to src.
func Analyze(src []byte, start int) Result {
	return analyze(src, start, true)
}

// analyze is Analyze, with the Obsidian extensions (%%comments%%, $math$)
// or without them (plain CommonMark, for the differential test).
func analyze(src []byte, start int, ext bool) Result {
	start = min(max(start, 0), len(src))
	s := scannerPool.Get().(*scanner)
	defer s.release()
	s.src = src
	s.ext = ext
	s.restart = -1
	at := start
	if bytes.HasPrefix(src[at:], bom) {
		at += 3
	}
	s.firstLine = 1 + bytes.Count(src[:at], []byte{'\n'})
	s.cpPos, s.cpLine = at, 0
	s.r.reset(src, at, 0)
	for {
		s.parseBlocks()
		if s.restart < 0 {
			break
		}
		// An Obsidian comment or math block ran past its paragraph:
		// drop the open blocks, scan the rest of its closing line as text
		// and start again on the next line.
		next := len(src)
		for s.restart >= 0 {
			p := s.restart
			s.restart = -1
			s.open = s.open[:0]
			s.resetTree()
			s.skipList, s.emptyItemBlank = false, false
			if p >= len(src) {
				break
			}
			e := len(src)
			if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
				e = p + i
			}
			if fe := e - trimRightSpaceLen(src[p:e]); fe > p {
				one := [1]seg{{p, fe, 0}}
				s.inline(one[:])
			}
			next = min(e+1, len(src))
		}
		if next >= len(src) {
			break
		}
		s.r.reset(src, next, s.lineOf(next))
	}
	return s.result()
}

// lineOf returns the 0-based line (counted from the body start) of p.
func (s *scanner) lineOf(p int) int {
	if p >= s.cpPos {
		s.cpLine += bytes.Count(s.src[s.cpPos:p], []byte{'\n'})
	} else {
		s.cpLine -= bytes.Count(s.src[p:s.cpPos], []byte{'\n'})
	}
	s.cpPos = p
	return s.cpLine
}

// scanner holds the state of one Analyze call; scanners are pooled so that
// their buffers are reused.
type scanner struct {
	src []byte
	r   reader
	br  breader
	res Result

	// block layer
	nodes          []node  // nodes[0] is the document
	open           []int32 // goldmark's opened blocks
	lines          []seg   // lines of the open paragraphs
	holders        int     // paragraphs and setext headings holding lines
	blockOffset    int
	skipList       bool // goldmark's skipListParserKey
	emptyItemBlank bool // goldmark's emptyListItemWithBlankLines
	tbPos          int  // goldmark's thematic break cache
	refs           map[string]struct{}

	// inline layer
	openers  []opener
	csFail   uint64 // code span lengths with no closer in this block
	htmlFail [4]bool
	segTmp   []seg
	labelBuf []byte

	ext       bool // Obsidian extensions on
	restart   int  // >= 0: start again at this offset
	firstLine int  // 1-based line of the body's first line
	cpPos     int  // a position and its line, for lineOf
	cpLine    int
}

var scannerPool = sync.Pool{New: func() any {
	s := &scanner{}
	s.nodes = make([]node, 1, 64)
	return s
}}

func (s *scanner) release() {
	s.src = nil
	s.r.src = nil
	s.br.src, s.br.segs = nil, nil
	s.res = Result{}
	s.nodes = s.nodes[:1]
	s.nodes[0] = node{kind: kDocument, parent: -1, lastChild: -1, end: -1, tmp: -1}
	s.open = s.open[:0]
	s.lines = s.lines[:0]
	s.holders = 0
	s.skipList, s.emptyItemBlank = false, false
	s.tbPos = 0
	s.refs = nil
	if cap(s.lines) > 1<<16 {
		s.lines = nil
	}
	if cap(s.nodes) > 1<<16 {
		s.nodes = make([]node, 1, 64)
	}
	scannerPool.Put(s)
}

func (s *scanner) addSkip(start, end int) {
	if s.restart >= 0 || end <= start {
		return
	}
	s.res.Skip = append(s.res.Skip, Span{start, end})
}

// addHeading records a heading with the text text, or the text of lines
// joined by spaces.
func (s *scanner) addHeading(level int, line int32, text []byte, lines []seg) {
	if s.restart >= 0 {
		return
	}
	h := Heading{Level: level, Line: s.firstLine + int(line)}
	if lines != nil {
		var b []byte
		for _, l := range lines {
			t := s.src[l.start:l.stop]
			t = t[trimLeftSpaceLen(t) : len(t)-trimRightSpaceLen(t)]
			if len(t) == 0 {
				continue
			}
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = append(b, t...)
		}
		h.Text = string(b)
	} else {
		h.Text = string(text)
	}
	s.res.Headings = append(s.res.Headings, h)
}

// result sorts and merges the skip spans.
func (s *scanner) result() Result {
	res := s.res
	sk := res.Skip
	if !slices.IsSortedFunc(sk, cmpSpan) {
		slices.SortFunc(sk, cmpSpan)
	}
	out := sk[:0]
	for _, sp := range sk {
		if n := len(out); n > 0 && sp.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	res.Skip = out
	return res
}

func cmpSpan(a, b Span) int { return a.Start - b.Start }
