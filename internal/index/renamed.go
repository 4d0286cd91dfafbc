package index

import (
	"sync/atomic"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// Former is a name a note had before it was moved, renamed or retitled:
// the note's path and title as they were then. Note is the note that has
// them no more, an index into Index.Notes.
type Former struct {
	Path  string
	Title string
	Note  int32
}

// renames finds the note a broken link meant by one of its former names.
// The table holds every former name under its key at each level of the
// ladder (a few names, from the notes renamed since the last run), so a
// lookup is a handful of map probes, and only broken links make one.
type renames struct {
	formers []Former
	// byLevel[l] maps a name's key at level l to the formers that have it,
	// level 0 keyed by the dialect's exact key.
	byLevel []map[string][]renamedName
	used    []atomic.Bool // per former: some link used one of its names
	levels  []fold.Level  // Exact, then the ladder up to the index's level
}

type renamedName struct {
	former int32
	kind   dialect.NameKind
}

// SetRenamed gives the index the former names of notes renamed since the
// last run. A link that resolves to nothing by today's names, and whose
// target equals a former name (exactly, or on the ladder up to the
// index's level), is Renamed to that note; when former names of two
// notes match it is Ambiguous. Call it before resolving.
func (ix *Index) SetRenamed(formers []Former) {
	if len(formers) == 0 {
		ix.renamed = nil
		return
	}
	rn := &renames{formers: formers, used: make([]atomic.Bool, len(formers))}
	levels := []fold.Level{fold.Exact}
	for _, lv := range fold.Levels {
		if lv <= ix.MaxLevel {
			levels = append(levels, lv)
		}
	}
	rn.levels = levels
	rn.byLevel = make([]map[string][]renamedName, len(levels))
	for i := range rn.byLevel {
		rn.byLevel[i] = map[string][]renamedName{}
	}
	var buf []name
	for fi, f := range formers {
		old := note.Note{Path: f.Path}
		old.Title = f.Title
		buf = namesOf(&old, buf[:0])
		for _, nm := range buf {
			if !ix.Dialect.Resolves(nm.kind) {
				continue
			}
			for li, lv := range levels {
				k := ix.Dialect.ExactKey(nm.name)
				if lv != fold.Exact {
					k = fold.Key(lv, nm.name)
				}
				rn.byLevel[li][k] = append(rn.byLevel[li][k], renamedName{int32(fi), nm.kind})
			}
		}
	}
	ix.renamed = rn
}

// RenamedUsed lists the formers that some link resolved by: the ones
// worth remembering for the next run.
func (ix *Index) RenamedUsed() []Former {
	if ix.renamed == nil {
		return nil
	}
	var out []Former
	for i, f := range ix.renamed.formers {
		if ix.renamed.used[i].Load() {
			out = append(out, f)
		}
	}
	return out
}

// resolveRenamed is the step after the ladder found nothing for t: the
// first level at which t equals former names decides, like the ladder.
// pathOnly takes only former paths (a path-form or Markdown link).
func (ix *Index) resolveRenamed(t string, pathOnly bool, broken Result) Result {
	rn := ix.renamed
	if rn == nil {
		return broken
	}
	t = fold.TrimSpace(t)
	for li, lv := range rn.levels {
		k := ix.Dialect.ExactKey(t)
		if lv != fold.Exact {
			k = fold.Key(lv, t)
		}
		var notes []int32
		var matched []int32
		for _, m := range rn.byLevel[li][k] {
			if pathOnly && m.kind != dialect.Path {
				continue
			}
			notes = append(notes, rn.formers[m.former].Note)
			matched = append(matched, m.former)
		}
		if len(notes) == 0 {
			continue
		}
		for _, f := range matched {
			rn.used[f].Store(true)
		}
		cands := ix.canonicals(notes)
		if len(cands) > 1 {
			return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: cands, PathForm: broken.PathForm}
		}
		return Result{Class: Renamed, Level: lv, Target: cands[0], PathForm: broken.PathForm}
	}
	return broken
}
