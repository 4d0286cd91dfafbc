package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/filename"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
)

// RecoverOptions configure Recover.
type RecoverOptions struct {
	Store   string
	Forward bool // finish the operation instead of rolling it back
	DryRun  bool // only report each file's state and what would be done
}

// Recovery actions, per file.
const (
	ActionRestored  = "restored"   // roll back: old content written back
	ActionUntouched = "untouched"  // roll back: the operation had not reached it
	ActionCompleted = "completed"  // roll forward: new content written
	ActionDone      = "done"       // roll forward: the operation had already written it
	ActionLeftAlone = "left alone" // changed by someone else, or cannot be written
)

// RecoverFile is one file of the interrupted operation.
type RecoverFile struct {
	Path   string
	Side   snapshot.Side // the state it was found in
	Action string        // one of the Action constants
	Reason string        // why it was left alone
}

// RecoverResult is what Recover found and did.
type RecoverResult struct {
	Store   string
	Journal *snapshot.Journal // nil: nothing was pending
	Forward bool
	Files   []RecoverFile     // sorted by path
	Commit  snapshot.Manifest // roll forward: the committed snapshot (ID "" if no file was at its new content)
	Temps   int               // leftover temp files removed
}

// LeftAlone counts the files recovery could not bring to a recorded state.
func (r *RecoverResult) LeftAlone() int {
	n := 0
	for _, f := range r.Files {
		if f.Action == ActionLeftAlone {
			n++
		}
	}
	return n
}

// Recover ends an operation that a crash interrupted (SPEC §7). Every file
// the journal lists is at its old content, its new content, or was changed
// by someone else since (left alone). Rolling back (the default) writes the
// old content to files at the new one and drops the journal, so the vault is
// as before the operation; rolling forward writes the new content to files
// still at the old one and commits the snapshot, as if the operation had
// finished. Both are idempotent: a crash during Recover is recovered by
// running it again. Leftover ".relink-tmp-*" files of the interrupted
// writes are removed from the folders of the listed files.
//
// If a file that should be written cannot be, the journal is kept and
// Recover returns an error after doing the rest.
func Recover(ctx context.Context, v *vault.Vault, cfg config.Config, opt RecoverOptions) (*RecoverResult, error) {
	res := &RecoverResult{Forward: opt.Forward}
	var err error
	if res.Store, err = StoreDir(v.Dir, cfg, opt.Store); err != nil {
		return res, err
	}
	peek, err := PeekStore(res.Store)
	if err != nil || peek == nil {
		return res, err
	}
	peek.Close()
	st, release, err := LockStore(res.Store)
	if err != nil {
		return res, err
	}
	defer release()
	j, err := st.Pending()
	if err != nil || j == nil {
		return res, err
	}
	if !sameVault(j.Vault, v.Dir, explicitStore(cfg, opt.Store)) {
		return res, fmt.Errorf("the unfinished %s %s in %s is of the vault %s, not of %s: run `%s`", j.Op, j.ID, res.Store, j.Vault, v.Dir, Advice("relink recover", j.Vault, cfg, opt.Store))
	}
	res.Journal = j

	fo := newFolders(v.Root)
	defer fo.close()
	var changes []fileChange
	var atAfter []string
	index := map[string]int{}
	for _, f := range j.Files {
		rf := RecoverFile{Path: f.Path}
		cur, fi, err := readCurrent(fo, f.Path)
		missing := errors.Is(err, fs.ErrNotExist)
		if err != nil && !missing {
			rf.Action, rf.Reason = ActionLeftAlone, skipReason(err, "recorded")
			res.Files = append(res.Files, rf)
			continue
		}
		var h *snapshot.Hash
		if !missing {
			s := snapshot.Sum(cur)
			h = &s
		}
		rf.Side = f.Which(h)
		var want *snapshot.ObjectRef
		switch {
		case rf.Side == snapshot.SideNeither:
			rf.Action, rf.Reason = ActionLeftAlone, "changed by someone else since the operation began; left as it is"
		case !opt.Forward && rf.Side == snapshot.SideBefore:
			rf.Action = ActionUntouched
		case opt.Forward && rf.Side == snapshot.SideAfter:
			rf.Action = ActionDone
			atAfter = append(atAfter, f.Path)
		case opt.Forward:
			rf.Action, want = ActionCompleted, f.After
		default:
			rf.Action, want = ActionRestored, f.Before
		}
		if rf.Action == ActionRestored || rf.Action == ActionCompleted {
			c := fileChange{path: f.Path, before: cur, created: missing, deleted: want == nil}
			if want != nil {
				if c.after, err = st.Read(*want); err != nil {
					return res, fmt.Errorf("journal %s: %s: %w; nothing was changed", j.ID, filename.Quote(f.Path), err)
				}
				c.mode = want.Mode
			}
			if fi != nil {
				c.mode = fi.Mode().Perm()
			}
			index[f.Path] = len(res.Files)
			changes = append(changes, c)
		}
		res.Files = append(res.Files, rf)
	}
	if opt.DryRun {
		return res, nil
	}

	written, returned, skips, interrupted := writeAll(ctx, fo, changes)
	if opt.Forward {
		// As apply does, the snapshot keeps relink's content of a file
		// whose in-place edit was put back over it.
		atAfter = append(atAfter, written...)
		atAfter = append(atAfter, returned...)
		slices.Sort(atAfter)
	}
	var failed []string
	for _, s := range skips {
		rf := &res.Files[index[s.Path]]
		rf.Action, rf.Reason = ActionLeftAlone, s.Reason
		if strings.HasPrefix(s.Reason, "cannot ") {
			failed = append(failed, s.Path)
		}
	}
	res.Temps = removeTemps(v, j)
	again := "relink recover"
	if opt.Forward {
		again += " --roll-forward"
	}
	again = Advice(again, v.Dir, cfg, opt.Store)
	if interrupted {
		return res, fmt.Errorf("interrupted; the operation is still pending: run `%s` again", again)
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("could not write %s; the operation is still pending: fix that and run `%s` again", strings.Join(failed, ", "), again)
	}
	if opt.Forward {
		res.Commit, err = st.Commit(j, atAfter)
		return res, err
	}
	removeMoveDirs(v.Root, j.Moves)
	return res, st.Abort(j)
}

// removeTemps deletes the temp files that interrupted atomic writes left
// in the folders of j's files, and returns how many it removed. It runs
// under the store's lock, so no relink is writing them.
func removeTemps(v *vault.Vault, j *snapshot.Journal) int {
	dirs := map[string]bool{}
	for _, f := range j.Files {
		dirs[path.Dir(f.Path)] = true
	}
	n := 0
	for d := range dirs {
		// Not fs.ReadDir of Root.FS: io/fs takes UTF-8 names only, and a
		// folder's name may be any bytes.
		ents, err := readDir(v.Root, d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) && e.Type().IsRegular() {
				if v.Root.Remove(path.Join(d, e.Name())) == nil {
					n++
				}
			}
		}
	}
	return n
}

// readDir lists the folder d of root, whatever bytes its name holds.
func readDir(root *os.Root, d string) ([]fs.DirEntry, error) {
	f, err := root.Open(d)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}
