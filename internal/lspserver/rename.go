package lspserver

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

// renameTarget is what a rename at an offset renames: a note (a link's
// target part), or a heading (a link's fragment, or a heading line of the
// document). span is the bytes of the document the editor highlights.
type renameTarget struct {
	note    string // the note's path
	heading string // "" for the note itself
	start   int
	end     int
	text    string // the name as it is now
}

func renameAt(v *workspace.View, d *document, off int) (renameTarget, error) {
	if src, l, ok := v.LinkAt(d.path, off); ok {
		t, ok := v.Follow(src, &l)
		if !ok {
			return renameTarget{}, fmt.Errorf("%s leads to no single note", l.Text)
		}
		if f := l.Link.Frag; l.HasFrag && f.Valid() && int(f.Start) <= off && off <= int(f.End) {
			if t.Heading == "" {
				return renameTarget{}, fmt.Errorf("%s names no heading of %s", l.Text, t.Path)
			}
			return renameTarget{note: t.Path, heading: t.Heading, start: int(f.Start), end: int(f.End), text: t.Heading}, nil
		}
		ts := l.Link.Target
		return renameTarget{note: t.Path, start: int(ts.Start), end: int(ts.End), text: strings.TrimSpace(l.Target)}, nil
	}
	if h, ok := headingAt(d, off); ok && h.Text != "" {
		line := d.text[d.lines.lineStart(h.Line):d.lines.lineEnd(d.text, h.Line)]
		if i := bytes.Index(line, []byte(h.Text)); i >= 0 {
			start := d.lines.lineStart(h.Line) + i
			return renameTarget{note: d.path, heading: h.Text, start: start, end: start + len(h.Text), text: h.Text}, nil
		}
	}
	return renameTarget{}, fmt.Errorf("nothing to rename here: put the cursor on a link or a heading")
}

func (s *Server) prepareRename(_ *glsp.Context, p *protocol.PrepareRenameParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	t, err := renameAt(v, d, d.lines.offset(d.text, p.Position))
	if err != nil {
		return nil, err
	}
	return protocol.RangeWithPlaceholder{Range: d.lines.span(d.text, t.start, t.end), Placeholder: t.text}, nil
}

// rename renames a note (its file) or a heading with every link to it,
// by the plan relink mv makes. The edits are of the files as saved: a
// file with unsaved changes in the editor makes it refuse.
func (s *Server) rename(_ *glsp.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine != nil {
		s.engine.Flush() // what the watcher saw, before the plan
	}
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return nil, fmt.Errorf("%s is not a note of the vault", p.TextDocument.URI)
	}
	t, err := renameAt(v, d, d.lines.offset(d.text, p.Position))
	if err != nil {
		return nil, err
	}
	var mp *workspace.MovePlan
	if t.heading != "" {
		mp, err = workspace.PlanHeadingRename(v.Report, t.note, t.heading, p.NewName)
	} else {
		mp, err = workspace.PlanRename(v.Report, t.note, p.NewName)
	}
	if err != nil {
		return nil, err
	}
	return s.moveEdit(mp, false)
}

func (s *Server) willRenameFiles(_ *glsp.Context, p *protocol.RenameFilesParams) (*protocol.WorkspaceEdit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		return nil, nil
	}
	s.engine.Flush() // what the watcher saw, before the plan
	rep := s.engine.Report()
	out := &protocol.WorkspaceEdit{}
	for _, f := range p.Files {
		from, ok1 := s.pathOf(f.OldURI)
		to, ok2 := s.pathOf(f.NewURI)
		if !ok1 || !ok2 {
			continue
		}
		mp, err := workspace.PlanMove(rep, from, to)
		if err != nil {
			return nil, err
		}
		e, err := s.moveEdit(mp, true)
		if err != nil {
			return nil, err
		}
		out.DocumentChanges = append(out.DocumentChanges, e.DocumentChanges...)
	}
	return out, nil
}

// moveEdit is the WorkspaceEdit of a move plan: the files it moves, then
// the edits of each file under its new name. When the editor moves the
// files itself (willRenameFiles), the edits come before the move and
// name each file by its old path.
func (s *Server) moveEdit(mp *workspace.MovePlan, editorMoves bool) (*protocol.WorkspaceEdit, error) {
	files, byFile := report.FileEdits(mp.Edits)
	for _, f := range files {
		if d := s.docs[mp.OldPath(f)]; d != nil && d.unsaved {
			return nil, fmt.Errorf("save %s first: the rename rewrites the links in the files as saved", mp.OldPath(f))
		}
	}
	out := &protocol.WorkspaceEdit{}
	if !editorMoves {
		for _, m := range mp.Moved {
			out.DocumentChanges = append(out.DocumentChanges, protocol.RenameFile{Kind: "rename", OldURI: s.uriOf(m.From), NewURI: s.uriOf(m.To)})
		}
	}
	for _, f := range files {
		old := mp.OldPath(f)
		text, err := s.engine.Latest().Report.Vault.ReadFile(old)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", old, err)
		}
		ls := newLines(text)
		name := f
		if editorMoves {
			name = old
		}
		var tes []any
		for _, e := range byFile[f] {
			tes = append(tes, protocol.TextEdit{Range: ls.span(text, e.Start, e.End), NewText: e.New})
		}
		out.DocumentChanges = append(out.DocumentChanges, protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uriOf(name)}},
			Edits:        tes,
		})
	}
	return out, nil
}
