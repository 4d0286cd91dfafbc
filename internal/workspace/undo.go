package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/filename"
	"github.com/relinkmd/relink/internal/regularfile"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
)

// ErrNothingToUndo is returned by Undo when no apply is left to undo.
var ErrNothingToUndo = errors.New("nothing to undo")

// UndoOptions configure Undo.
type UndoOptions struct {
	Store    string // snapshot store folder from the command line ("": config or default)
	Snapshot string // the snapshot to undo (see LoadSnapshot); "": the last apply still in effect
	Force    bool   // also restore files changed since the snapshot
	DryRun   bool   // only report what would be done
}

// RevertResult is what Undo or Restore did, or would do in a dry run.
type RevertResult struct {
	Store    string
	Target   snapshot.Manifest // the snapshot undone, or restored from
	Snapshot snapshot.Manifest // the new snapshot recording this operation; ID "" if none
	Restored []string          // files rewritten (in a dry run: to rewrite)
	Already  []string          // files already holding the wanted content
	// Overwritten lists the restored files that held neither of the
	// target's recorded contents (edited since); their content is kept in
	// Snapshot.
	Overwritten []string
	Skipped     []Skip
	Interrupted bool
}

// Undo reverts a snapshot: by default the last apply of this vault still
// in effect (an apply is no longer in effect once an undo reverted it,
// unless that undo was undone in turn). Each file of the snapshot that still holds exactly
// the content the operation wrote gets its old content back; a file edited
// since is left alone and reported, unless Force. Undo records itself as a
// snapshot (op undo, parent the undone snapshot), so it can be undone too.
func Undo(ctx context.Context, v *vault.Vault, cfg config.Config, opt UndoOptions) (*RevertResult, error) {
	st, release, res, err := openForRevert(v, cfg, opt.Store)
	if err != nil {
		return res, err
	}
	defer release()
	if st == nil {
		err := fmt.Errorf("%w: no snapshots of this vault in %s", ErrNothingToUndo, res.Store)
		if !explicitStore(cfg, opt.Store) {
			if m, ok := movedFrom(res.Store); ok {
				err = fmt.Errorf("%w; the store %s holds snapshots of %s, a folder that no longer exists: if this vault was moved from there, `%s` undoes its last apply",
					err, m.store, m.vault, Advice("relink undo", v.Dir, cfg, m.store))
			}
		}
		return res, err
	}
	ms, err := st.List()
	if err != nil {
		return res, err
	}
	h := History(ms)
	var target *HistoryEntry
	if opt.Snapshot != "" {
		m, err := LoadSnapshot(st, opt.Snapshot)
		if err != nil {
			return res, err
		}
		for i := range h {
			if h[i].ID == m.ID {
				target = &h[i]
			}
		}
		if target == nil {
			target = &HistoryEntry{Manifest: m}
		}
	} else {
		var partly *HistoryEntry
		var applies int
		target, partly, applies = lastInEffect(h, v.Dir, explicitStore(cfg, opt.Store), opt.Force)
		if target == nil {
			if partly != nil {
				files, them := "1 file", "it"
				if n := len(partly.Left); n > 1 {
					files, them = fmt.Sprintf("%d files", n), "them"
				}
				return res, fmt.Errorf("%w without --force: %s %s is partly undone, %s left (edited since the %s); %s restores %s", ErrNothingToUndo, partly.Op, partly.ID, files, partly.Op, Advice("relink undo --force", v.Dir, cfg, opt.Store), them)
			}
			if applies > 0 {
				return res, fmt.Errorf("%w: every apply, mv and merge of this vault has been undone (%s shows them)", ErrNothingToUndo, Advice("relink snapshot list", v.Dir, cfg, opt.Store))
			}
			return res, fmt.Errorf("%w: no apply, mv or merge of this vault is recorded in %s", ErrNothingToUndo, res.Store)
		}
	}
	res.Target = target.Manifest
	if target.UndoneBy != "" && len(target.Left) == 0 {
		return res, fmt.Errorf("%w: %s %s has been undone by %s (%s shows the history)", ErrNothingToUndo, target.Op, target.ID, target.UndoneBy, Advice("relink snapshot list", v.Dir, cfg, opt.Store))
	}
	entries := res.Target.Files
	if target.UndoneBy != "" {
		// Only the files no undo in effect reverted: one that an undo
		// restored and the user edited since is not this snapshot's to
		// overwrite any more.
		entries = nil
		left := map[string]bool{}
		for _, p := range target.Left {
			left[p] = true
		}
		for _, f := range res.Target.Files {
			if left[f.Path] {
				entries = append(entries, f)
			}
		}
	}
	fo := newFolders(v.Root)
	defer fo.close()
	adv := func(cmd string) string { return Advice(cmd, v.Dir, cfg, opt.Store) }
	changes, err := planRevert(st, fo, res, entries, false, opt.Force, adv)
	if err != nil || opt.DryRun {
		return res, err
	}
	err = runRevert(ctx, st, v, fo, snapshot.OpUndo, res, changes, revertedMoves(res.Target.Moves, changes, false), adv)
	removeMoveDirs(v.Root, res.Target.Moves)
	return res, err
}

// revertedMoves are the moves that writing changes makes of moves, an
// operation's recorded moves: each one whose two files are rewritten,
// backwards (an undo, a restore of the old content), or forwards again
// (a restore of the new content).
func revertedMoves(moves []snapshot.Move, changes []fileChange, forward bool) []snapshot.Move {
	in := map[string]bool{}
	for _, c := range changes {
		in[c.path] = true
	}
	var out []snapshot.Move
	for _, m := range moves {
		if !in[m.From] || !in[m.To] {
			continue
		}
		if forward {
			out = append(out, snapshot.Move{From: m.From, To: m.To})
		} else {
			out = append(out, snapshot.Move{From: m.To, To: m.From})
		}
	}
	return out
}

// removeMoveDirs removes the folders that moves created, deepest first,
// where the moved note is no longer there and the folder is empty: an
// undone move leaves the vault's folders as they were. A folder holding
// anything else stays.
func removeMoveDirs(root *os.Root, moves []snapshot.Move) {
	for _, m := range moves {
		if _, err := root.Lstat(m.To); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		// A crash may have cut the creation short: a deeper folder
		// missing does not keep its parent.
		for i := len(m.Dirs) - 1; i >= 0; i-- {
			err := root.Remove(m.Dirs[i])
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				break
			}
			_ = atomicfile.SyncDir(root, path.Dir(m.Dirs[i]))
		}
	}
}

// lastInEffect walks the applies of the vault at vaultDir in h from the
// newest back and returns the one a plain undo reverts: the newest that no
// undo reverted, or with force also one that a partial undo left files of
// (what --force was advised for). partly is the newest partly undone apply
// it passed, and applies how many applies of that vault it looked at.
// explicit says the store was given explicitly (see sameVault).
func lastInEffect(h []HistoryEntry, vaultDir string, explicit, force bool) (target, partly *HistoryEntry, applies int) {
	for i := len(h) - 1; i >= 0; i-- {
		// A store shared by several vaults holds their snapshots side
		// by side: only this vault's count.
		if !h[i].Op.Undoable() || !sameVault(h[i].Vault, vaultDir, explicit) {
			continue
		}
		applies++
		switch {
		case h[i].UndoneBy == "", h[i].PartlyUndone() && force:
			return &h[i], partly, applies
		case h[i].PartlyUndone() && partly == nil:
			partly = &h[i]
		}
	}
	return nil, partly, applies
}

// LastApply returns the apply that Undo reverts by default: the last apply
// of the vault at vaultDir still in effect in its snapshot store, or nil
// when there is none. It creates nothing and takes no lock, so a front end
// can show it while nothing runs.
func LastApply(vaultDir string, cfg config.Config, storeFlag string) (*snapshot.Manifest, error) {
	st, err := peekVaultStore(vaultDir, cfg, storeFlag)
	if err != nil || st == nil {
		return nil, err
	}
	defer st.Close()
	ms, err := st.List()
	if err != nil {
		return nil, err
	}
	target, _, _ := lastInEffect(History(ms), vaultDir, explicitStore(cfg, storeFlag), false)
	if target == nil {
		return nil, nil
	}
	return &target.Manifest, nil
}

// RestoreOptions configure Restore.
type RestoreOptions struct {
	Store    string
	Snapshot string   // see LoadSnapshot
	Paths    []string // vault-relative files or folders to restore; none: all
	After    bool     // restore the content the operation wrote, not the one before it
	To       string   // write the files under this folder instead of into the vault
	DryRun   bool
}

// Restore writes back the files of a snapshot as they were before its
// operation (or after it, with After). Into the vault, it overwrites what
// is there now, even a file edited since, but records itself as a snapshot
// first (op restore, parent the snapshot), so nothing is lost and the
// restore can be undone. With To it only writes copies under that folder,
// never overwriting a different file there.
func Restore(ctx context.Context, v *vault.Vault, cfg config.Config, opt RestoreOptions) (*RevertResult, error) {
	st, release, res, err := openForRevert(v, cfg, opt.Store)
	if err != nil {
		return res, err
	}
	defer release()
	if st == nil {
		return res, fmt.Errorf("load snapshot %s: %w (no snapshots of this vault in %s)", opt.Snapshot, snapshot.ErrNotFound, res.Store)
	}
	if res.Target, err = LoadSnapshot(st, opt.Snapshot); err != nil {
		return res, err
	}
	entries, err := SelectPaths(res.Target, opt.Paths)
	if err != nil {
		return res, err
	}
	adv := func(cmd string) string { return Advice(cmd, v.Dir, cfg, opt.Store) }
	if opt.To != "" {
		return res, restoreTo(st, res, entries, opt, adv)
	}
	fo := newFolders(v.Root)
	defer fo.close()
	changes, err := planRevert(st, fo, res, entries, opt.After, true, adv)
	if err != nil || opt.DryRun {
		return res, err
	}
	err = runRevert(ctx, st, v, fo, snapshot.OpRestore, res, changes, revertedMoves(res.Target.Moves, changes, opt.After), adv)
	if !opt.After {
		removeMoveDirs(v.Root, res.Target.Moves)
	}
	return res, err
}

// openForRevert opens the vault's store under its lock; st is nil when the
// store does not exist yet.
func openForRevert(v *vault.Vault, cfg config.Config, flag string) (st *snapshot.Store, release func(), res *RevertResult, err error) {
	res = &RevertResult{}
	release = func() {}
	if res.Store, err = StoreDir(v.Dir, cfg, flag); err != nil {
		return nil, release, res, err
	}
	peek, err := PeekStore(res.Store)
	if err != nil || peek == nil {
		return nil, release, res, err
	}
	peek.Close()
	if st, release, err = LockStore(res.Store); err != nil {
		return nil, func() {}, res, err
	}
	if err := checkPending(st, v.Dir, cfg, flag); err != nil {
		release()
		return nil, func() {}, res, err
	}
	return st, release, res, nil
}

// SelectPaths returns the entries of m under the given vault-relative
// files or folders (all of them if none is given).
func SelectPaths(m snapshot.Manifest, paths []string) ([]snapshot.FileEntry, error) {
	if len(paths) == 0 {
		return m.Files, nil
	}
	want := make([]string, len(paths))
	for i, p := range paths {
		want[i] = strings.TrimPrefix(path.Clean(filepath.ToSlash(p)), "./")
	}
	used := make([]bool, len(want))
	var out []snapshot.FileEntry
	for _, f := range m.Files {
		for i, w := range want {
			if w == "." || f.Path == w || strings.HasPrefix(f.Path, w+"/") {
				used[i] = true
				out = append(out, f)
				break
			}
		}
	}
	for i, ok := range used {
		if !ok {
			return nil, fmt.Errorf("%s: no such file in snapshot %s (paths are relative to the vault)", paths[i], m.ID)
		}
	}
	return out, nil
}

// planRevert decides, for each entry, what to write to bring the file to
// its Before content (or After, if after). A file holding neither recorded
// content is overwritten only if overwrite, else skipped. It reads every
// needed object first, so a damaged snapshot stops it before any write.
// adv spells the commands it advises (see Advice).
func planRevert(st *snapshot.Store, fo *folders, res *RevertResult, entries []snapshot.FileEntry, after, overwrite bool, adv func(string) string) ([]fileChange, error) {
	var changes []fileChange
	for _, f := range entries {
		want, other := f.Before, f.After
		if after {
			want, other = other, want
		}
		cur, fi, err := readCurrent(fo, f.Path)
		missing := errors.Is(err, fs.ErrNotExist)
		if err != nil && !missing {
			res.Skipped = append(res.Skipped, Skip{f.Path, skipReason(err, "recorded")})
			continue
		}
		var h *snapshot.Hash
		if !missing {
			s := snapshot.Sum(cur)
			h = &s
		}
		is := func(ref *snapshot.ObjectRef) bool {
			if ref == nil {
				return h == nil
			}
			return h != nil && *h == ref.SHA256
		}
		if is(want) {
			res.Already = append(res.Already, f.Path)
			continue
		}
		if !is(other) {
			if !overwrite {
				reason := "changed since snapshot " + res.Target.ID + "; left alone (--force restores it anyway, after snapshotting its current content)"
				if missing {
					reason = "was deleted since snapshot " + res.Target.ID + "; left alone (--force recreates it)"
				}
				res.Skipped = append(res.Skipped, Skip{f.Path, reason})
				continue
			}
			res.Overwritten = append(res.Overwritten, f.Path)
		}
		c := fileChange{path: f.Path, before: cur, created: missing, deleted: want == nil}
		if want != nil {
			data, err := st.Read(*want)
			if err != nil {
				// Nothing is written: nothing is to be reported as
				// restored either.
				res.Restored, res.Already, res.Overwritten, res.Skipped = nil, nil, nil, nil
				return nil, fmt.Errorf("snapshot %s: %s: %w (%s checks the store)", res.Target.ID, filename.Quote(f.Path), err, adv("relink snapshot verify"))
			}
			c.after = data
			c.mode = want.Mode
		}
		if fi != nil {
			c.mode = fi.Mode().Perm()
		}
		changes = append(changes, c)
		res.Restored = append(res.Restored, f.Path)
	}
	sortSkips(res.Skipped)
	return changes, nil
}

// runRevert writes the planned changes under a new snapshot.
func runRevert(ctx context.Context, st *snapshot.Store, v *vault.Vault, fo *folders, op snapshot.Op, res *RevertResult, changes []fileChange, moves []snapshot.Move, adv func(string) string) error {
	m, written, skips, interrupted, err := transact(ctx, st, fo, op, v.Dir, res.Target.ID, changes, moves, adv("relink recover"))
	res.Snapshot, res.Interrupted = m, interrupted
	res.Restored = written
	res.Skipped = append(res.Skipped, skips...)
	sortSkips(res.Skipped)
	if len(written) < len(changes) {
		w := map[string]bool{}
		for _, p := range written {
			w[p] = true
		}
		kept := res.Overwritten[:0]
		for _, p := range res.Overwritten {
			if w[p] {
				kept = append(kept, p)
			}
		}
		res.Overwritten = kept
	}
	return err
}

// restoreTo writes the wanted contents of entries under opt.To, creating
// folders as needed and never replacing a different existing file.
func restoreTo(st *snapshot.Store, res *RevertResult, entries []snapshot.FileEntry, opt RestoreOptions, adv func(string) string) error {
	type out struct {
		path string
		data []byte
		mode fs.FileMode
	}
	var outs []out
	for _, f := range entries {
		ref := f.Before
		if opt.After {
			ref = f.After
		}
		if ref == nil {
			res.Skipped = append(res.Skipped, Skip{f.Path, "did not exist at that point; nothing to write"})
			continue
		}
		data, err := st.Read(*ref)
		if err != nil {
			return fmt.Errorf("snapshot %s: %s: %w (%s checks the store)", res.Target.ID, filename.Quote(f.Path), err, adv("relink snapshot verify"))
		}
		outs = append(outs, out{f.Path, data, ref.Mode})
	}
	if opt.DryRun {
		for _, o := range outs {
			res.Restored = append(res.Restored, o.path)
		}
		return nil
	}
	if err := os.MkdirAll(opt.To, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(opt.To)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, o := range outs {
		// Never a blocking read: a named pipe there must not hang restore.
		old, err := regularfile.Read(root, o.path)
		switch {
		case err == nil && bytes.Equal(old, o.data):
			res.Already = append(res.Already, o.path)
			continue
		case err == nil:
			res.Skipped = append(res.Skipped, Skip{o.path, "exists in " + opt.To + " with other content; not overwritten"})
			continue
		case errors.Is(err, regularfile.ErrNotRegular):
			res.Skipped = append(res.Skipped, Skip{o.path, "exists in " + opt.To + " and is " + unwrapPathErr(err) + "; not overwritten"})
			continue
		}
		if err := root.MkdirAll(path.Dir(o.path), 0o755); err != nil {
			res.Skipped = append(res.Skipped, Skip{o.path, "cannot create its folder: " + unwrapPathErr(err)})
			continue
		}
		mode := o.mode
		if mode == 0 {
			mode = 0o644
		}
		// The copy is published only where the name is still free: a file
		// that appeared there since the check above is not replaced.
		st, err := atomicfile.Stage(root, o.path, o.data, mode, true)
		if err == nil {
			err = st.PublishOver(nil)
		}
		if err == nil {
			err = atomicfile.SyncDir(root, path.Dir(o.path))
		}
		switch {
		case errors.Is(err, atomicfile.ErrReplaced):
			res.Skipped = append(res.Skipped, Skip{o.path, "appeared in " + opt.To + " while being written; not overwritten"})
			continue
		case err != nil && (st == nil || !st.Published()):
			res.Skipped = append(res.Skipped, Skip{o.path, "cannot write: " + writeErr(err, o.path)})
			continue
		}
		res.Restored = append(res.Restored, o.path)
	}
	sortSkips(res.Skipped)
	return nil
}
