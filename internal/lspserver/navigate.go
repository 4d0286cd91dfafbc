package lspserver

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/workspace"
)

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	src, l, ok := v.LinkAt(d.path, d.lines.offset(d.text, p.Position))
	if !ok {
		return nil, nil
	}
	t, ok := v.Follow(src, &l)
	if !ok {
		return nil, nil
	}
	return protocol.Location{URI: s.uriOf(t.Path), Range: lineRange(t.Line)}, nil
}

// referenceTarget is what the references at an offset of d are asked
// for: the note and heading a link there leads to; on a heading line, the
// note and that heading; elsewhere the note itself (its backlinks).
func referenceTarget(v *workspace.View, d *document, off int) (note int32, heading string, ok bool) {
	if src, l, ok := v.LinkAt(d.path, off); ok {
		t, ok := v.Follow(src, &l)
		return t.Note, t.Heading, ok
	}
	i, ok := v.Index.NoteByPath(d.path)
	if !ok {
		return -1, "", false
	}
	if h, ok := headingAt(d, off); ok {
		return i, h.Text, true
	}
	return i, "", true
}

// headingAt is the heading on the line of offset off, if that line is one.
func headingAt(d *document, off int) (workspace.HeadingPlace, bool) {
	line := d.lines.position(d.text, off).Line + 1
	for _, h := range workspace.Headings(d.text) {
		if h.Line == int(line) {
			return h, true
		}
	}
	return workspace.HeadingPlace{}, false
}

func (s *Server) references(_ *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []protocol.Location{}
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return out, nil
	}
	target, heading, ok := referenceTarget(v, d, d.lines.offset(d.text, p.Position))
	if !ok {
		return out, nil
	}
	texts := map[string]*document{}
	for _, r := range v.References(target, heading) {
		rd := texts[r.Path]
		if rd == nil {
			text, err := v.Text(r.Path)
			if err != nil {
				continue
			}
			rd = &document{text: text, lines: newLines(text)}
			texts[r.Path] = rd
		}
		out = append(out, protocol.Location{URI: s.uriOf(r.Path), Range: rd.lines.span(rd.text, int(r.Link.Whole.Start), int(r.Link.Whole.End))})
	}
	return out, nil
}

// hoverLines is how many lines of the target's body a hover shows.
const hoverLines = 5

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	src, l, ok := v.LinkAt(d.path, d.lines.offset(d.text, p.Position))
	if !ok {
		return nil, nil
	}
	t, ok := v.Follow(src, &l)
	if !ok {
		return nil, nil
	}
	text, _ := v.Text(t.Path)
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", v.NoteName(t.Note))
	if t.Heading != "" {
		fmt.Fprintf(&b, " › %s", t.Heading)
	}
	fmt.Fprintf(&b, "\n\n`%s`\n\n", t.Path)
	b.WriteString(firstLines(text, t.Line, hoverLines))
	r := d.lines.span(d.text, int(l.Whole.Start), int(l.Whole.End))
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: b.String()}, Range: &r}, nil
}

// firstLines is up to n non-blank lines of text from 1-based line from,
// past the frontmatter when from is 1.
func firstLines(text []byte, from, n int) string {
	all := bytes.Split(text, []byte("\n"))
	i := from - 1
	if from == 1 && len(all) > 0 && string(bytes.TrimRight(all[0], "\r")) == "---" {
		for j := 1; j < len(all); j++ {
			if t := string(bytes.TrimRight(all[j], "\r")); t == "---" || t == "..." {
				i = j + 1
				break
			}
		}
	}
	var out []string
	for ; i < len(all) && len(out) < n; i++ {
		line := strings.TrimRight(string(all[i]), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func (s *Server) documentLink(_ *glsp.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []protocol.DocumentLink{}
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return out, nil
	}
	src, _ := v.Index.NoteByPath(d.path)
	for _, l := range v.Links(d.path) {
		t, ok := v.Follow(src, &l)
		if !ok {
			continue
		}
		target := s.uriOf(t.Path)
		if t.Line > 1 {
			// The line as a fragment, as VS Code and Neovim read file
			// links.
			target += fmt.Sprintf("#L%d", t.Line)
		}
		tip := t.Path
		out = append(out, protocol.DocumentLink{Range: d.lines.span(d.text, int(l.Whole.Start), int(l.Whole.End)), Target: &target, Tooltip: &tip})
	}
	return out, nil
}

func (s *Server) documentSymbol(_ *glsp.Context, p *protocol.DocumentSymbolParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []protocol.DocumentSymbol{}
	d, _, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return out, nil
	}
	return headingSymbols(d), nil
}

// headingSymbols are the document's headings, each holding the
// headings of its section: a heading's range runs to the next heading of
// its level or above.
func headingSymbols(d *document) []protocol.DocumentSymbol {
	hs := workspace.Headings(d.text)
	type node struct {
		sym   protocol.DocumentSymbol
		level int
		kids  []*node
	}
	var roots []*node
	var stack []*node
	for i, h := range hs {
		end := len(d.text)
		for _, next := range hs[i+1:] {
			if next.Level <= h.Level {
				end = max(d.lines.lineStart(next.Line)-1, 0)
				break
			}
		}
		start := d.lines.lineStart(h.Line)
		name := h.Text
		if name == "" {
			name = "(empty heading)"
		}
		n := &node{level: h.Level, sym: protocol.DocumentSymbol{Name: name, Kind: protocol.SymbolKindString,
			Range: d.lines.span(d.text, start, end), SelectionRange: d.lines.span(d.text, start, d.lines.lineEnd(d.text, h.Line))}}
		for len(stack) > 0 && stack[len(stack)-1].level >= h.Level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, n)
		} else {
			parent := stack[len(stack)-1]
			parent.kids = append(parent.kids, n)
		}
		stack = append(stack, n)
	}
	var value func(n *node) protocol.DocumentSymbol
	value = func(n *node) protocol.DocumentSymbol {
		s := n.sym
		for _, k := range n.kids {
			s.Children = append(s.Children, value(k))
		}
		return s
	}
	out := make([]protocol.DocumentSymbol, len(roots))
	for i, r := range roots {
		out[i] = value(r)
	}
	return out
}

func (s *Server) workspaceSymbol(_ *glsp.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []protocol.SymbolInformation{}
	if s.engine == nil {
		return out, nil
	}
	for _, n := range s.viewLocked().FindNotes(p.Query, maxSymbols) {
		out = append(out, protocol.SymbolInformation{Name: n.Name, Kind: protocol.SymbolKindFile,
			Location: protocol.Location{URI: s.uriOf(n.Path), Range: lineRange(1)}, ContainerName: &n.Path})
	}
	return out, nil
}

// maxSymbols bounds a workspace symbol search, as completion is bounded.
const maxSymbols = 100
