// Package index holds every note's names and aliases, normalized once per
// ladder level into hash maps, and resolves links against them (SPEC §4):
// exact names first, then the ladder one level at a time, stopping at the
// first level where anything matches. It does no I/O.
//
// # Invariants
//
//   - A link is rewritten only to a note that is the single canonical note
//     matched at the lowest matching level; anything else is a finding.
//   - Aliases never resolve a link; they only suggest, or make a match
//     ambiguous.
//   - Results depend only on the notes given, never on map order.
package index

import (
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// kinds is a set of dialect.NameKind.
type kinds uint8

func (k kinds) has(x dialect.NameKind) bool { return k&(1<<x) != 0 }

// entry says that note Note carries a name with this key, of these kinds.
type entry struct {
	Note  int32
	Kinds kinds
}

// Problem is something wrong with the vault itself (not with one link).
type Problem struct {
	File    string
	Message string
}

// Index is built once per run and then only read; it is safe for
// concurrent use by many resolvers.
type Index struct {
	Notes    []*note.Note
	Dialect  dialect.Dialect
	MaxLevel fold.Level
	Problems []Problem
	// LocalVaults names the vaults of a Dendron workspace; a link to any
	// other vault (dendron://other/x) is external and not checked.
	LocalVaults map[string]bool

	canon  []int32 // canonical note of each note (itself when none)
	exact  map[string][]entry
	byPath map[string]int32 // "a/b.md" -> note
	// pathFold finds a note path ignoring case (Obsidian's Markdown links).
	pathFold map[string][]int32
	attach   map[string]bool     // attachment paths
	attachBy map[string][]string // lower-cased base name -> attachment paths
	// byName finds notes by any trimmed name, whatever the dialect resolves;
	// duplicate_of and canonical_id use it.
	byName map[dialect.NameKind]map[string][]int32

	ladderOnce sync.Once
	names      [fold.Compact + 1]map[string][]entry
	aliases    [fold.Compact + 1]map[string][]int32
	hintOnce   sync.Once
	hints      map[hintBucket][]hintName
	hintMemo   sync.Map // compact key -> []int32
}

// Build indexes notes (sorted by path) and the vault's other files.
func Build(notes []*note.Note, attachments []string, d dialect.Dialect, max fold.Level) *Index {
	ix := &Index{
		Notes:    notes,
		Dialect:  d,
		MaxLevel: max,
		exact:    make(map[string][]entry, len(notes)*3),
		byPath:   make(map[string]int32, len(notes)),
		pathFold: make(map[string][]int32, len(notes)),
		attach:   make(map[string]bool, len(attachments)),
		attachBy: make(map[string][]string, len(attachments)),
		byName:   map[dialect.NameKind]map[string][]int32{dialect.ID: {}, dialect.Title: {}, dialect.Stem: {}, dialect.Path: {}},
	}
	for i, n := range notes {
		id := int32(i)
		ix.byPath[n.Path] = id
		pf := fold.Key(fold.Case, n.Path)
		ix.pathFold[pf] = append(ix.pathFold[pf], id)
		for _, nm := range namesOf(n) {
			if d.Resolves(nm.kind) {
				add(ix.exact, d.ExactKey(nm.name), id, nm.kind)
			}
			if m := ix.byName[nm.kind]; m != nil {
				m[nm.name] = append(m[nm.name], id)
			}
		}
	}
	for _, a := range attachments {
		ix.attach[a] = true
		b := strings.ToLower(path.Base(a))
		ix.attachBy[b] = append(ix.attachBy[b], a)
	}
	ix.buildCanon()
	return ix
}

type name struct {
	name string
	kind dialect.NameKind
}

// namesOf lists a note's names: stem, path, path suffixes, title, id.
func namesOf(n *note.Note) []name {
	p := dialect.PathName(n.Path)
	out := []name{{dialect.StemOf(n.Path), dialect.Stem}, {p, dialect.Path}}
	for i := strings.IndexByte(p, '/'); i >= 0; {
		rest := p[i+1:]
		if strings.IndexByte(rest, '/') < 0 {
			break // the last suffix is the stem
		}
		out = append(out, name{rest, dialect.Suffix})
		j := strings.IndexByte(rest, '/')
		i += j + 1
	}
	if n.Err == nil {
		if t := strings.TrimSpace(n.Title); t != "" {
			out = append(out, name{t, dialect.Title})
		}
		if id := strings.TrimSpace(n.ID); id != "" {
			out = append(out, name{id, dialect.ID})
		}
	}
	return out
}

func add(m map[string][]entry, key string, id int32, k dialect.NameKind) {
	if key == "" {
		return
	}
	es := m[key]
	if l := len(es); l > 0 && es[l-1].Note == id {
		es[l-1].Kinds |= 1 << k
		return
	}
	m[key] = append(es, entry{id, 1 << k})
}

// buildLadder normalizes every name and alias once per level. It runs on
// first use: a vault without broken links never pays for it.
//
// Keys are computed level by level from the one below (each level only
// adds foldings, so Key(l, Key(l-1, s)) == Key(l, s)), in parallel over
// notes; then each level's map is filled by its own goroutine.
func (ix *Index) buildLadder() {
	ix.ladderOnce.Do(func() {
		var levels []fold.Level
		for _, l := range fold.Levels {
			if l <= ix.MaxLevel {
				levels = append(levels, l)
			}
		}
		type keyed struct {
			kind dialect.NameKind
			keys [fold.Compact + 1]string
		}
		names := make([][]keyed, len(ix.Notes))
		aliases := make([][][fold.Compact + 1]string, len(ix.Notes))
		ladder := func(s string) (ks [fold.Compact + 1]string) {
			prev := s
			for _, l := range levels {
				prev = fold.Key(l, prev)
				ks[l] = prev
			}
			return ks
		}
		workers := max(1, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(ix.Notes); i += workers {
					n := ix.Notes[i]
					for _, x := range namesOf(n) {
						names[i] = append(names[i], keyed{x.kind, ladder(x.name)})
					}
					if n.Err == nil {
						for _, a := range n.Aliases {
							aliases[i] = append(aliases[i], ladder(a))
						}
					}
				}
			}(w)
		}
		wg.Wait()
		for _, l := range levels {
			wg.Add(1)
			go func(l fold.Level) {
				defer wg.Done()
				nm := make(map[string][]entry, len(ix.Notes)*2)
				al := make(map[string][]int32)
				for i := range ix.Notes {
					id := int32(i)
					for _, x := range names[i] {
						add(nm, x.keys[l], id, x.kind)
					}
					for _, a := range aliases[i] {
						k := a[l]
						if k == "" {
							continue
						}
						if as := al[k]; len(as) == 0 || as[len(as)-1] != id {
							al[k] = append(as, id)
						}
					}
				}
				ix.names[l] = nm
				ix.aliases[l] = al
			}(l)
		}
		wg.Wait()
	})
}

// Canonical returns the canonical note of note i.
func (ix *Index) Canonical(i int32) int32 { return ix.canon[i] }

// buildCanon follows duplicate_of and canonical_id chains.
func (ix *Index) buildCanon() {
	parent := make([]int32, len(ix.Notes))
	for i, n := range ix.Notes {
		parent[i] = -1
		if n.Err != nil {
			continue
		}
		ref, field := canonicalRef(n)
		if ref == "" {
			continue
		}
		var hits []int32
		if field == "canonical_id" {
			hits = ix.lookupKind(ref, dialect.ID)
		} else {
			hits = ix.lookupAny(ref)
			if len(hits) == 0 {
				hits = ix.lookupLadder(ref)
			}
		}
		switch {
		case len(hits) == 0:
			ix.Problems = append(ix.Problems, Problem{n.Path, fmt.Sprintf("%s %q matches no note", field, ref)})
		case len(hits) > 1:
			ix.Problems = append(ix.Problems, Problem{n.Path, fmt.Sprintf("%s %q matches %d notes", field, ref, len(hits))})
		case hits[0] != int32(i):
			parent[i] = hits[0]
		}
	}
	ix.canon = make([]int32, len(ix.Notes))
	for i := range ix.Notes {
		seen := map[int32]bool{}
		cur := int32(i)
		for parent[cur] >= 0 {
			seen[cur] = true
			cur = parent[cur]
			if seen[cur] {
				ix.Problems = append(ix.Problems, Problem{ix.Notes[i].Path, "canonical chain has a cycle: " + ix.cycle(parent, cur)})
				cur = int32(i)
				break
			}
		}
		ix.canon[i] = cur
	}
}

func (ix *Index) cycle(parent []int32, start int32) string {
	parts := []string{ix.Notes[start].Path}
	for c := parent[start]; c != start && len(parts) < 50; c = parent[c] {
		parts = append(parts, ix.Notes[c].Path)
	}
	return strings.Join(append(parts, ix.Notes[start].Path), " -> ")
}

// canonicalRef returns the reference to a note's canonical note, if any.
func canonicalRef(n *note.Note) (ref, field string) {
	d := strings.TrimSpace(n.DuplicateOf)
	if d != "" && !strings.EqualFold(d, "none") && !strings.EqualFold(d, "null") && !strings.EqualFold(d, "self") {
		d = strings.TrimPrefix(strings.TrimPrefix(d, "!"), "[[")
		d = strings.TrimSuffix(d, "]]")
		if i := strings.IndexAny(d, "|#"); i >= 0 {
			d = d[:i]
		}
		d = strings.TrimSuffix(strings.TrimSpace(d), ".md")
		return d, "duplicate_of"
	}
	c := strings.TrimSpace(n.CanonicalID)
	if c != "" && !strings.EqualFold(c, "self") && c != n.ID {
		return c, "canonical_id"
	}
	return "", ""
}

// lookupAny returns the distinct notes that carry name s as title, id,
// stem or path.
func (ix *Index) lookupAny(s string) []int32 {
	s = strings.TrimSpace(s)
	var out []int32
	for _, k := range []dialect.NameKind{dialect.Title, dialect.ID, dialect.Stem, dialect.Path} {
		out = append(out, ix.byName[k][s]...)
	}
	return sortedUnique(out)
}

// lookupLadder finds the notes a reference names at the lowest ladder level
// where any name matches (duplicate_of: "[[disaster recovery]]").
func (ix *Index) lookupLadder(s string) []int32 {
	ix.buildLadder()
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		var out []int32
		for _, e := range ix.names[lv][fold.Key(lv, s)] {
			out = append(out, e.Note)
		}
		if len(out) > 0 {
			return sortedUnique(out)
		}
	}
	return nil
}

func (ix *Index) lookupKind(s string, k dialect.NameKind) []int32 {
	return sortedUnique(append([]int32(nil), ix.byName[k][strings.TrimSpace(s)]...))
}

// NoteByPath returns the note with this vault path.
func (ix *Index) NoteByPath(p string) (int32, bool) {
	i, ok := ix.byPath[p]
	return i, ok
}

func sortedUnique(xs []int32) []int32 {
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
