package dialect

import (
	"strings"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// Foam resolves a link as the Foam extension for VS Code does
// (packages/foam-core/src/model/workspace.ts, FoamWorkspace.listByIdentifier
// and find):
//
//   - An identifier ([[note]], [[folder/note]], [[note.md]]) names a note by
//     its file name or a trailing part of its path at a '/'; a path from
//     the workspace root works as the longest such suffix. Titles, ids and
//     aliases never resolve a link.
//   - Identifiers are compared lower-cased (toLocaleLowerCase); Foam does
//     not normalize Unicode, so an NFD spelling of an NFC file name does
//     not resolve.
//   - [[/a/b]], [[./b]] and [[../b]] are paths, from the root or the note.
//
// The name written is Foam's own getIdentifier: the file stem, or the
// shortest path suffix that no other note shares when stems collide.
type Foam struct{}

func (Foam) Name() string         { return "foam" }
func (Foam) Syntax() note.Options { return note.Options{} }
func (Foam) Resolves(k NameKind) bool {
	return k == Stem || k == Path || k == Suffix
}

// ExactKey lower-cases as JavaScript's toLocaleLowerCase does for the names
// of a vault, and unlike Obsidian's key it keeps NFD and NFC apart.
func (Foam) ExactKey(s string) string { return strings.ToLower(fold.TrimSpace(s)) }

func (Foam) CheckAnchor(string) bool    { return true }
func (Foam) AnchorText(h string) string { return h }

// WriteNames: the stem, then ever longer path suffixes, as
// FoamWorkspace.getShortestIdentifier picks them.
func (Foam) WriteNames(n *note.Note) []string { return Obsidian{}.WriteNames(n) }

// AnchorResolves: Foam finds a section by its heading's text, compared
// case-sensitively (Resource.findSection: s.label === section). Markdown
// links in a Foam workspace are rendered by VS Code's preview, whose
// anchors are GitHub slugs, so a slug-shaped fragment is accepted as the
// other dialects accept it.
func (Foam) AnchorResolves(frag, h string) bool { return anchorResolves(frag, h, false) }

func (Foam) AnchorSet(headings []string) *AnchorSet { return newAnchorSet(headings, false, false) }
