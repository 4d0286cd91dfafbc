package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/splice"
)

// MergeOptions say what becomes of the duplicate note besides its links.
type MergeOptions struct {
	// Delete removes the duplicate note instead of marking it with
	// duplicate_of.
	Delete bool
	// Alias adds the duplicate's title (its title, else its stem) to the
	// canonical note's aliases.
	Alias bool
}

// MergePlan is what merging the note Dup into the note Canon takes.
type MergePlan struct {
	Dup, Canon string
	Delete     bool
	// Edits are the links sent from Dup to Canon (class renamed).
	Edits []plan.Edit
	// Frontmatter are the splices into Dup's duplicate_of (unless
	// Delete) and Canon's aliases (with Alias).
	Frontmatter []plan.FrontmatterEdit
	// Findings are links redirected whose #heading Canon lacks.
	Findings []plan.Finding
	// MissingHeadings are Dup's headings that Canon lacks.
	MissingHeadings []string
	// Alias is the alias added to Canon, "" when none is; AliasPresent
	// is set when Canon had it already.
	Alias        string
	AliasPresent bool
}

// Files are the files the merge writes (Dup's removal included), in
// path order.
func (p *MergePlan) Files() []string {
	files, _ := p.FileEdits()
	if p.Delete && !containsString(files, p.Dup) {
		files = append(files, p.Dup)
		sort.Strings(files)
	}
	return files
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// FileEdits is every splice of the merge, links and frontmatter (class
// "frontmatter"), by file, each file's in the order splice.Apply takes:
// by offset, an insertion before an edit that starts where it does (a
// new frontmatter block goes before a link at the file's first byte).
func (p *MergePlan) FileEdits() ([]string, map[string][]plan.Edit) {
	all := append([]plan.Edit(nil), p.Edits...)
	for _, f := range p.Frontmatter {
		all = append(all, plan.Edit{File: f.File, Line: f.Line, Start: f.Start, End: f.End, Old: f.Old, New: f.New, Class: "frontmatter"})
	}
	files, by := report.FileEdits(all)
	sort.Strings(files)
	for _, f := range files {
		es := by[f]
		sort.SliceStable(es, func(i, j int) bool {
			if es[i].Start != es[j].Start {
				return es[i].Start < es[j].Start
			}
			return es[i].End == es[i].Start && es[j].End != es[j].Start
		})
	}
	return files, by
}

// MergeError is a merge refused before anything was written.
type MergeError struct{ Msg, Detail string }

func (e *MergeError) Error() string { return e.Msg + "; nothing was merged" + e.Detail }

func refuseMerge(format string, args ...any) error {
	return &MergeError{Msg: fmt.Sprintf(format, args...)}
}

// PlanMerge plans merging the note dup into the note canon (both paths
// relative to the vault, or absolute inside it): every link to dup goes
// to canon (plan.Merge); dup gets duplicate_of naming canon, or with
// Delete is removed; with Alias, dup's title joins canon's aliases. It
// refuses, with a *MergeError and nothing written: a dup or canon that is
// not a readable note of the vault, dup and canon one note, canon already
// a duplicate of dup (directly or along a chain: a cycle), a dup apply
// would not rewrite or remove (symlink, read-only, other hard links), a
// link that cannot be written to name canon, and a frontmatter the splice
// cannot extend.
func PlanMerge(rep *Report, dupArg, canonArg string, opt MergeOptions) (*MergePlan, error) {
	if rep.Doubt != nil {
		return nil, fmt.Errorf("%w, refusing to merge: %s", ErrWrongDialect, rep.Doubt)
	}
	if err := refuseUnread(rep, "merge"); err != nil {
		return nil, err
	}
	ix := rep.Index
	noteAt := func(arg string) (string, int32, error) {
		p, err := vaultPath(rep.Vault.Dir, arg)
		if err != nil {
			var me *MoveError
			if errors.As(err, &me) {
				return "", 0, refuseMerge("%s", me.Msg)
			}
			return "", 0, err
		}
		id, ok := ix.NoteByPath(p)
		if !ok {
			if fi, err := rep.Vault.Root.Lstat(p); err == nil && !fi.IsDir() {
				return "", 0, refuseMerge("%s is not a note of the vault (a note is a .md or .markdown file that is not excluded)", p)
			}
			return "", 0, refuseMerge("%s: no such note in %s", p, rep.Vault.Dir)
		}
		if n := ix.Notes[id]; n.Err != nil {
			return "", 0, refuseMerge("%s cannot be read as a note (%v)", p, n.Err)
		}
		return p, id, nil
	}
	dupPath, dup, err := noteAt(dupArg)
	if err != nil {
		return nil, err
	}
	canonPath, canon, err := noteAt(canonArg)
	if err != nil {
		return nil, err
	}
	if dup == canon {
		return nil, refuseMerge("%s and %s are the same note", dupArg, canonArg)
	}
	for _, p := range []string{dupPath, canonPath} {
		if fi, err := rep.Vault.Root.Lstat(p); err == nil {
			if err := replaceable(fi); err != nil {
				return nil, refuseMerge("%s %v", p, err)
			}
		}
	}
	names := plan.DuplicateNames(ix, dup, canon)
	ref := ""
	for _, name := range names {
		after := ix.WithDuplicateOf(dup, "[["+name+"]]")
		if c := after.Canonical(dup); c != dup && c == after.Canonical(canon) {
			ref = "[[" + name + "]]"
			break
		}
		for _, pr := range after.Problems {
			if pr.File == dupPath && strings.Contains(pr.Message, "cycle") {
				return nil, refuseMerge("%s is already a duplicate of %s (%s): merging would make a cycle", canonPath, dupPath, pr.Message)
			}
		}
	}
	if ref == "" && !opt.Delete {
		return nil, refuseMerge("no name of %s can be written in %s's duplicate_of that names it alone", canonPath, dupPath)
	}

	cache := map[string][]byte{}
	read := func(p string) ([]byte, error) {
		if b, ok := cache[p]; ok {
			return b, nil
		}
		b, err := rep.Vault.ReadFile(p)
		if err != nil {
			return nil, err
		}
		cache[p] = b
		return b, nil
	}
	inTable := func(file string, start int) bool {
		src, err := read(file)
		if err != nil || start > len(src) {
			return false
		}
		ls := bytes.LastIndexByte(src[:start], '\n') + 1
		return bytes.HasPrefix(bytes.TrimLeft(src[ls:start], " \t"), []byte("|"))
	}
	edits, findings := plan.Merge(ix, dup, canon, plan.MergeOptions{SkipDup: opt.Delete, InTable: inTable})
	var unfixable []plan.Finding
	var headings []plan.Finding
	for _, f := range findings {
		if f.Class == plan.ClassRenamed {
			unfixable = append(unfixable, f)
		} else {
			headings = append(headings, f)
		}
	}
	if len(unfixable) > 0 {
		var b strings.Builder
		for _, f := range unfixable {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s: %s", report.Name(f.File), f.Line, f.Col, f.Link, f.Message)
		}
		return nil, &MergeError{Msg: fmt.Sprintf("merging %s into %s would break %s that cannot be rewritten", dupPath, canonPath, report.Count(len(unfixable), "link")), Detail: ":" + b.String()}
	}
	mp := &MergePlan{Dup: dupPath, Canon: canonPath, Delete: opt.Delete, Edits: edits, Findings: headings,
		MissingHeadings: plan.MissingHeadings(ix, dup, canon)}

	fmEdit := func(file, key, value string, mk func(src []byte) (splice.Edit, bool, error)) error {
		src, err := read(file)
		if err != nil {
			return refuseMerge("%s: %s", file, unwrapPathErr(err))
		}
		if id, ok := ix.NoteByPath(file); !ok || ix.Notes[id].Sum != ([32]byte{}) && ix.Notes[id].Sum != sha256.Sum256(src) {
			return refuseMerge("%s changed since it was read", file)
		}
		e, changed, err := mk(src)
		if err != nil {
			return refuseMerge("%s: cannot set %s in its frontmatter: %v", file, key, err)
		}
		if !changed || e.Old == e.New {
			return nil // the key holds the value already
		}
		fe := plan.FrontmatterEdit{File: file, Line: 1 + bytes.Count(src[:e.Start], []byte("\n")), Start: e.Start, End: e.End, Key: key, Value: value, Old: e.Old, New: e.New}
		for _, le := range mp.Edits {
			if le.File == file && le.Start < fe.End && fe.Start < le.End {
				return refuseMerge("%s:%d:%d: the link %s lies in the frontmatter value the merge replaces (%s)", file, le.Line, le.Col, le.Old, key)
			}
		}
		mp.Frontmatter = append(mp.Frontmatter, fe)
		return nil
	}
	if !opt.Delete {
		err := fmEdit(dupPath, "duplicate_of", frontmatter.Quote(ref), func(src []byte) (splice.Edit, bool, error) {
			e, err := frontmatter.SetKey(src, "duplicate_of", frontmatter.Quote(ref))
			return e, err == nil, err
		})
		if err != nil {
			return nil, err
		}
	}
	if opt.Alias {
		alias := ix.Notes[dup].Title
		if strings.TrimSpace(alias) == "" {
			alias = dialect.StemOf(dupPath)
		}
		mp.Alias = alias
		err := fmEdit(canonPath, "aliases", alias, func(src []byte) (splice.Edit, bool, error) {
			e, changed, err := frontmatter.AddToList(src, "aliases", alias)
			mp.AliasPresent = err == nil && !changed
			return e, changed, err
		})
		if err != nil {
			return nil, err
		}
	}
	return mp, nil
}

// MergeResult is what Merge did.
type MergeResult struct {
	ApplyResult
	Plan *MergePlan
	// Deleted is set when the duplicate note was removed.
	Deleted bool
}

// Merge carries out p on the same safe path as Apply: under the store's
// lock it reads every file to rewrite and checks it against what was
// planned, records every rewritten file (and the duplicate's bytes when
// it is removed) in one snapshot journal, then writes each file
// atomically, removing the duplicate last. A file changed since it was
// read makes the whole merge refused before anything is written; a file
// changed in the instant between the last check and its rename is left
// alone and reported in Skipped. A crash leaves every file old or new;
// Recover rolls the whole merge back or forward, and Undo reverts it
// (recreating a removed duplicate byte for byte).
func Merge(ctx context.Context, rep *Report, p *MergePlan, opt ApplyOptions) (*MergeResult, error) {
	dir, err := StoreDir(rep.Vault.Dir, rep.Settings.Config, opt.Store)
	if err != nil {
		return nil, err
	}
	res := &MergeResult{ApplyResult: ApplyResult{Store: dir}, Plan: p}
	files, byFile := p.FileEdits()
	res.Planned = len(p.Files())
	w, err := lockForRewrite(rep, dir, opt.Store)
	if err != nil {
		return res, err
	}
	defer w.end()
	fo := w.fo

	b, err := w.st.NewBatch()
	if err != nil {
		return res, fmt.Errorf("snapshot: %w (nothing was merged)", err)
	}
	changes, skips, err := addEdits(b, fo, rep, files, byFile)
	if err == nil && len(skips) > 0 {
		b.Discard()
		return res, refuseMerge("the links to %s cannot all be redirected: %s", p.Dup, skipList(skips))
	}
	if err == nil && p.Delete {
		cur, fi, sum, rerr := readPlanned(fo, rep, p.Dup)
		if rerr != nil {
			b.Discard()
			return res, refuseMerge("%s", rerr)
		}
		mode := fi.Mode().Perm()
		if _, _, err = b.Add(snapshot.FileChange{Path: p.Dup, Before: cur, Deleted: true, Mode: mode, BeforeSum: sum}); err == nil {
			changes = append(changes, fileChange{path: p.Dup, before: cur, mode: mode, deleted: true})
		}
	}
	if err == nil {
		err = b.SetSubject(snapshot.Subject{From: p.Dup, To: p.Canon, Deleted: p.Delete})
	}
	if err != nil {
		b.Discard()
		return res, fmt.Errorf("snapshot: %w (nothing was merged)", err)
	}
	// The duplicate goes last: interrupted before, its links already lead
	// to the note it merges into, and it is still there.
	done, err := w.commit(ctx, snapshot.OpMerge, b, changes, &res.ApplyResult, "merged")
	res.Deleted = p.Delete && done[p.Dup]
	for _, f := range files {
		if done[f] {
			res.Changed = append(res.Changed, FileResult{Path: f, Edits: byFile[f]})
		}
	}
	return res, err
}
