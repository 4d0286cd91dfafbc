package lspserver

import (
	"sort"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// lines are the byte offsets where a text's lines start. LSP positions
// count a line's characters in UTF-16 code units; relink's offsets are
// bytes of UTF-8.
type lines []int

func newLines(text []byte) lines {
	ls := lines{0}
	for i, c := range text {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// position is the LSP position of byte offset off of text.
func (ls lines) position(text []byte, off int) protocol.Position {
	off = min(max(off, 0), len(text))
	line := sort.Search(len(ls), func(i int) bool { return ls[i] > off }) - 1
	units := 0
	for b := text[ls[line]:off]; len(b) > 0; {
		r, n := utf8.DecodeRune(b)
		units += utf16Len(r)
		b = b[n:]
	}
	return protocol.Position{Line: protocol.UInteger(line), Character: protocol.UInteger(units)}
}

// offset is the byte offset of position p in text, clamped to its line.
func (ls lines) offset(text []byte, p protocol.Position) int {
	if int(p.Line) >= len(ls) {
		return len(text)
	}
	off := ls[p.Line]
	end := len(text)
	if int(p.Line)+1 < len(ls) {
		end = ls[p.Line+1] - 1
	}
	for units := 0; off < end && units < int(p.Character); {
		r, n := utf8.DecodeRune(text[off:end])
		units += utf16Len(r)
		off += n
	}
	return off
}

// lineCol is the byte offset of 1-based line and character column col, as
// relink reports places.
func (ls lines) lineCol(text []byte, line, col int) int {
	if line < 1 || line > len(ls) {
		return len(text)
	}
	off := ls[line-1]
	for c := 1; c < col && off < len(text) && text[off] != '\n'; c++ {
		_, n := utf8.DecodeRune(text[off:])
		off += n
	}
	return off
}

func (ls lines) span(text []byte, start, end int) protocol.Range {
	return protocol.Range{Start: ls.position(text, start), End: ls.position(text, end)}
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// lineRange is the empty range at the start of 1-based line.
func lineRange(line int) protocol.Range {
	p := protocol.Position{Line: protocol.UInteger(max(line-1, 0))}
	return protocol.Range{Start: p, End: p}
}

// lineStart is the byte offset where 1-based line starts.
func (ls lines) lineStart(line int) int {
	return ls[min(max(line-1, 0), len(ls)-1)]
}

// lineEnd is the byte offset where 1-based line ends, before its newline.
func (ls lines) lineEnd(text []byte, line int) int {
	if line >= len(ls) {
		return len(text)
	}
	end := ls[line] - 1
	if end > 0 && text[end-1] == '\r' {
		end--
	}
	return end
}
