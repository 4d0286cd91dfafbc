package workspace

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"slices"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/vault"
)

// MovePlan is what moving one note takes: its new path, the folders to
// create for it, and the renamed edits that keep every link on the notes
// it pointed to (see plan.Move). Edits name each file by its path after
// the move.
type MovePlan struct {
	From, To string
	Dirs     []string // folders to create for To, parents first
	Edits    []plan.Edit
	// Folder is set when From is a folder; Moved then lists every file
	// in it, notes and other files, with its new path, in path order.
	// For one note, Moved holds the note alone.
	Folder bool
	Moved  []MovedFile
	// OldHeading and NewHeading are set when the move renames a heading
	// of the note From (= To) instead: Moved is empty, and the first of
	// Edits in From rewrites the heading line.
	OldHeading, NewHeading string
}

// Links counts the links the move rewrites (a heading's own line is no
// link).
func (p *MovePlan) Links() int {
	if p.OldHeading != "" {
		return len(p.Edits) - 1
	}
	return len(p.Edits)
}

// MovedFile is one file a move carries: its old and new path, and the
// folders created for it, parents first.
type MovedFile struct {
	From, To string
	Note     bool
	Dirs     []string
}

// Files counts the files the move rewrites besides the moved ones.
func (p *MovePlan) Files() int {
	files, _ := report.FileEdits(p.Edits)
	moved := map[string]bool{}
	for _, m := range p.Moved {
		moved[m.To] = true
	}
	n := 0
	for _, f := range files {
		if !moved[f] {
			n++
		}
	}
	return n
}

// OldPath is the path the file at p after the move has before it.
func (p *MovePlan) OldPath(to string) string {
	for _, m := range p.Moved {
		if m.To == to {
			return m.From
		}
	}
	return to
}

// MoveError is a move refused before anything was written. Detail, when
// set, lists what made it refuse, a line each.
type MoveError struct{ Msg, Detail string }

func (e *MoveError) Error() string { return e.Msg + "; nothing was moved" + e.Detail }

func refuse(format string, args ...any) error { return &MoveError{Msg: fmt.Sprintf(format, args...)} }

// PlanMove plans moving the note src to dst (SPEC §7 safety applies when
// Move carries it out). src and dst are paths relative to the vault, or
// absolute paths inside it; dst is the new path when it ends in a note
// extension, else an existing folder that receives the note under its
// name (so is a dst ending in "/"). It refuses, with a *MoveError: a src
// that is not a readable note of the vault, or one apply would not
// rewrite (a symlink, read-only, other hard links); a dst outside the
// vault (by "..", an absolute path elsewhere or a symlinked folder), one
// the vault's walk does not read (hidden, excluded), one that exists or
// names src's own file; and a move whose links could not all be kept.
// A src that is a folder moves with every file in it (planFolderMove); a
// src NOTE#Heading renames that heading of the note to the text dst
// (planHeadingRename). Nothing is written.
func PlanMove(rep *Report, src, dst string) (*MovePlan, error) {
	if rep.Doubt != nil {
		return nil, fmt.Errorf("%w, refusing to move: %s", ErrWrongDialect, rep.Doubt)
	}
	if err := refuseUnread(rep, "move"); err != nil {
		return nil, err
	}
	root := rep.Vault.Root
	if note, heading, ok := headingArg(rep, src); ok {
		return planHeadingRename(rep, note, heading, dst)
	}
	from, err := vaultPath(rep.Vault.Dir, src)
	if err != nil {
		return nil, err
	}
	to, err := vaultPath(rep.Vault.Dir, dst)
	if err != nil {
		return nil, err
	}
	if fi, err := root.Lstat(from); from == "." || err == nil && fi.IsDir() {
		return planFolderMove(rep, from, to, dst)
	}
	id, ok := rep.Index.NoteByPath(from)
	if !ok {
		if fi, err := root.Lstat(from); err == nil && !fi.IsDir() {
			return nil, refuse("%s is not a note of the vault (a note is a .md or .markdown file that is not excluded)", from)
		}
		return nil, refuse("%s: no such note in %s", from, rep.Vault.Dir)
	}
	if n := rep.Index.Notes[id]; n.Err != nil {
		return nil, refuse("%s cannot be read as a note (%v), so its links cannot be kept", from, n.Err)
	}
	if fi, err := root.Stat(to); err == nil && fi.IsDir() || strings.HasSuffix(dst, "/") || strings.HasSuffix(dst, string(filepath.Separator)) || to == "." {
		to = path.Join(to, path.Base(from))
	} else if !index.IsNoteExt(path.Ext(to)) {
		return nil, refuse("%s is neither an existing folder nor a note path (ending in .md or .markdown)", dst)
	}
	if !utf8.ValidString(to) {
		return nil, refuse("%q is not valid UTF-8: no link can name it", to)
	}
	if to == from {
		return nil, refuse("%s is already at %s", from, to)
	}
	if vault.Skipped(to, rep.Settings.Exclude) {
		return nil, refuse("%s is a path relink does not read as a note (hidden, excluded, or relink's own folder): the links to it could not be kept", to)
	}
	dirs, err := newFolderChain(root, path.Dir(to))
	if err != nil {
		return nil, err
	}
	if err := checkFree(root, from, to); err != nil {
		return nil, err
	}
	if fi, err := root.Lstat(from); err == nil {
		// What apply would not rewrite, mv does not move: a symlink would
		// be replaced by a copy, a hard link split, a read-only note is
		// protected.
		if err := replaceable(fi); err != nil {
			return nil, refuse("%s %v", from, err)
		}
	}
	after, ids, ok := rep.Index.WithMove(from, to)
	if !ok {
		return nil, refuse("%s is a note of the vault already", to)
	}
	edits, unfixable := plan.Move(rep.Index, after, ids)
	if len(unfixable) > 0 {
		var b strings.Builder
		for _, f := range unfixable {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s: %s", report.Name(f.File), f.Line, f.Col, f.Link, f.Message)
		}
		return nil, &MoveError{Msg: fmt.Sprintf("moving %s to %s would break %s that cannot be rewritten", from, to, report.Count(len(unfixable), "link")), Detail: ":" + b.String()}
	}
	mp := &MovePlan{From: from, To: to, Dirs: dirs, Edits: edits, Moved: []MovedFile{{From: from, To: to, Note: true, Dirs: dirs}}}
	if err := checkDuplicatesKept(rep.Index, after, mp); err != nil {
		return nil, err
	}
	return mp, nil
}

// checkDuplicatesKept refuses a move whose rewritten duplicate_of values
// would change which note is a duplicate of which. A duplicate_of value is
// a link, rewritten as links are, but it names its note by the rule of
// duplicate_of (any note's name, wherever the note is), not by the
// rule of links: a value two notes' names match is no duplicate relation
// at all, though as a link it finds one of them. Rewritten to the moved
// note's new, unique name it would become one, and every link to the
// duplicate would then lead to another note; a move that gives a note
// another's name can likewise end a relation. after is the index with
// the files at their new paths.
func checkDuplicatesKept(before, after *index.Index, p *MovePlan) error {
	refs := map[int32]string{}
	for _, e := range p.Edits {
		id, ok := after.NoteByPath(e.File)
		if !ok {
			continue
		}
		cur, seen := refs[id]
		if !seen {
			cur = after.Notes[id].DuplicateOf
		}
		if strings.Contains(cur, e.Old) {
			refs[id] = strings.Replace(cur, e.Old, e.New, 1)
		}
	}
	final := after
	if len(refs) > 0 {
		final = after.WithDuplicatesOf(refs)
	}
	moved := make(map[string]string, len(p.Moved))
	back := make(map[string]string, len(p.Moved))
	for _, m := range p.Moved {
		moved[m.From], back[m.To] = m.To, m.From
	}
	newPath := func(old string) string {
		if p, ok := moved[old]; ok {
			return p
		}
		return old
	}
	for i, n := range final.Notes {
		old := n.Path
		if p, ok := back[old]; ok {
			old = p
		}
		bi, ok := before.NoteByPath(old)
		if !ok {
			continue
		}
		want := newPath(before.Notes[before.Canonical(bi)].Path)
		if got := final.Notes[final.Canonical(int32(i))].Path; got != want {
			what := "no longer a duplicate of " + want
			if got != n.Path {
				what = "a duplicate of " + got
			}
			if want == n.Path {
				what = "a duplicate of " + got + ", which it is not today"
			}
			value := n.DuplicateOf
			if ai, ok := after.NoteByPath(n.Path); ok {
				value = after.Notes[ai].DuplicateOf
			}
			return refuse("moving %s to %s would make %s %s (its duplicate_of %q names its note by any note's name, not as a link does): make it name one note alone first", p.From, p.To, n.Path, what, strings.TrimSpace(value))
		}
	}
	return nil
}

// headingArg splits a SRC of the form NOTE#Heading into the note's vault
// path and the heading, when SRC as a whole is no file of the vault and a
// '#' in it ends the path of a note (a note's name may hold '#' too).
func headingArg(rep *Report, src string) (note, heading string, ok bool) {
	if !strings.Contains(src, "#") {
		return "", "", false
	}
	if p, err := vaultPath(rep.Vault.Dir, src); err == nil {
		if _, err := rep.Vault.Root.Lstat(p); err == nil {
			return "", "", false
		}
	}
	for i := range len(src) {
		if src[i] != '#' {
			continue
		}
		p, err := vaultPath(rep.Vault.Dir, src[:i])
		if err != nil {
			continue
		}
		if _, ok := rep.Index.NoteByPath(p); ok {
			return p, src[i+1:], true
		}
	}
	return "", "", false
}

// planHeadingRename plans renaming the heading old of note to new: its
// line's text (plan.HeadingEdit) and every link into it
// (plan.RenameHeading). It refuses, with a *MoveError, a heading that is
// not there or is there twice, a new text that is a heading of the note
// already, and links it cannot rewrite.
func planHeadingRename(rep *Report, note, old, new string) (*MovePlan, error) {
	id, _ := rep.Index.NoteByPath(note)
	if n := rep.Index.Notes[id]; n.Err != nil {
		return nil, refuse("%s cannot be read as a note (%v), so its links cannot be kept", note, n.Err)
	}
	old = strings.TrimSpace(old)
	new = strings.TrimSpace(strings.TrimLeft(new, "#"))
	if old == new {
		return nil, refuse("the heading %q of %s is already called so", old, note)
	}
	src, err := rep.Vault.ReadFile(note)
	if err != nil {
		return nil, refuse("%s: %s", note, unwrapPathErr(err))
	}
	head, err := plan.HeadingEdit(note, src, old, new)
	if err != nil {
		return nil, refuse("%v", err)
	}
	edits, unfixable := plan.RenameHeading(rep.Index, id, old, new)
	for _, e := range edits {
		if e.File == note && e.Start < head.End && head.Start < e.End {
			return nil, refuse("%s:%d: the heading %q holds a link into itself: rename it by hand", note, head.Line, old)
		}
	}
	if len(unfixable) > 0 {
		var b strings.Builder
		for _, f := range unfixable {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s: %s", report.Name(f.File), f.Line, f.Col, f.Link, f.Message)
		}
		return nil, &MoveError{Msg: fmt.Sprintf("renaming the heading %q of %s would break %s that cannot be rewritten", old, note, report.Count(len(unfixable), "link")), Detail: ":" + b.String()}
	}
	edits = append([]plan.Edit{head}, edits...)
	slices.SortStableFunc(edits, func(a, b plan.Edit) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Start, b.Start))
	})
	return &MovePlan{From: note, To: note, Edits: edits, OldHeading: old, NewHeading: new}, nil
}

// planFolderMove plans moving the folder from with every file in it (see
// PlanMove): to is the new folder's path, or an existing folder that
// receives it under its name (so is a dst ending in "/").
func planFolderMove(rep *Report, from, to, dst string) (*MovePlan, error) {
	root := rep.Vault.Root
	if from == "." {
		return nil, refuse("%s is the vault itself", dst)
	}
	if fi, err := root.Lstat(from); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, refuse("%s is a symlink: relink mv moves only real folders of the vault", from)
	}
	if fi, err := root.Stat(to); err == nil && fi.IsDir() || strings.HasSuffix(dst, "/") || strings.HasSuffix(dst, string(filepath.Separator)) || to == "." {
		to = path.Join(to, path.Base(from))
	}
	if !utf8.ValidString(to) {
		return nil, refuse("%q is not valid UTF-8: no link can name it", to)
	}
	if to == from {
		return nil, refuse("%s is already at %s", from, to)
	}
	if strings.HasPrefix(to, from+"/") {
		return nil, refuse("%s is inside the folder %s itself", to, from)
	}
	if vault.Skipped(to, rep.Settings.Exclude) {
		return nil, refuse("%s is a path relink does not read as a note (hidden, excluded, or relink's own folder): the links to it could not be kept", to)
	}
	if fi, err := root.Lstat(to); err == nil && (!fi.IsDir() || !isEmptyDir(root, to)) {
		return nil, refuse("%s already exists", to)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, refuse("%s: %s", to, unwrapPathErr(err))
	}
	top, err := newFolderChain(root, to)
	if err != nil {
		return nil, err
	}
	var moved []MovedFile
	notes := map[string]string{}
	attachments := map[string]string{}
	err = fs.WalkDir(root.FS(), from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return refuse("%s: %s", p, unwrapPathErr(err))
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return refuse("%s is a symlink: relink mv moves only real folders and files", p)
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return refuse("%s is not a regular file", p)
		}
		np := to + strings.TrimPrefix(p, from)
		if !utf8.ValidString(np) {
			return refuse("%q is not valid UTF-8: no link can name it", np)
		}
		m := MovedFile{From: p, To: np}
		if id, ok := rep.Index.NoteByPath(p); ok {
			if n := rep.Index.Notes[id]; n.Err != nil {
				return refuse("%s cannot be read as a note (%v), so its links cannot be kept", p, n.Err)
			}
			m.Note = true
			notes[p] = np
		} else {
			attachments[p] = np
		}
		if fi, err := d.Info(); err == nil {
			if err := replaceable(fi); err != nil {
				return refuse("%s %v", p, err)
			}
		}
		// Every folder from the new top one down to the file's is new.
		m.Dirs = slices.Clone(top)
		rel := strings.Split(strings.TrimPrefix(path.Dir(np), to), "/")
		for i := 1; i < len(rel); i++ {
			m.Dirs = append(m.Dirs, to+strings.Join(rel[:i+1], "/"))
		}
		moved = append(moved, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(moved) == 0 {
		return nil, refuse("%s holds no file to move", from)
	}
	after, ids, ok := rep.Index.WithMoves(notes, attachments)
	if !ok {
		return nil, refuse("a note of the vault is at a path under %s already", to)
	}
	edits, unfixable := plan.MoveFiles(rep.Index, after, ids, attachments)
	if len(unfixable) > 0 {
		var b strings.Builder
		for _, f := range unfixable {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s: %s", report.Name(f.File), f.Line, f.Col, f.Link, f.Message)
		}
		return nil, &MoveError{Msg: fmt.Sprintf("moving %s to %s would break %s that cannot be rewritten", from, to, report.Count(len(unfixable), "link")), Detail: ":" + b.String()}
	}
	mp := &MovePlan{From: from, To: to, Dirs: top, Edits: edits, Folder: true, Moved: moved}
	if err := checkDuplicatesKept(rep.Index, after, mp); err != nil {
		return nil, err
	}
	return mp, nil
}

// isEmptyDir reports whether the folder d holds nothing.
func isEmptyDir(root *os.Root, d string) bool {
	f, err := root.Open(d)
	if err != nil {
		return false
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) == 0 && err != nil
}

// vaultPath turns a command-line path into a clean vault-relative path,
// refusing one that leaves the vault.
func vaultPath(vaultDir, p string) (string, error) {
	if p == "" {
		return "", refuse("an empty path")
	}
	rel := p
	if filepath.IsAbs(p) {
		r, err := filepath.Rel(vaultDir, p)
		if err != nil {
			return "", refuse("%s is outside the vault %s", p, vaultDir)
		}
		rel = r
	}
	rel = filepath.ToSlash(filepath.Clean(rel))
	if rel == "." {
		return ".", nil
	}
	if !filepath.IsLocal(filepath.FromSlash(rel)) || strings.HasPrefix(rel, "../") || rel == ".." {
		return "", refuse("%s is outside the vault %s", p, vaultDir)
	}
	return rel, nil
}

// newFolderChain checks the folders leading to dir: each existing one
// must be a real folder (a symlink could lead out of the vault, or into
// another place in it than the path says), and it returns the ones that
// do not exist yet, parents first.
func newFolderChain(root *os.Root, dir string) ([]string, error) {
	if dir == "." {
		return nil, nil
	}
	var missing []string
	parts := strings.Split(dir, "/")
	for i := range parts {
		d := strings.Join(parts[:i+1], "/")
		if len(missing) > 0 {
			missing = append(missing, d)
			continue
		}
		fi, err := root.Lstat(d)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, d)
		case err != nil:
			return nil, refuse("%s: %s", d, unwrapPathErr(err))
		case fi.Mode()&fs.ModeSymlink != 0:
			return nil, refuse("%s is a symlink: relink mv moves notes only into real folders of the vault", d)
		case !fi.IsDir():
			return nil, refuse("%s is not a folder", d)
		}
	}
	return missing, nil
}

// checkFree refuses a destination that exists. When it is the source
// itself under another spelling (a rename by case alone on a
// case-insensitive file system, where both names open one file), it says
// so: the move would need a temporary name in between.
func checkFree(root *os.Root, from, to string) error {
	tfi, err := root.Lstat(to)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return refuse("%s: %s", to, unwrapPathErr(err))
	}
	if sfi, err := root.Lstat(from); err == nil && os.SameFile(sfi, tfi) {
		return refuse("%s and %s are the same file on this file system (a rename by case alone on a case-insensitive file system, or a hard link): move the note to another name first, then to %s", from, to, to)
	}
	return refuse("%s already exists", to)
}

// MoveResult is what Move did.
type MoveResult struct {
	ApplyResult
	Plan *MovePlan
	// Moved is set when the note is at its new path and gone from the
	// old one.
	Moved bool
}

// Move carries out p on the same safe path as Apply: under the store's
// lock it reads the moved note and every file to rewrite, checks each
// against what was planned, records the move (old path and bytes, new
// path and bytes, the folders it creates) and every rewritten file in one
// snapshot journal, then writes: the note at its new path first, the
// other files next, and the old path is removed last, each step atomic.
// A file that changed since it was read makes the whole move refused
// before anything is written, since the links in it would break; a file
// changed in the instant between the last check and its rename is left
// alone and reported in Skipped, as apply does. A crash leaves every file
// old or new; Recover rolls the whole move back or forward.
func Move(ctx context.Context, rep *Report, p *MovePlan, opt ApplyOptions) (*MoveResult, error) {
	dir, err := StoreDir(rep.Vault.Dir, rep.Settings.Config, opt.Store)
	if err != nil {
		return nil, err
	}
	res := &MoveResult{ApplyResult: ApplyResult{Store: dir}, Plan: p}
	files, byFile := report.FileEdits(p.Edits)
	sort.Strings(files)
	res.Planned = len(files)
	w, err := lockForRewrite(rep, dir, opt.Store)
	if err != nil {
		return res, err
	}
	defer w.end()
	fo := w.fo

	// The moved files: their bytes as planned (a note's as it was read),
	// its edits spliced in.
	type movedContent struct {
		cur, next []byte
		mode      fs.FileMode
		sum       [32]byte
	}
	contents := make([]movedContent, len(p.Moved))
	movedTo := map[string]bool{}
	for i, mf := range p.Moved {
		movedTo[mf.To] = true
		var cur []byte
		var fi fs.FileInfo
		var sum [32]byte
		var err error
		if mf.Note {
			cur, fi, sum, err = readPlanned(fo, rep, mf.From)
		} else if cur, fi, err = readCurrent(fo, mf.From); err != nil {
			err = fmt.Errorf("%s %s", mf.From, skipReason(err, "read"))
		} else {
			sum = sha256.Sum256(cur)
		}
		if err != nil {
			return res, refuse("%s", err)
		}
		if _, err := rep.Vault.Root.Lstat(mf.To); !errors.Is(err, fs.ErrNotExist) {
			return res, refuse("%s already exists", mf.To)
		}
		next, err := splice.Apply(cur, report.SpliceEdits(byFile[mf.To]))
		if err != nil {
			return res, refuse("%s changed since it was read (%v)", mf.From, err)
		}
		contents[i] = movedContent{cur: cur, next: next, mode: fi.Mode().Perm(), sum: sum}
	}

	others := make([]string, 0, len(files))
	for _, f := range files {
		if !movedTo[f] {
			others = append(others, f)
		}
	}
	b, err := w.st.NewBatch()
	if err != nil {
		return res, fmt.Errorf("snapshot: %w (nothing was moved)", err)
	}
	changes, skips, err := addEdits(b, fo, rep, others, byFile)
	if err == nil && len(skips) > 0 {
		b.Discard()
		return res, refuse("its links in other files cannot be kept: %s", skipList(skips))
	}
	for i, mf := range p.Moved {
		c := contents[i]
		if err == nil {
			_, _, err = b.Add(snapshot.FileChange{Path: mf.From, Before: c.cur, Deleted: true, Mode: c.mode, BeforeSum: c.sum})
		}
		if err == nil {
			_, _, err = b.Add(snapshot.FileChange{Path: mf.To, After: c.next, Created: true, Mode: c.mode})
		}
		if err == nil {
			err = b.AddMove(snapshot.Move{From: mf.From, To: mf.To, Dirs: mf.Dirs})
		}
	}
	if err == nil {
		subj := snapshot.Subject{From: p.From, To: p.To, Folder: p.Folder, OldHeading: p.OldHeading, NewHeading: p.NewHeading}
		err = b.SetSubject(subj)
	}
	if err != nil {
		b.Discard()
		return res, fmt.Errorf("snapshot: %w (nothing was moved)", err)
	}
	// The files appear at their new paths before anything else changes
	// and leave their old ones last: interrupted anywhere, the vault
	// holds each of them.
	all := make([]fileChange, 0, len(changes)+2*len(p.Moved))
	for i, mf := range p.Moved {
		all = append(all, fileChange{path: mf.To, after: contents[i].next, mode: contents[i].mode, created: true})
	}
	all = append(all, changes...)
	for i, mf := range p.Moved {
		all = append(all, fileChange{path: mf.From, before: contents[i].cur, mode: contents[i].mode, deleted: true})
	}
	done, err := w.commit(ctx, snapshot.OpMove, b, all, &res.ApplyResult, "moved")
	// A heading renamed moves no file: done when its note is written.
	res.Moved = len(p.Moved) > 0 || done[p.From]
	for _, mf := range p.Moved {
		res.Moved = res.Moved && done[mf.From] && done[mf.To]
	}
	if res.Moved && p.Folder {
		removeEmptyFolders(rep.Vault.Root, p)
	}
	for _, f := range files {
		if done[f] {
			res.Changed = append(res.Changed, FileResult{Path: f, Edits: byFile[f]})
		}
	}
	return res, err
}

// removeEmptyFolders removes the folders that a folder move emptied,
// deepest first: the folder from and those that held a moved file, as a
// move by the file system leaves none of them. A folder still holding
// anything (an empty folder the move did not concern) stays; an undo
// puts the files back and so makes their folders again.
func removeEmptyFolders(root *os.Root, p *MovePlan) {
	seen := map[string]bool{}
	var dirs []string
	for _, mf := range p.Moved {
		for d := path.Dir(mf.From); d == p.From || strings.HasPrefix(d, p.From+"/"); d = path.Dir(d) {
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	// Deepest first: a longer path is never a parent of a shorter one.
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if root.Remove(d) == nil {
			_ = atomicfile.SyncDir(root, path.Dir(d))
		}
	}
}
