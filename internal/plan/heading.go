package plan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/markdown"
)

// HeadingEdit plans renaming the heading old of the note file, whose bytes
// are src, to new: the edit replaces the heading's text bytes only, so
// its '#'s, a trailing "{#id}", closing '#'s and everything else on the
// line stay. It refuses a heading that is not there, one that is there
// twice (the links could not tell them apart), a new text that is a
// heading of the note already or would share its slug, and a heading
// whose text is not found on its line as the parser reads it.
func HeadingEdit(file string, src []byte, old, new string) (Edit, error) {
	if strings.TrimSpace(new) != new || new == "" || strings.ContainsAny(new, "\r\n") {
		return Edit{}, fmt.Errorf("%q cannot be a heading: a heading is one line of text without leading or trailing spaces", new)
	}
	fm, _ := frontmatter.Split(src)
	res := markdown.Analyze(src, fm.Body)
	var found []markdown.Heading
	slug := dialect.Slug(new)
	for _, h := range res.Headings {
		text, _ := index.SplitHeadingID(h.Text)
		switch {
		case text == old:
			found = append(found, h)
		case text == new:
			return Edit{}, fmt.Errorf("%s has a heading %q already", file, new)
		case slug != "" && dialect.Slug(text) == slug:
			// A link by slug (#new-heading) could not tell them apart.
			return Edit{}, fmt.Errorf("%s has a heading %q, whose anchor #%s the heading %q would share", file, text, slug, new)
		}
	}
	switch len(found) {
	case 0:
		return Edit{}, fmt.Errorf("%s has no heading %q", file, old)
	case 1:
	default:
		return Edit{}, fmt.Errorf("%s has %d headings %q: a link cannot tell them apart, so relink cannot say which links follow", file, len(found), old)
	}
	h := found[0]
	start := lineStart(src, h.Line)
	end := start + bytes.IndexByte(src[start:], '\n')
	if end < start {
		end = len(src)
	}
	i := bytes.Index(src[start:end], []byte(old))
	if i < 0 {
		return Edit{}, fmt.Errorf("%s:%d: the heading %q is not written as it reads (escapes or several lines): rename it by hand", file, h.Line, old)
	}
	at := start + i
	return Edit{
		File: file, Line: h.Line, Col: utf8.RuneCount(src[start:at]) + 1,
		Start: at, End: at + len(old), Old: old, New: new,
		Target: file, Class: ClassRenamed, Level: "exact",
	}, nil
}

// lineStart is the offset of the first byte of 1-based line n of src.
func lineStart(src []byte, n int) int {
	at := 0
	for ; n > 1; n-- {
		i := bytes.IndexByte(src[at:], '\n')
		if i < 0 {
			return len(src)
		}
		at += i + 1
	}
	return at
}

// RenameHeading plans the edits that keep every link into the heading old
// of note target pointing to it once it reads new: each link of the vault
// that finds target and whose fragment names old (as the dialect reads a
// fragment: the text, a slug, Obsidian's stripped form) gets a fragment
// naming new, in the style it was written in: a slug-shaped fragment
// ("#old-heading") the slug of new, any other the heading as the dialect
// writes it in a link (dialect.AnchorText), Dendron's by its text. A
// fragment that names another heading of the note exactly, or an "{#id}",
// is left alone. unfixable lists the links for which no fragment can be
// written.
func RenameHeading(ix *index.Index, target int32, old, new string) (edits []Edit, unfixable []Finding) {
	tn := ix.Notes[target]
	other := map[string]bool{}
	var otherTexts []string
	for _, h := range tn.Headings {
		text, id := index.SplitHeadingID(h)
		if text != old {
			other[text] = true
			otherTexts = append(otherTexts, text)
		}
		if id != "" {
			other[id] = true
		}
	}
	for _, id := range tn.AnchorIDs {
		other[id] = true
	}
	d := ix.Dialect
	for src, n := range ix.Notes {
		if n.Err != nil {
			continue
		}
		for _, l := range n.LinkList(nil) {
			if !l.HasFrag {
				continue
			}
			frag := strings.TrimSpace(l.Frag)
			if frag == "" || strings.HasPrefix(frag, "^") || other[frag] {
				continue
			}
			// Every other fragment link is resolved too: the ladder may
			// repair its fragment to old.
			names := frag == old || d.AnchorResolves(frag, old)
			r := ix.Resolve(int32(src), &l)
			if r.Attachment || r.Outside || r.Target != target {
				continue
			}
			switch r.Class {
			case index.Resolved, index.Heading, index.Variant, index.Alias, index.Duplicate:
			default:
				continue
			}
			// A fragment the ladder repairs to old ("#backup strategy" for
			// "Backup Strategy") pointed there before the rename as surely
			// as one naming it: it follows, written as the new heading.
			repaired := false
			if !names {
				if r.Anchor.State != index.AnchorRepair {
					continue
				}
				if text, _ := index.SplitHeadingID(r.Anchor.Heading); text != old && r.Anchor.Heading != old {
					continue
				}
				repaired = true
			}
			if frag != old && !repaired {
				// A fragment that names another heading of the note as
				// well ("#old" for "Old!" and "Old") cannot tell which one
				// it meant: moving it could take it from the other.
				if i := slices.IndexFunc(otherTexts, func(h string) bool { return d.AnchorResolves(frag, h) }); i >= 0 {
					unfixable = append(unfixable, Finding{File: n.Path, Line: int(l.Line), Col: int(l.Col), Link: l.Text,
						Class: ClassRenamed, Candidates: []string{tn.Path},
						Message: "the fragment names the heading " + otherTexts[i] + " too: relink cannot tell which one it means"})
					continue
				}
			}
			var next string
			switch {
			case frag != old && !repaired && dialect.SlugShaped(frag):
				next = dialect.Slug(new)
			case d.Name() == "dendron":
				next = new
			default:
				next = d.AnchorText(new)
			}
			newText := rewrite(&l, "", next, false, d)
			ok := next != "" && safeFragment(next) && (next == new || d.AnchorResolves(next, new))
			if ok && l.InFrontmatter && !yamlSafe(l.Text, newText) {
				ok = false
			}
			if !ok {
				unfixable = append(unfixable, Finding{File: n.Path, Line: int(l.Line), Col: int(l.Col), Link: l.Text,
					Class: ClassRenamed, Candidates: []string{tn.Path},
					Message: "no fragment naming the heading " + new + " can be written here"})
				continue
			}
			if newText == l.Text {
				continue
			}
			edits = append(edits, Edit{
				File: n.Path, Line: int(l.Line), Col: int(l.Col),
				Start: int(l.Whole.Start), End: int(l.Whole.End),
				Old: l.Text, New: newText,
				Target: tn.Path, Class: ClassRenamed, Level: "exact",
			})
		}
	}
	return edits, unfixable
}
