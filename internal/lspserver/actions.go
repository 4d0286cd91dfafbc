package lspserver

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

// commandFixVault is the command of "fix all in the vault": it writes
// through the same path as relink apply.
const commandFixVault = "relink.fixVault"

// kindFixAllVault is the kind of "fix all in the vault": a source action,
// but not source.fixAll, which editors may run on save without asking.
const kindFixAllVault = protocol.CodeActionKindSource + ".relink.fixVault"

func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, v, ok := s.docLocked(p.TextDocument.URI)
	if !ok {
		return []protocol.CodeAction{}, nil
	}
	return codeActions(v, d, p.Range, p.Context.Only, s.uriOf), nil
}

// wants reports whether a client that asked only for the kinds in only
// wants an action of kind.
func wants(only []protocol.CodeActionKind, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if kind == k || strings.HasPrefix(kind, k+".") {
			return true
		}
	}
	return false
}

// codeActions are the fixes of the links in range r of document d, then
// the source actions of the note and of the vault.
func codeActions(v *workspace.View, d *document, r protocol.Range, only []protocol.CodeActionKind, uriOf func(string) string) []protocol.CodeAction {
	out := []protocol.CodeAction{}
	quick := protocol.CodeActionKindQuickFix
	if wants(only, quick) {
		start, end := d.lines.offset(d.text, r.Start), d.lines.offset(d.text, r.End)
		seen := map[int]bool{}
		for _, l := range v.Links(d.path) {
			ls, le := int(l.Whole.Start), int(l.Whole.End)
			if le < start || ls > end || seen[ls] {
				continue
			}
			seen[ls] = true
			for _, c := range v.Choices(d.path, ls) {
				a := protocol.CodeAction{Title: c.Title, Kind: &quick}
				if c.Preferred {
					t := true
					a.IsPreferred = &t
				}
				if c.Create != "" {
					uri := uriOf(c.Create)
					a.Edit = &protocol.WorkspaceEdit{DocumentChanges: []any{
						protocol.CreateFile{Kind: "create", URI: uri},
						protocol.TextDocumentEdit{
							TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}},
							Edits:        []any{protocol.TextEdit{Range: lineRange(1), NewText: c.NewText}},
						},
					}}
				} else {
					a.Edit = &protocol.WorkspaceEdit{Changes: map[string][]protocol.TextEdit{d.uri: {textEdit(d, c.Edit)}}}
				}
				out = append(out, a)
			}
		}
	}
	fixFile := kindSourceFixAll + ".relink"
	if edits := v.FixAll(d.path); len(edits) > 0 && wants(only, fixFile) {
		tes := make([]protocol.TextEdit, len(edits))
		for i, e := range edits {
			tes[i] = textEdit(d, e)
		}
		out = append(out, protocol.CodeAction{Title: fmt.Sprintf("Fix all in this file (%s)", report.Count(len(edits), "link")), Kind: &fixFile,
			Edit: &protocol.WorkspaceEdit{Changes: map[string][]protocol.TextEdit{d.uri: tes}}})
	}
	kv := kindFixAllVault
	if n := v.VaultFixCount(); n > 0 && wants(only, kv) {
		out = append(out, protocol.CodeAction{Title: fmt.Sprintf("Fix all in the vault (%s, with a snapshot)", report.Count(n, "link")), Kind: &kv,
			Command: &protocol.Command{Title: "Fix all in the vault", Command: commandFixVault}})
	}
	return out
}

func textEdit(d *document, e plan.Edit) protocol.TextEdit {
	return protocol.TextEdit{Range: d.lines.span(d.text, e.Start, e.End), NewText: e.New}
}

// executeCommand runs "fix all in the vault": the vault's plan applied
// on disk with a snapshot, as relink apply does, the notes with unsaved
// changes left alone. The outcome, with the snapshot id that relink undo
// reverts, is shown in a message.
func (s *Server) executeCommand(_ *glsp.Context, p *protocol.ExecuteCommandParams) (any, error) {
	if p.Command != commandFixVault {
		return nil, fmt.Errorf("unknown command %q", p.Command)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		return nil, fmt.Errorf("not initialized")
	}
	var unsaved []string
	for path, d := range s.docs {
		if d.unsaved {
			unsaved = append(unsaved, path)
		}
	}
	slices.Sort(unsaved)
	res, err := s.engine.ApplyExcept(context.Background(), unsaved, workspace.ApplyOptions{})
	msg := fixVaultMessage(res, err)
	typ := protocol.MessageTypeInfo
	if err != nil {
		typ = protocol.MessageTypeError
	} else if len(res.Skipped) > 0 || len(res.Unsaved) > 0 {
		typ = protocol.MessageTypeWarning
	}
	s.notifyLocked(protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: typ, Message: msg})
	// An open note whose file was written holds the old text until the
	// editor reloads it.
	for _, d := range s.docs {
		d.unsaved = !s.savedLocked(d)
	}
	return nil, nil
}

func fixVaultMessage(res *workspace.VaultApplyResult, err error) string {
	var b strings.Builder
	b.WriteString("relink: ")
	switch {
	case err != nil:
		b.WriteString(err.Error())
	case res.Snapshot.ID == "":
		b.WriteString("nothing to fix")
	default:
		fmt.Fprintf(&b, "fixed %s in %s; snapshot %s (relink undo reverts it)",
			report.Count(res.Links(), "link"), report.Count(len(res.Changed), "file"), res.Snapshot.ID)
	}
	if res != nil {
		if len(res.Unsaved) > 0 {
			fmt.Fprintf(&b, "; left alone with unsaved changes: %s", strings.Join(res.Unsaved, ", "))
		}
		for _, sk := range res.Skipped {
			fmt.Fprintf(&b, "; skipped %s: %s", sk.Path, sk.Reason)
		}
	}
	return b.String()
}

// kindSourceFixAll is LSP's source.fixAll (3.15), which the 3.16 types do
// not name.
const kindSourceFixAll protocol.CodeActionKind = "source.fixAll"
