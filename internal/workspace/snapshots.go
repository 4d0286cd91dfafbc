package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
)

// OpenVault opens the vault at dir and reads its config, without scanning
// its notes: what undo, recover and the snapshot commands need. The caller
// closes the vault.
func OpenVault(dir string) (*vault.Vault, config.Config, error) {
	v, err := vault.Open(dir)
	if err != nil {
		return nil, config.Config{}, err
	}
	cfg, err := config.Load(v.Root)
	if err != nil {
		v.Close()
		return nil, config.Config{}, err
	}
	return v, cfg, nil
}

// StoreDir returns the snapshot store folder of the vault at vaultDir
// (absolute): flag if given (relative to the current folder), else the
// config's [snapshot].dir (relative to the vault; "~/" is the home folder),
// else snapshot.DefaultDir. It creates nothing.
func StoreDir(vaultDir string, cfg config.Config, flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(expandHome(flag))
	}
	if d := cfg.Snapshot.Dir; d != "" {
		d = expandHome(d)
		if !filepath.IsAbs(d) {
			d = filepath.Join(vaultDir, d)
		}
		return filepath.Clean(d), nil
	}
	return snapshot.DefaultDir(vaultDir)
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// PeekStore opens the store in dir for reading, without creating anything:
// it returns nil, nil when dir holds no store yet.
func PeekStore(dir string) (*snapshot.Store, error) {
	if _, err := os.Stat(filepath.Join(dir, "config")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("snapshot store %s: %w", dir, err)
	}
	return snapshot.Open(dir)
}

// LockStore opens (creating if needed) the store in dir and takes its lock.
// A lock held by a live relink is an error matching snapshot.ErrLocked. The
// returned release unlocks and closes the store.
func LockStore(dir string) (st *snapshot.Store, release func(), err error) {
	st, err = snapshot.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if _, err := st.Lock(); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// PendingError reports an operation that a crash (or a kill) interrupted:
// nothing else may run on the vault until `relink recover` has finished or
// rolled it back. It matches snapshot.ErrPending.
type PendingError struct {
	Journal *snapshot.Journal
	Store   string
}

func (e *PendingError) Error() string {
	return fmt.Sprintf("an unfinished %s (snapshot %s, begun %s, %d files) was interrupted; run `relink recover` to roll it back (or `relink recover --roll-forward` to finish it)",
		e.Journal.Op, e.Journal.ID, e.Journal.Time.Local().Format(time.DateTime), len(e.Journal.Files))
}

func (e *PendingError) Unwrap() error { return snapshot.ErrPending }

// Pending returns the interrupted operation of the vault's store, if any,
// without creating the store or taking its lock.
func Pending(vaultDir string, cfg config.Config, storeFlag string) (*PendingError, error) {
	dir, err := StoreDir(vaultDir, cfg, storeFlag)
	if err != nil {
		return nil, err
	}
	st, err := PeekStore(dir)
	if err != nil || st == nil {
		return nil, err
	}
	defer st.Close()
	j, err := st.Pending()
	if err != nil || j == nil {
		return nil, err
	}
	return &PendingError{Journal: j, Store: dir}, nil
}

// checkPending returns a *PendingError if st has an unfinished operation.
func checkPending(st *snapshot.Store) error {
	j, err := st.Pending()
	if err != nil {
		return err
	}
	if j != nil {
		return &PendingError{Journal: j, Store: st.Dir()}
	}
	return nil
}

// HistoryEntry is a committed snapshot with what later snapshots did to it.
type HistoryEntry struct {
	snapshot.Manifest
	// UndoneBy is the undo snapshot that reverted this one and is itself
	// still in effect, or "".
	UndoneBy string
}

// History returns ms (oldest first) with their undo state. An undo
// reverts its parent; undoing an undo puts its parent back in effect.
func History(ms []snapshot.Manifest) []HistoryEntry {
	byID := make(map[string]int, len(ms))
	for i, m := range ms {
		byID[m.ID] = i
	}
	undoneBy := make([]string, len(ms))
	// set records that snapshot i is in effect (by == "") or reverted by
	// the undo `by`; reverting an undo puts its own parent back.
	var set func(i int, by string, depth int)
	set = func(i int, by string, depth int) {
		undoneBy[i] = by
		m := ms[i]
		if m.Op != snapshot.OpUndo || depth > len(ms) {
			return
		}
		p, ok := byID[m.Parent]
		if !ok {
			return
		}
		if by == "" {
			set(p, m.ID, depth+1)
		} else {
			set(p, "", depth+1)
		}
	}
	for i := range ms {
		set(i, "", 0)
	}
	out := make([]HistoryEntry, len(ms))
	for i, m := range ms {
		out[i] = HistoryEntry{Manifest: m, UndoneBy: undoneBy[i]}
	}
	return out
}
