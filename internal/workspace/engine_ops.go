package workspace

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// EditID names an edit of rep's plan for a client that picks edits by
// name between two calls: the file, the edit's offset in it and the first
// bytes of the file's hash as planned. An id taken before the file changed
// names no edit of a plan made after, so that an edit is never applied to
// bytes it was not planned for.
func EditID(rep *Report, e *plan.Edit) string {
	id := fmt.Sprintf("%s:%d", e.File, e.Start)
	if n, ok := rep.Index.NoteByPath(e.File); ok {
		sum := rep.Index.Notes[n].Sum
		id += "@" + hex.EncodeToString(sum[:4])
	}
	return id
}

// StaleEditsError is ChooseEdits' refusal: ids that name no edit of the
// current plan.
type StaleEditsError struct{ IDs []string }

func (e *StaleEditsError) Error() string {
	return fmt.Sprintf("%d edit id(s) name no edit of the current plan (the file changed since it was planned, or the id is wrong): %s; plan again; nothing was changed",
		len(e.IDs), strings.Join(e.IDs, ", "))
}

// ChooseEdits returns rep with only the edits ids name (EditID). Any id
// that names none refuses the whole choice with a *StaleEditsError.
func ChooseEdits(rep *Report, ids []string) (*Report, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var edits []plan.Edit
	for i := range rep.Plan.Edits {
		if id := EditID(rep, &rep.Plan.Edits[i]); want[id] {
			edits = append(edits, rep.Plan.Edits[i])
			delete(want, id)
		}
	}
	if len(want) > 0 {
		stale := make([]string, 0, len(want))
		for id := range want {
			stale = append(stale, id)
		}
		sort.Strings(stale)
		return nil, &StaleEditsError{IDs: stale}
	}
	chosen := *rep
	pl := *rep.Plan
	pl.Edits = edits
	chosen.Plan, chosen.lazy = &pl, nil
	return &chosen, nil
}

// Selection is the part of a report about some of the vault's files.
type Selection struct {
	// Paths are the vault paths selected, as given, cleaned.
	Paths []string
	// Notes counts the notes at or under them.
	Notes    int
	Edits    []plan.Edit
	Findings []plan.Finding
	Problems []vault.Problem
	// Counts are the edits and findings by class.
	Counts map[string]int
}

// Select returns the edits, findings and problems of the notes at or
// under paths (vault-relative or absolute; a folder selects its tree).
// A path that holds no note of the vault is an error naming it.
func (e *Engine) Select(rep *Report, paths []string) (*Selection, error) {
	sel := &Selection{Counts: map[string]int{}}
	for _, p := range paths {
		r, err := e.rel(p)
		if err != nil {
			return nil, err
		}
		sel.Paths = append(sel.Paths, r)
	}
	in := func(p string) bool {
		for _, r := range sel.Paths {
			if r == "." || under(p, r) {
				return true
			}
		}
		return false
	}
	for _, r := range sel.Paths {
		found := r == "."
		for _, n := range rep.Index.Notes {
			if under(n.Path, r) {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: no note of the vault %s is there", r, rep.Vault.Dir)
		}
	}
	for _, n := range rep.Index.Notes {
		if in(n.Path) {
			sel.Notes++
		}
	}
	for _, ed := range rep.Plan.Edits {
		if in(ed.File) {
			sel.Edits = append(sel.Edits, ed)
			sel.Counts[ed.Class]++
		}
	}
	for _, f := range rep.Plan.Findings {
		if in(f.File) {
			sel.Findings = append(sel.Findings, f)
			sel.Counts[f.Class]++
		}
	}
	for _, p := range rep.Problems {
		if in(p.File) {
			sel.Problems = append(sel.Problems, p)
		}
	}
	return sel, nil
}

// The engine's writes: each reads what the watcher has seen first, runs
// the workspace's own use case on the current report (snapshot, checks
// against the bytes planned, atomic writes), then reads back the files it
// touched, so that the next State holds them.

// Apply applies the current plan, or only the edits ids name (EditID).
func (e *Engine) Apply(ctx context.Context, ids []string, opt ApplyOptions) (*ApplyResult, error) {
	e.writing.Lock()
	defer e.writing.Unlock()
	e.Flush()
	rep := e.Report()
	if ids != nil {
		chosen, err := ChooseEdits(rep, ids)
		if err != nil {
			return nil, err
		}
		rep = chosen
	}
	res, err := Apply(ctx, rep, opt)
	if res != nil && len(res.Changed) > 0 {
		paths := make([]string, len(res.Changed))
		for i, c := range res.Changed {
			paths[i] = c.Path
		}
		if _, rerr := e.Refresh(paths...); rerr != nil && err == nil {
			err = rerr
		}
	}
	return res, err
}

// Undo reverts a snapshot (see Undo).
func (e *Engine) Undo(ctx context.Context, opt UndoOptions) (*RevertResult, error) {
	e.writing.Lock()
	defer e.writing.Unlock()
	e.Flush()
	rep := e.Report()
	res, err := Undo(ctx, rep.Vault, rep.Settings.Config, opt)
	if res != nil && !opt.DryRun && res.Snapshot.ID != "" {
		paths := make([]string, 0, len(res.Target.Files))
		for _, f := range res.Target.Files {
			paths = append(paths, f.Path)
		}
		for _, m := range res.Target.Moves {
			paths = append(paths, m.From, m.To)
		}
		if _, rerr := e.Refresh(paths...); rerr != nil && err == nil {
			err = rerr
		}
	}
	return res, err
}

// Move plans moving src to dst (see PlanMove) and, unless dryRun, moves.
func (e *Engine) Move(ctx context.Context, src, dst string, dryRun bool, opt ApplyOptions) (*MovePlan, *MoveResult, error) {
	e.writing.Lock()
	defer e.writing.Unlock()
	e.Flush()
	rep := e.Report()
	mp, err := PlanMove(rep, src, dst)
	if err != nil || dryRun {
		return mp, nil, err
	}
	res, err := Move(ctx, rep, mp, opt)
	if res != nil && (res.Moved || len(res.Changed) > 0) {
		paths := []string{mp.From, mp.To}
		for _, c := range res.Changed {
			paths = append(paths, c.Path)
		}
		if _, rerr := e.Refresh(paths...); rerr != nil && err == nil {
			err = rerr
		}
	}
	return mp, res, err
}

// Merge plans merging the note dup into canon (see PlanMerge) and, unless
// dryRun, merges.
func (e *Engine) Merge(ctx context.Context, dup, canon string, mo MergeOptions, dryRun bool, opt ApplyOptions) (*MergePlan, *MergeResult, error) {
	e.writing.Lock()
	defer e.writing.Unlock()
	e.Flush()
	rep := e.Report()
	mp, err := PlanMerge(rep, dup, canon, mo)
	if err != nil || dryRun {
		return mp, nil, err
	}
	res, err := Merge(ctx, rep, mp, opt)
	if res != nil && (res.Deleted || len(res.Changed) > 0) {
		paths := append(mp.Files(), mp.Dup)
		if _, rerr := e.Refresh(paths...); rerr != nil && err == nil {
			err = rerr
		}
	}
	return mp, res, err
}
