package plan

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// ClassRenamed is the class of the edits a move makes (SPEC §4 renamed).
const ClassRenamed = "renamed"

// Move plans the edits that keep every link of the vault pointing where
// it points now when a note moves: before is the vault's index, after the
// index once the note is moved (index.WithMove), ids maps the notes of
// before to those of after.
//
// Every link of every note that before resolves to a note (resolved, or a
// variant, alias or duplicate of it) is resolved again in after, from its
// note's new place; when it no longer finds the same note with the same
// verdict, it is rewritten to the name the dialect writes first that
// resolves to that note alone in after (a link that becomes exact
// is left as it is): the path form when it was written
// as a path, the relative path from the note's new folder for a Markdown
// link. That covers the links to the moved note, the moved note's own
// relative links, and the links to another note that the move makes
// ambiguous (a second note with its stem). Anchors, display text, embeds
// and escapes stay as written; a link that resolved to no note is left
// alone. Edits carry the path each file has after the move.
//
// unfixable lists the links that would change their target and for which
// no name can be written (a finding each): the move must not go on.
func Move(before, after *index.Index, ids []int32) (edits []Edit, unfixable []Finding) {
	return MoveFiles(before, after, ids, nil)
}

// MoveFiles is Move for many files moved at once (a folder): after is
// the index with every moved note at its new path (index.WithMoves), and
// attachments maps the old path of each moved attachment to its new one.
// A link that finds an attachment keeps finding it at its new path: a
// Markdown link gets its relative path recomputed, a wikilink written as
// a path gets the new path, one by name the shortest trailing part of the
// path that finds it.
func MoveFiles(before, after *index.Index, ids []int32, attachments map[string]string) (edits []Edit, unfixable []Finding) {
	// Every link of the vault is resolved twice: the notes are dealt out
	// among a few workers, each with its own results.
	workers := max(1, min(runtime.GOMAXPROCS(0), len(before.Notes)/64))
	type part struct {
		edits     []Edit
		unfixable []Finding
	}
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var links []note.Link
			for i := w; i < len(before.Notes); i += workers {
				links = moveNote(before, after, ids, attachments, int32(i), links, &parts[w].edits, &parts[w].unfixable)
			}
		})
	}
	wg.Wait()
	for _, p := range parts {
		edits = append(edits, p.edits...)
		unfixable = append(unfixable, p.unfixable...)
	}
	byPlace := func(a, b Edit) int { return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Start, b.Start)) }
	slices.SortStableFunc(edits, byPlace)
	slices.SortStableFunc(unfixable, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return edits, unfixable
}

// moveNote plans the edits of note src's links (see Move), appending them
// to edits and unfixable, and returns its links buffer for the next note.
func moveNote(before, after *index.Index, ids []int32, attachments map[string]string, src int32, links []note.Link, edits *[]Edit, unfixable *[]Finding) []note.Link {
	n := before.Notes[src]
	if n.Err != nil {
		return links
	}
	srcAfter := ids[src]
	file := after.Notes[srcAfter].Path
	links = n.LinkList(links)
	for li := range links {
		l := &links[li]
		r := before.Resolve(src, l)
		if r.Attachment && r.Class != index.Broken && len(attachments) > 0 {
			if e, f, ok := moveAttachmentLink(before, after, src, srcAfter, l, attachments); ok {
				*edits = append(*edits, e)
			} else if f.Message != "" {
				*unfixable = append(*unfixable, f)
			}
			continue
		}
		if r.Attachment || r.Outside || r.Target < 0 {
			continue
		}
		switch r.Class {
		case index.Resolved, index.Heading, index.Variant, index.Alias, index.Duplicate:
		default:
			continue
		}
		// A duplicate's link names the duplicate, not the note it
		// duplicates: it must keep naming it.
		dup := r.Class == index.Duplicate
		target := ids[found(r)]
		r2 := after.Resolve(srcAfter, l)
		if !r2.Attachment && !r2.Outside && found(r2) == target && (r2.Class == r.Class || r2.Class == index.Resolved) {
			continue
		}
		tpath := after.Notes[target].Path
		fail := func(msg string) {
			*unfixable = append(*unfixable, Finding{File: file, Line: int(l.Line), Col: int(l.Col), Link: l.Text,
				Class: ClassRenamed, Candidates: []string{tpath}, Message: msg})
		}
		// A wikilink written with a folder ([[folder/T]]) stays a path.
		pathForm := r.PathForm || l.Kind != wikilink.Markdown && strings.Contains(strings.TrimSpace(l.Target), "/")
		name, ok := writeNameFor(after, srcAfter, target, l, pathForm, func(p index.Result) bool {
			if dup {
				return p.Class == index.Duplicate && found(p) == target
			}
			return p.Class == index.Resolved && p.Target == target
		})
		if !ok {
			fail("no name of " + tpath + " can be written that resolves to it alone after the move")
			continue
		}
		newText := rewrite(l, name, "", false, after.Dialect)
		if l.InFrontmatter && !yamlSafe(l.Text, newText) {
			fail("the new link " + newText + " is not safe to write into frontmatter")
			continue
		}
		if newText == l.Text {
			continue
		}
		*edits = append(*edits, Edit{
			File: file, Line: int(l.Line), Col: int(l.Col),
			Start: int(l.Whole.Start), End: int(l.Whole.End),
			Old: l.Text, New: newText,
			Target: tpath, Class: ClassRenamed, Level: "exact",
		})
	}
	return links
}

// found is the note a resolution found: the target, but for a link to a
// duplicate note, which resolves to the note it duplicates, that duplicate.
func found(r index.Result) int32 {
	if r.Class == index.Duplicate && len(r.Candidates) == 1 {
		return r.Candidates[0]
	}
	return r.Target
}

// moveAttachmentLink plans the edit of a link l of note src (srcAfter
// after the move) that finds an attachment: when the link no longer finds
// it at its new path, it is rewritten to a name that does (see
// MoveFiles). ok is false when no edit is needed, or when none can be
// written (unfixable then says why).
func moveAttachmentLink(before, after *index.Index, src, srcAfter int32, l *note.Link, attachments map[string]string) (e Edit, unfixable Finding, ok bool) {
	old, found := before.AttachmentPath(src, l)
	if !found {
		return e, unfixable, false
	}
	want := old
	if to, moved := attachments[old]; moved {
		want = to
	}
	finds := func(p *note.Link) bool {
		got, ok := after.AttachmentPath(srcAfter, p)
		return ok && got == want
	}
	if finds(l) {
		return e, unfixable, false
	}
	file := after.Notes[srcAfter].Path
	var cands []string
	switch {
	case l.Kind == wikilink.Markdown:
		cands = []string{relPath(file, want, l)}
	case strings.HasPrefix(strings.TrimSpace(l.Target), "/"):
		cands = []string{"/" + want}
	case strings.Contains(strings.TrimSpace(l.Target), "/"):
		cands = []string{want}
	default:
		// By name: the base name, else ever longer trailing parts.
		parts := strings.Split(want, "/")
		for i := len(parts) - 1; i >= 0; i-- {
			cands = append(cands, strings.Join(parts[i:], "/"))
		}
	}
	for _, c := range cands {
		probe := note.Link{Link: wikilink.Link{Kind: l.Kind}, Target: c}
		if l.Kind == wikilink.Markdown {
			// The parser decodes a destination in <...> as a bare one.
			d, err := note.DecodeDestination(c)
			if err != nil {
				continue
			}
			probe.Target = d
		} else if !safeTarget(c) {
			continue
		}
		if !finds(&probe) {
			continue
		}
		newText := rewrite(l, c, "", false, after.Dialect)
		if l.InFrontmatter && !yamlSafe(l.Text, newText) {
			break
		}
		if newText == l.Text {
			return e, unfixable, false
		}
		return Edit{
			File: file, Line: int(l.Line), Col: int(l.Col),
			Start: int(l.Whole.Start), End: int(l.Whole.End),
			Old: l.Text, New: newText,
			Target: want, Class: ClassRenamed, Level: "exact",
		}, unfixable, true
	}
	return e, Finding{File: file, Line: int(l.Line), Col: int(l.Col), Link: l.Text,
		Class: ClassRenamed, Candidates: []string{want},
		Message: "no name of " + want + " can be written that finds it alone after the move"}, false
}
