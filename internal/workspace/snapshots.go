package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/report"
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
// it returns nil, nil when dir holds no store and never did, and an error
// (a *StoreGoneError, or one matching snapshot.ErrCorrupt) when a store
// was there (see storeMissing).
func PeekStore(dir string) (*snapshot.Store, error) {
	if _, err := os.Stat(filepath.Join(dir, "config")); errors.Is(err, fs.ErrNotExist) {
		return nil, storeMissing(dir)
	} else if err != nil {
		return nil, fmt.Errorf("snapshot store %s: %w", dir, err)
	}
	return snapshot.Open(dir)
}

// LockStore opens (creating if needed) the store in dir and takes its lock.
// A lock held by a live relink is an error matching snapshot.ErrLocked. The
// returned release unlocks and closes the store. It does not create a
// store where one was and is gone (see PeekStore): a new, empty one there
// would hide the loss.
func LockStore(dir string) (st *snapshot.Store, release func(), err error) {
	_, err = os.Stat(filepath.Join(dir, "config"))
	creating := errors.Is(err, fs.ErrNotExist)
	if creating {
		if err := storeMissing(dir); err != nil {
			return nil, nil, err
		}
	}
	st, err = snapshot.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if creating {
		recordStore(dir, time.Now())
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
	// Running, when set, is the live relink holding the store's lock: the
	// operation is not interrupted but still going on.
	Running *snapshot.LockInfo
}

func (e *PendingError) Error() string {
	j := e.Journal
	if e.Running != nil {
		return fmt.Sprintf("another relink (pid %d on %s) is running %s on this vault (snapshot %s, %s); wait for it to finish",
			e.Running.PID, e.Running.Host, OpPhrase(j.Op), j.ID, report.Count(len(j.Files), "file"))
	}
	return fmt.Sprintf("an unfinished %s (snapshot %s, begun %s, %s) was interrupted; run `relink recover` to roll it back (or `relink recover --roll-forward` to finish it)",
		j.Op, j.ID, j.Time.Local().Format(time.DateTime), report.Count(len(j.Files), "file"))
}

func (e *PendingError) Unwrap() error { return snapshot.ErrPending }

// Pending returns the interrupted operation of the vault's store, if any,
// without creating the store. When a journal exists it briefly takes the
// store's lock to tell an interrupted operation from one that another
// relink is still running (then Running is set).
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
	unlock, err := st.Lock()
	var le *snapshot.LockedError
	switch {
	case errors.As(err, &le):
		return &PendingError{Journal: j, Store: dir, Running: &le.Holder}, nil
	case err != nil:
		return &PendingError{Journal: j, Store: dir}, nil // cannot tell: say what we know
	}
	defer unlock()
	// Under the lock Pending is authoritative (and drops a journal whose
	// snapshot was committed).
	if j, err = st.Pending(); err != nil || j == nil {
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

// OpPhrase names an operation with its article: "an apply", "an undo",
// "a restore".
func OpPhrase(op snapshot.Op) string {
	switch op {
	case snapshot.OpApply, snapshot.OpUndo:
		return "an " + string(op)
	}
	return "a " + string(op)
}

// LoadSnapshot returns the snapshot ref names in st: what snapshot.Store.Load
// accepts (an id, a unique prefix of one, "latest"), or "latest~N", the Nth
// snapshot before the newest.
func LoadSnapshot(st *snapshot.Store, ref string) (snapshot.Manifest, error) {
	rest, ok := strings.CutPrefix(ref, "latest~")
	if !ok {
		return st.Load(ref)
	}
	n, err := strconv.Atoi(rest)
	if rest == "" {
		n, err = 1, nil
	}
	if err != nil || n < 0 {
		return snapshot.Manifest{}, fmt.Errorf("load snapshot %s: want latest~N with N a number", ref)
	}
	ms, err := st.List()
	if err != nil {
		return snapshot.Manifest{}, err
	}
	if n >= len(ms) {
		return snapshot.Manifest{}, fmt.Errorf("load snapshot %s: %w (there are %d snapshots)", ref, snapshot.ErrNotFound, len(ms))
	}
	return ms[len(ms)-1-n], nil
}
