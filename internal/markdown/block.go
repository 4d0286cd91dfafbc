package markdown

import (
	"bytes"
	"slices"
)

// The block phase is a port of goldmark's parser.parseBlocks and its
// default block parsers (v1.8), reduced to what decides where code, HTML
// comments, headings and paragraphs are. Names follow goldmark so the two
// can be read side by side; quirks are kept on purpose, because goldmark is
// the reference the differential test compares against.

type kind uint8

const (
	kDocument kind = iota
	kBlockquote
	kList
	kListItem
	kParagraph
	kATXHeading
	kSetextHeading
	kThematicBreak
	kCodeBlock
	kFencedCode
	kHTMLBlock
)

// node is a block in the tree goldmark would build. Only what later
// decisions look at is kept.
type node struct {
	kind      kind
	removed   bool  // taken out of the tree (a paragraph that was all link reference definitions)
	ordered   bool  // list
	marker    byte  // list
	fch       byte  // fenced code: fence character
	level     uint8 // heading
	htype     uint8 // HTML block type 1-7
	parent    int32
	children  int32
	lastChild int32
	offset    int32 // list item: content offset
	flen      int32 // fenced code: fence length
	nlines    int32 // HTML block: lines so far
	lfirst    int32 // paragraph / setext heading: lines in scanner.lines
	lcount    int32
	tmp       int32 // setext heading: the paragraph it replaces
	line      int32 // 0-based line of the first line
	start     int   // span start (code, HTML) or heading text start (ATX)
	end       int   // span end or heading text end; -1 when none
	aux       int   // HTML block: end of its first line
}

// block parsers, in goldmark's priority order.
type bparser uint8

const (
	pSetext bparser = iota
	pThematic
	pList
	pListItem
	pCode
	pATX
	pFence
	pQuote
	pHTML
	pPara
)

var canInterrupt = [...]bool{pSetext: true, pThematic: true, pList: true, pListItem: true,
	pCode: false, pATX: true, pFence: true, pQuote: true, pHTML: true, pPara: false}

var freeParsers = []bparser{pCode, pPara}

// parsersFor lists, per first byte, the parsers goldmark tries.
var parsersFor = func() (t [256][]bparser) {
	add := func(cs string, p bparser) {
		for i := range len(cs) {
			t[cs[i]] = append(t[cs[i]], p)
		}
	}
	add("-=", pSetext)
	add("-*_", pThematic)
	add("-+*0123456789", pList)
	add("-+*0123456789", pListItem)
	add("#", pATX)
	add("~`", pFence)
	add(">", pQuote)
	add("<", pHTML)
	for c := range t {
		if t[c] == nil {
			t[c] = freeParsers
		} else {
			t[c] = append(t[c], freeParsers...)
		}
	}
	return t
}()

// plainStart marks the bytes that start no block: a line starting with one
// continues a paragraph.
var plainStart = func() (t [256]bool) {
	for c := range t {
		t[c] = !isSpace(byte(c)) && len(parsersFor[c]) == len(freeParsers)
	}
	return t
}()

// maxDepth bounds the nesting of block quotes and lists. goldmark has no
// bound, but then a line of a million "> " takes quadratic time; past
// this depth a container marker is text.
const maxDepth = 256

const (
	noBlocksOpened = iota
	newBlocksOpened
	paragraphContinuation
)

func (s *scanner) lastOpened() int32 {
	if len(s.open) == 0 {
		return -1
	}
	return s.open[len(s.open)-1]
}

func (s *scanner) newNode(k kind) int32 {
	s.nodes = append(s.nodes, node{kind: k, parent: -1, lastChild: -1, end: -1, tmp: -1})
	return int32(len(s.nodes) - 1)
}

func (s *scanner) appendChild(parent, child int32) {
	s.nodes[child].parent = parent
	s.nodes[parent].children++
	s.nodes[parent].lastChild = child
}

// lastItem returns the last child of a list if it is a list item.
func (s *scanner) lastItem(list int32) *node {
	if c := s.nodes[list].lastChild; c >= 0 && s.nodes[c].kind == kListItem {
		return &s.nodes[c]
	}
	return nil
}

func (s *scanner) lastOffset(list int32) int {
	if it := s.lastItem(list); it != nil {
		return int(it.offset)
	}
	return 0
}

// lastItemEmpty is goldmark's list.LastChild().ChildCount() == 0.
func (s *scanner) lastItemEmpty(list int32) bool {
	it := s.lastItem(list)
	return it == nil || it.children == 0
}

// parseBlocks is goldmark's parser.parseBlocks. It returns early when an
// Obsidian comment or math block asks for a restart.
func (s *scanner) parseBlocks() {
	r := &s.r
	for {
		for {
			line := r.peekLine()
			if line == nil {
				return
			}
			if !isBlank(line) {
				break
			}
			r.advanceLine()
		}
		if s.openBlocks(0) != newBlocksOpened {
			return
		}
		r.advanceLine()
		for {
			if s.restart >= 0 {
				return
			}
			if len(s.nodes) > s.compactAt || len(s.lines) > s.compactAt {
				s.compact()
			}
			opened := s.open
			l := len(opened)
			if l == 0 {
				s.resetTree()
				break
			}
			lastIndex := l - 1
			if l == 1 && s.nodes[opened[0]].kind == kParagraph {
				// Fast path: a top-level paragraph goes on over lines that
				// start with a byte no block starts with; goldmark's way
				// ends in the same paragraph continuation.
				n := &s.nodes[opened[0]]
				for r.pos < len(r.src) && plainStart[r.src[r.pos]] {
					s.lines = append(s.lines, seg{r.pos, r.stop, 0})
					n.lcount++
					r.advanceLine()
				}
			}
			if l >= 2 && !s.noFast && (s.nextListItem(opened) || l == 2 && s.nextQuoteLine(opened) || s.lazyLine(opened)) {
				r.advanceLine()
				continue
			}
			for i := range l {
				be := opened[i]
				if r.peekLine() == nil {
					s.closeBlocks(lastIndex, 0)
					r.advanceLine()
					return
				}
				if s.nodes[be].kind != kParagraph {
					cont, children := s.continueBlock(be)
					if cont {
						if children && i == lastIndex {
							s.openBlocks(be)
							break
						}
						continue
					}
				}
				var thisParent int32
				if i != 0 {
					thisParent = opened[i-1]
				}
				lastNode := opened[lastIndex]
				if s.openBlocks(thisParent) != paragraphContinuation {
					if opened[lastIndex] != lastNode {
						lastIndex--
					}
					s.closeBlocks(lastIndex, i)
				}
				break
			}
			r.advanceLine()
		}
	}
}

// nextListItem is a fast path for the commonest line in a list: the next
// item, "- text" or "1. text", of a list that is the outermost open block,
// whose last item is not empty and has at most an open paragraph open in
// it (as after a blank line). It does what the general path does, which
// goes like this: the list's Continue accepts the line (it is no thematic
// break, as the byte after "- " is text); the item's Continue refuses it
// and sets skipList; openBlocks(list) finds no setext underline (no
// paragraph, or not the list's child), no thematic break, the list parser
// skipped, a new item of offset marker+1 (one space before text), then no
// indented code and a new paragraph; closeBlocks closes the old item and
// its paragraph. It reports false, having changed nothing, for any other
// line.
func (s *scanner) nextListItem(opened []int32) bool {
	r := &s.r
	l := len(opened)
	if l < 2 || l > 3 || r.pad != 0 || r.pos != r.head || r.pos >= len(r.src) {
		return false
	}
	list, item := opened[0], opened[1]
	ln, it := &s.nodes[list], &s.nodes[item]
	if ln.kind != kList || it.kind != kListItem || it.removed ||
		ln.lastChild != item || it.parent != list || it.children == 0 {
		return false
	}
	if l == 3 {
		if pa := &s.nodes[opened[2]]; pa.kind != kParagraph || pa.parent != item || pa.removed {
			return false
		}
	}
	line := r.peekLine()
	m, typ := s.listItem(line)
	// m[4] == m[3] for a list item: the content starts right after the
	// marker.
	if typ == notList || m[1] != 0 || m[4] < 0 || line[m[4]] != ' ' ||
		m[4]+1 >= len(line) || !plainStart[line[m[4]+1]] ||
		line[m[3]-1] != ln.marker || (typ == orderedList) != ln.ordered {
		return false
	}
	if r.stop > s.tbPos {
		s.tbPos = r.stop
	}
	s.skipList, s.emptyItemBlank = false, false
	s.blockOffset = 0
	id := s.newNode(kListItem)
	s.nodes[id].offset = int32(m[4] + 1)
	s.appendChild(list, id)
	s.open = append(s.open, id)
	r.advance(m[4] + 1)
	p, _, _ := s.openBlock(pPara, id, r.peekLine(), r.lineOffset())
	s.appendChild(id, p)
	s.open = append(s.open, p)
	s.closeBlocks(l-1, 1)
	return true
}

// nextQuoteLine is a fast path for "> text" going on with the paragraph of
// a block quote that is the outermost open block. On the general path the
// quote's Continue takes "> "; openBlocks, with a paragraph open and the
// text starting with a byte no block starts with, tries only the parsers
// that cannot interrupt a paragraph, so it skips them all; and the
// paragraph's Continue takes the rest of the line. It reports false, having
// changed nothing, for any other line.
func (s *scanner) nextQuoteLine(opened []int32) bool {
	r := &s.r
	if r.pad != 0 || r.pos != r.head || r.pos+2 >= r.stop {
		return false
	}
	quote, para := opened[0], opened[1]
	pa := &s.nodes[para]
	if s.nodes[quote].kind != kBlockquote || pa.kind != kParagraph || pa.parent != quote || pa.removed {
		return false
	}
	if src := r.src; src[r.pos] != '>' || src[r.pos+1] != ' ' || !plainStart[src[r.pos+2]] {
		return false
	}
	r.peeked = false
	r.pos += 2
	s.blockOffset = 0
	s.lines = append(s.lines, seg{r.pos, r.stop, 0})
	pa.lcount++
	r.advanceToEOL()
	return true
}

// lazyLine is a fast path for a lazy continuation line: text at the start
// of a line going on with the paragraph of a list item or block quote.
// With the byte no block starts with, the outermost container refuses the
// line (a list's last item is not empty and its offset is past column 0, so
// the list refuses a line that is no list item; a quote wants '>'); then
// openBlocks(document) skips the parsers that cannot interrupt a paragraph,
// which are all it would try, and the paragraph's Continue takes the line.
// It reports false, having changed nothing, for any other line.
func (s *scanner) lazyLine(opened []int32) bool {
	r := &s.r
	if r.pad != 0 || r.pos != r.head || r.pos >= len(r.src) || !plainStart[r.src[r.pos]] {
		return false
	}
	pa := &s.nodes[opened[len(opened)-1]]
	if pa.kind != kParagraph || pa.removed {
		return false
	}
	switch first := &s.nodes[opened[0]]; first.kind {
	case kBlockquote:
	case kList:
		it := &s.nodes[opened[1]]
		if first.lastChild != opened[1] || it.kind != kListItem || it.children == 0 || it.offset <= 0 {
			return false
		}
	default:
		return false
	}
	s.blockOffset = 0
	s.lines = append(s.lines, seg{r.pos, r.stop, 0})
	pa.lcount++
	r.advanceToEOL()
	return true
}

// compact forgets the closed blocks, and the lines of closed paragraphs,
// that nothing refers to any more, renumbering the others. (A list that
// stays open over thousands of items would otherwise keep them all.)
func (s *scanner) compact() {
	remap := s.remap[:0]
	for range s.nodes {
		remap = append(remap, -1)
	}
	live := s.liveTmp[:0]
	keep := func(id int32) {
		if id >= 0 && remap[id] < 0 {
			remap[id] = 0
			live = append(live, id)
		}
	}
	keep(0)
	for _, id := range s.open {
		keep(id)
		switch n := &s.nodes[id]; n.kind {
		case kList:
			keep(n.lastChild) // lastOffset and lastItemEmpty look at it
		case kSetextHeading:
			keep(n.tmp) // its lines become the heading's
		}
	}
	slices.Sort(live)
	// Nodes, in their old order.
	for i, id := range live {
		remap[id] = int32(i)
		s.nodes[i] = s.nodes[id]
	}
	s.nodes = s.nodes[:len(live)]
	ref := func(id int32) int32 {
		if id < 0 {
			return id
		}
		if remap[id] < 0 {
			return -2 // gone: equal to no live node
		}
		return remap[id]
	}
	// Lines of the paragraphs still wanted, in their old order.
	var byLines []int32
	for i := range s.nodes {
		n := &s.nodes[i]
		n.parent, n.lastChild, n.tmp = ref(n.parent), ref(n.lastChild), ref(n.tmp)
		if n.kind == kParagraph {
			byLines = append(byLines, int32(i))
		}
	}
	slices.SortFunc(byLines, func(a, b int32) int { return int(s.nodes[a].lfirst - s.nodes[b].lfirst) })
	nl := 0
	for _, i := range byLines {
		n := &s.nodes[i]
		copy(s.lines[nl:], s.lines[n.lfirst:n.lfirst+n.lcount])
		n.lfirst = int32(nl)
		nl += int(n.lcount)
	}
	s.lines = s.lines[:nl]
	for i, id := range s.open {
		s.open[i] = remap[id]
	}
	s.remap, s.liveTmp = remap, live
	s.compactAt = max(minCompact, 2*max(len(s.nodes), len(s.lines)))
}

const minCompact = 4096

// resetTree forgets closed blocks once none is open.
func (s *scanner) resetTree() {
	s.nodes = s.nodes[:1]
	s.nodes[0].lastChild = -1
	s.lines = s.lines[:0]
	s.holders = 0
}

func (s *scanner) closeBlocks(from, to int) {
	for i := from; i >= to; i-- {
		id := s.open[i]
		if s.nodes[id].kind == kParagraph && !s.nodes[id].removed {
			s.transformParagraph(id)
		}
		if !s.nodes[id].removed {
			s.closeNode(id)
		}
	}
	if from == len(s.open)-1 {
		s.open = s.open[:to]
	} else {
		s.open = append(s.open[:to], s.open[from+1:]...)
	}
}

func (s *scanner) openBlocks(parent int32) int {
	r := &s.r
	result := noBlocksOpened
	continuable := false
	lastB := s.lastOpened()
	if lastB >= 0 {
		continuable = s.nodes[lastB].kind == kParagraph
	}
retry:
	line := r.peekLine()
	col := r.lineOffset()
	w, pos := indentWidth(line, col)
	if w >= len(line) {
		s.blockOffset = -1
	} else {
		s.blockOffset = pos
	}
	if line != nil && line[0] != '\n' {
		bps := freeParsers
		if pos < len(line) {
			bps = parsersFor[line[pos]]
		}
		for _, bp := range bps {
			if continuable && result == noBlocksOpened && !canInterrupt[bp] {
				continue
			}
			if w > 3 && bp != pCode {
				continue
			}
			if len(s.open) >= maxDepth && (bp == pList || bp == pListItem || bp == pQuote) {
				continue // see maxDepth
			}
			lastB = s.lastOpened()
			id, children, requirePara := s.openBlock(bp, parent, line, col)
			if id < 0 {
				continue
			}
			if requirePara && lastB == s.nodes[parent].lastChild {
				s.trimParagraph(lastB)
				s.open = s.open[:len(s.open)-1]
				if s.transformParagraph(lastB) {
					continuable = false
					goto retry
				}
			}
			if lastB >= 0 && s.nodes[lastB].removed {
				n := len(s.open) - 1
				s.closeBlocks(n, n)
			}
			s.appendChild(parent, id)
			result = newBlocksOpened
			s.open = append(s.open, id)
			if children {
				parent = id
				goto retry
			}
			break
		}
	}
	if result == noBlocksOpened && continuable {
		if cont, _ := s.continueBlock(lastB); cont {
			result = paragraphContinuation
		}
	}
	return result
}

// openBlock is BlockParser.Open for each parser. It returns the new node
// or -1. line and col are r.peekLine() and r.lineOffset(), which a parser
// that opens nothing leaves as they are, so openBlocks computes them once
// for all the parsers it tries.
func (s *scanner) openBlock(bp bparser, parent int32, line []byte, col int) (id int32, children, requirePara bool) {
	r := &s.r
	switch bp {
	case pSetext:
		last := s.lastOpened()
		if last < 0 || s.nodes[last].kind != kParagraph || s.nodes[last].parent != parent {
			return -1, false, false
		}
		c, ok := matchesSetextHeadingBar(line)
		if !ok {
			return -1, false, false
		}
		id = s.newNode(kSetextHeading)
		s.nodes[id].level = 1
		if c == '-' {
			s.nodes[id].level = 2
		}
		s.nodes[id].tmp = last
		return id, false, true

	case pThematic:
		if isThematicBreak(line, col) {
			r.advanceToEOL()
			return s.newNode(kThematicBreak), false, false
		}

	case pList:
		last := s.lastOpened()
		if (last >= 0 && s.nodes[last].kind == kList) || s.skipList {
			s.skipList = false
			return -1, false, false
		}
		m, typ := s.listItem(line)
		if typ == notList {
			return -1, false, false
		}
		if last >= 0 && s.nodes[last].kind == kParagraph && s.nodes[last].parent == parent {
			// Only lists starting with 1 interrupt a paragraph, and not
			// with an empty item.
			if typ == orderedList && !startsWithOne(line[m[2]:m[3]-1]) {
				return -1, false, false
			}
			if m[4] < 0 || isBlank(line[m[4]:m[5]]) {
				return -1, false, false
			}
		}
		id = s.newNode(kList)
		s.nodes[id].marker = line[m[3]-1]
		s.nodes[id].ordered = typ == orderedList
		s.emptyItemBlank = false
		return id, true, false

	case pListItem:
		if s.nodes[parent].kind != kList {
			return -1, false, false
		}
		offset := s.lastOffset(parent)
		m, typ := s.listItem(line)
		if typ == notList || m[1]-offset > 3 {
			return -1, false, false
		}
		s.emptyItemBlank = false
		itemOffset := calcListOffset(line, m)
		id = s.newNode(kListItem)
		s.nodes[id].offset = int32(m[3] + itemOffset)
		if m[4] < 0 || isBlank(line[m[4]:m[5]]) {
			return id, false, false
		}
		pos, padding := indentPosition(line[m[4]:], m[4], 0, itemOffset)
		r.advanceAndSetPadding(m[3]+pos, padding)
		return id, true, false

	case pCode:
		pos, _ := indentPosition(line, col, r.pad, 4)
		if pos < 0 || isBlank(line) {
			return -1, false, false
		}
		id = s.newNode(kCodeBlock)
		s.nodes[id].start = r.pos + pos
		s.nodes[id].end = lineEnd(s.src, r.stop)
		r.advanceToEOL()
		return id, false, false

	case pATX:
		return s.openATX(line), false, false

	case pFence:
		pos := s.blockOffset
		if pos < 0 || (line[pos] != '`' && line[pos] != '~') {
			return -1, false, false
		}
		fch := line[pos]
		i := pos
		for i < len(line) && line[i] == fch {
			i++
		}
		if i-pos < 3 {
			return -1, false, false
		}
		if i < len(line)-1 {
			rest := line[i:]
			left, right := trimLeftSpaceLen(rest), trimRightSpaceLen(rest)
			if left < len(rest)-right && fch == '`' && bytes.IndexByte(rest[left:len(rest)-right], '`') >= 0 {
				return -1, false, false
			}
		}
		id = s.newNode(kFencedCode)
		n := &s.nodes[id]
		n.fch = fch
		n.flen = int32(i - pos)
		n.start = max(r.pos+pos-r.pad, r.head)
		n.end = lineEnd(s.src, r.stop)
		return id, false, false

	case pQuote:
		if s.quoteProcess(line, col) {
			return s.newNode(kBlockquote), true, false
		}

	case pHTML:
		last := s.lastOpened()
		lastIsPara := last >= 0 && s.nodes[last].kind == kParagraph
		if t := htmlBlockOpen(line, lastIsPara); t != 0 {
			id = s.newNode(kHTMLBlock)
			n := &s.nodes[id]
			n.htype = uint8(t)
			n.nlines = 1
			n.start = r.pos
			n.end = lineEnd(s.src, r.stop)
			n.aux = r.stop
			r.advanceToEOL()
			return id, false, false
		}

	case pPara:
		if isBlank(line) {
			return -1, false, false
		}
		id = s.newNode(kParagraph)
		if s.holders == 0 {
			s.lines = s.lines[:0]
		}
		s.holders++
		n := &s.nodes[id]
		n.lfirst = int32(len(s.lines))
		n.lcount = 1
		n.line = int32(r.line)
		s.lines = append(s.lines, seg{r.pos, r.stop, r.pad})
		r.advanceToEOL()
		return id, false, false
	}
	return -1, false, false
}

// lineEnd is the end of a line's text: before its '\n', if any.
func lineEnd(src []byte, stop int) int {
	if stop > 0 && src[stop-1] == '\n' {
		return stop - 1
	}
	return stop
}

func startsWithOne(digits []byte) bool {
	// strconv.Atoi(digits) == 1 for at most 9 digits.
	i := 0
	for i < len(digits)-1 && digits[i] == '0' {
		i++
	}
	return len(digits) > 0 && i == len(digits)-1 && digits[i] == '1'
}

func (s *scanner) openATX(line []byte) int32 {
	r := &s.r
	pos := s.blockOffset
	if pos < 0 {
		return -1
	}
	i := pos
	for i < len(line) && line[i] == '#' {
		i++
	}
	level := i - pos
	if i == pos || level > 6 {
		return -1
	}
	l := trimLeftSpaceLen(line[i:])
	if i < len(line) && l == 0 {
		return -1
	}
	id := s.newNode(kATXHeading)
	s.nodes[id].level = uint8(level)
	s.nodes[id].line = int32(r.line)
	if i == len(line) {
		return id
	}
	start := min(i+l, len(line)-1)
	hs := r.pos + start - r.pad
	he := r.pos + len(line) - r.pad
	he -= trimRightSpaceLen(s.src[hs:he])
	if he > hs {
		t := s.src[hs:he]
		stop := len(t)
		j := stop - 1
		for t[j] == '#' && j > 0 {
			j--
		}
		if j == 0 && t[0] == '#' {
			r.advanceToEOL()
			return id
		}
		if j != stop-1 && isSpace(t[j]) {
			stop = j
			stop -= trimRightSpaceLen(t[:stop])
		}
		s.nodes[id].start = hs
		s.nodes[id].end = hs + stop
	}
	r.advanceToEOL()
	return id
}

// quoteProcess is goldmark's blockquoteParser.process of line, the current
// line, starting at column col.
func (s *scanner) quoteProcess(line []byte, col int) bool {
	r := &s.r
	w, pos := indentWidth(line, col)
	if w > 3 || pos >= len(line) || line[pos] != '>' {
		return false
	}
	pos++
	if pos >= len(line) || line[pos] == '\n' {
		r.advance(pos)
		return true
	}
	c := line[pos]
	r.advance(pos)
	if c == ' ' || c == '\t' {
		padding := 0
		if c == '\t' {
			padding = tabWidth(r.lineOffset()) - 1
		}
		r.advanceAndSetPadding(1, padding)
	}
	return true
}

// continueBlock is BlockParser.Continue: whether the block goes on with the
// current line, and whether it may hold children.
func (s *scanner) continueBlock(id int32) (cont, children bool) {
	r := &s.r
	n := &s.nodes[id]
	switch n.kind {
	case kBlockquote:
		return s.quoteProcess(r.peekLine(), r.lineOffset()), true

	case kList:
		line := r.peekLine()
		if isBlank(line) {
			if s.lastItemEmpty(id) {
				s.emptyItemBlank = true
			}
			return true, true
		}
		offset := s.lastOffset(id)
		lastIsEmpty := s.lastItemEmpty(id)
		indent, _ := indentWidth(line, r.lineOffset())
		if indent < offset || lastIsEmpty {
			if indent < 4 {
				m, typ := s.listItem(line)
				if typ != notList && m[1]-offset < 4 {
					if line[m[3]-1] != n.marker || (typ == orderedList) != n.ordered {
						return false, false
					}
					// Thematic breaks take precedence over lists. goldmark
					// checks each line once (the outermost list).
					isTB := false
					if r.stop > s.tbPos {
						isTB = isThematicBreak(line[m[3]-1:], 0)
						s.tbPos = r.stop
					}
					if isTB {
						last := s.lastOpened()
						isHeading := false
						if last >= 0 && s.nodes[last].kind == kParagraph {
							if c, ok := matchesSetextHeadingBar(line[m[3]-1:]); ok && c == '-' {
								isHeading = true
							}
						}
						if !isHeading {
							return false, false
						}
					}
					return true, true
				}
			}
			if !lastIsEmpty {
				return false, false
			}
		}
		if lastIsEmpty && indent < offset {
			return false, false
		}
		if s.emptyItemBlank {
			return false, false
		}
		return true, true

	case kListItem:
		line := r.peekLine()
		if isBlank(line) {
			r.advanceToEOL()
			return true, true
		}
		offset := s.lastOffset(n.parent)
		isEmpty := n.children == 0 && s.emptyItemBlank
		indent, _ := indentWidth(line, r.lineOffset())
		if (isEmpty || indent < offset) && indent < 4 {
			if _, typ := s.listItem(line); typ != notList {
				s.skipList = true
				return false, false
			}
			if !isEmpty {
				return false, false
			}
		}
		pos, padding := indentPosition(line, r.lineOffset(), 0, offset)
		r.advanceAndSetPadding(pos, padding)
		return true, true

	case kParagraph:
		line := r.peekLine()
		if isBlank(line) {
			return false, false
		}
		s.lines = append(s.lines, seg{r.pos, r.stop, r.pad})
		n.lcount++
		r.advanceToEOL()
		return true, false

	case kCodeBlock:
		line := r.peekLine()
		pos, _ := indentPosition(line, r.lineOffset(), r.pad, 4)
		blank := isBlank(line)
		if pos < 0 && !blank {
			return false, false
		}
		if !blank {
			n.end = lineEnd(s.src, r.stop)
		}
		r.advanceToEOL()
		return true, false

	case kFencedCode:
		line := r.peekLine()
		w, pos := indentWidth(line, r.lineOffset())
		if w < 4 {
			i := pos
			for i < len(line) && line[i] == n.fch {
				i++
			}
			if i-pos >= int(n.flen) && isBlank(line[i:]) {
				n.end = lineEnd(s.src, r.stop)
				r.advanceToEOL()
				return false, false
			}
		}
		n.end = lineEnd(s.src, r.stop)
		r.advanceToEOL()
		return true, false

	case kHTMLBlock:
		line := r.peekLine()
		if n.htype <= 5 {
			if n.nlines == 1 {
				first := s.src[n.start:n.aux]
				if htmlBlockCloses(n.htype, first) {
					return false, false
				}
			}
			if htmlBlockCloses(n.htype, line) {
				n.end = lineEnd(s.src, r.stop)
				r.advanceToEOL()
				return false, false
			}
		} else if isBlank(line) {
			return false, false
		}
		n.nlines++
		n.end = lineEnd(s.src, r.stop)
		r.advanceToEOL()
		return true, false
	}
	// headings and thematic breaks take one line.
	return false, false
}

// trimParagraph is goldmark's paragraphParser.Close.
func (s *scanner) trimParagraph(id int32) {
	n := &s.nodes[id]
	lines := s.lines[n.lfirst : n.lfirst+n.lcount]
	for i := range lines {
		l := &lines[i]
		l.start += trimLeftSpaceLen(s.src[l.start:l.stop])
		l.pad = 0
	}
	if len(lines) > 0 {
		l := &lines[len(lines)-1]
		l.stop -= trimRightSpaceLen(s.src[l.start:l.stop])
	}
	if len(lines) == 0 {
		s.removeNode(id)
	}
}

func (s *scanner) removeNode(id int32) {
	n := &s.nodes[id]
	if n.removed {
		return
	}
	n.removed = true
	if n.kind == kParagraph {
		s.holders--
	}
	if p := n.parent; p >= 0 {
		s.nodes[p].children--
		if s.nodes[p].lastChild == id {
			s.nodes[p].lastChild = -2 // a node we do not keep (a link reference definition)
		}
	}
}

// closeNode is BlockParser.Close, plus recording what the block means for
// the result.
func (s *scanner) closeNode(id int32) {
	n := &s.nodes[id]
	switch n.kind {
	case kParagraph:
		s.trimParagraph(id)
		if n.removed {
			return
		}
		s.holders--
		s.inline(s.lines[n.lfirst : n.lfirst+n.lcount])
	case kCodeBlock:
		if n.end > n.start {
			s.addSkip(n.start, n.end)
		}
	case kFencedCode:
		s.addSkip(n.start, max(n.end, n.start))
	case kHTMLBlock:
		if n.htype == 2 {
			s.addSkip(n.start, max(n.end, n.start))
		}
	case kATXHeading:
		if n.end >= 0 {
			s.addHeading(int(n.level), n.line, s.src[n.start:n.end], nil)
			s.one[0] = seg{n.start, n.end, 0}
			s.inline(s.one[:])
		} else {
			s.addHeading(int(n.level), n.line, nil, nil)
		}
	case kSetextHeading:
		tmp := &s.nodes[n.tmp]
		lines := s.lines[tmp.lfirst : tmp.lfirst+tmp.lcount]
		line := tmp.line
		s.removeNode(n.tmp)
		restart := s.restart
		s.inline(lines)
		if restart == s.restart {
			// Not when a comment opened in the text runs past the
			// underline: then the underline is commented out.
			s.addHeading(int(n.level), line, nil, lines)
		}
	}
}

const (
	notList = iota
	bulletList
	orderedList
)

// listItem is parseListItem of line, the current line from r.peekLine.
// goldmark parses a list item line up to three times (the list's Continue,
// the item's Continue, then the item's Open); the result depends only on
// the line, so it is kept for the line it was computed for.
func (s *scanner) listItem(line []byte) (m [6]int, typ int) {
	r := &s.r
	if r.pos == r.liPos && r.pad == r.liPad && len(line) == r.liLen {
		return r.liM, r.liTyp
	}
	m, typ = parseListItem(line)
	r.liPos, r.liPad, r.liLen, r.liM, r.liTyp = r.pos, r.pad, len(line), m, typ
	return m, typ
}

// parseListItem is goldmark's parseListItem: m[1] is the marker's indent,
// [m[2], m[3]) the marker, m[4] where its content starts (-1 at the end of
// the document), m[5] where the content ends.
func parseListItem(line []byte) (m [6]int, typ int) {
	i := 0
	l := len(line)
	for i < l && line[i] == ' ' {
		i++
	}
	if i > 3 {
		return m, notList
	}
	m[1], m[2] = i, i
	if i < l && (line[i] == '-' || line[i] == '*' || line[i] == '+') {
		i++
		m[3] = i
		typ = bulletList
	} else if i < l {
		for i < l && isDigit(line[i]) {
			i++
		}
		m[3] = i
		if m[3] == m[2] || m[3]-m[2] > 9 {
			return m, notList
		}
		if i < l && (line[i] == '.' || line[i] == ')') {
			i++
			m[3] = i
		} else {
			return m, notList
		}
		typ = orderedList
	} else {
		return m, notList
	}
	if i < l && line[i] != '\n' {
		if w, _ := indentWidth(line[i:], 0); w == 0 {
			return m, notList
		}
	}
	if i >= l {
		m[4], m[5] = -1, -1
		return m, typ
	}
	m[4] = i
	m[5] = l
	if line[l-1] == '\n' && line[i] != '\n' {
		m[5]--
	}
	return m, typ
}

func calcListOffset(line []byte, m [6]int) int {
	if m[4] < 0 || isBlank(line[m[4]:]) {
		return 1
	}
	offset, _ := indentWidth(line[m[4]:], m[4])
	if offset > 4 {
		return 1
	}
	return offset
}

func isThematicBreak(line []byte, offset int) bool {
	w, pos := indentWidth(line, offset)
	if w > 3 {
		return false
	}
	var mark byte
	count := 0
	for _, c := range line[pos:] {
		if isSpace(c) {
			continue
		}
		if mark == 0 {
			mark = c
			count = 1
			if mark == '*' || mark == '-' || mark == '_' {
				continue
			}
			return false
		}
		if c != mark {
			return false
		}
		count++
	}
	return count > 2
}

func matchesSetextHeadingBar(line []byte) (byte, bool) {
	if len(line) == 0 {
		return 0, false
	}
	start, end := 0, len(line)
	for start < end && line[start] == ' ' {
		start++
	}
	if start > 3 {
		return 0, false
	}
	run := func(c byte) int {
		i := start
		for i < end && line[i] == c {
			i++
		}
		return i - start
	}
	level1 := run('=')
	c := byte('=')
	level2 := 0
	if level1 == 0 {
		level2 = run('-')
		c = '-'
	}
	if isSpace(line[end-1]) {
		end -= trimRightSpaceLen(line[start:end])
	}
	if !((level1 > 0 && start+level1 == end) || (level2 > 0 && start+level2 == end)) {
		return 0, false
	}
	return c, true
}
