package markdown

import "bytes"

// reader walks the document line by line the way goldmark's text.Reader
// does: a line runs to and including its '\n' ('\r' is just a space), and a
// tab partly consumed by a container prefix leaves "padding", virtual
// spaces in front of the rest of the line.
type reader struct {
	src     []byte
	head    int // first byte of the current line
	stop    int // end of the current line, after its '\n'
	pos     int
	pad     int
	line    int // 0-based line number of the current line
	cpos    int // the column of cpos (on this line) is ccol, so that
	ccol    int // lineOffset takes time linear in the line, not quadratic
	peeked  bool
	padLine []byte // scratch for peekLine when pad > 0

	// scanner.listItem's last line (where it starts and its length) and
	// result; liPos is -1 when there is none.
	liPos, liPad, liLen int
	liM                 [6]int
	liTyp               int
}

// reset starts reading src at offset at, the start of line number line.
func (r *reader) reset(src []byte, at, line int) {
	r.src = src
	r.liPos = -1
	r.stop = at
	r.pos = at
	r.pad = 0
	r.line = line - 1
	r.advanceLine()
}

// peekLine returns the rest of the current line, padding included, or nil
// at the end of the document. The slice is valid until the next peekLine.
func (r *reader) peekLine() []byte {
	if r.pos < 0 || r.pos >= len(r.src) {
		return nil
	}
	r.peeked = true
	if r.pad == 0 {
		return r.src[r.pos:r.stop]
	}
	b := r.padLine[:0]
	for range r.pad {
		b = append(b, ' ')
	}
	b = append(b, r.src[r.pos:r.stop]...)
	r.padLine = b
	return b
}

// lineOffset is the column of the current position.
func (r *reader) lineOffset() int {
	if r.cpos > r.pos { // stepped back
		r.cpos, r.ccol = r.head, 0
	}
	v := r.ccol
	for _, c := range r.src[r.cpos:r.pos] {
		if c == '\t' {
			v += tabWidth(v)
		} else {
			v++
		}
	}
	r.cpos, r.ccol = r.pos, v
	return v - r.pad
}

func (r *reader) advance(n int) {
	if r.peeked && n < r.pad+r.stop-r.pos && r.pad == 0 {
		r.pos += n
		r.peeked = false
		if r.pos < r.head { // goldmark can step back here; never before the line
			r.pos = r.head
		}
		return
	}
	r.peeked = false
	for ; n > 0 && r.pos < len(r.src); n-- {
		if r.pad != 0 {
			r.pad--
			continue
		}
		if r.src[r.pos] == '\n' {
			r.advanceLine()
			continue
		}
		r.pos++
	}
}

func (r *reader) advanceAndSetPadding(n, pad int) {
	r.advance(n)
	if pad > r.pad {
		r.pad = pad
	}
}

// advanceToEOL moves to the '\n' that ends the line (or the end of the
// document).
func (r *reader) advanceToEOL() {
	if r.pos >= len(r.src) {
		return
	}
	r.peeked = false
	if r.stop > r.head && r.src[r.stop-1] == '\n' {
		r.pos = r.stop - 1
	} else {
		r.pos = r.stop
	}
	r.pad = 0
}

func (r *reader) advanceLine() {
	r.peeked = false
	r.pos = r.stop
	r.head = r.pos
	r.cpos, r.ccol = r.pos, 0
	if r.pos < 0 || r.pos >= len(r.src) {
		return
	}
	if i := bytes.IndexByte(r.src[r.pos:], '\n'); i >= 0 {
		r.stop = r.pos + i + 1
	} else {
		r.stop = len(r.src)
	}
	r.line++
	r.pad = 0
}

// seg is a goldmark text.Segment: [start, stop) with pad virtual spaces in
// front.
type seg struct{ start, stop, pad int }

// breader reads a block's lines (its segments) as one text, the way
// goldmark's text.BlockReader does for inline parsing and link reference
// definitions.
type breader struct {
	src  []byte
	segs []seg
	line int
	pos  seg
	last int
	tmp  []byte
}

const eof = 0xff

func (r *breader) reset(src []byte, segs []seg) {
	r.src = src
	r.segs = segs
	r.line = -1
	r.pos = seg{-1, -1, 0}
	r.last = 0
	if len(segs) > 0 {
		r.last = segs[len(segs)-1].stop
	}
	r.advanceLine()
}

func (r *breader) valid() bool {
	return r.line < len(r.segs) && r.pos.start >= 0 && r.pos.start < r.last
}

func (r *breader) peek() byte {
	if r.valid() {
		if r.pos.pad != 0 {
			return ' '
		}
		return r.src[r.pos.start]
	}
	return eof
}

// peekLine returns the rest of the current line (padding included) or nil.
func (r *breader) peekLine() []byte {
	if !r.valid() {
		return nil
	}
	if r.pos.pad == 0 {
		return r.src[r.pos.start:r.pos.stop]
	}
	b := r.tmp[:0]
	for range r.pos.pad {
		b = append(b, ' ')
	}
	b = append(b, r.src[r.pos.start:r.pos.stop]...)
	r.tmp = b
	return b
}

func (r *breader) advance(n int) {
	if n < r.pos.stop-r.pos.start && r.pos.pad == 0 {
		r.pos.start += n
		return
	}
	for ; n > 0; n-- {
		if r.pos.pad != 0 {
			r.pos.pad--
			continue
		}
		if r.pos.start >= r.pos.stop-1 && r.pos.stop < r.last {
			r.advanceLine()
			continue
		}
		r.pos.start++
	}
}

func (r *breader) advanceLine() {
	r.line++
	if r.line < len(r.segs) {
		r.pos = r.segs[r.line]
	}
}

func (r *breader) position() (int, seg) { return r.line, r.pos }

func (r *breader) setPosition(line int, pos seg) {
	r.line = line
	r.pos = pos
}

// skipSpaces skips spaces, across lines, and reports how many it skipped.
func (r *breader) skipSpaces() int {
	n := 0
	for {
		line := r.peekLine()
		if line == nil {
			return n
		}
		l := r.line
		for _, c := range line {
			if !isSpace(c) {
				return n
			}
			n++
			r.advance(1)
			if r.line != l {
				break
			}
		}
	}
}

// findClosure finds closer, skipping backslash escapes, across lines; with
// nesting false a second opener fails the search. It advances past the
// closer and returns the segments inside (appended to dst).
func (r *breader) findClosure(opener, closer byte, dst []seg) ([]seg, bool) {
	for {
		bs := r.peekLine()
		s := r.pos
		if bs == nil {
			return dst, false
		}
		for i := 0; i < len(bs); i++ {
			c := bs[i]
			if c == '\\' && i < len(bs)-1 && isPunct(bs[i+1]) {
				i++
				continue
			}
			if c == closer {
				dst = append(dst, seg{s.start, s.start + i - s.pad, s.pad})
				r.advance(i + 1)
				return dst, true
			}
			if c == opener {
				return dst, false
			}
		}
		r.advanceLine()
		dst = append(dst, s)
	}
}

// value appends the text of s (with its padding) to dst.
func (r *breader) value(dst []byte, s seg) []byte {
	for range s.pad {
		dst = append(dst, ' ')
	}
	return append(dst, r.src[s.start:s.stop]...)
}
