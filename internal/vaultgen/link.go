package vaultgen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Link forms, as named in the ground truth.
const (
	fWiki           = "wiki"            // [[T]]
	fDisplay        = "display"         // [[T|display]]
	fHeading        = "heading"         // [[T#Heading]]
	fHeadingDisplay = "heading-display" // [[T#Heading|display]]
	fBlock          = "block"           // [[T#^blockid]]
	fEmbed          = "embed"           // ![[T]]
	fPath           = "path"            // [[folder/T]]
	fRootPath       = "root-path"       // [[/folder/T]]
	fExt            = "ext"             // [[T.md]]
	fTable          = "table"           // [[T\|display]] in a table row
	fSelfHeading    = "self-heading"    // [[#Heading]]
	fMD             = "md"              // [text](Folder/Some%20Note.md)
	fMDAngle        = "md-angle"        // [text](<../Other Note.md>)
	fFrontmatter    = "frontmatter"     // duplicate_of: "[[T]]"
)

// Classes, as in SPEC §4 and the plan JSON.
const (
	cResolved  = "resolved"
	cVariant   = "variant"
	cBroken    = "broken"
	cAmbiguous = "ambiguous"
	cAlias     = "alias"
	cDuplicate = "duplicate"
)

// spec is one link to render. target is the target part exactly as written
// (for md forms: the URL path).
type spec struct {
	form    string
	target  string
	pad     bool   // one space each side of the target: [[ t ]]
	anchor  string // heading text or "^id", without '#'
	display string
}

func (s *spec) appendTo(b []byte) []byte {
	switch s.form {
	case fMD, fMDAngle:
		b = append(b, '[')
		b = append(b, s.display...)
		b = append(b, "]("...)
		if s.form == fMDAngle {
			b = append(b, '<')
		}
		b = append(b, s.target...)
		if s.form == fMDAngle {
			b = append(b, '>')
		}
		return append(b, ')')
	}
	if s.form == fEmbed {
		b = append(b, '!')
	}
	b = append(b, "[["...)
	if s.pad {
		b = append(b, ' ')
	}
	if s.form == fRootPath {
		b = append(b, '/')
	}
	b = append(b, s.target...)
	if s.form == fExt {
		b = append(b, ".md"...)
	}
	if s.pad {
		b = append(b, ' ')
	}
	if s.anchor != "" {
		b = append(b, '#')
		b = append(b, s.anchor...)
	}
	if s.display != "" {
		if s.form == fTable {
			b = append(b, '\\')
		}
		b = append(b, '|')
		b = append(b, s.display...)
	}
	return append(b, "]]"...)
}

func (s spec) String() string { return string(s.appendTo(nil)) }

// relURL is the path of note rel as seen from folder, for a Markdown link.
func relURL(folder, rel string, escape bool) string {
	var from []string
	if folder != "" {
		from = strings.Split(folder, "/")
	}
	to := strings.Split(rel, "/")
	c := 0
	for c < len(from) && c < len(to)-1 && from[c] == to[c] {
		c++
	}
	parts := make([]string, 0, len(from)-c+len(to)-c)
	for range len(from) - c {
		parts = append(parts, "..")
	}
	parts = append(parts, to[c:]...)
	u := strings.Join(parts, "/")
	if escape {
		u = strings.ReplaceAll(u, " ", "%20")
	}
	return u
}

// Variant transforms. Each names one way a real spelling drifts.
const (
	vLower      = "lower"      // disaster recovery
	vUpper      = "upper"      // DISASTER RECOVERY
	vNFD        = "nfd"        // Hangul decomposed, as macOS writes it
	vFullwidth  = "fullwidth"  // Ｄｉｓａｓｔｅｒ Ｒｅｃｏｖｅｒｙ
	vHyphen     = "hyphen"     // Disaster-Recovery
	vUnderscore = "underscore" // Disaster_Recovery
	vSpaced     = "spaced"     // Write Ahead Log for Write-Ahead Log
	vDouble     = "double"     // Disaster  Recovery
	vPad        = "pad"        // [[ disaster recovery ]]: only with another transform
)

func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

func hasASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

func fullwidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func applyVariant(r interface{ IntN(int) int }, kind, s string) string {
	switch kind {
	case vLower:
		return strings.ToLower(s)
	case vUpper:
		return strings.ToUpper(s)
	case vNFD:
		return norm.NFD.String(s)
	case vFullwidth:
		return fullwidth(s)
	case vHyphen:
		return strings.ReplaceAll(s, " ", "-")
	case vUnderscore:
		return strings.ReplaceAll(s, " ", "_")
	case vSpaced:
		return strings.ReplaceAll(s, "-", " ")
	case vDouble:
		n := strings.Count(s, " ")
		k := r.IntN(n)
		i := 0
		for j := 0; j <= k; j++ {
			i += strings.IndexByte(s[i:], ' ') + 1
		}
		return s[:i] + " " + s[i:]
	}
	panic("vaultgen: unknown variant " + kind)
}

// obsidianForgives reports whether Obsidian resolves a variant made of these
// transforms by itself (case-insensitive, NFC-equal stem match).
func obsidianForgives(kinds []string) bool {
	for _, k := range kinds {
		if k != vLower && k != vUpper && k != vNFD && k != vPad {
			return false
		}
	}
	return true
}

// foamForgives reports whether Foam resolves a variant made of these
// transforms by itself: it lower-cases both sides (toLocaleLowerCase) and
// normalizes nothing else, so "STRASSE" does not find "straße" and an NFD
// spelling does not find its NFC file.
func foamForgives(kinds []string, text, title string) bool {
	for _, k := range kinds {
		if k != vLower && k != vUpper && k != vPad {
			return false
		}
	}
	return strings.ToLower(strings.TrimSpace(text)) == strings.ToLower(title)
}

// targetPart extracts the target of a wikilink text the way SPEC §3 reads
// it: without '!', brackets, '#…', '|…', surrounding space and ".md".
func targetPart(link string) string {
	s := strings.TrimPrefix(link, "!")
	s = strings.TrimPrefix(s, "[[")
	s = strings.TrimSuffix(s, "]]")
	if i := strings.IndexAny(s, "#|"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, "\\")
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".md")
	return s
}

// lineCol converts a byte offset into a 1-based line and column in
// characters, counting from a known earlier position.
type lineCounter struct {
	pos, line, lineStart int
}

func (lc *lineCounter) at(b []byte, off int) (line, col int) {
	if lc.line == 0 {
		lc.line = 1
	}
	for i := lc.pos; i < off; i++ {
		if b[i] == '\n' {
			lc.line++
			lc.lineStart = i + 1
		}
	}
	lc.pos = off
	return lc.line, utf8.RuneCount(b[lc.lineStart:off]) + 1
}
