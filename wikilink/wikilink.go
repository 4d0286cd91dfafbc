// Package wikilink finds wiki-style and Markdown links in note text and
// reports each with exact byte spans, so that a tool can rewrite one part of
// a link without touching a byte around it.
//
// Recognised forms (T is the target, H a heading or ^block, D display text):
//
//	[[T]]  [[T|D]]  [[T#H]]  [[T#H|D]]  [[T#^block]]  [[#H]]  ![[T]]
//	[[folder/T]]  [[/folder/T]]  [[T.md]]  [[T\|D]] (escaped pipe in tables)
//	[D](T.md)  [D](<T with spaces.md>)  [D](T%20x.md#H)  ![D](image.png)
//
// A wikilink ends on the line it starts on, at the first "]]". A run of
// three or more '[' opens it at its last two ("[[[T]]]" links T), and in
// Markdown text a backslash-escaped '[' opens nothing ("\[[[T]]\]" links
// T). The target ends at the first '#' or '|'; whitespace around it is not
// part of it. With LabelFirst (Dendron) the part after '|' is the target
// and the part before it the display text.
//
// The package knows nothing of code blocks: callers pass the spans to skip.
// It depends on the standard library only.
//
// Spans are int32 offsets, so that a program keeping millions of links
// keeps them small: Scan reads no link from a source of 2 GiB or more.
package wikilink

// Span is a half-open byte range [Start, End). An absent part has Start == End == -1.
type Span struct{ Start, End int32 }

// MaxSource is the length below which Scan reads a source.
const MaxSource = 1<<31 - 1

// Len reports the span's length in bytes (0 when absent).
func (s Span) Len() int {
	if s.Start < 0 {
		return 0
	}
	return int(s.End - s.Start)
}

// Valid reports whether the span is present.
func (s Span) Valid() bool { return s.Start >= 0 }

var none = Span{-1, -1}

// Kind tells the syntax of a link.
type Kind uint8

const (
	// Wiki is [[...]] or ![[...]].
	Wiki Kind = iota
	// Markdown is [text](dest) or ![alt](dest).
	Markdown
)

// Link is one link occurrence. Every span indexes the source it was scanned
// from; Text(src) of Whole is the complete link, including a leading '!'.
// The flags come last, together, so that the record is 36 bytes.
type Link struct {
	Whole Span
	// Target is the trimmed target (for Markdown links: the destination path
	// without '#anchor', still percent-encoded, without angle brackets).
	Target Span
	// Frag is the text after the first '#' of the target part, trimmed, without
	// the '#'. It is valid but empty for "[[T#]]".
	Frag Span
	// Display is the display text (after the pipe; before it with LabelFirst;
	// the bracketed text of a Markdown link).
	Display Span
	Kind    Kind
	Embed   bool
	// EscapedPipe is set when the separator was "\|" (a wikilink in a table).
	EscapedPipe bool
	// Angle is set for a Markdown destination written as <...>.
	Angle bool
}

// Text returns the bytes of span s in src ("" when absent).
func Text(src []byte, s Span) string {
	if !s.Valid() {
		return ""
	}
	return string(src[s.Start:s.End])
}
