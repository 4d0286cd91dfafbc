package workspace

import (
	"bytes"
	"strings"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/plancache"
	"github.com/relinkmd/relink/internal/vault"
)

// A one-shot run (check, plan, apply) keeps the plans a change of names
// since the plan cache was written cannot touch, as an Engine does across
// an update: after one note's title changed, a 100,000-note vault would
// otherwise resolve every link again, for the few hundred that can read
// the changed names.
//
// The plan cache's context (plan.ContextSum) is the digest of every
// note's names, as the run that wrote it saw them. The notes this run
// read again (the note cache's misses) are given back the names recorded
// beside their plans, the notes added since are taken out and those
// removed put back: when the digest of the vault so rebuilt is the
// cache's, those notes are exactly what changed names since, and their
// former names are known. nameChange.replan then finds the notes whose
// plans the change can touch, as it does for an Engine, from what the
// plan cache's entries keep of each note (plancache.About: the keys its
// links are filed under, the hint keys of its broken links). Any doubt —
// another digest, too many notes changed, a ladder without keys, an entry
// without its keys — and every plan is made again.

// maxReadAgain is the most notes whose names changed (or that were added
// or removed) that a change of names is worked out for: beyond it,
// planning every note costs about what working out the change would (and
// an index overlay holds no more, index.Rename). Of the notes read again
// for any reason (a body edited), up to an eighth of the vault are looked
// at: telling a body edit from a change of names costs a lookup each.
const maxReadAgain = 256

// cachedPlans is the plan cache file as a linkFinder and a brokenFinder:
// what its entries keep of their notes.
type cachedPlans struct{ memo *plancache.Cache }

func (c cachedPlans) notesLinking(keys map[string]bool) ([]string, bool) {
	return c.memo.Linking(filedUnder(keys))
}

func (c cachedPlans) withBroken(prefixes map[string]bool, yield func(path string, hints []string)) {
	c.memo.Broken(func(h string) bool { return prefixes[index.HintPrefix(h)] }, yield)
}

// formerVault is the vault as the plan cache's run saw it, worked out
// from this run's notes and the names beside the cached plans.
type formerVault struct {
	notes []*note.Note // in path order
	// gone and read are the notes whose names changed since, as they were
	// and as they are (a note added is only read, one removed only gone);
	// roots are their paths.
	gone, read []*note.Note
	roots      []string
	// samePaths says no note was added or removed.
	samePaths bool
}

// findFormerVault works out the vault the plan cache's plans were made
// in; ok is false when it cannot be told cheaply. What it gives is only a
// candidate: the caller holds it to the cache's context.
func findFormerVault(memo *plancache.Cache, cache *notecache.Cache, scan *vault.Scan) (fv *formerVault, ok bool) {
	missed := cache.Missed()
	if len(missed) > max(maxReadAgain, len(scan.Notes)/8) {
		return nil, false
	}
	readAgain := make(map[string]bool, len(missed))
	for _, p := range missed {
		readAgain[p] = true
	}
	// The two lists of paths, both in order, walked together. A note read
	// again whose names are the ones beside its plan had its body edited,
	// if anything: the plan cache looks its plan up by its links.
	fv = &formerVault{notes: make([]*note.Note, 0, len(scan.Notes)+len(missed)), samePaths: true}
	planned := memo.Paths()
	for i, j := 0, 0; i < len(scan.Notes) || j < len(planned); {
		var c int
		switch {
		case i == len(scan.Notes):
			c = 1
		case j == len(planned):
			c = -1
		default:
			c = strings.Compare(scan.Notes[i].Path, planned[j])
		}
		switch {
		case c < 0: // added since
			n := scan.Notes[i]
			fv.read, fv.roots, fv.samePaths = append(fv.read, n), append(fv.roots, n.Path), false
			i++
		case c > 0: // removed since
			was, ok := formerNote(memo, &note.Note{Path: planned[j]})
			if !ok {
				return nil, false
			}
			fv.notes, fv.gone, fv.roots, fv.samePaths = append(fv.notes, was), append(fv.gone, was), append(fv.roots, was.Path), false
			j++
		default:
			n := scan.Notes[i]
			if !readAgain[n.Path] {
				fv.notes = append(fv.notes, n)
			} else if was, ok := formerNote(memo, n); !ok {
				return nil, false
			} else if sameContextFields(was, n) {
				fv.notes = append(fv.notes, n)
			} else {
				fv.notes, fv.gone, fv.read, fv.roots = append(fv.notes, was), append(fv.gone, was), append(fv.read, n), append(fv.roots, n.Path)
			}
			i, j = i+1, j+1
		}
		if len(fv.roots) > maxReadAgain {
			return nil, false
		}
	}
	return fv, true
}

// formerIndex returns the index of the vault the plan cache's plans were
// made in, and that vault, when this run can tell them: when the digest
// of the vault former gives (formerIx, when not nil, is its index) is
// the plan cache's context. When ctx, this run's context, is the file's,
// the names did not change: ix is that index.
func formerIndex(memo *plancache.Cache, former func() *formerVault, formerIx *index.Index, scan *vault.Scan, ix *index.Index, s Settings, ctx [32]byte) (*index.Index, *formerVault) {
	was, _, ok := memo.Context(notecache.ExecutableTag())
	switch {
	case !ok:
		return nil, nil
	case was == ctx:
		return ix, &formerVault{notes: scan.Notes, samePaths: true}
	case ix.MaxLevel < fold.Unicode:
		return nil, nil
	}
	fv := former()
	if fv == nil {
		return nil, nil
	}
	bx := formerIx
	if bx == nil && fv.samePaths {
		bx, _ = ix.Rename(fv.notes)
	}
	if bx == nil {
		bx = index.Build(fv.notes, scan.Attachments, s.Dialect, s.Level)
	}
	bx.LocalVaults = ix.LocalVaults
	if plan.ContextSum(bx, scan.Attachments, s.Plan) != was {
		return nil, nil
	}
	return bx, fv
}

// keptAcrossNames returns the notes to plan again when the plan cache was
// made in another context than ctx (this run's) or under other former
// names than formers, and a change of names since accounts for it: bx
// and fv are the index and vault of the plan cache's run (formerIndex).
// ok is false when every note is to be planned again, or none.
func keptAcrossNames(memo *plancache.Cache, fv *formerVault, bx, ix *index.Index, ctx [32]byte, formers []index.Former) (replan []string, ok bool) {
	was, wasFormers, ok := memo.Context(notecache.ExecutableTag())
	if !ok || bx == nil || was == ctx && len(wasFormers) == 0 && len(formers) == 0 {
		return nil, false
	}
	change := nameChange{
		before: bx, now: ix, roots: fv.roots, gone: fv.gone, read: fv.read,
		formers:         [2][]index.Former{fromCacheFormers(wasFormers), formers},
		sameAttachments: true, // the context covers them
		links:           cachedPlans{memo},
		broken:          cachedPlans{memo},
	}
	replan, all := change.replan()
	return replan, !all
}

// beginPlans starts the plan cache's use in this run, whose context is
// ctx and former names formers: every plan a change of names since cannot
// touch is used (keptAcrossNames), or all of them when nothing changed,
// or none.
func beginPlans(memo *plancache.Cache, fv *formerVault, bx, ix *index.Index, ctx [32]byte, formers []index.Former) {
	tag := notecache.ExecutableTag()
	if replan, ok := keptAcrossNames(memo, fv, bx, ix, ctx, formers); ok {
		memo.BeginExcept(tag, ctx, cacheFormers(formers), replan, fv.samePaths)
	} else if len(formers) == 0 {
		memo.Begin(tag, ctx)
	} else {
		// Plans made without these former names are not this run's, and
		// one taken from the cache does not say which former names its
		// links used (ix.RenamedUsed, which the names file keeps): a
		// change of names plans again every note with a link that may
		// name one.
		memo.BeginAfresh(tag, ctx, cacheFormers(formers))
	}
}

// formerNote returns n with the names recorded beside its plan in memo:
// the note as the plans' run saw it, for the index and the digest of that
// run's vault (n's other fields stay: neither reads them).
func formerNote(memo *plancache.Cache, n *note.Note) (*note.Note, bool) {
	b, ok := memo.NamesOf(n.Path)
	if !ok {
		return nil, false
	}
	was := *n
	if !plan.DecodeNoteContext(b, &was) {
		return nil, false
	}
	return &was, true
}

// sameContextFields reports whether a and b have the same names and
// parse error, as plan.ContextSum reads them.
func sameContextFields(a, b *note.Note) bool {
	return bytes.Equal(plan.AppendNoteContext(nil, a), plan.AppendNoteContext(nil, b))
}

// cacheFormers and fromCacheFormers convert former names for the plan
// cache, which keeps their names (nameChange.replan reads no more).
func cacheFormers(fs []index.Former) []plancache.Former {
	out := make([]plancache.Former, len(fs))
	for i, f := range fs {
		out[i] = plancache.Former{Path: f.Path, Title: f.Title}
	}
	return out
}

func fromCacheFormers(fs []plancache.Former) []index.Former {
	out := make([]index.Former, len(fs))
	for i, f := range fs {
		out[i] = index.Former{Path: f.Path, Title: f.Title, Note: -1}
	}
	return out
}
