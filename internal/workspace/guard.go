package workspace

import (
	"fmt"
	"runtime"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// The wrong-dialect guard (SPEC §5). A wrong dialect makes correct links
// look broken, and a repair under it would rewrite them. The guard doubts
// the dialect in force when more than half of the vault's links to notes
// would be broken or rewritten under it, and either
//
//   - at least minDoubtAlone of them are: so many links are not all typos,
//     whatever the other dialects make of them; or
//   - most of them would stay broken (not merely rewritten) and another
//     dialect resolves more than half of them: then a vault of five notes
//     and ten links read with the wrong rules is caught too, while a small
//     vault of spelling variants (relink's daily work) or of placeholders
//     for notes still to write is not taken for one.
const minDoubtAlone = 20

// mostOff reports whether more than half of links are off (broken or
// rewritten).
func mostOff(links, off int) bool { return off*2 > links }

// resolvesMost reports whether more than half of links resolve.
func resolvesMost(links, off int) bool { return (links-off)*2 > links }

// DialectDoubt is what the guard found when the dialect in force was
// detected, not given, and looks wrong.
type DialectDoubt struct {
	Dialect string // the dialect in force
	// Links counts the links to notes; Off those broken or rewritten.
	Links, Off int
	// Likely is the other dialect that resolves the most links, when it
	// resolves more than half of them ("" when none does); it leaves
	// LikelyOff links broken or rewritten.
	Likely    string
	LikelyOff int
}

// String says what was found and how to go on; every command in it works
// as printed.
func (d *DialectDoubt) String() string {
	s := fmt.Sprintf("most links look broken as %s (%d of %d would be broken or rewritten)", d.Dialect, d.Off, d.Links)
	if d.Likely != "" {
		s += fmt.Sprintf("; this looks like %s %s vault: --dialect %s", article(d.Likely), d.Likely, d.Likely)
	} else {
		s += ", and no other dialect resolves most of them"
	}
	return s + fmt.Sprintf(". If %s is right, say so with --dialect %s", d.Dialect, d.Dialect)
}

func article(word string) string {
	switch word[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an"
	}
	return "a"
}

// doubtDialect is the guard: nil when the dialect was given explicitly
// (flag or config: the user has decided) or the plan does not look wrong.
// It tries every other dialect on the same notes and names the one that
// resolves the most links, if it resolves most of them. It runs only on a
// plan where most links are off, so a healthy vault pays nothing for it.
func doubtDialect(v *vault.Vault, scan *vault.Scan, s Settings, pl *plan.Plan) *DialectDoubt {
	if s.DialectExplicit || pl.NoteLinksOff == 0 || !mostOff(pl.NoteLinks, pl.NoteLinksOff) {
		return nil
	}
	// Below minDoubtAlone, most links must stay broken, not merely be
	// rewritten: a small wiki whose links differ from their notes only in
	// case or Unicode normalization is relink's daily work, and a more
	// forgiving dialect "resolving" them says nothing about the vault.
	if pl.NoteLinksOff < minDoubtAlone && !mostOff(pl.NoteLinks, pl.NoteLinksOff-pl.Stats.Variant) {
		return nil
	}
	d := &DialectDoubt{Dialect: s.Dialect.Name(), Links: pl.NoteLinks, Off: pl.NoteLinksOff}
	bestResolved := pl.NoteLinks - pl.NoteLinksOff
	for _, name := range dialect.Names {
		if name == d.Dialect {
			continue
		}
		links, off, ok := tryDialect(v, scan, s, name)
		if !ok || !resolvesMost(links, off) || links-off <= bestResolved {
			continue
		}
		d.Likely, d.LikelyOff, bestResolved = name, off, links-off
	}
	if d.Likely == "" && d.Off < minDoubtAlone {
		return nil
	}
	return d
}

// tryDialect plans the vault under another dialect, with the options in
// force, and counts its links to notes and those broken or rewritten. A
// dialect with another link syntax (Dendron's [[label|target]]) reads the
// notes again.
func tryDialect(v *vault.Vault, scan *vault.Scan, s Settings, name string) (links, off int, ok bool) {
	d, err := dialect.ByName(name)
	if err != nil {
		return 0, 0, false
	}
	if s.Strict {
		d = dialect.Strict{Dialect: d}
	}
	notes, attachments := scan.Notes, scan.Attachments
	if d.Syntax() != s.Dialect.Syntax() {
		other, err := v.Read(vault.ReadOptions{Exclude: s.Exclude, MaxFileSize: s.MaxFileSize, Syntax: d.Syntax()})
		if err != nil {
			return 0, 0, false
		}
		notes, attachments = other.Notes, other.Attachments
	}
	ix := index.Build(notes, attachments, d, s.Level)
	opt := s.Plan
	opt.Workers, opt.Progress, opt.Memo, opt.MemoReadOnly = runtime.GOMAXPROCS(0), nil, nil, false
	pl := plan.Build(ix, opt)
	return pl.NoteLinks, pl.NoteLinksOff, true
}
