package workspace

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
)

// The classes of a Resolution. They are check's classes, but for exact:
// a name that resolves as written.
const (
	ResolveExact     = "exact"
	ResolveVariant   = "variant"
	ResolveRenamed   = "renamed"
	ResolveAmbiguous = "ambiguous"
	ResolveAlias     = "alias"
	ResolveDuplicate = "duplicate"
	ResolveBroken    = "broken"
	// ResolveExternal is a link into another vault of a Dendron
	// workspace (dendron://other/…), which relink does not check.
	ResolveExternal = "external"
)

// The states of a ResolvedHeading.
const (
	HeadingOK        = "ok"        // names a heading or block of the note
	HeadingRepair    = "repair"    // one heading matches on the ladder: Heading, Write
	HeadingAmbiguous = "ambiguous" // several headings match at one level: Candidates
	HeadingBroken    = "broken"    // nothing matches
	// HeadingUnchecked is a fragment the dialect does not check (an
	// Obsidian-less wiki's slug, Dendron's own anchors…).
	HeadingUnchecked = "unchecked"
)

// Resolution is what a link [[Name]] would do if it were written in the
// source note: the same verdict, edit and hints that check and plan give
// such a link of the vault.
type Resolution struct {
	// Name is the name asked about, as given.
	Name string `json:"name"`
	// Class is exact, variant, renamed, ambiguous, alias, duplicate,
	// broken or external.
	Class string `json:"class"`
	// Level is the ladder level where the name matched (variant,
	// renamed, ambiguous, alias).
	Level string `json:"level,omitempty"`
	// Note is the note the link reaches: exact, the note (or attachment)
	// it names; variant and renamed, the note apply points it to; alias,
	// the note the alias suggests; duplicate, the canonical note.
	Note string `json:"note,omitempty"`
	// Attachment is set when Note is a file that is not a note.
	Attachment bool `json:"attachment,omitempty"`
	// Duplicate is, for class duplicate, the note the name names, which
	// is marked a duplicate of Note.
	Duplicate string `json:"duplicate,omitempty"`
	// Write is the target to write so that the link reaches Note exactly
	// (variant, renamed, alias, duplicate): the canonical name in the
	// vault's dialect. Link is the whole link with it (and a repaired
	// #heading), as apply writes it.
	Write string `json:"write,omitempty"`
	Link  string `json:"link,omitempty"`
	// Apply says whether relink apply, with the options in force,
	// rewrites a link so spelled to Link (alias and duplicate only with
	// --allow-alias and --follow-duplicates).
	Apply bool `json:"apply"`
	// Candidates are the notes of an ambiguous name; the noted aliased by
	// an alias name.
	Candidates []string `json:"candidates,omitempty"`
	// Aliases are the candidates that only an alias matched, with it.
	Aliases []plan.CandidateAlias `json:"aliases,omitempty"`
	// Hints are near names of a broken name.
	Hints []string `json:"hints,omitempty"`
	// Message says why the name does not resolve, as check says it.
	Message string `json:"message,omitempty"`
	// Heading is the verdict on the name's #fragment, when it has one
	// and the name reaches a note.
	Heading *ResolvedHeading `json:"heading,omitempty"`
}

// ResolvedHeading is the verdict on a name's #heading or #^block.
type ResolvedHeading struct {
	// Fragment is the part after '#', as given.
	Fragment string `json:"fragment"`
	// State is ok, repair, ambiguous, broken or unchecked.
	State string `json:"state"`
	// Heading is the heading a repair points to; Write the fragment that
	// names it in the vault's dialect.
	Heading string `json:"heading,omitempty"`
	Write   string `json:"write,omitempty"`
	Level   string `json:"level,omitempty"`
	// Candidates are the headings an ambiguous fragment matches.
	Candidates []string `json:"candidates,omitempty"`
	Message    string   `json:"message,omitempty"`
}

// Exact reports whether a link so spelled works as written: its name
// resolves exactly, and its #fragment, if any, names a heading or block
// (or is one the dialect does not check).
func (r *Resolution) Exact() bool {
	return r.Class == ResolveExact && (r.Heading == nil || r.Heading.State == HeadingOK || r.Heading.State == HeadingUnchecked)
}

// ResolveOptions say where the links asked about would be written.
type ResolveOptions struct {
	// From is the path, from the vault root with '/', of the note the
	// links would be written in: a path form ([[./x]], [[../x]]) starts
	// from its folder, and a name that is only a #heading names it. It
	// need not exist yet. "" is a note at the vault root.
	From string
}

// Resolve tells, for each of names, what a link [[name]] written in the
// note opt.From would do in the vault of rep: each name goes through the
// parser, the resolution ladder and the planner exactly as a link of a
// note does in check. It reads nothing: everything comes from rep.
func Resolve(rep *Report, names []string, opt ResolveOptions) ([]Resolution, error) {
	ix := rep.Index
	src, err := resolveSource(ix, opt.From)
	if err != nil {
		return nil, err
	}
	syntax := rep.Settings.Dialect.Syntax()
	out := make([]Resolution, 0, len(names))
	for _, name := range names {
		l, err := nameLink(name, syntax)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(l.Target) == "" && src.Note < 0 {
			return nil, fmt.Errorf("%q names only a heading: it needs the note it is written in (--from, a note of the vault)", name)
		}
		out = append(out, resolveOne(ix, rep.Settings.Plan, src, name, l, syntax))
	}
	return out, nil
}

// resolveSource is the note at from, one of the vault's or not.
func resolveSource(ix *index.Index, from string) (index.Source, error) {
	if from == "" {
		return index.Source{Note: -1, Path: ""}, nil
	}
	p := path.Clean(from)
	if strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") || p == "." {
		return index.Source{}, fmt.Errorf("--from %q: want a note's path from the vault root", from)
	}
	if n, ok := ix.NoteByPath(p); ok {
		return index.Source{Note: n, Path: p}, nil
	}
	return index.Source{Note: -1, Path: p}, nil
}

// nameLink parses [[name]] as a note's link is parsed, so that a #heading,
// a .md, a Dendron vault prefix and surrounding spaces are read as they
// would be in a note.
func nameLink(name string, syntax note.Options) (note.Link, error) {
	if strings.ContainsAny(name, "|\n\r") || strings.Contains(name, "[[") || strings.Contains(name, "]]") {
		return note.Link{}, fmt.Errorf("%q cannot be a link's target: it holds '|', '[[', ']]' or a line break", name)
	}
	text := "[[" + name + "]]"
	n := note.Parse("", []byte(text), syntax)
	if n.Err != nil {
		return note.Link{}, fmt.Errorf("%q: %v", name, n.Err)
	}
	if len(n.Links) != 1 || n.Links[0].Text != text {
		return note.Link{}, fmt.Errorf("%q cannot be a link's target: [[%s]] does not read as one link", name, name)
	}
	return n.Links[0], nil
}

func resolveOne(ix *index.Index, opt plan.Options, src index.Source, name string, l note.Link, syntax note.Options) Resolution {
	r, e, f := plan.LinkFrom(ix, opt, src, &l)
	res := Resolution{Name: name}
	notePath := func(n int32) string {
		if n < 0 {
			return ""
		}
		return ix.Notes[n].Path
	}
	if f != nil && f.Class != "heading" {
		res.Message = f.Message
		res.Candidates = nonEmpty(f.Candidates)
		res.Hints = nonEmpty(f.Hints)
	}
	res.Aliases = aliasMatches(ix, r.Aliases)
	switch {
	case r.Class == index.External:
		res.Class = ResolveExternal
		return res
	case r.Attachment || r.Outside:
		res.Class = ResolveBroken
		if r.Class != index.Broken {
			res.Class = ResolveExact
			res.Note, _ = ix.AttachmentPathFrom(src, &l)
			res.Attachment = true
		}
		return res
	}
	switch r.Class {
	case index.Resolved, index.Heading:
		res.Class = ResolveExact
		res.Note = notePath(r.Target)
	case index.Variant, index.Renamed:
		res.Class = ResolveVariant
		if r.Class == index.Renamed {
			res.Class = ResolveRenamed
		}
		res.Note = notePath(r.Target)
	case index.Ambiguous:
		res.Class = ResolveAmbiguous
	case index.Alias:
		res.Class = ResolveAlias
		res.Note = notePath(r.Target)
	case index.Duplicate:
		res.Class = ResolveDuplicate
		res.Note = notePath(r.Target)
		if len(r.Candidates) > 0 {
			res.Duplicate = notePath(r.Candidates[0])
		}
		// The canonical note, not the duplicate, is the one to name.
		res.Candidates = nil
	case index.Broken:
		res.Class = ResolveBroken
	}
	switch r.Class {
	case index.Variant, index.Renamed, index.Ambiguous, index.Alias:
		res.Level = levelName(r.Level)
	}
	if r.Class == index.Alias {
		// The note an alias suggests is its candidate; Note says it.
		if len(res.Candidates) == 1 {
			res.Candidates = nil
		}
	}
	write := e
	switch r.Class {
	case index.Alias, index.Duplicate:
		res.Apply = e != nil && e.Class != "heading"
		if !res.Apply {
			// What the opt-in would write: the name that reaches the
			// suggested note, by the same planner.
			with := opt
			with.AllowAlias, with.FollowDuplicates = true, true
			_, write, _ = plan.LinkFrom(ix, with, src, &l)
		}
	case index.Variant, index.Renamed:
		res.Apply = e != nil
		// A finding here says that no name of the note can be written
		// that reaches it alone (Message); its candidate is Note.
		res.Candidates = nil
	case index.Resolved, index.Heading:
		res.Apply = e != nil
	}
	if write != nil && write.Class != "heading" {
		res.Write = linkTarget(write.New, syntax)
		res.Link = write.New
	}
	if l.HasFrag && r.Target >= 0 && r.Class != index.Ambiguous {
		res.Heading = resolvedHeading(r.Anchor, l, e, f, syntax)
		if res.Link == "" && e != nil {
			// Only the heading is repaired.
			res.Link = e.New
		}
	}
	return res
}

// resolvedHeading is the verdict on link l's fragment, with the edit and
// finding the planner made of the link.
func resolvedHeading(a index.Anchor, l note.Link, e *plan.Edit, f *plan.Finding, syntax note.Options) *ResolvedHeading {
	h := &ResolvedHeading{Fragment: l.Frag}
	switch a.State {
	case index.AnchorNone:
		h.State = HeadingUnchecked
	case index.AnchorOK:
		h.State = HeadingOK
	case index.AnchorRepair:
		h.State = HeadingRepair
		h.Heading = a.Heading
		h.Level = levelName(a.Level)
		if e != nil {
			h.Write = linkFragment(e.New, syntax)
		}
	case index.AnchorAmbiguous:
		h.State = HeadingAmbiguous
		h.Level = levelName(a.Level)
		h.Candidates = a.Candidates
	case index.AnchorBroken:
		h.State = HeadingBroken
	}
	if f != nil && f.Class == "heading" {
		h.Message = f.Message
	}
	return h
}

func levelName(l fold.Level) string {
	if l == fold.Exact {
		return "exact"
	}
	return l.String()
}

// linkTarget is the target part of a link the planner wrote, as written
// (a kept ".md" included).
func linkTarget(text string, syntax note.Options) string {
	n := note.Parse("", []byte(text), syntax)
	if len(n.Links) != 1 {
		return ""
	}
	l := n.Links[0]
	return l.Text[l.Link.Target.Start-l.Whole.Start : l.Link.Target.End-l.Whole.Start]
}

// linkFragment is the fragment of a link the planner wrote, as written.
func linkFragment(text string, syntax note.Options) string {
	n := note.Parse("", []byte(text), syntax)
	if len(n.Links) != 1 || !n.Links[0].Link.Frag.Valid() {
		return ""
	}
	l := n.Links[0]
	return l.Text[l.Link.Frag.Start-l.Whole.Start : l.Link.Frag.End-l.Whole.Start]
}

// nonEmpty is ss, or nil when it holds nothing: the JSON leaves out a list
// with nothing in it.
func nonEmpty(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

// aliasMatches is a result's alias matches with note paths, in path
// order, as check's findings list them.
func aliasMatches(ix *index.Index, ms []index.AliasMatch) []plan.CandidateAlias {
	if len(ms) == 0 {
		return nil
	}
	out := make([]plan.CandidateAlias, len(ms))
	for i, m := range ms {
		out[i] = plan.CandidateAlias{Note: ix.Notes[m.Note].Path, Alias: m.Alias}
	}
	slices.SortStableFunc(out, func(a, b plan.CandidateAlias) int { return strings.Compare(a.Note, b.Note) })
	return out
}
