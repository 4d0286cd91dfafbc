package plan

import (
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// MergeOptions tune Merge.
type MergeOptions struct {
	// SkipDup leaves the links inside dup itself alone (the note is about
	// to be removed).
	SkipDup bool
	// InTable reports whether the link at byte offset start of file sits
	// in a table row, where a display text must be separated by "\|".
	InTable func(file string, start int) bool
}

// Merge plans the edits that send every link of the vault that finds
// note dup (resolved, or a variant, alias or duplicate of it) to note
// canon, each written with the name the dialect writes first that
// resolves to canon alone (the full path for a link written as a path, a
// relative path from the linking note for a Markdown link). A wikilink
// with no display text and no "!" gets its old target as display text
// ([[dup]] becomes [[canon|dup]], "\|" in a table), so that the page
// reads the same; a display text, "#heading", "#^block" and escapes are
// kept. Edits have the class renamed.
//
// findings lists the links kept that canon cannot serve in full: a
// "#heading" canon lacks (class heading; the link is still redirected, so
// the heading can be added to canon), and a link for which no name of
// canon can be written (class renamed; no edit).
func Merge(ix *index.Index, dup, canon int32, opt MergeOptions) (edits []Edit, findings []Finding) {
	tpath := ix.Notes[canon].Path
	var links []note.Link
	for i, n := range ix.Notes {
		src := int32(i)
		if n.Err != nil || opt.SkipDup && src == dup {
			continue
		}
		links = n.LinkList(links)
		for li := range links {
			l := &links[li]
			r := ix.Resolve(src, l)
			if r.Attachment || r.Outside || r.Target < 0 {
				continue
			}
			switch r.Class {
			case index.Resolved, index.Heading, index.Variant, index.Alias, index.Duplicate:
			default:
				continue
			}
			if found(r) != dup {
				continue
			}
			finding := func(class, msg string) {
				findings = append(findings, Finding{File: n.Path, Line: int(l.Line), Col: int(l.Col), Link: l.Text,
					Class: class, Candidates: []string{tpath}, Message: msg})
			}
			pathForm := r.PathForm || l.Kind != wikilink.Markdown && strings.Contains(strings.TrimSpace(l.Target), "/")
			name, ok := writeNameFor(ix, src, canon, l, pathForm, func(p index.Result) bool { return findsNote(p, canon) })
			if !ok {
				finding(ClassRenamed, "no name of "+tpath+" can be written that resolves to it alone")
				continue
			}
			newText := rewrite(l, name, "", false, ix.Dialect)
			if l.Kind == wikilink.Wiki && !l.Display.Valid() && !l.Embed && !l.InFrontmatter {
				if old := strings.TrimSpace(l.Target); old != name {
					sep := "|"
					if l.EscapedPipe || opt.InTable != nil && opt.InTable(n.Path, int(l.Whole.Start)) {
						sep = `\|`
					}
					if ix.Dialect.Syntax().LabelFirst {
						newText = newText[:2] + old + sep + newText[2:]
					} else {
						newText = newText[:len(newText)-2] + sep + old + "]]"
					}
				}
			}
			if l.InFrontmatter && !yamlSafe(l.Text, newText) {
				finding(ClassRenamed, "the new link "+newText+" is not safe to write into frontmatter")
				continue
			}
			if l.HasFrag {
				if a := anchorIn(ix, src, l, name); a != index.AnchorNone && a != index.AnchorOK && a != index.AnchorRepair {
					finding("heading", "no heading or block "+quoteAsWritten(fragAsWritten(l))+" in "+tpath)
				}
			}
			if newText == l.Text {
				continue
			}
			edits = append(edits, Edit{
				File: n.Path, Line: int(l.Line), Col: int(l.Col),
				Start: int(l.Whole.Start), End: int(l.Whole.End),
				Old: l.Text, New: newText,
				Target: tpath, Class: ClassRenamed, Level: "exact",
			})
		}
	}
	return edits, findings
}

// findsNote reports whether a resolution lands on note n itself: resolved
// to it, or to it as the duplicate it is.
func findsNote(r index.Result, n int32) bool {
	return !r.Attachment && !r.Outside && found(r) == n && (r.Class == index.Resolved || r.Class == index.Duplicate)
}

// anchorIn is the verdict on l's fragment once l names, by name, the
// note it was redirected to.
func anchorIn(ix *index.Index, src int32, l *note.Link, name string) index.AnchorState {
	probe := note.Link{Link: wikilink.Link{Kind: l.Kind}, Target: name, Frag: l.Frag, HasFrag: true}
	if l.Kind == wikilink.Markdown {
		d, err := note.DecodeDestination(name)
		if err != nil {
			return index.AnchorBroken
		}
		probe.Target = d
	}
	return ix.Resolve(src, &probe).Anchor.State
}

// MissingHeadings are the headings of note dup that note canon lacks (by
// the dialect's rules for a "#heading" link): merging dup into canon
// would lose them unless they are copied over. A heading that repeats
// dup's title or file name is not counted.
func MissingHeadings(ix *index.Index, dup, canon int32) []string {
	name, ok := writeName(ix, canon, canon, &note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}}, true)
	if !ok {
		return nil
	}
	// A heading that is dup's own name (its "# Title") names the note,
	// not a part of it: canon has its own.
	dn := ix.Notes[dup]
	own := map[string]bool{strings.ToLower(dialect.StemOf(dn.Path)): true}
	if dn.Title != "" {
		own[strings.ToLower(strings.TrimSpace(dn.Title))] = true
	}
	var missing []string
	for _, h := range dn.Headings {
		if own[strings.ToLower(strings.TrimSpace(h))] {
			continue
		}
		probe := note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, Target: name, Frag: h, HasFrag: true}
		if ix.Resolve(canon, &probe).Anchor.State != index.AnchorOK {
			missing = append(missing, h)
		}
	}
	return missing
}

// DuplicateNames are the names dup's duplicate_of may give canon, best
// first: the dialect's names that resolve to canon alone from dup, then
// canon's path.
func DuplicateNames(ix *index.Index, dup, canon int32) []string {
	var out []string
	probeFrom := func(pathForm bool) {
		l := note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, InFrontmatter: true}
		if name, ok := writeNameFor(ix, dup, canon, &l, pathForm, func(p index.Result) bool { return findsNote(p, canon) }); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	probeFrom(false)
	probeFrom(true)
	return out
}

// FrontmatterEdit is a byte-range splice into a note's frontmatter that
// gives one key a new value (duplicate_of, aliases); Start and End are
// byte offsets of Old in File, Line the line of Start. Value is what the
// key gets: the YAML value written (duplicate_of), or the item added to
// the list (aliases).
type FrontmatterEdit struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Key   string `json:"key"`
	Value string `json:"value"`
	Old   string `json:"old"`
	New   string `json:"new"`
}
