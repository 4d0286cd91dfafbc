package markdown

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// The inline phase walks a paragraph's or heading's lines (segments without
// padding) left to right, as goldmark's parser.parseBlock does, but only
// acts on what can hide a link: code spans, raw HTML (comments are
// skipped; tags and autolinks are consumed so a backtick inside them opens
// nothing), link tails "(dest "title")" that goldmark consumes, and the
// Obsidian extensions %%comments%% and $math$. At the end of each line it
// looks for a block id.

// inlineStop marks the bytes the inline scanner looks at.
var inlineStop = func() (t [256]uint8) {
	for _, c := range []byte("\n\\`<[]!%$") {
		t[c] = 1
	}
	return t
}()

// skipPlainIn returns the first position from p on, below end, at which
// src holds a byte of inlineStop, or end. Most bytes of a note are plain
// text: the processor's vector unit compares 32 bytes at a time
// (stop_amd64.s), and the table loop takes what it leaves. The vector
// scan reads on past end into src, where the line's '\n' (a stop) is
// seldom far: most stretches of a note are shorter than vectorMin, but
// src seldom is, so nearly every call is one 32-byte compare, not a byte
// at a time.
func skipPlainIn(src []byte, p, end int) int {
	if vectorStops && len(src)-p >= vectorMin {
		q := p + indexStopAVX2(src[p:])
		if q >= end {
			return end
		}
		if inlineStop[src[q]] != 0 {
			return q
		}
		p = q // the end of src's whole blocks, none of them a stop
	}
	return skipPlainTable(src[:end], p)
}

// skipPlainTable is skipPlainIn of all of b, a byte at a time through
// inlineStop.
func skipPlainTable(b []byte, p int) int {
	for p+8 <= len(b) {
		w := b[p : p+8 : p+8]
		if inlineStop[w[0]]|inlineStop[w[1]]|inlineStop[w[2]]|inlineStop[w[3]]|
			inlineStop[w[4]]|inlineStop[w[5]]|inlineStop[w[6]]|inlineStop[w[7]] != 0 {
			break
		}
		p += 8
	}
	for p < len(b) && inlineStop[b[p]] == 0 {
		p++
	}
	return p
}

// opener is an unmatched '[' or "![" (goldmark's linkLabelState).
type opener struct {
	start, stop int
	image       bool
	links       int // scanner.links when it was pushed
}

// hasLink reports whether a link was formed after o (goldmark's
// containsLink): then o can no longer open a link, only an image.
func (s *scanner) hasLink(o opener) bool { return s.links > o.links }

// inline scans the lines of one block.
func (s *scanner) inline(segs []seg) {
	if s.restart >= 0 || len(segs) == 0 {
		return
	}
	src := s.src
	s.openers = s.openers[:0]
	s.links = 0
	s.mathFailEnd = -1
	s.csFails, s.btBuilt = 0, false
	s.csFail = 0
	s.htmlFail = [4]bool{}
	jobEnd := segs[len(segs)-1].stop
	li := 0
	p := segs[0].start
	minPos := p // where the last construct on this line ended
	for li < len(segs) {
		end := segs[li].stop
		for p < end {
			p = skipPlainIn(src, p, end)
			if p >= end {
				break
			}
			c := src[p]
			nli, np := li, -1 // where a construct ends
			switch c {
			case '\n':
				p = end
				continue
			case '\\':
				p++
				if p < end && src[p] != '\n' {
					p++
				}
				continue
			case '`':
				var ok bool
				nli, np, ok = s.codeSpan(segs, li, p)
				if !ok {
					p = np
					continue
				}
				s.addSkip(p, np)
			case '<':
				var comment bool
				nli, np, comment = s.rawHTML(segs, li, p)
				if np < 0 {
					p++
					continue
				}
				if comment {
					s.addSkip(p, np)
				}
			case '!':
				if p+1 < end && src[p+1] == '[' {
					s.openers = append(s.openers, opener{start: p, stop: p + 2, image: true, links: s.links})
					p += 2
				} else {
					p++
				}
				continue
			case '[':
				s.openers = append(s.openers, opener{start: p, stop: p + 1, links: s.links})
				p++
				continue
			case ']':
				nli, np = s.closeBracket(segs, li, p)
				if np < 0 {
					p++
					continue
				}
			case '%':
				if !s.ext || p+1 >= end || src[p+1] != '%' {
					p++
					continue
				}
				closeEnd := len(src)
				if q := bytes.Index(src[p+2:], []byte("%%")); q >= 0 {
					closeEnd = p + 2 + q + 2
				}
				s.addSkip(p, closeEnd)
				if closeEnd > jobEnd {
					s.restart = closeEnd
					return
				}
				nli, np = locate(segs, li, closeEnd)
			case '$':
				if !s.ext {
					p++
					continue
				}
				if p+1 < end && src[p+1] == '$' {
					if q := bytes.Index(src[p+2:jobEnd], []byte("$$")); q >= 0 {
						closeEnd := p + 2 + q + 2
						s.addSkip(p, closeEnd)
						nli, np = locate(segs, li, closeEnd)
						break
					}
					if p == segs[li].start {
						// A display block "$$" at the start of a line may
						// run past the paragraph, over blank lines.
						if q := bytes.Index(src[jobEnd:], []byte("$$")); q >= 0 {
							closeEnd := jobEnd + q + 2
							s.addSkip(p, closeEnd)
							s.restart = closeEnd
							return
						}
					}
					p += 2
					continue
				}
				q := s.inlineMathEnd(p, end)
				if q < 0 {
					p++
					continue
				}
				s.addSkip(p, q)
				np = q
			}
			li, p, minPos = nli, np, np
			if li >= len(segs) {
				return
			}
			end = segs[li].stop
		}
		// A block id ends the line: look only if the line may end with
		// one.
		e := segs[li].stop
		if e > segs[li].start && src[e-1] == '\n' {
			e--
		}
		if e > segs[li].start && (isAlnum(src[e-1]) || src[e-1] == '-' || isSpace(src[e-1])) {
			s.blockID(segs[li].start, e, minPos)
		}
		li++
		if li < len(segs) {
			p = segs[li].start
			minPos = p
		}
	}
}

// locate finds the line of segs, from li on, in which position at lies (at
// may be the end of a line).
func locate(segs []seg, li, at int) (int, int) {
	for li < len(segs)-1 && at > segs[li].stop {
		li++
	}
	return li, max(at, segs[li].start)
}

// inlineMathEnd returns the end of Obsidian inline math "$...$" opening at
// p, or -1. The opening '$' is followed by a non-space, the closing one
// follows a non-space and is not followed by a digit, both on one line.
// To be safe, math holding "[[" is taken for text: "[[a$b]] [[c$d]]" keeps
// its links.
func (s *scanner) inlineMathEnd(p, end int) int {
	src := s.src
	if p+1 >= end || isSpace(src[p+1]) {
		return -1
	}
	if end == s.mathFailEnd && p > s.mathFailFrom {
		// No closing '$' after an earlier opener on this line: none
		// after this one either. (This keeps a line of many '$' linear.)
		return -1
	}
	for q := p + 2; q < end; q++ {
		switch src[q] {
		case '\\':
			q++
		case '$':
			if !isSpace(src[q-1]) && (q+1 >= len(src) || !isDigit(src[q+1])) {
				if bytes.Contains(src[p:q], []byte("[[")) {
					return -1 // more likely prices in link titles than math
				}
				return q + 1
			}
		case '\n':
			return -1
		}
	}
	s.mathFailEnd, s.mathFailFrom = end, p
	return -1
}

// codeSpan matches the backtick run at p with a closing run of the same
// length, possibly on a later line. If there is none it returns the end of
// the run and false: the run is literal text.
func (s *scanner) codeSpan(segs []seg, li, p int) (int, int, bool) {
	src := s.src
	q := p
	stop := segs[li].stop
	for q < stop && src[q] == '`' {
		q++
	}
	k := q - p
	if s.btBuilt {
		return s.codeSpanIndexed(li, q, k)
	}
	// A failed search for a run of length k also fails for later runs,
	// unless this one began inside a run (after an escaped backtick).
	cacheable := k < 64 && (p == segs[li].start || src[p-1] != '`')
	if cacheable && s.csFail&(1<<k) != 0 {
		return li, q, false
	}
	i, j := li, q
	for i < len(segs) {
		stop := segs[i].stop
		for j < stop {
			x := bytes.IndexByte(src[j:stop], '`')
			if x < 0 {
				break
			}
			j += x
			e := j
			for e < stop && src[e] == '`' {
				e++
			}
			if e-j == k {
				return i, e, true
			}
			j = e
		}
		i++
		if i < len(segs) {
			j = segs[i].start
		}
	}
	if cacheable {
		s.csFail |= 1 << k
	}
	// Failed searches read to the end of the block. After a few, index
	// the block's runs, so that many runs of different lengths (with no
	// partners) take n log n time, not n to the 1.5.
	if s.csFails++; s.csFails == 8 {
		s.indexRuns(segs)
	}
	return li, q, false
}

// btRun is a run of k backticks starting at start on line li.
type btRun struct{ k, start, li int }

// indexRuns lists the backtick runs of segs by length, then position.
func (s *scanner) indexRuns(segs []seg) {
	runs := s.btRuns[:0]
	for li, sg := range segs {
		for j := sg.start; j < sg.stop; {
			x := bytes.IndexByte(s.src[j:sg.stop], '`')
			if x < 0 {
				break
			}
			j += x
			e := j
			for e < sg.stop && s.src[e] == '`' {
				e++
			}
			runs = append(runs, btRun{e - j, j, li})
			j = e
		}
	}
	slices.SortStableFunc(runs, func(a, b btRun) int { return a.k - b.k })
	s.btRuns = runs
	s.btBuilt = true
}

// codeSpanIndexed finds the first run of k backticks at or after q.
func (s *scanner) codeSpanIndexed(li, q, k int) (int, int, bool) {
	runs := s.btRuns
	i, _ := slices.BinarySearchFunc(runs, btRun{k: k, start: q}, func(r, t btRun) int {
		if r.k != t.k {
			return r.k - t.k
		}
		return r.start - t.start
	})
	if i < len(runs) && runs[i].k == k {
		return runs[i].li, runs[i].start + k, true
	}
	return li, q, false
}

// stream reads a block's lines as one text, for matches that may span
// lines.
type stream struct {
	src  []byte
	segs []seg
	li   int
	p    int
}

func (c *stream) norm() {
	for c.li < len(c.segs)-1 && c.p >= c.segs[c.li].stop {
		c.li++
		c.p = c.segs[c.li].start
	}
}

// peek returns the next byte, or -1 at the end.
func (c *stream) peek() int {
	c.norm()
	if c.li >= len(c.segs) || c.p >= c.segs[c.li].stop {
		return -1
	}
	return int(c.src[c.p])
}

func (c *stream) next() { c.p++ }

// validTo reports whether the text from c to e has valid runes only (see
// validRunes).
func (c stream) validTo(e stream) bool {
	for {
		c.norm()
		stop := c.segs[c.li].stop
		if c.li == e.li {
			stop = e.p
		}
		if c.p < stop && !validRunes(c.src[c.p:stop]) {
			return false
		}
		if c.li >= e.li {
			return true
		}
		c.p = c.segs[c.li].stop
	}
}

// rawHTML tries goldmark's autolink and raw HTML parsers at the '<' at p.
// It returns where the match ends (np -1 if none) and whether it is a
// comment.
func (s *scanner) rawHTML(segs []seg, li, p int) (nli, np int, comment bool) {
	src := s.src
	line := src[p:segs[li].stop]
	// Autolink, on one line.
	stop := findEmailIndex(line[1:])
	if stop < 0 {
		stop = findURLIndex(line[1:])
	}
	if stop >= 0 {
		stop++
		if stop < len(line) && line[stop] == '>' {
			return li, p + stop + 1, false
		}
	}
	switch {
	case len(line) > 1 && isAlnum(line[1]):
		c := stream{src, segs, li, p + 1}
		if e, ok := matchOpenTag(c); ok {
			return e.li, e.p, false
		}
		return li, -1, false
	case len(line) > 2 && line[1] == '/' && isAlnum(line[2]):
		c := stream{src, segs, li, p + 2}
		if e, ok := matchCloseTag(c); ok {
			return e.li, e.p, false
		}
		return li, -1, false
	case bytes.HasPrefix(line, []byte("<!--")):
		if bytes.HasPrefix(line, []byte("<!-->")) {
			return li, p + 5, true
		}
		if bytes.HasPrefix(line, []byte("<!--->")) {
			return li, p + 6, true
		}
		nli, np = s.until(segs, li, p, 4, "-->", 0)
		return nli, np, np >= 0
	case bytes.HasPrefix(line, []byte("<?")):
		nli, np = s.until(segs, li, p, 0, "?>", 1)
	case len(line) > 2 && line[1] == '!' && line[2] >= 'A' && line[2] <= 'Z':
		nli, np = s.until(segs, li, p, 0, ">", 2)
	case bytes.HasPrefix(line, []byte("<![CDATA[")):
		nli, np = s.until(segs, li, p, 0, "]]>", 3)
	default:
		return li, -1, false
	}
	return nli, np, false
}

// until finds closer after p (skipping skip bytes on the first line), one
// line at a time, as goldmark's parseComment and parseUntil do; a failure
// is remembered for the rest of the block.
func (s *scanner) until(segs []seg, li, p, skip int, closer string, cache int) (int, int) {
	if s.htmlFail[cache] {
		return li, -1
	}
	from := p + skip
	for i := li; i < len(segs); i++ {
		if i > li {
			from = segs[i].start
		}
		if from > segs[i].stop {
			continue
		}
		if k := bytes.Index(s.src[from:segs[i].stop], []byte(closer)); k >= 0 {
			return i, from + k + len(closer)
		}
	}
	s.htmlFail[cache] = true
	return li, -1
}

func skipAttrSpaces(c *stream) bool {
	moved := false
	for {
		b := c.peek()
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return moved
		}
		c.next()
		moved = true
	}
}

// matchOpenTag matches goldmark's openTagRegexp after the '<', across
// lines.
func matchOpenTag(c stream) (stream, bool) {
	start := c
	b := c.peek()
	if b < 0 || !isAlpha(byte(b)) {
		return c, false
	}
	c.next()
	for b = c.peek(); b >= 0 && (isAlnum(byte(b)) || b == '-'); b = c.peek() {
		c.next()
	}
	// attributes
	for {
		save := c
		if !skipAttrSpaces(&c) {
			break
		}
		b = c.peek()
		if b < 0 || !isAttrNameStart(byte(b)) {
			c = save
			break
		}
		c.next()
		for b = c.peek(); b >= 0 && isAttrNameChar(byte(b)); b = c.peek() {
			c.next()
		}
		afterName := c
		skipAttrSpaces(&c)
		if c.peek() != '=' {
			c = afterName
			continue
		}
		c.next()
		skipAttrSpaces(&c)
		switch q := c.peek(); q {
		case '"', '\'':
			c.next()
			for b = c.peek(); b >= 0 && b != q; b = c.peek() {
				c.next()
			}
			if b != q {
				c = afterName
				continue
			}
			c.next()
		default:
			n := 0
			for b = c.peek(); b >= 0 && isUnquotedChar(byte(b)); b = c.peek() {
				c.next()
				n++
			}
			if n == 0 {
				c = afterName
			}
		}
	}
	if !skipOneNewlineSpaces(&c) {
		return c, false
	}
	if c.peek() == '/' {
		c.next()
	}
	if c.peek() != '>' {
		return c, false
	}
	c.next()
	c.norm()
	return c, start.validTo(c)
}

// skipOneNewlineSpaces skips goldmark's (?:[ \t]|(?:\r\n|\n){0,1})*. It
// returns false if it stops at a lone '\r', which nothing after it
// accepts.
func skipOneNewlineSpaces(c *stream) bool {
	for {
		switch c.peek() {
		case ' ', '\t', '\n':
			c.next()
		case '\r':
			save := *c
			c.next()
			if c.peek() != '\n' {
				*c = save
				return false
			}
			c.next()
		default:
			return true
		}
	}
}

// matchCloseTag matches goldmark's closeTagRegexp after the "</".
func matchCloseTag(c stream) (stream, bool) {
	b := c.peek()
	if b < 0 || !isAlpha(byte(b)) {
		return c, false
	}
	c.next()
	for b = c.peek(); b >= 0 && (isAlnum(byte(b)) || b == '-'); b = c.peek() {
		c.next()
	}
	if !skipOneNewlineSpaces(&c) || c.peek() != '>' {
		return c, false
	}
	c.next()
	c.norm()
	return c, true
}

// closeBracket is goldmark's link parser at a ']': it pops the last opener
// and tries to make a link. It returns where the link ends, or np -1 when
// the ']' is text.
func (s *scanner) closeBracket(segs []seg, li, p int) (nli, np int) {
	if len(s.openers) == 0 {
		return li, -1
	}
	last := s.openers[len(s.openers)-1]
	s.openers = s.openers[:len(s.openers)-1]
	next := byte(eof)
	if p+1 < segs[li].stop {
		next = s.src[p+1]
	}
	if s.firstCand < 0 && (next == '[' || len(s.openers) > 0) {
		// A reference link defined later could end here and change
		// what follows: consume a "[label]" or close the brackets
		// around it to links.
		s.firstCand = p
	}
	if n := len(s.openers); n > 0 && s.openers[n-1].stop-s.openers[0].start > 998 {
		return li, -1
	}
	hasLink := s.hasLink(last)
	if !last.image && hasLink {
		return li, -1
	}
	if next != '(' && next != '[' && s.refs == nil {
		return li, -1 // the common case: no link, and no need to look
	}
	if next == '(' {
		if e := s.simpleLinkTail(p+2, segs[li].stop); e > 0 {
			// "[text](dest)" on one line, the usual link.
			if !last.image || hasLink {
				s.links++
			}
			return li, e
		}
	}
	br := &s.br
	br.reset(s.src, segs)
	br.setPosition(li, seg{p, segs[li].stop, 0})
	br.advance(1)
	l, pos := br.position()
	ok := false
	switch br.peek() {
	case '(':
		ok = s.parseLinkTail()
	case '[':
		var hasValue bool
		ok, hasValue = s.parseReferenceLink(segs, last)
		if !ok && hasValue {
			return li, -1
		}
	}
	if !ok {
		br.setPosition(l, pos)
		if s.refs == nil || labelTooLong(segs, li, last.stop, p) {
			return li, -1
		}
		label := s.valueRange(segs, last.stop, p)
		if len(label) > 999 || !s.hasRef(label) {
			return li, -1
		}
	}
	if !last.image || hasLink {
		s.links++ // the openers below can no longer be links
	}
	l, pos = br.position()
	if l >= len(segs) {
		return len(segs), segs[len(segs)-1].stop
	}
	return l, pos.start
}

// simpleLinkTail is parseLinkTail's answer for the usual "(dest)": a
// destination of non-spaces right after the '(' and ')' right after it,
// all before stop. It returns the end of the ')', or -1 for anything else
// (which parseLinkTail then decides).
func (s *scanner) simpleLinkTail(q, stop int) int {
	src := s.src
	if q >= stop || src[q] == '<' {
		return -1
	}
	opened := 0
	for i := q; i < stop; i++ {
		switch c := src[i]; {
		case c == '\\' && i+1 < stop && isPunct(src[i+1]):
			i++
		case c == '(':
			opened++
		case c == ')':
			if opened--; opened < 0 {
				return i + 1
			}
		case isSpace(c):
			return -1
		}
	}
	return -1
}

// parseLinkTail is goldmark's linkParser.parseLink after the ']'.
func (s *scanner) parseLinkTail() bool {
	br := &s.br
	br.advance(1) // '('
	br.skipSpaces()
	if br.peek() == ')' {
		br.advance(1)
		return true
	}
	if !parseLinkDestination(br) {
		return false
	}
	br.skipSpaces()
	if br.peek() == ')' {
		br.advance(1)
		return true
	}
	br.skipSpaces()
	op := br.peek()
	if op != '"' && op != '\'' && op != '(' {
		return false
	}
	cl := op
	if op == '(' {
		cl = ')'
	}
	br.advance(1)
	var found bool
	s.segTmp, found = br.findClosure(op, cl, s.segTmp[:0])
	if !found {
		return false
	}
	br.skipSpaces()
	if br.peek() == ')' {
		br.advance(1)
		return true
	}
	return false
}

// parseReferenceLink is goldmark's linkParser.parseReferenceLink: "[label]"
// after a ']'. hasValue reports that a label was found (so no shortcut
// link is tried).
func (s *scanner) parseReferenceLink(segs []seg, last opener) (ok, hasValue bool) {
	br := &s.br
	_, org := br.position()
	br.advance(1) // '['
	var found bool
	s.segTmp, found = br.findClosure('[', ']', s.segTmp[:0])
	if !found {
		return false, false
	}
	if s.refs == nil {
		return false, true
	}
	label := s.labelBuf[:0]
	for _, sg := range s.segTmp {
		label = br.value(label, sg)
	}
	s.labelBuf = label
	if isBlank(label) {
		label = s.valueRange(segs, last.stop, org.start-1)
	}
	if len(label) > 999 {
		return false, true
	}
	return s.hasRef(label), true
}

// labelTooLong reports whether the text of segs between a and b (on line
// li) is over 999 bytes, the most a link label may have.
func labelTooLong(segs []seg, li, a, b int) bool {
	n := 0
	for ; li >= 0 && n <= 999; li-- {
		lo, hi := max(a, segs[li].start), min(b, segs[li].stop)
		if lo < hi {
			n += hi - lo
		}
		if segs[li].start <= a {
			break
		}
	}
	return n > 999
}

// valueRange is the text of segs between positions a and b, cut after
// 1000 bytes (a longer link label is no label).
func (s *scanner) valueRange(segs []seg, a, b int) []byte {
	v := s.labelBuf[:0]
	for _, sg := range segs {
		lo, hi := max(a, sg.start), min(b, sg.stop)
		if lo < hi {
			v = append(v, s.src[lo:min(hi, lo+1000-len(v))]...)
			if len(v) >= 1000 {
				break
			}
		}
	}
	s.labelBuf = v
	return v
}

// refKey normalises a link label the way goldmark's util.ToLinkReference
// does, into s.keyBuf: spaces trimmed and collapsed, case folded (Unicode
// simple folding stands in for full case folding).
func (s *scanner) refKey(label []byte) []byte {
	// goldmark trims " \t\n\v\f\r" here, but collapses only its
	// spaces (not '\v', '\f') below.
	isTrim := func(c byte) bool { return isSpace(c) || c == '\v' || c == '\f' }
	for len(label) > 0 && isTrim(label[0]) {
		label = label[1:]
	}
	for len(label) > 0 && isTrim(label[len(label)-1]) {
		label = label[:len(label)-1]
	}
	b := s.keyBuf[:0]
	space, ascii := false, true
	for _, c := range label {
		if isSpace(c) {
			space = true
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		b = append(b, lower(c))
	}
	if !ascii {
		b = append(b[:0], strings.ToLower(strings.ToUpper(string(b)))...)
	}
	s.keyBuf = b
	return b
}

func (s *scanner) addRef(label []byte) {
	if s.refs == nil {
		s.refs = map[string]struct{}{}
	}
	k := s.refKey(label)
	if _, ok := s.refs[string(k)]; !ok {
		s.refs[string(k)] = struct{}{}
	}
}

func (s *scanner) hasRef(label []byte) bool {
	if s.refs == nil {
		return false
	}
	_, ok := s.refs[string(s.refKey(label))]
	return ok
}

// blockID records "^id" ending the line [start, end), if it lies after
// minPos.
func (s *scanner) blockID(start, end, minPos int) {
	src := s.src
	for end > start && isSpace(src[end-1]) {
		end--
	}
	if end == start || !isAlnum(src[end-1]) && src[end-1] != '-' {
		return
	}
	i := end
	for i > start {
		c := src[i-1]
		if !isAlnum(c) && c != '-' {
			break
		}
		i--
	}
	if i == end || i == start || src[i-1] != '^' {
		return
	}
	caret := i - 1
	if caret < minPos || (caret > start && src[caret-1] != ' ' && src[caret-1] != '\t') {
		return
	}
	if s.restart < 0 {
		s.ids = append(s.ids, textSpan{len(s.text), len(s.text) + end - i})
		s.text = append(s.text, src[i:end]...)
	}
}
