package lspserver

import (
	"testing"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// TestLines: byte offsets and LSP positions (UTF-16 units) both ways:
// Hangul is 3 bytes and 1 unit, an emoji 4 bytes and 2 units, CRLF ends
// a line before its '\r'.
func TestLines(t *testing.T) {
	text := []byte("ab\n상태 [[x]]\r\n😀[[y]]\nlast")
	ls := newLines(text)
	tests := []struct {
		off       int
		line, chr uint32
	}{
		{0, 0, 0}, {2, 0, 2}, {3, 1, 0}, {6, 1, 1}, {9, 1, 2}, {10, 1, 3}, {15, 1, 8},
		{17, 2, 0}, {21, 2, 2}, {26, 2, 7}, {27, 3, 0}, {31, 3, 4},
	}
	for _, tt := range tests {
		p := ls.position(text, tt.off)
		if p.Line != tt.line || p.Character != tt.chr {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, p.Line, p.Character, tt.line, tt.chr)
		}
		if got := ls.offset(text, protocol.Position{Line: tt.line, Character: tt.chr}); got != tt.off {
			t.Errorf("offset(%d:%d) = %d, want %d", tt.line, tt.chr, got, tt.off)
		}
	}
	// Past a line's end: its end; past the last line: the text's end.
	if got := ls.offset(text, protocol.Position{Line: 0, Character: 99}); got != 2 {
		t.Errorf("offset past line 0 = %d, want 2", got)
	}
	if got := ls.offset(text, protocol.Position{Line: 9}); got != len(text) {
		t.Errorf("offset past the text = %d", got)
	}
	// relink's 1-based line and character column.
	if got := ls.lineCol(text, 2, 4); got != 10 {
		t.Errorf("lineCol(2, 4) = %d, want 10", got)
	}
	if got := ls.lineEnd(text, 2); got != 15 {
		t.Errorf("lineEnd(2) = %d, want 15 (before CRLF)", got)
	}
}

// FuzzLines: for any text, a position made from an offset at a rune
// boundary leads back to it.
func FuzzLines(f *testing.F) {
	f.Add("ab\n상태 [[x]]\r\n😀[[y]]\nlast", 7)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, off int) {
		text := []byte(s)
		ls := newLines(text)
		if off < 0 || off > len(text) || off < len(text) && !utf8.RuneStart(text[off]) || !utf8.Valid(text) {
			return
		}
		p := ls.position(text, off)
		if got := ls.offset(text, p); got != off && !(off > 0 && text[off-1] == '\r') {
			t.Fatalf("offset(position(%d) = %+v) = %d", off, p, got)
		}
	})
}
