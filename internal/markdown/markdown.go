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

// AnalyzeAppend is Analyze for a caller that keeps little of the result:
// the skip spans are appended to skip (a buffer the caller reuses), and of
// the headings only their texts are returned, sharing one string with the
// block ids. A call allocates just what the caller keeps.
func AnalyzeAppend(src []byte, start int, skip []Span) (outSkip []Span, headings, blockIDs []string) {
	s := scannerPool.Get().(*scanner)
	defer s.release()
	s.scan(src, start, true)
	skip = append(skip, s.mergedSkip()...)
	headings, blockIDs = s.texts()
	return skip, headings, blockIDs
}

// AnalyzeAppendReference is AnalyzeAppend on the general path alone, no
// line taking a fast path: the reference that relink's differential test
// holds AnalyzeAppend to.
func AnalyzeAppendReference(src []byte, start int, skip []Span) (outSkip []Span, headings, blockIDs []string) {
	s := newScanner()
	s.noFast = true
	s.scan(src, start, true)
	skip = append(skip, s.mergedSkip()...)
	headings, blockIDs = s.texts()
	return skip, headings, blockIDs
}

// analyze is Analyze, with the Obsidian extensions (%%comments%%, $math$)
// or without them (plain CommonMark, for the differential test).
func analyze(src []byte, start int, ext bool) Result {
	s := scannerPool.Get().(*scanner)
	defer s.release()
	return s.analyze(src, start, ext)
}

func newScanner() *scanner {
	s := &scanner{}
	s.nodes = make([]node, 1, 64)
	s.nodes[0] = node{kind: kDocument, parent: -1, lastChild: -1, end: -1, tmp: -1}
	return s
}

func (s *scanner) analyze(src []byte, start int, ext bool) Result {
	s.scan(src, start, ext)
	return s.result()
}

// scan analyzes src[start:] into the scanner's buffers.
func (s *scanner) scan(src []byte, start int, ext bool) {
	start = min(max(start, 0), len(src))
	s.src = src
	s.ext = ext
	s.restart = -1
	at := start
	if bytes.HasPrefix(src[at:], bom) {
		at += 3
	}
	s.firstLine = 1 + bytes.Count(src[:at], []byte{'\n'})
	s.firstCand, s.lastRef = -1, -1
	s.run(at)
	if s.refs != nil && s.firstCand >= 0 && s.firstCand < s.lastRef {
		// goldmark knows all link reference definitions before it parses
		// inlines, and a reference link consumes its "[label]": a ']'
		// came before a definition, so scan again knowing them all.
		s.clearResult()
		s.tbPos = 0
		s.run(at)
	}
}

// run parses the document from at.
func (s *scanner) run(at int) {
	src := s.src
	s.restart = -1
	s.compactAt = minCompact
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
				s.one[0] = seg{p, fe, 0}
				s.inline(s.one[:])
			}
			next = min(e+1, len(src))
		}
		if next >= len(src) {
			break
		}
		s.r.reset(src, next, s.lineOf(next))
	}
	s.open = s.open[:0]
	s.resetTree()
	s.skipList, s.emptyItemBlank = false, false
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

	// the result, built in reused buffers: Result gets exact copies, and
	// one string holds the text of all headings and block ids.
	skip  []Span
	heads []heading
	ids   []textSpan
	text  []byte

	// block layer
	nodes          []node  // nodes[0] is the document
	open           []int32 // goldmark's opened blocks
	lines          []seg   // lines of the open paragraphs
	holders        int     // paragraphs and setext headings holding lines
	blockOffset    int
	skipList       bool // goldmark's skipListParserKey
	emptyItemBlank bool // goldmark's emptyListItemWithBlankLines
	tbPos          int  // goldmark's thematic break cache
	noFast         bool // take the general path on every line (for tests holding the fast paths to it)
	compactAt      int  // compact the tree when it grows past this
	remap, liveTmp []int32
	refs           map[string]struct{}

	// inline layer
	openers []opener
	links   int // links formed in this block
	// inline math: no closing '$' after mathFailFrom on the line ending
	// at mathFailEnd
	mathFailEnd, mathFailFrom int
	csFail                    uint64 // code span lengths with no closer in this block
	csFails                   int    // failed code span searches in this block
	btBuilt                   bool   // btRuns indexes this block's backtick runs
	btRuns                    []btRun
	htmlFail                  [4]bool
	segTmp                    []seg
	labelBuf                  []byte
	keyBuf                    []byte
	one                       [1]seg // the line of an ATX heading or a fragment

	ext       bool // Obsidian extensions on
	firstCand int  // first ']' closing a '[' (a possible reference link), or -1
	lastRef   int  // start of the last paragraph with link reference definitions, or -1
	restart   int  // >= 0: start again at this offset
	firstLine int  // 1-based line of the body's first line
	cpPos     int  // a position and its line, for lineOf
	cpLine    int
}

var scannerPool = sync.Pool{New: func() any { return newScanner() }}

func (s *scanner) release() {
	s.src = nil
	s.r.src = nil
	s.br.src, s.br.segs = nil, nil
	s.clearResult()
	if cap(s.skip) > 1<<16 {
		s.skip, s.heads, s.ids, s.text = nil, nil, nil, nil
	}
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
	s.skip = append(s.skip, Span{start, end})
}

// heading is a Heading with its text in scanner.text.
type heading struct {
	level uint8
	line  int
	text  textSpan
}

type textSpan struct{ start, end int }

func (s *scanner) clearResult() {
	s.skip, s.heads, s.ids, s.text = s.skip[:0], s.heads[:0], s.ids[:0], s.text[:0]
}

// addHeading records a heading with the text text, or the text of lines
// joined by spaces.
func (s *scanner) addHeading(level int, line int32, text []byte, lines []seg) {
	if s.restart >= 0 {
		return
	}
	h := heading{level: uint8(level), line: s.firstLine + int(line)}
	h.text.start = len(s.text)
	if lines != nil {
		for _, l := range lines {
			t := s.src[l.start:l.stop]
			t = t[trimLeftSpaceLen(t) : len(t)-trimRightSpaceLen(t)]
			if len(t) == 0 {
				continue
			}
			if len(s.text) > h.text.start {
				s.text = append(s.text, ' ')
			}
			s.text = append(s.text, t...)
		}
	} else {
		s.text = append(s.text, text...)
	}
	h.text.end = len(s.text)
	s.heads = append(s.heads, h)
}

// mergedSkip sorts and merges the skip spans in place and returns them.
func (s *scanner) mergedSkip() []Span {
	sk := s.skip
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
	s.skip = out
	return out
}

// texts returns the heading texts and the block ids, all cut from one
// string.
func (s *scanner) texts() (headings, blockIDs []string) {
	if len(s.heads) == 0 && len(s.ids) == 0 {
		return nil, nil
	}
	text := string(s.text)
	if len(s.heads) > 0 {
		headings = make([]string, len(s.heads))
		for i, h := range s.heads {
			headings[i] = text[h.text.start:h.text.end]
		}
	}
	if len(s.ids) > 0 {
		blockIDs = make([]string, len(s.ids))
		for i, id := range s.ids {
			blockIDs[i] = text[id.start:id.end]
		}
	}
	return headings, blockIDs
}

// result builds the Result: skip spans sorted and merged.
func (s *scanner) result() Result {
	var res Result
	if out := s.mergedSkip(); len(out) > 0 {
		res.Skip = slices.Clone(out)
	}
	headings, ids := s.texts()
	if len(headings) > 0 {
		res.Headings = make([]Heading, len(s.heads))
		for i, h := range s.heads {
			res.Headings[i] = Heading{Level: int(h.level), Text: headings[i], Line: h.line}
		}
	}
	res.BlockIDs = ids
	return res
}

func cmpSpan(a, b Span) int { return a.Start - b.Start }
