package index

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
)

// Completion is a note offered for a link target being typed.
type Completion struct {
	// Note is the note to link: the canonical note of the one whose name
	// matched, so that completion never starts the drift a duplicate is.
	Note int32
	// Name is the name or alias that matched what was typed.
	Name  string
	Alias bool
}

// completionEntry is one name or alias under its key at the index's level.
type completionEntry struct {
	key   string
	note  int32
	name  string
	alias bool
}

// Complete returns up to max completions for typed: the notes with a
// name (stem, path, title, id) that begins with typed once both are
// folded at the index's level, then the aliases that do. The same ladder
// that repairs links filters completion, so "disaster-rec" offers the
// note "Disaster Recovery" at separators. Each note comes once by a name
// (its shortest that matched), each alias once; closer matches (shorter)
// first, then path order.
func (ix *Index) Complete(typed string, max int) []Completion {
	es := ix.completionTable()
	lv := ix.MaxLevel
	if lv < fold.Unicode {
		lv = fold.Unicode
	}
	q := fold.Key(lv, trimTrailingSeparators(typed))
	lo, _ := slices.BinarySearchFunc(es, q, func(e completionEntry, q string) int { return strings.Compare(e.key, q) })
	type hit struct {
		c    Completion
		size int
	}
	byName := map[int32]hit{}
	type aliasKey struct {
		note  int32
		alias string
	}
	byAlias := map[aliasKey]hit{}
	for i := lo; i < len(es) && strings.HasPrefix(es[i].key, q); i++ {
		e := es[i]
		canon := ix.canon[e.note]
		h := hit{Completion{Note: canon, Name: e.name, Alias: e.alias}, utf8.RuneCountInString(e.name)}
		if e.alias {
			byAlias[aliasKey{canon, e.name}] = h
			continue
		}
		if old, seen := byName[canon]; !seen || h.size < old.size {
			byName[canon] = h
		}
	}
	hits := make([]hit, 0, len(byName)+len(byAlias))
	for _, h := range byName {
		hits = append(hits, h)
	}
	for _, h := range byAlias {
		hits = append(hits, h)
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.c.Alias != b.c.Alias {
			if a.c.Alias {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.size, b.size), strings.Compare(ix.Notes[a.c.Note].Path, ix.Notes[b.c.Note].Path), strings.Compare(a.c.Name, b.c.Name))
	})
	if max > 0 && len(hits) > max {
		hits = hits[:max]
	}
	out := make([]Completion, len(hits))
	for i, h := range hits {
		out[i] = h.c
	}
	return out
}

// trimTrailingSeparators drops the separators a target being typed ends
// in: "disaster-" is on its way to "disaster-recovery", while fold keeps a
// trailing '-' as part of a name.
func trimTrailingSeparators(s string) string {
	return strings.TrimRight(s, " -_\u00a0\t")
}

// completionTable is the names and aliases under their keys, sorted;
// built on first use and shared by the indexes WithNotes makes of this
// one (the names are the same), so that an edit that changes no name
// costs completion nothing.
func (ix *Index) completionTable() []completionEntry {
	if es := ix.completions.Load(); es != nil {
		return *es
	}
	es := ix.buildCompletions()
	ix.completions.CompareAndSwap(nil, &es)
	return *ix.completions.Load()
}

func (ix *Index) buildCompletions() []completionEntry {
	lv := ix.MaxLevel
	if lv < fold.Unicode {
		lv = fold.Unicode
	}
	var es []completionEntry
	add := func(i int, name string, alias bool) {
		if name = strings.TrimSpace(name); name != "" {
			es = append(es, completionEntry{fold.Key(lv, name), int32(i), name, alias})
		}
	}
	for i, n := range ix.Notes {
		// The title first: of two names as long, the one a note is
		// known by is shown.
		stem := dialect.StemOf(n.Path)
		if n.Err == nil && n.Title != "" && n.Title != stem {
			add(i, n.Title, false)
		}
		add(i, stem, false)
		if p := dialect.PathName(n.Path); p != stem {
			add(i, p, false)
		}
		if n.Err != nil {
			continue
		}
		add(i, n.ID, false)
		for _, a := range n.Aliases {
			add(i, a, true)
		}
	}
	slices.SortStableFunc(es, func(a, b completionEntry) int { return strings.Compare(a.key, b.key) })
	return es
}

// Attachments lists the vault's files that are not notes, in path order.
func (ix *Index) Attachments() []string {
	out := make([]string, 0, len(ix.attach))
	for a := range ix.attach {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
