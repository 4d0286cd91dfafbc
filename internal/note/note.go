// Package note parses one note's bytes into what the index needs: its
// frontmatter fields, its links with exact spans and positions, its headings
// and block ids. It does no I/O: Parse is a pure function of path and bytes,
// and one parser serves every command.
package note

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/wikilink"
)

// Note is a parsed note. Bodies are not kept: after parsing only these
// records stay in memory.
type Note struct {
	Path string // vault-relative, '/'-separated, with extension
	frontmatter.Fields
	Links    []Link
	Headings []string // heading texts in order
	BlockIDs []string
	// AnchorIDs are explicit anchors a #fragment may name: HTML id="…" and
	// name="…" attributes, kramdown/Pandoc {#id} and {:id="…"}.
	AnchorIDs []string
	// Sum is the SHA-256 of the bytes parsed, when the reader was asked
	// for it (apply compares it with the file before rewriting).
	Sum [32]byte
	// Err is set when the note could not be parsed (broken YAML, invalid
	// UTF-8, ...). Such a note keeps its path names in the index so that no
	// link is repaired to a different note in its place, but it gets no edits.
	Err error
}

// Link is one link occurrence in a note.
type Link struct {
	wikilink.Link
	Line, Col     int    // 1-based; Col counts characters
	Text          string // the whole link as written
	Target        string // trimmed target, '#...' and '|...' removed; Markdown: percent-decoded
	Frag          string // anchor without '#', "" when absent
	HasFrag       bool
	InFrontmatter bool
	Vault         string // the vault of a dendron://vault/ link
}

// Options choose the link syntax of a dialect.
type Options struct {
	LabelFirst bool // Dendron: [[display|target]]
	// SchemePrefix is stripped from targets and kept out of edits
	// ("dendron://vault/").
	SchemePrefix string
}

// ErrBinary and ErrEncoding mark files that are not UTF-8 text.
var (
	ErrBinary   = errors.New("binary file (contains a NUL byte)")
	ErrEncoding = errors.New("invalid UTF-8")
)

// Parse parses the note at path (vault-relative) from src. A returned Note
// always has Path set; Err reports why its content was not read.
func Parse(p string, src []byte, opt Options) Note {
	n := Note{Path: p}
	if bytes.IndexByte(src, 0) >= 0 {
		n.Err = ErrBinary
		return n
	}
	if !utf8.Valid(src) {
		n.Err = ErrEncoding
		return n
	}
	fm, hasFM := frontmatter.Split(src)
	if hasFM {
		f, err := frontmatter.Decode(src[fm.Start:fm.End])
		if err != nil {
			n.Err = err
			return n
		}
		n.Fields = f
	}
	pos := newPositioner(src)
	scanOpt := wikilink.Options{LabelFirst: opt.LabelFirst}
	if hasFM {
		fmOpt := scanOpt
		fmOpt.NoMarkdown = true
		for _, l := range wikilink.Scan(src, fm.Start, fm.End, yamlComments(src, fm), fmOpt) {
			if lk, ok := makeLink(src, l, opt, pos); ok {
				lk.InFrontmatter = true
				n.Links = append(n.Links, lk)
			}
		}
	}
	md := markdown.Analyze(src, fm.Body)
	for _, l := range wikilink.Scan(src, fm.Body, len(src), toSpans(md.Skip), scanOpt) {
		if lk, ok := makeLink(src, l, opt, pos); ok {
			n.Links = append(n.Links, lk)
		}
	}
	for _, h := range md.Headings {
		n.Headings = append(n.Headings, h.Text)
	}
	n.BlockIDs = md.BlockIDs
	n.AnchorIDs = anchorIDs(src[fm.Body:])
	n.Links = compact(n.Links)
	return n
}

// compact moves every link's strings into one allocation per note and trims
// the slice to size: after parsing, link records are all that stays in
// memory for a note, so they must be small.
func compact(links []Link) []Link {
	if len(links) == 0 {
		return nil
	}
	size := 0
	for i := range links {
		size += len(links[i].Text)
	}
	var b strings.Builder
	b.Grow(size)
	for i := range links {
		b.WriteString(links[i].Text)
	}
	arena := b.String()
	out := make([]Link, len(links))
	off := 0
	for i, l := range links {
		text := arena[off : off+len(l.Text)]
		l.Target = within(text, l.Target)
		l.Frag = within(text, l.Frag)
		l.Vault = within(text, l.Vault)
		l.Text = text
		out[i] = l
		off += len(text)
	}
	return out
}

// within returns s as a substring of text when text contains it (sharing
// its bytes), else s.
func within(text, s string) string {
	if s == "" {
		return ""
	}
	if i := strings.Index(text, s); i >= 0 {
		return text[i : i+len(s)]
	}
	return s
}

// yamlComments masks "# ..." comments in frontmatter lines.
func yamlComments(src []byte, fm frontmatter.Block) []wikilink.Span {
	var out []wikilink.Span
	for p := fm.Start; p < fm.End; {
		e := bytes.IndexByte(src[p:fm.End], '\n')
		end := fm.End
		if e >= 0 {
			end = p + e
		}
		ln := src[p:end]
		t := bytes.TrimLeft(ln, " \t")
		if len(t) > 0 && t[0] == '#' {
			out = append(out, wikilink.Span{Start: p, End: end})
		}
		p = end + 1
	}
	return out
}

func toSpans(s []markdown.Span) []wikilink.Span {
	out := make([]wikilink.Span, len(s))
	for i, x := range s {
		out[i] = wikilink.Span{Start: x.Start, End: x.End}
	}
	return out
}

func makeLink(src []byte, l wikilink.Link, opt Options, pos *positioner) (Link, bool) {
	lk := Link{Link: l, Text: string(src[l.Whole.Start:l.Whole.End])}
	if l.Kind == wikilink.Markdown {
		t, ok := markdownTarget(wikilink.Text(src, l.Target))
		if !ok {
			return Link{}, false
		}
		lk.Target = t
		if l.Frag.Valid() {
			lk.Frag, _ = DecodeDestination(wikilink.Text(src, l.Frag))
			lk.HasFrag = true
		}
	} else {
		lk.Target = wikilink.Text(src, l.Target)
		if opt.SchemePrefix != "" && strings.HasPrefix(lk.Target, opt.SchemePrefix) {
			// dendron://vault-name/note.name: the edit span starts at the note name.
			rest := lk.Target[len(opt.SchemePrefix):]
			cut := strings.IndexByte(rest, '/')
			if cut < 0 {
				return Link{}, false
			}
			skip := len(opt.SchemePrefix) + cut + 1
			lk.Vault = rest[:cut]
			lk.Link.Target.Start += skip
			lk.Target = lk.Target[skip:]
		}
		if l.Frag.Valid() {
			lk.Frag = wikilink.Text(src, l.Frag)
			lk.HasFrag = true
		}
	}
	lk.Line, lk.Col = pos.at(l.Whole.Start)
	return lk, true
}

// markdownTarget decides whether a Markdown destination is a local file
// link and returns it percent-decoded. External URLs (any scheme), pure
// anchors and empty destinations are not.
func markdownTarget(dest string) (string, bool) {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "//") {
		return "", false
	}
	if hasScheme(dest) {
		return "", false
	}
	t, err := DecodeDestination(dest)
	if err != nil {
		return "", false
	}
	// Only links with a file extension name a file; "[x](about)" is a route.
	if path.Ext(t) == "" {
		return "", false
	}
	return t, true
}

func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			return i > 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// unescapeURL decodes %XX escapes (and nothing else: '+' stays '+').
func DecodeDestination(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", fmt.Errorf("bad escape in %q", s)
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", fmt.Errorf("bad escape in %q", s)
	}
	return b.String(), nil
}

func isPunct(c byte) bool { return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0 }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// positioner turns increasing byte offsets into line and column numbers.
type positioner struct {
	src            []byte
	off, line, bol int
	bomOnFirstLine bool
}

func newPositioner(src []byte) *positioner {
	return &positioner{src: src, line: 1, bomOnFirstLine: bytes.HasPrefix(src, []byte("\xef\xbb\xbf"))}
}

func (p *positioner) at(off int) (line, col int) {
	if off < p.off { // out of order: restart
		p.off, p.line, p.bol = 0, 1, 0
	}
	for {
		i := bytes.IndexByte(p.src[p.off:off], '\n')
		if i < 0 {
			break
		}
		p.line++
		p.off += i + 1
		p.bol = p.off
	}
	p.off = off
	start := p.bol
	if p.line == 1 && p.bomOnFirstLine {
		start = 3
	}
	return p.line, utf8.RuneCount(p.src[start:off]) + 1
}

// anchorIDs collects explicit anchor ids. It is a plain byte scan: an id
// found inside code only makes relink accept a fragment, never rewrite one.
func anchorIDs(body []byte) []string {
	var out []string
	for _, marker := range []string{`id="`, `id='`, `name="`, `{#`, `{: #`} {
		for rest := body; ; {
			i := bytes.Index(rest, []byte(marker))
			if i < 0 {
				break
			}
			// "data-id=" and "grid=" are not id attributes; "{:id=" is.
			attrOfOther := marker[0] != '{' && i > 0 && isWordChar(rest[i-1])
			rest = rest[i+len(marker):]
			if attrOfOther {
				continue
			}
			end := 0
			for end < len(rest) && end < 200 && (isIDChar(rest[end]) || rest[end] >= 0x80) {
				end++
			}
			if end > 0 {
				out = append(out, string(rest[:end]))
			}
		}
	}
	return out
}

func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}
