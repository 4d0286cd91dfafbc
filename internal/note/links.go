package note

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/wikilink"
)

// scratch holds Parse's temporary slices; pooling them keeps a parse from
// growing them link by link.
type scratch struct {
	mdSkip  []markdown.Span
	skip    []wikilink.Span
	scanned []wikilink.Link
	recs    []Link        // without strings
	decoded []byte        // decoded Markdown targets and fragments
	parts   []decodedPart // per record
	// For ParsePacked on its reference path, whose link records never
	// leave it: the records and their strings' arena, reused note after
	// note.
	out   []Link
	arena []byte
	// packed is what packLinks made of the note's links, until
	// keepPacked copies it.
	packed []byte
}

// decodedPart locates a record's decoded target and fragment in
// scratch.decoded; start -1 when the text itself is the string.
type decodedPart struct{ target, frag [2]int32 }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (s *scratch) release() {
	s.recs, s.decoded, s.parts = s.recs[:0], s.decoded[:0], s.parts[:0]
	scratchPool.Put(s)
}

// links turns the scanned links (the first nfm from frontmatter) into
// records. Every record's strings share one allocation, the links' texts
// followed by the decoded Markdown destinations: after parsing, link
// records are all that stays in memory for a note. A first pass decides
// which links are note links, decodes and sizes; the second cuts the
// strings from the arena.
//
// With reuse the records and their strings live in s, valid until s is
// used again.
func (s *scratch) links(src []byte, nfm int, opt Options, reuse bool) []Link {
	pos := newPositioner(src)
	size := 0
	for i, l := range s.scanned {
		lk, part, ok := s.placed(src, i, l, nfm, opt, &pos)
		if !ok {
			continue
		}
		size += l.Whole.Len()
		s.recs = append(s.recs, lk)
		s.parts = append(s.parts, part)
	}
	if len(s.recs) == 0 {
		return nil
	}
	var arena string
	var out []Link
	if reuse {
		s.arena = slices.Grow(s.arena[:0], size+len(s.decoded))
		for i := range s.recs {
			w := s.recs[i].Whole
			s.arena = append(s.arena, src[w.Start:w.End]...)
		}
		s.arena = append(s.arena, s.decoded...)
		arena = unsafe.String(unsafe.SliceData(s.arena), len(s.arena))
		s.out = slices.Grow(s.out[:0], len(s.recs))[:len(s.recs)]
		out = s.out
	} else {
		var b strings.Builder
		b.Grow(size + len(s.decoded))
		for i := range s.recs {
			w := s.recs[i].Whole
			b.Write(src[w.Start:w.End])
		}
		b.Write(s.decoded)
		arena = b.String()
		out = make([]Link, len(s.recs))
	}
	decoded := arena[size:]
	off := 0
	for i := range s.recs {
		lk := &out[i]
		*lk = s.recs[i]
		text := arena[off : off+lk.Whole.Len()]
		off += len(text)
		lk.setStrings(text, decoded, s.parts[i])
	}
	return out
}

// packLinks is links followed by their encoding (appendLink), as pack
// writes it, without the records in between: each link's record is made
// on the stack, with strings that are views of src and s.decoded, and
// encoded at once. (Building the records, copying their strings into an
// arena and encoding them from there was a twelfth of parsing.) It
// appends the encoding to b and returns it with how many links it holds.
func (s *scratch) packLinks(b, src []byte, nfm int, opt Options) ([]byte, int32) {
	pos := newPositioner(src)
	var prevStart, prevLine int64
	var count int32
	for i, l := range s.scanned {
		s.decoded = s.decoded[:0]
		lk, part, ok := s.placed(src, i, l, nfm, opt, &pos)
		if !ok {
			continue
		}
		lk.setStrings(bytesView(src[lk.Whole.Start:lk.Whole.End]), bytesView(s.decoded), part)
		b = appendLink(b, &lk, &prevStart, &prevLine)
		count++
	}
	return b, count
}

// placed is the record of scanned link i of a note whose first nfm
// links are in its frontmatter, with its line and column, or false when
// l is not a note link.
func (s *scratch) placed(src []byte, i int, l wikilink.Link, nfm int, opt Options, pos *positioner) (Link, decodedPart, bool) {
	lk, part, ok := s.record(src, l, opt)
	if !ok {
		return lk, part, false
	}
	lk.InFrontmatter = i < nfm
	line, col := pos.at(int(l.Whole.Start))
	lk.Line, lk.Col = int32(line), int32(col)
	return lk, part, true
}

// setStrings gives a record its strings: text is the link's text, and
// decoded holds the decoded target and fragment that part locates.
func (lk *Link) setStrings(text, decoded string, part decodedPart) {
	base := lk.Whole.Start
	lk.Text = text
	if t := part.target; t[0] >= 0 {
		lk.Target = decoded[t[0]:t[1]]
	} else {
		lk.Target = text[lk.Link.Target.Start-base : lk.Link.Target.End-base]
	}
	if f := lk.Link.Frag; f.Valid() {
		if d := part.frag; d[0] >= 0 {
			lk.Frag = decoded[d[0]:d[1]]
		} else {
			lk.Frag = text[f.Start-base : f.End-base]
		}
		lk.HasFrag = true
	}
}

// bytesView is b as a string, sharing b's memory: for a string that is
// read and dropped before b changes.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// record decides whether l is a note link and returns its record without
// strings. A Markdown target or fragment that decoding changes is decoded
// into s.decoded.
func (s *scratch) record(src []byte, l wikilink.Link, opt Options) (Link, decodedPart, bool) {
	lk := Link{Link: l}
	part := decodedPart{target: [2]int32{-1, -1}, frag: [2]int32{-1, -1}}
	if l.Kind == wikilink.Markdown {
		// A local file link: no scheme, not an anchor, and (once decoded)
		// an extension, as "[x](about)" is a route.
		dest := src[l.Target.Start:l.Target.End]
		if !localPath(dest) {
			return Link{}, part, false
		}
		if hasEscape(dest) {
			start := len(s.decoded)
			var err error
			s.decoded, err = appendDecoded(s.decoded, dest)
			if err != nil || !hasExt(s.decoded[start:]) {
				s.decoded = s.decoded[:start]
				return Link{}, part, false
			}
			part.target = [2]int32{int32(start), int32(len(s.decoded))}
		} else if !hasExt(dest) {
			return Link{}, part, false
		}
		if f := l.Frag; f.Valid() {
			if frag := src[f.Start:f.End]; hasEscape(frag) {
				// An undecodable fragment is empty, as DecodeDestination
				// has it.
				start := len(s.decoded)
				s.decoded, _ = appendDecoded(s.decoded, frag)
				part.frag = [2]int32{int32(start), int32(len(s.decoded))}
			}
		}
		return lk, part, true
	}
	if p := opt.SchemePrefix; p != "" && bytes.HasPrefix(src[l.Target.Start:l.Target.End], []byte(p)) {
		// dendron://vault-name/note.name: the edit span starts at the note name.
		rest := src[int(l.Target.Start)+len(p) : l.Target.End]
		cut := bytes.IndexByte(rest, '/')
		if cut < 0 {
			return Link{}, part, false
		}
		lk.hasVault = cut > 0
		lk.Link.Target.Start += int32(len(p) + cut + 1)
	}
	return lk, part, true
}

// localPath reports whether a Markdown destination is neither empty, nor an
// anchor, nor a URL (any scheme, or "//host").
func localPath(dest []byte) bool {
	if len(dest) == 0 || dest[0] == '#' || bytes.HasPrefix(dest, []byte("//")) {
		return false
	}
	for i, c := range dest {
		switch {
		case c == ':':
			return i == 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return true
		}
	}
	return true
}

// hasExt reports whether path.Ext would find an extension.
func hasExt(p []byte) bool {
	return bytes.LastIndexByte(p, '.') > bytes.LastIndexByte(p, '/')
}

// appendYAMLComments appends the spans of "# ..." comment lines of the
// frontmatter, where no link is read.
func appendYAMLComments(out []wikilink.Span, src []byte, fm frontmatter.Block) []wikilink.Span {
	for p := fm.Start; p < fm.End; {
		e := bytes.IndexByte(src[p:fm.End], '\n')
		end := fm.End
		if e >= 0 {
			end = p + e
		}
		t := bytes.TrimLeft(src[p:end], " \t")
		if len(t) > 0 && t[0] == '#' {
			out = append(out, wikilink.Span{Start: int32(p), End: int32(end)})
		}
		p = end + 1
	}
	return out
}

// positioner turns increasing byte offsets into line and column numbers,
// counting only the bytes between one offset and the next.
type positioner struct {
	src       []byte
	off, line int
	col       int // of byte off, 1-based, in characters
}

func newPositioner(src []byte) positioner {
	p := positioner{src: src}
	p.reset()
	return p
}

func (p *positioner) reset() {
	p.off, p.line, p.col = 0, 1, 1
	if bytes.HasPrefix(p.src, []byte("\xef\xbb\xbf")) {
		p.off = 3 // a BOM is not a character of the first line
	}
}

func (p *positioner) at(off int) (line, col int) {
	if off < p.off { // out of order: restart
		p.reset()
	}
	seg := p.src[p.off:off]
	// Count is vectorized: this way the backward scan runs only over the
	// link's own line, not over the text since the previous link on the
	// same line.
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		p.line += n
		i := lastNewline(seg)
		p.col = 1 + runeCount(seg[i+1:])
	} else {
		p.col += runeCount(seg)
	}
	p.off = off
	return p.line, p.col
}

// lastNewline is bytes.LastIndexByte(b, '\n') eight bytes at a step, where
// the standard one goes byte by byte.
func lastNewline(b []byte) int {
	const low7 = 0x7F7F7F7F7F7F7F7F
	const newlines = 0x0A0A0A0A0A0A0A0A
	i := len(b)
	for ; i >= 8; i -= 8 {
		x := binary.LittleEndian.Uint64(b[i-8:]) ^ newlines
		// The top bit of each byte of x that is zero, exactly (no borrow
		// from one byte into the next).
		if z := ^((x&low7 + low7) | x) & 0x8080808080808080; z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))>>3
		}
	}
	return bytes.LastIndexByte(b[:i], '\n')
}

// runeCount counts the characters of valid UTF-8 b: the bytes that are not
// continuation bytes (10xxxxxx), eight at a time.
func runeCount(b []byte) int {
	const hi = 0x8080808080808080
	n, cont := len(b), 0
	for ; len(b) >= 8; b = b[8:] {
		x := binary.LittleEndian.Uint64(b)
		// x<<1 brings each byte's bit 6 under its bit 7.
		cont += bits.OnesCount64(x & hi &^ (x << 1))
	}
	for _, c := range b {
		if c&0xC0 == 0x80 {
			cont++
		}
	}
	return n - cont
}

// anchorIDs collects explicit anchor ids: HTML id="…", id='…' and name="…"
// attributes, found from their '=', and {#id} and {: #id}, found from their
// '{'. It is a plain byte scan: an id found inside code only makes relink
// accept a fragment, never rewrite one.
func anchorIDs(body []byte) []string {
	var out []string
	for q := 0; ; q++ {
		i := bytes.IndexByte(body[q:], '=')
		if i < 0 {
			break
		}
		q += i
		if q+1 >= len(body) {
			break
		}
		m := -1 // where the attribute name starts
		switch {
		case body[q+1] != '"' && body[q+1] != '\'':
		case q >= 2 && body[q-2] == 'i' && body[q-1] == 'd':
			m = q - 2
		case body[q+1] == '"' && q >= 4 && string(body[q-4:q]) == "name":
			m = q - 4
		}
		// "data-id=" and "grid=" are not id attributes; "{:id=" is.
		if m < 0 || m > 0 && isWordChar(body[m-1]) {
			continue
		}
		out = appendID(out, body[q+2:])
	}
	for q := 0; ; q++ {
		i := bytes.IndexByte(body[q:], '{')
		if i < 0 {
			break
		}
		q += i
		switch rest := body[q+1:]; {
		case len(rest) > 0 && rest[0] == '#':
			out = appendID(out, rest[1:])
		case len(rest) > 2 && string(rest[:3]) == ": #":
			out = appendID(out, rest[3:])
		}
	}
	return out
}

// appendID appends the id at the start of b, if there is one.
func appendID(out []string, b []byte) []string {
	end := 0
	for end < len(b) && end < 200 && (isIDChar(b[end]) || b[end] >= 0x80) {
		end++
	}
	if end > 0 {
		out = append(out, string(b[:end]))
	}
	return out
}
