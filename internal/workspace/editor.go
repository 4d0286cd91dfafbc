package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/filename"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/wikilink"
)

// View is the vault as an editor shows it: a Report (an Engine's, whose
// buffers stand for the notes open in the editor) and the texts the
// editor holds. Every answer an editor asks for — the findings of a note,
// the fixes of a link, completion, where a link goes, what links to a
// note — comes from a View, by the same index and planner as check and
// apply.
type View struct {
	Report *Report
	Index  *index.Index
	texts  map[string][]byte
}

// View returns a view of rep in which the notes at the paths of texts
// read as those texts: the buffers the report was planned with (see
// Engine.SetBuffer). rep is not changed.
func (rep *Report) View(texts map[string][]byte) *View {
	return &View{Report: rep, Index: rep.Index, texts: texts}
}

// Text is the note at p as the editor has it: its buffer, else its file.
func (v *View) Text(p string) ([]byte, error) {
	if t, ok := v.texts[p]; ok {
		return t, nil
	}
	return v.Report.Vault.ReadFile(p)
}

// Plan is the edits and findings of the note at p, sorted by offset.
func (v *View) Plan(p string) ([]plan.Edit, []plan.Finding) { return v.Report.PlanOf(p) }

// Problem is what keeps the note at p from being checked (broken YAML,
// invalid UTF-8, …), or nil.
func (v *View) Problem(p string) error {
	i, ok := v.Index.NoteByPath(p)
	if !ok {
		return nil
	}
	return v.Index.Notes[i].Err
}

// LinkAt is the link of the note at p whose bytes hold offset (the end
// included, so that a cursor right after "]]" is on the link).
func (v *View) LinkAt(p string, offset int) (src int32, l note.Link, ok bool) {
	src, ok = v.Index.NoteByPath(p)
	if !ok {
		return -1, note.Link{}, false
	}
	for _, x := range v.Index.Notes[src].LinkList(nil) {
		if int(x.Whole.Start) <= offset && offset <= int(x.Whole.End) {
			return src, x, true
		}
	}
	return src, note.Link{}, false
}

// Links are the links of the note at p, in order.
func (v *View) Links(p string) []note.Link {
	i, ok := v.Index.NoteByPath(p)
	if !ok {
		return nil
	}
	return v.Index.Notes[i].LinkList(nil)
}

// Choice is one way to fix a link: an edit of the note it is in, or a
// note to create (Create, a vault-relative path, with Edit unset) with
// the text NewText.
type Choice struct {
	Title     string
	Class     string // the link's class
	Preferred bool   // the fix apply would make
	Edit      plan.Edit
	Create    string
	NewText   string
}

// Choices lists the fixes of the link at offset in the note at p: the
// edit the plan makes (variant, renamed, heading, and alias or duplicate
// under their opt-ins), each candidate of an ambiguous link, the aliased
// note of an alias link, the canonical note of a duplicate, the near
// names of a broken link and a new note under its name. A choice a person
// makes goes through plan.RetargetEdit, so the name it writes resolves to
// the chosen note alone.
func (v *View) Choices(p string, offset int) []Choice {
	src, l, ok := v.LinkAt(p, offset)
	if !ok {
		return nil
	}
	ix := v.Index
	r := ix.Resolve(src, &l)
	edits, _ := v.Plan(p)
	var out []Choice
	planned := map[int32]bool{}
	for _, e := range edits {
		if e.Start == int(l.Whole.Start) {
			out = append(out, Choice{Title: "Change to " + e.New, Class: e.Class, Preferred: true, Edit: e})
			if t, ok := ix.NoteByPath(e.Target); ok {
				planned[t] = true
			}
		}
	}
	if r.Attachment || r.Outside || r.Class == index.External {
		return out
	}
	retarget := func(title string, target int32) {
		if planned[target] {
			return
		}
		e, err := plan.RetargetEdit(ix, src, &l, target, v.Report.Settings.Plan)
		if err != nil || e.New == e.Old {
			return
		}
		planned[target] = true
		out = append(out, Choice{Title: fmt.Sprintf(title, e.New, ix.Notes[target].Path), Class: r.Class.String(), Edit: e})
	}
	switch r.Class {
	case index.Ambiguous:
		for _, c := range r.Candidates {
			retarget("Pick %s (%s)", c)
		}
	case index.Alias:
		for _, c := range r.Candidates {
			retarget("Accept the alias: %s (%s)", c)
		}
	case index.Duplicate:
		retarget("Follow the duplicate to %s (%s)", r.Target)
	case index.Broken:
		for _, h := range ix.Hints(l.Target, 3) {
			retarget("Did you mean %s? (%s)", h)
		}
		if c, ok := v.newNote(&l); ok {
			out = append(out, c)
		}
	}
	return out
}

// newNote is the note a broken wikilink asks for: its target as a path
// from the vault root with the note extension, holding a heading with
// its name. None when the target cannot be a file name of the vault
// ("..", a folder, a path already taken).
func (v *View) newNote(l *note.Link) (Choice, bool) {
	if l.Kind != wikilink.Wiki {
		return Choice{}, false
	}
	t := strings.TrimSpace(l.Target)
	t = strings.TrimPrefix(t, "/")
	if t == "" || !utf8.ValidString(t) || strings.ContainsAny(t, "\\:*?\"<>|\x00") {
		return Choice{}, false
	}
	if !index.IsNoteExt(path.Ext(t)) {
		t += ".md"
	}
	rel, err := vaultPath(v.Report.Vault.Dir, t)
	if err != nil || rel == "." || rel != t {
		return Choice{}, false
	}
	if _, ok := v.Index.NoteByPath(rel); ok {
		return Choice{}, false
	}
	if _, err := v.Report.Vault.Root.Lstat(rel); !errors.Is(err, fs.ErrNotExist) {
		return Choice{}, false
	}
	name := dialect.StemOf(rel)
	return Choice{Title: "Create note " + filename.Quote(rel), Class: "broken", Create: rel, NewText: "# " + name + "\n"}, true
}

// HeadingPlace is a heading of a note and where it is.
type HeadingPlace struct {
	Text  string
	Level int
	Line  int // 1-based
}

// Headings lists the headings of note text, with their lines.
func Headings(text []byte) []HeadingPlace {
	fm, _ := frontmatter.Split(text)
	res := markdown.Analyze(text, fm.Body)
	out := make([]HeadingPlace, len(res.Headings))
	for i, h := range res.Headings {
		out[i] = HeadingPlace{Text: h.Text, Level: h.Level, Line: h.Line}
	}
	return out
}

// Target is where a link leads.
type Target struct {
	Note    int32
	Path    string
	Heading string // the heading its fragment names, "" for none
	Line    int    // 1-based line of the heading or block, 1 for the note
	Block   string // the block id its fragment names
}

// Follow is where link l of note src leads: the note it resolves to (for
// a variant or renamed link the note it will be repaired to) and the
// heading or block its fragment names. ok is false for a link that leads
// to no single note.
func (v *View) Follow(src int32, l *note.Link) (Target, bool) {
	ix := v.Index
	r := ix.Resolve(src, l)
	if r.Attachment || r.Outside || r.Target < 0 {
		return Target{}, false
	}
	switch r.Class {
	case index.Resolved, index.Variant, index.Renamed, index.Heading, index.Duplicate, index.Alias:
	default:
		return Target{}, false
	}
	t := Target{Note: r.Target, Path: ix.Notes[r.Target].Path, Line: 1}
	if !l.HasFrag {
		return t, true
	}
	text, err := v.Text(t.Path)
	if err != nil {
		return t, true
	}
	frag := strings.TrimSpace(l.Frag)
	if id, ok := strings.CutPrefix(frag, "^"); ok {
		if line := blockLine(text, id); line > 0 {
			t.Block, t.Line = id, line
		}
		return t, true
	}
	want := frag
	if r.Anchor.State == index.AnchorRepair {
		want = r.Anchor.Heading
	}
	for _, h := range Headings(text) {
		hText, _ := index.SplitHeadingID(h.Text)
		if h.Text == want || hText == want || ix.Dialect.AnchorResolves(frag, h.Text) {
			t.Heading, t.Line = h.Text, h.Line
			return t, true
		}
	}
	return t, true
}

// blockLine is the 1-based line that ends in the block marker "^id", or 0.
func blockLine(text []byte, id string) int {
	for i, line := range bytes.Split(text, []byte("\n")) {
		line = bytes.TrimRight(line, " \t\r")
		if bytes.HasSuffix(line, []byte("^"+id)) {
			rest := line[:len(line)-len(id)-1]
			if len(rest) == 0 || rest[len(rest)-1] == ' ' || rest[len(rest)-1] == '\t' {
				return i + 1
			}
		}
	}
	return 0
}

// Reference is a link to a note.
type Reference struct {
	Path string
	Link note.Link
}

// References lists the links of the vault that lead to note target — to
// its heading heading when not "" — as Follow sees them, by note path and
// offset.
func (v *View) References(target int32, heading string) []Reference {
	ix := v.Index
	var out []Reference
	var links []note.Link
	for src, n := range ix.Notes {
		if n.Err != nil {
			continue
		}
		links = n.LinkList(links)
		for _, l := range links {
			r := ix.Resolve(int32(src), &l)
			if r.Attachment || r.Outside || r.Target != target {
				continue
			}
			switch r.Class {
			case index.Resolved, index.Variant, index.Renamed, index.Heading, index.Duplicate:
			default:
				continue
			}
			if heading != "" {
				// The heading the fragment names, or the one its repair
				// writes: as Follow goes.
				frag := strings.TrimSpace(l.Frag)
				repaired := r.Anchor.State == index.AnchorRepair && r.Anchor.Heading == heading
				if !l.HasFrag || frag != heading && !ix.Dialect.AnchorResolves(frag, heading) && !repaired {
					continue
				}
			}
			out = append(out, Reference{Path: n.Path, Link: l})
		}
	}
	return out
}

// CompletionKind says what a completion inserts.
type CompletionKind int

const (
	CompleteNote CompletionKind = iota
	CompleteAlias
	CompleteHeading
	CompleteBlock
)

// CompletionItem is one completion of a link being typed: Insert replaces
// the bytes Start..End of the note's text.
type CompletionItem struct {
	Kind   CompletionKind
	Label  string
	Insert string
	Detail string // the note's path
	Start  int
	End    int
}

// maxCompletions bounds a completion list: an editor shows a few dozen,
// and a list of thousands costs the round trip.
const maxCompletions = 50

// Complete lists what may be typed at offset of the note at p: after
// "[[" (or "![[") notes by the names the ladder matches, canonical names
// first and then aliases (written "[[Canonical|alias]]", so the link
// resolves and still reads as the alias); after "[[name#" the headings of
// that note; after "[[name#^" its block ids; after "](" notes as relative
// paths. Nothing outside a link being typed.
func (v *View) Complete(p string, text []byte, offset int) []CompletionItem {
	if offset < 0 || offset > len(text) {
		return nil
	}
	lineStart := bytes.LastIndexByte(text[:offset], '\n') + 1
	before := string(text[lineStart:offset])
	src, _ := v.Index.NoteByPath(p)
	if i := strings.LastIndex(before, "[["); i >= 0 && !strings.Contains(before[i:], "]]") {
		typed := before[i+2:]
		start := lineStart + i + 2
		closed := bytes.HasPrefix(text[offset:], []byte("]]"))
		return v.completeWiki(src, p, typed, start, offset, closed)
	}
	if i := strings.LastIndex(before, "]("); i >= 0 && !strings.ContainsAny(before[i+2:], ") ") && strings.Contains(before[:i], "[") {
		typed := before[i+2:]
		if strings.Contains(typed, "#") || strings.Contains(typed, "://") {
			return nil
		}
		return v.completeMarkdown(p, typed, lineStart+i+2, offset)
	}
	return nil
}

func (v *View) completeWiki(src int32, p, typed string, start, end int, closed bool) []CompletionItem {
	ix := v.Index
	labelFirst := v.Report.Settings.Dialect.Syntax().LabelFirst
	if strings.Contains(typed, "|") {
		if !labelFirst {
			return nil // the display text: anything goes
		}
		// Dendron: [[label|target]], the target after the '|'.
		bar := strings.LastIndex(typed, "|")
		start += bar + 1
		typed = typed[bar+1:]
		labelFirst = false
	}
	closing := "]]"
	if closed {
		closing = ""
	}
	if hash := strings.Index(typed, "#"); hash >= 0 {
		n := src
		if name := strings.TrimSpace(typed[:hash]); name != "" {
			probe := note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, Target: name}
			r := ix.Resolve(src, &probe)
			if r.Attachment || r.Outside || r.Target < 0 {
				return nil
			}
			n = r.Target
		}
		if n < 0 {
			return nil
		}
		tn := ix.Notes[n]
		frag := typed[hash+1:]
		fragStart := start + hash + 1
		var out []CompletionItem
		if prefix, ok := strings.CutPrefix(frag, "^"); ok {
			for _, id := range tn.BlockIDs {
				if strings.HasPrefix(id, prefix) {
					out = append(out, CompletionItem{Kind: CompleteBlock, Label: "^" + id, Insert: "^" + id + closing, Detail: tn.Path, Start: fragStart, End: end})
				}
			}
			return out
		}
		for _, h := range tn.Headings {
			text, _ := index.SplitHeadingID(h)
			anchor := ix.Dialect.AnchorText(text)
			if frag != "" && !strings.HasPrefix(strings.ToLower(anchor), strings.ToLower(frag)) && !ix.Dialect.AnchorResolves(frag, text) {
				continue
			}
			out = append(out, CompletionItem{Kind: CompleteHeading, Label: text, Insert: anchor + closing, Detail: tn.Path, Start: fragStart, End: end})
		}
		return out
	}
	var out []CompletionItem
	for _, c := range ix.Complete(typed, maxCompletions) {
		name, ok := plan.LinkName(ix, src, c.Note)
		if !ok {
			continue
		}
		item := CompletionItem{Kind: CompleteNote, Label: name, Insert: name + closing, Detail: ix.Notes[c.Note].Path, Start: start, End: end}
		if c.Alias {
			item.Kind = CompleteAlias
			item.Label = c.Name
			item.Detail = name + " (" + ix.Notes[c.Note].Path + ")"
			if labelFirst {
				item.Insert = c.Name + "|" + name + closing
			} else {
				item.Insert = name + "|" + c.Name + closing
			}
		}
		out = append(out, item)
	}
	return out
}

func (v *View) completeMarkdown(p, typed string, start, end int) []CompletionItem {
	ix := v.Index
	name := strings.TrimSuffix(path.Base(typed), path.Ext(typed))
	if d, err := note.DecodeDestination(name); err == nil {
		name = d
	}
	var out []CompletionItem
	for _, c := range ix.Complete(name, maxCompletions) {
		if c.Alias {
			continue
		}
		to := ix.Notes[c.Note].Path
		dest := plan.MarkdownDestination(p, to)
		out = append(out, CompletionItem{Kind: CompleteNote, Label: dialect.StemOf(to), Insert: dest, Detail: to, Start: start, End: end})
	}
	return out
}

// NoteSymbol is a note offered by a workspace symbol search.
type NoteSymbol struct {
	Name string
	Path string
}

// FindNotes lists the notes whose names or aliases begin with query once
// folded on the ladder (all notes, in path order, for an empty query), up
// to max.
func (v *View) FindNotes(query string, max int) []NoteSymbol {
	ix := v.Index
	var out []NoteSymbol
	if strings.TrimSpace(query) == "" {
		for _, n := range ix.Notes {
			if len(out) == max {
				break
			}
			out = append(out, NoteSymbol{Name: noteName(n), Path: n.Path})
		}
		return out
	}
	seen := map[int32]bool{}
	for _, c := range ix.Complete(query, max) {
		if seen[c.Note] {
			continue // by a name and by an alias
		}
		seen[c.Note] = true
		n := ix.Notes[c.Note]
		out = append(out, NoteSymbol{Name: noteName(n), Path: n.Path})
	}
	return out
}

func noteName(n *note.Note) string {
	if t := strings.TrimSpace(n.Title); t != "" && n.Err == nil {
		return t
	}
	return dialect.StemOf(n.Path)
}

// NoteName is the name a note goes by: its title, else its file stem.
func (v *View) NoteName(i int32) string { return noteName(v.Index.Notes[i]) }

// FixAll is every edit the plan makes in the note at p: what "fix all in
// this file" writes into the editor's buffer.
func (v *View) FixAll(p string) []plan.Edit {
	if len(v.Report.Unread()) > 0 {
		// As apply refuses (ErrUnread): a fix of every link at once
		// is not offered while some notes' names are unknown.
		return nil
	}
	edits, _ := v.Plan(p)
	return edits
}

// VaultFixCount is the number of links "fix all in the vault" would fix:
// the plan's edits, or none while part of the vault is unread (Apply
// refuses then, ErrUnread).
func (v *View) VaultFixCount() int {
	if len(v.Report.Unread()) > 0 {
		return 0
	}
	return v.Report.EditCount()
}

// VaultApplyResult is what ApplyExcept did: Apply's result, and the
// notes with edits that were left alone because the editor holds unsaved
// changes to them.
type VaultApplyResult struct {
	ApplyResult
	Unsaved []string
}

// ApplyExcept applies the current plan as Apply does (snapshot, atomic
// writes, undo), but for the notes in unsaved: an editor holds changes to
// them that the files do not have, and writing the files under it would
// make the editor's copy and the file disagree.
func (e *Engine) ApplyExcept(ctx context.Context, unsaved []string, opt ApplyOptions) (*VaultApplyResult, error) {
	e.Flush()
	rep := e.Report()
	skip := make(map[string]bool, len(unsaved))
	for _, p := range unsaved {
		skip[p] = true
	}
	ids := []string{}
	left := map[string]bool{}
	for i := range rep.Plan.Edits {
		ed := &rep.Plan.Edits[i]
		if skip[ed.File] {
			left[ed.File] = true
			continue
		}
		ids = append(ids, EditID(rep, ed))
	}
	out := &VaultApplyResult{}
	for p := range left {
		out.Unsaved = append(out.Unsaved, p)
	}
	slices.Sort(out.Unsaved)
	res, err := e.Apply(ctx, ids, opt)
	if res != nil {
		out.ApplyResult = *res
	}
	return out, err
}

// PlanRename plans renaming the note at p to newName, as relink mv does:
// newName is a file name in the note's folder (its extension added when
// it has none), or a vault path when it holds a '/'.
func PlanRename(rep *Report, p, newName string) (*MovePlan, error) {
	newName = strings.TrimSpace(newName)
	if newName == "" {
		return nil, refuse("an empty name")
	}
	to := newName
	if !strings.Contains(newName, "/") {
		to = path.Join(path.Dir(p), newName)
	}
	if !index.IsNoteExt(path.Ext(to)) {
		to += path.Ext(p)
	}
	return PlanMove(rep, p, to)
}

// PlanHeadingRename plans renaming the heading old of the note at p to
// new, as relink mv "NOTE#old" new does.
func PlanHeadingRename(rep *Report, p, old, new string) (*MovePlan, error) {
	return PlanMove(rep, p+"#"+old, new)
}
