package workspace

import (
	"context"
	"fmt"

	"github.com/relinkmd/relink/internal/snapshot"
)

// rewrite is an operation that rewrites the vault (mv, merge) from the
// moment it holds the store's lock: no other relink writes the vault
// meanwhile, no unfinished operation is left in the store, and the
// vault's folders are open for reading and writing its files.
type rewrite struct {
	rep     *Report
	store   string // the store given on the command line ("": the configured one)
	st      *snapshot.Store
	fo      *folders
	release func()
}

// lockForRewrite takes the lock of the store in dir, refuses to go on
// over an unfinished operation (a PendingError advising `relink recover`
// with the store given), and opens the vault's folders. end undoes it.
func lockForRewrite(rep *Report, dir, store string) (*rewrite, error) {
	st, release, err := LockStore(dir)
	if err != nil {
		return nil, err
	}
	if err := checkPending(st, rep.Vault.Dir, rep.Settings.Config, store); err != nil {
		release()
		return nil, err
	}
	return &rewrite{rep: rep, store: store, st: st, fo: newFolders(rep.Vault.Root), release: release}, nil
}

// end closes the folders and releases the lock.
func (w *rewrite) end() {
	w.fo.close()
	w.release()
}

// commit records the batch b as the journal of op and writes changes in
// their order, each atomically, advising `relink recover` if it is cut
// short. It fills res's snapshot, interruption and skipped files and
// returns the files written. An error before the journal is written
// leaves the vault untouched and says "(nothing was <verb>)".
func (w *rewrite) commit(ctx context.Context, op snapshot.Op, b *snapshot.Batch, changes []fileChange, res *ApplyResult, verb string) (map[string]bool, error) {
	j, err := w.st.BeginBatch(op, w.rep.Vault.Dir, "", b)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w (nothing was %s)", err, verb)
	}
	m, written, skips, interrupted, err := complete(ctx, w.st, w.fo, j, changes, true, Advice("relink recover", w.rep.Vault.Dir, w.rep.Settings.Config, w.store))
	res.Snapshot, res.Interrupted = m, interrupted
	res.Skipped = skips
	sortSkips(res.Skipped)
	done := make(map[string]bool, len(written))
	for _, p := range written {
		done[p] = true
	}
	return done, err
}
