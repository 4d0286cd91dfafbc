package note

// The parser as it was before it was tuned for speed and size: the oracle
// for TestParseMatchesReference and FuzzParseMatchesReference.

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/wikilink"
)

// Parse parses the note at path (vault-relative) from src. A returned Note
// always has Path set; Err reports why its content was not read.
// refNote and refLink are Note and Link as they were.
type refNote struct {
	Note
	Links []refLink
}

type refLink struct {
	wikilink.Link
	Line, Col     int
	Text          string
	Target        string
	Frag          string
	HasFrag       bool
	InFrontmatter bool
	Vault         string
}

func refParse(p string, src []byte, opt Options) refNote {
	n := refNote{Note: Note{Path: p}}
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
	pos := refNewPositioner(src)
	scanOpt := wikilink.Options{LabelFirst: opt.LabelFirst}
	if hasFM {
		fmOpt := scanOpt
		fmOpt.NoMarkdown = true
		for _, l := range wikilink.Scan(src, fm.Start, fm.End, refYamlComments(src, fm), fmOpt) {
			if lk, ok := refMakeLink(src, l, opt, pos); ok {
				lk.InFrontmatter = true
				n.Links = append(n.Links, lk)
			}
		}
	}
	md := markdown.Analyze(src, fm.Body)
	for _, l := range wikilink.Scan(src, fm.Body, len(src), refToSpans(md.Skip), scanOpt) {
		if lk, ok := refMakeLink(src, l, opt, pos); ok {
			n.Links = append(n.Links, lk)
		}
	}
	for _, h := range md.Headings {
		n.Headings = append(n.Headings, h.Text)
	}
	n.BlockIDs = md.BlockIDs
	n.AnchorIDs = refAnchorIDs(src[fm.Body:])
	n.Links = refCompact(n.Links)
	return n
}

// compact moves every link's strings into one allocation per note and trims
// the slice to size: after parsing, link records are all that stays in
// memory for a note, so they must be small.
func refCompact(links []refLink) []refLink {
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
	out := make([]refLink, len(links))
	off := 0
	for i, l := range links {
		text := arena[off : off+len(l.Text)]
		l.Target = refWithin(text, l.Target)
		l.Frag = refWithin(text, l.Frag)
		l.Vault = refWithin(text, l.Vault)
		l.Text = text
		out[i] = l
		off += len(text)
	}
	return out
}

// within returns s as a substring of text when text contains it (sharing
// its bytes), else s.
func refWithin(text, s string) string {
	if s == "" {
		return ""
	}
	if i := strings.Index(text, s); i >= 0 {
		return text[i : i+len(s)]
	}
	return s
}

// yamlComments masks "# ..." comments in frontmatter lines.
func refYamlComments(src []byte, fm frontmatter.Block) []wikilink.Span {
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
			out = append(out, wikilink.Span{Start: int32(p), End: int32(end)})
		}
		p = end + 1
	}
	return out
}

func refToSpans(s []markdown.Span) []wikilink.Span {
	out := make([]wikilink.Span, len(s))
	for i, x := range s {
		out[i] = wikilink.Span{Start: int32(x.Start), End: int32(x.End)}
	}
	return out
}

func refMakeLink(src []byte, l wikilink.Link, opt Options, pos *refPositioner) (refLink, bool) {
	lk := refLink{Link: l, Text: string(src[l.Whole.Start:l.Whole.End])}
	if l.Kind == wikilink.Markdown {
		t, ok := refMarkdownTarget(wikilink.Text(src, l.Target))
		if !ok {
			return refLink{}, false
		}
		lk.Target = t
		if l.Frag.Valid() {
			lk.Frag, _ = refDecodeDestination(wikilink.Text(src, l.Frag))
			lk.HasFrag = true
		}
	} else {
		lk.Target = wikilink.Text(src, l.Target)
		if opt.SchemePrefix != "" && strings.HasPrefix(lk.Target, opt.SchemePrefix) {
			// dendron://vault-name/note.name: the edit span starts at the note name.
			rest := lk.Target[len(opt.SchemePrefix):]
			cut := strings.IndexByte(rest, '/')
			if cut < 0 {
				return refLink{}, false
			}
			skip := len(opt.SchemePrefix) + cut + 1
			lk.Vault = rest[:cut]
			lk.Link.Target.Start += int32(skip)
			lk.Target = lk.Target[skip:]
		}
		if l.Frag.Valid() {
			lk.Frag = wikilink.Text(src, l.Frag)
			lk.HasFrag = true
		}
	}
	lk.Line, lk.Col = pos.at(int(l.Whole.Start))
	return lk, true
}

// positioner turns increasing byte offsets into line and column numbers.
type refPositioner struct {
	src            []byte
	off, line, bol int
	bomOnFirstLine bool
}

func refNewPositioner(src []byte) *refPositioner {
	return &refPositioner{src: src, line: 1, bomOnFirstLine: bytes.HasPrefix(src, []byte("\xef\xbb\xbf"))}
}

func (p *refPositioner) at(off int) (line, col int) {
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
func refAnchorIDs(body []byte) []string {
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

func refMarkdownTarget(dest string) (string, bool) {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "//") {
		return "", false
	}
	if refHasScheme(dest) {
		return "", false
	}
	t, err := refDecodeDestination(dest)
	if err != nil {
		return "", false
	}
	// Only links with a file extension name a file; "[x](about)" is a route.
	if path.Ext(t) == "" {
		return "", false
	}
	return t, true
}

func refHasScheme(s string) bool {
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

func refDecodeDestination(s string) (string, error) {
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
