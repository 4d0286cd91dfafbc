package lspserver

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/workspace"
)

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	return completionList(v, d, p.Position), nil
}

var completionKinds = map[workspace.CompletionKind]protocol.CompletionItemKind{
	workspace.CompleteNote:    protocol.CompletionItemKindFile,
	workspace.CompleteAlias:   protocol.CompletionItemKindReference,
	workspace.CompleteHeading: protocol.CompletionItemKindReference,
	workspace.CompleteBlock:   protocol.CompletionItemKindReference,
}

// completionList turns the view's completions at pos into LSP items. The
// list is marked incomplete: the editor asks again as the name grows, and
// the ladder, not the editor's own fuzzy match, filters it. Each item's
// filter text is what was typed, so that an editor that filters the list
// again keeps "Disaster Recovery" for "disaster-rec"; the sort text keeps
// relink's order (canonical names before aliases).
func completionList(v *workspace.View, d *document, pos protocol.Position) protocol.CompletionList {
	off := d.lines.offset(d.text, pos)
	items := v.Complete(d.path, d.text, off)
	out := protocol.CompletionList{IsIncomplete: true, Items: make([]protocol.CompletionItem, 0, len(items))}
	for i, it := range items {
		kind := completionKinds[it.Kind]
		detail := it.Detail
		sortText := fmt.Sprintf("%05d", i)
		filter := string(d.text[it.Start:it.End])
		out.Items = append(out.Items, protocol.CompletionItem{
			Label: it.Label, Kind: &kind, Detail: &detail, SortText: &sortText, FilterText: &filter,
			TextEdit: protocol.TextEdit{Range: d.lines.span(d.text, it.Start, it.End), NewText: it.Insert},
		})
	}
	return out
}
