package workspace

import (
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
)

// nameChange is what an update that changes the vault's names knows: the
// index before and after, the notes at or under the paths read again as
// they were and as they are, and the former names (renames) in force
// before and after.
type nameChange struct {
	before, now     *index.Index
	roots           []string
	gone, read      []*note.Note
	formers         [2][]index.Former
	sameAttachments bool
	links           linkFinder // current with the notes read
	// broken holds the hint keys of each note's broken links in the plan
	// before the change.
	broken brokenFinder
}

// linkFinder finds the notes with a link whose target may name something
// with one of keys (highest-level keys): every note affected.mayName
// would find, and maybe a few more; ok is false when it cannot tell.
type linkFinder interface {
	notesLinking(keys map[string]bool) (paths []string, ok bool)
}

// brokenFinder calls yield with the hint keys of the broken links of each
// note that has some and a hint key with one of prefixes
// (index.HintPrefix), in the plan before a change; maybe of a few more.
type brokenFinder interface {
	withBroken(prefixes map[string]bool, yield func(path string, hints []string))
}

// replan returns the vault paths of the notes whose plans a change of
// names can change, or all when it cannot tell them (every plan is made
// again then). Every other note's plan is kept: it is what a fresh load
// makes of the same note.
//
// # What a link's plan depends on
//
// Resolution (index.Resolve) and planning (plan.Build) of one link read,
// besides the link itself:
//
//   - the names whose key matches the target's at each ladder level:
//     the exact table (stem, path, path suffixes, title, id) and each fold
//     level up to the configured one; the ladder is cumulative, so a name
//     equal to the target at any level is equal to it at Compact, the
//     highest — a name added or removed under the target's Compact key is
//     the only kind that can change which entries match at any level, or
//     their exact-first ranking when several match (the ambiguity guard);
//   - the path forms of a target (the path, relative paths of Markdown
//     links, the last element, with or without a note extension), which
//     meet a note's path or one of its suffixes under the same keys;
//   - aliases, which confirm a name or make a match ambiguous (alias
//     class): under the same keys too;
//   - the canonical note (duplicate_of, canonical_id chains) of the note
//     it reaches, whose path the edit or finding writes, and the name a
//     rewrite writes for the note it reaches, which is the note's title
//     only while no other note shares its key;
//   - the former names of renamed notes, which a link that the ladder
//     leaves broken is matched against;
//   - the headings and anchors of the note a fragment reaches: the plan
//     memo checks those itself (plan.Memo), by the note's path;
//   - for a broken link, the near names it hints at: any new stem or
//     title within the hint distance can change them;
//   - the attachments, the dialect, the level and the options.
//
// So a plan can change only if the note is itself at or under the paths
// read again, or has a link whose target could name (by the ladder's
// highest key of itself, its path form or its last element) one of these
// keys: every name, alias and path suffix, before and after, of the notes
// read again; of the notes sharing a key with one of those (a rewrite to
// them may now have to write another name) and of their duplicates (a
// link to a duplicate is rewritten to that name); of the notes whose
// canonical note changed or is among those read again; and every former
// name before
// and after. The notes holding such a link are found through linkKeys,
// kept current per note, not by reading every link. A broken link's hints
// are near stems and titles mapped to their canonical notes, so a note
// with a broken link is planned again when the stem or title, before or
// after, of a note read again or of a note whose canonical note changed
// is near enough to the link's target to be hinted (index.HintNear). A
// change of the attachments (rare while editing) makes every plan again,
// and so does an exact-only ladder (no key table to find notes sharing a
// key by). When in doubt the set is larger, never smaller: the engine's
// tests compare every update with a fresh load.
func (c *nameChange) replan() (paths []string, all bool) {
	if !c.sameAttachments || c.now.MaxLevel < fold.Unicode || c.before.MaxLevel < fold.Unicode {
		return nil, true
	}
	keys := map[string]bool{}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			keys[fold.Key(fold.Compact, s)] = true
		}
	}
	// addPath adds a path and each of its suffixes after a '/'.
	addPath := func(q string) {
		for {
			add(q)
			i := strings.IndexByte(q, '/')
			if i < 0 {
				return
			}
			q = q[i+1:]
		}
	}
	addNote := func(n *note.Note) {
		for _, s := range noteNames(n) {
			add(s)
		}
		addPath(n.Path)
	}
	// The stems and titles whose notes or canonical notes changed: the
	// only hint names that can come or go.
	hintKeys := map[string]bool{}
	addHint := func(n *note.Note) {
		for _, s := range [2]string{dialect.StemOf(n.Path), n.Title} {
			if k := index.HintKey(s); k != "" {
				hintKeys[k] = true
			}
		}
	}
	replan := map[string]bool{}
	// The notes whose written name a change can change (they share a key
	// with a name read again): the links that reach them through a
	// duplicate, whose edits write their name, depend on it too.
	sharing := map[string]bool{}
	for _, side := range []struct {
		ix    *index.Index
		notes []*note.Note
	}{{c.before, c.gone}, {c.now, c.read}} {
		for _, n := range side.notes {
			replan[n.Path] = true
			addNote(n)
			addHint(n)
			for _, s := range noteNames(n) {
				for _, j := range side.ix.NotesSharingKey(s) {
					if m := side.ix.Notes[j]; !underAny(m.Path, c.roots) {
						addNote(m)
						sharing[m.Path] = true
					}
				}
			}
		}
	}
	// A note whose canonical note is itself before and after keeps it.
	canonMoved := func(p string) {
		i, ok := c.now.NoteByPath(p)
		j, was := c.before.NoteByPath(p)
		if !ok || !was {
			return
		}
		cn, cb := c.now.Notes[c.now.Canonical(i)].Path, c.before.Notes[c.before.Canonical(j)].Path
		if cn != cb || underAny(cn, c.roots) {
			addNote(c.now.Notes[i])
			addHint(c.now.Notes[i])
		}
	}
	for _, ix := range []*index.Index{c.now, c.before} {
		for i, n := range ix.Notes {
			if cn := ix.Canonical(int32(i)); cn != int32(i) {
				canonMoved(n.Path)
				if sharing[ix.Notes[cn].Path] {
					addNote(n)
				}
			}
		}
	}
	for _, fs := range c.formers {
		for _, f := range fs {
			add(f.Title)
			addPath(f.Path)
		}
	}
	linking, ok := c.links.notesLinking(keys)
	if !ok {
		return nil, true
	}
	for _, p := range linking {
		replan[p] = true
	}
	c.nearBroken(hintKeys, replan)
	return slices.Sorted(mapKeys(replan)), false
}

// brokenLinks keeps the hint keys of every note's broken links, as the
// current plan finds them, for the next change of names to find the notes
// whose hints it can change without reading every finding. A load builds
// it in the background from the plan; each update then takes again the
// notes it planned again.
type brokenLinks struct {
	ready   chan struct{}
	pending [][]string // the paths of updates made while it was built
	byNote  map[string][]string
	// byPrefix files the notes of byNote by their keys' first two runes
	// (index.HintPrefix), with how many keys each has there: a name is
	// near only a key with its own first two runes.
	byPrefix map[string]map[string]int
}

// startBrokenLinks files the broken links of rep's plan in the background.
func startBrokenLinks(rep *Report, gate <-chan struct{}) *brokenLinks {
	b := &brokenLinks{ready: make(chan struct{})}
	z, ix := rep.lazyPlan(), rep.Index
	go func() {
		defer close(b.ready)
		<-gate
		b.byNote, b.byPrefix = map[string][]string{}, map[string]map[string]int{}
		b.take(z, ix, nil)
	}()
	return b
}

// take files again the broken links of the notes at paths (all, when
// nil) from pl.
func (b *brokenLinks) take(z *plan.Lazy, ix *index.Index, paths []string) {
	if paths == nil {
		clear(b.byNote)
		clear(b.byPrefix)
	} else {
		for _, p := range paths {
			b.drop(p)
		}
		for _, p := range paths {
			_, f := z.Of(p)
			b.file(ix, p, f)
		}
		return
	}
	fs := z.Plan().Findings
	for lo := 0; lo < len(fs); {
		hi := lo + 1
		for hi < len(fs) && fs[hi].File == fs[lo].File {
			hi++
		}
		b.file(ix, fs[lo].File, fs[lo:hi])
		lo = hi
	}
}

// file files note p's broken links among its findings fs.
func (b *brokenLinks) file(ix *index.Index, p string, fs []plan.Finding) {
	where := brokenAt(fs)
	if len(where) == 0 {
		return
	}
	i, ok := ix.NoteByPath(p)
	if !ok {
		return
	}
	keys := brokenHints(ix.Notes[i], where)
	b.byNote[p] = keys
	for _, k := range keys {
		pre := index.HintPrefix(k)
		if b.byPrefix[pre] == nil {
			b.byPrefix[pre] = map[string]int{}
		}
		b.byPrefix[pre][p]++
	}
}

// drop forgets note p's broken links.
func (b *brokenLinks) drop(p string) {
	for _, k := range b.byNote[p] {
		pre := index.HintPrefix(k)
		if m := b.byPrefix[pre]; m != nil {
			if m[p]--; m[p] <= 0 {
				delete(m, p)
			}
			if len(m) == 0 {
				delete(b.byPrefix, pre)
			}
		}
	}
	delete(b.byNote, p)
}

// update takes again the notes at paths from the current plan, now if the
// filing is done, else once it is.
func (b *brokenLinks) update(z *plan.Lazy, ix *index.Index, paths []string) {
	select {
	case <-b.ready:
		b.take(z, ix, paths)
	default:
		b.pending = append(b.pending, paths)
	}
}

// wait returns b once it is current with z.
func (b *brokenLinks) wait(z *plan.Lazy, ix *index.Index) *brokenLinks {
	<-b.ready
	for _, paths := range b.pending {
		b.take(z, ix, paths)
	}
	b.pending = nil
	return b
}

// withBroken is brokenFinder's.
func (b *brokenLinks) withBroken(prefixes map[string]bool, yield func(path string, hints []string)) {
	seen := map[string]bool{}
	for pre := range prefixes {
		for p := range b.byPrefix[pre] {
			if !seen[p] {
				seen[p] = true
				yield(p, b.byNote[p])
			}
		}
	}
}

type linkAt struct{ line, col int }

// brokenAt returns where the broken links among a note's findings fs are.
func brokenAt(fs []plan.Finding) []linkAt {
	var where []linkAt
	for i := range fs {
		if fs[i].Class == "broken" {
			where = append(where, linkAt{fs[i].Line, fs[i].Col})
		}
	}
	return where
}

// brokenHints returns the hint keys of n's links at where.
func brokenHints(n *note.Note, where []linkAt) []string {
	return brokenHintsIn(n.LinkList(nil), where)
}

// brokenHintsIn returns the hint keys of the links at where.
func brokenHintsIn(links []note.Link, where []linkAt) []string {
	if len(where) == 0 {
		return nil
	}
	var keys []string
	for i := range links {
		if l := &links[i]; slices.Contains(where, linkAt{int(l.Line), int(l.Col)}) {
			keys = append(keys, index.HintKey(l.Target))
		}
	}
	return keys
}

// nearBroken adds to replan the notes not in it with a broken link (in
// the plan before the change) whose hints a name of hintKeys can change.
func (c *nameChange) nearBroken(hintKeys map[string]bool, replan map[string]bool) {
	if c.broken == nil {
		return
	}
	prefixes := map[string]bool{}
	for k := range hintKeys {
		prefixes[index.HintPrefix(k)] = true
	}
	c.broken.withBroken(prefixes, func(p string, hints []string) {
		if replan[p] {
			return
		}
		for _, q := range hints {
			for k := range hintKeys {
				if index.HintNear(q, k) {
					replan[p] = true
					return
				}
			}
		}
	})
}
