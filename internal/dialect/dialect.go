// Package dialect describes how a note-taking tool resolves a link and what
// name relink must write so that a repaired link resolves in that tool
// (SPEC §5). Each dialect is a value behind the Dialect interface; the index
// and the planner ask it, and never branch on a dialect's name.
package dialect

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// NameKind is where a note's name comes from.
type NameKind uint8

const (
	Stem   NameKind = iota // file name without extension
	Path                   // vault-relative path without extension
	Suffix                 // a trailing part of the path at a '/' (b/c for a/b/c)
	Title                  // frontmatter title
	ID                     // frontmatter id
)

// Dialect is one tool's link rules.
type Dialect interface {
	Name() string
	// Syntax is how links are written.
	Syntax() note.Options
	// Resolves reports whether a link equal to a name of this kind works in
	// the tool without repair.
	Resolves(k NameKind) bool
	// ExactKey folds a name or target the way the tool compares them.
	ExactKey(s string) string
	// WriteNames lists, best first, the names that a repaired link to n may
	// carry. The planner writes the first that resolves to n alone.
	WriteNames(n *note.Note) []string
	// AnchorResolves reports whether a '#fragment' names this heading.
	AnchorResolves(frag, heading string) bool
	// AnchorSet is AnchorResolves for many headings at once.
	AnchorSet(headings []string) *AnchorSet
	// AnchorText is the fragment written for a repaired heading.
	AnchorText(heading string) string
	// CheckAnchor reports whether a fragment is something relink can check
	// (Dendron's note-reference ranges and wildcards are not).
	CheckAnchor(frag string) bool
}

// Names lists the dialects that can be chosen.
var Names = []string{"wiki", "obsidian", "foam", "dendron"}

// ByName returns a dialect; dendronVaults names the local vaults of a
// Dendron workspace (links to other vaults are external).
func ByName(name string) (Dialect, error) {
	switch name {
	case "wiki":
		return Wiki{}, nil
	case "obsidian":
		return Obsidian{}, nil
	case "foam":
		return Foam{}, nil
	case "dendron":
		return Dendron{}, nil
	}
	return nil, fmt.Errorf("unknown dialect %q (want %s)", name, strings.Join(Names, ", "))
}

// Strict wraps a dialect so that only byte-equal names resolve (--strict).
type Strict struct{ Dialect }

func (s Strict) ExactKey(x string) string { return fold.TrimSpace(x) }

// Wiki is the default: title, file stem or path resolve a link exactly.
type Wiki struct{}

func (Wiki) Name() string               { return "wiki" }
func (Wiki) Syntax() note.Options       { return note.Options{} }
func (Wiki) Resolves(NameKind) bool     { return true }
func (Wiki) ExactKey(s string) string   { return fold.TrimSpace(s) }
func (Wiki) CheckAnchor(string) bool    { return true }
func (Wiki) AnchorText(h string) string { return h }
func (Wiki) WriteNames(n *note.Note) []string {
	return []string{n.Title, StemOf(n.Path), PathName(n.Path)}
}
func (Wiki) AnchorResolves(frag, h string) bool { return anchorResolves(frag, h, false) }

// Obsidian resolves by file stem or path suffix, case-insensitively and
// NFC-equal, as the app does; titles in frontmatter do not resolve.
type Obsidian struct{}

func (Obsidian) Name() string         { return "obsidian" }
func (Obsidian) Syntax() note.Options { return note.Options{} }
func (Obsidian) Resolves(k NameKind) bool {
	return k == Stem || k == Path || k == Suffix
}
func (Obsidian) ExactKey(s string) string { return fold.CaseOnly(s) }
func (Obsidian) CheckAnchor(string) bool  { return true }

// AnchorText is the heading as Obsidian writes it into a link it makes
// (stripHeadingForLink): without the characters that would end or break
// the link.
func (Obsidian) AnchorText(h string) string { return HeadingForLink(h) }

// AnchorKey is the heading as Obsidian compares it (stripHeading).
func (Obsidian) AnchorKey(s string) string { return StripHeading(s) }

// WriteNames: the stem, then ever longer path suffixes (the shortest unique
// path when stems collide).
func (Obsidian) WriteNames(n *note.Note) []string {
	p := PathName(n.Path)
	out := []string{StemOf(n.Path)}
	parts := strings.Split(p, "/")
	for i := len(parts) - 2; i >= 0; i-- {
		out = append(out, strings.Join(parts[i:], "/"))
	}
	return out
}

// AnchorResolves: Obsidian finds a heading whose stripHeading form equals
// the fragment's (so "What is it" names "What is it?"), case-insensitively.
func (Obsidian) AnchorResolves(frag, h string) bool {
	if anchorResolves(frag, h, true) {
		return true
	}
	k := StripHeading(frag)
	return k != "" && fold.Key(fold.Case, k) == fold.Key(fold.Case, StripHeading(h))
}

// Dendron names a note by its file stem, a dot hierarchy (a.b.c); links are
// [[label|target]] and may carry a dendron://vault/ prefix.
type Dendron struct{}

func (Dendron) Name() string { return "dendron" }
func (Dendron) Syntax() note.Options {
	return note.Options{LabelFirst: true, SchemePrefix: "dendron://"}
}
func (Dendron) Resolves(k NameKind) bool           { return k == Stem }
func (Dendron) ExactKey(s string) string           { return fold.CaseOnly(s) }
func (Dendron) WriteNames(n *note.Note) []string   { return []string{StemOf(n.Path)} }
func (Dendron) AnchorText(h string) string         { return Slug(h) }
func (Dendron) AnchorResolves(frag, h string) bool { return anchorResolves(frag, h, true) }
func (Dendron) CheckAnchor(frag string) bool {
	return !strings.ContainsAny(frag, "*,:")
}

// AnchorKeyer is a dialect that compares headings only after normalising
// them (Obsidian's stripHeading). A broken fragment then climbs the ladder
// from that form, so that "What-is-it" finds "What is it?" as the tool
// would.
type AnchorKeyer interface {
	AnchorKey(s string) string
}

// AnchorKey is s as dialect d compares headings: the AnchorKeyer's form, or
// s itself.
func AnchorKey(d Dialect, s string) string {
	if st, ok := d.(Strict); ok {
		d = st.Dialect
	}
	if k, ok := d.(AnchorKeyer); ok {
		return k.AnchorKey(s)
	}
	return s
}

// anchorResolves accepts the heading text itself, or — for a slug-shaped
// fragment — any slug of it: site generators (GitHub, kramdown, Dendron)
// differ in the punctuation they drop, and a fragment one of them wrote
// must not be "repaired".
func anchorResolves(frag, h string, foldCase bool) bool {
	frag = strings.TrimSpace(frag)
	if frag == h || foldCase && fold.Key(fold.Case, frag) == fold.Key(fold.Case, h) {
		return true
	}
	if !SlugShaped(frag) {
		return false
	}
	// A fragment of punctuation only has no letters to compare.
	k := alnum(frag)
	return k != "" && k == alnum(h)
}

// SlugShaped reports whether a fragment looks like an anchor that a site
// generator made from a heading: no spaces, no capitals. Such a fragment
// names a heading only through its letters and digits, and relink never
// repairs it to a heading's text.
func SlugShaped(frag string) bool {
	return frag != "" && !strings.ContainsFunc(frag, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsUpper(r) })
}

// alnum keeps the letters and digits of s after composing, width and case
// folding, so that an NFD or full-width slug has the letters of its heading.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range fold.Key(fold.Width, s) {
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// StripHeading is Obsidian's stripHeading: the form in which it compares a
// link's heading with a note's headings ("normalizes headings for link
// matching by stripping out special characters and shrinking consecutive
// spaces", obsidian.d.ts). Letters, marks, digits, '_', '-' and symbols
// such as emoji stay; every other character becomes a space; runs of
// spaces shrink to one. "What is it?" and "C# Basics" become "What is it"
// and "C Basics".
func StripHeading(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '_' || r == '-' || unicode.Is(unicode.So, r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// HeadingForLink is Obsidian's stripHeadingForLink: a heading as it can be
// written after '#' in a link. The characters that Obsidian's help says
// break a link ('#', '|', '^', ':', "%%", "[[", "]]") and single brackets
// and backslashes become spaces; runs of spaces shrink to one. Its
// StripHeading form is the heading's, so the link it makes resolves.
func HeadingForLink(h string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(h); i++ {
		c := h[i]
		if strings.IndexByte("#|^:[]\\ \t", c) >= 0 || c == '%' && i+1 < len(h) && h[i+1] == '%' {
			if c == '%' {
				i++
			}
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(c)
	}
	return b.String()
}

// Slug is a GitHub-style anchor: lower case, spaces to '-', punctuation
// other than '-' and '_' dropped.
func Slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// StemOf returns the file name of a vault path without its extension.
func StemOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return strings.TrimSuffix(p, ext(p))
}

// PathName returns a vault path without its extension.
func PathName(p string) string { return strings.TrimSuffix(p, ext(p)) }

func ext(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsRune(p[i:], '/') {
		return p[i:]
	}
	return ""
}

// AnchorSet answers AnchorResolves for every heading of a note at once, by
// key: a note with thousands of headings, each named by a link, would
// otherwise cost a scan of all headings per link. It holds the keys that
// anchorResolves compares (the text, its case fold, its letters for a
// slug-shaped fragment) and, for Obsidian, the case fold of stripHeading.
type AnchorSet struct {
	exact    map[string]struct{}
	folded   map[string]struct{} // fold.Case keys, when case is ignored
	slugs    map[string]struct{} // alnum keys, never ""
	stripped map[string]struct{} // fold.Case of StripHeading, never ""; Obsidian
}

// newAnchorSet indexes headings (texts without an explicit id) for a
// dialect whose AnchorResolves is anchorResolves with foldCase, and with
// strip also Obsidian's comparison after stripHeading.
func newAnchorSet(headings []string, foldCase, strip bool) *AnchorSet {
	s := &AnchorSet{
		exact: make(map[string]struct{}, len(headings)),
		slugs: make(map[string]struct{}, len(headings)),
	}
	if foldCase {
		s.folded = make(map[string]struct{}, len(headings))
	}
	if strip {
		s.stripped = make(map[string]struct{}, len(headings))
	}
	for _, h := range headings {
		s.exact[h] = struct{}{}
		if s.folded != nil {
			s.folded[fold.Key(fold.Case, h)] = struct{}{}
		}
		if k := alnum(h); k != "" {
			s.slugs[k] = struct{}{}
		}
		if s.stripped != nil {
			s.stripped[fold.Key(fold.Case, StripHeading(h))] = struct{}{}
		}
	}
	return s
}

// Resolves reports whether AnchorResolves(frag, h) holds for some heading h
// of the set.
func (s *AnchorSet) Resolves(frag string) bool {
	frag = strings.TrimSpace(frag)
	if _, ok := s.exact[frag]; ok {
		return true
	}
	if s.folded != nil {
		if _, ok := s.folded[fold.Key(fold.Case, frag)]; ok {
			return true
		}
	}
	if SlugShaped(frag) {
		if k := alnum(frag); k != "" {
			if _, ok := s.slugs[k]; ok {
				return true
			}
		}
	}
	if s.stripped != nil {
		if k := StripHeading(frag); k != "" {
			_, ok := s.stripped[fold.Key(fold.Case, k)]
			return ok
		}
	}
	return false
}

func (Wiki) AnchorSet(headings []string) *AnchorSet { return newAnchorSet(headings, false, false) }

func (Obsidian) AnchorSet(headings []string) *AnchorSet { return newAnchorSet(headings, true, true) }

func (Dendron) AnchorSet(headings []string) *AnchorSet { return newAnchorSet(headings, true, false) }
