package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
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

// peekVaultStore is PeekStore of the store of the vault at vaultDir (or the
// one storeFlag names): nil, nil when there is none yet.
func peekVaultStore(vaultDir string, cfg config.Config, storeFlag string) (*snapshot.Store, error) {
	dir, err := StoreDir(vaultDir, cfg, storeFlag)
	if err != nil {
		return nil, err
	}
	return PeekStore(dir)
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

// explicitStore reports whether the store was chosen for the vault, by
// the --store flag or the config's [snapshot].dir, rather than derived
// from the vault's path (see StoreDir).
func explicitStore(cfg config.Config, flag string) bool {
	return flag != "" || cfg.Snapshot.Dir != ""
}

// sameVault reports whether a snapshot or journal recorded of the vault
// at recorded is of the vault at dir. A store shared by several vaults
// keeps them apart by path. But a vault that was moved (or renamed) keeps
// its history only in a store chosen explicitly (the default store is
// named after the path): there, a snapshot of a folder that no longer
// exists is taken to be of the vault it moved to.
func sameVault(recorded, dir string, explicit bool) bool {
	if recorded == "" || recorded == dir {
		return true
	}
	if !explicit {
		return false
	}
	_, err := os.Stat(recorded)
	return errors.Is(err, fs.ErrNotExist)
}

// Advice spells the relink command cmd ("relink undo --force") to print
// as advice, so that it works as printed from the current folder: it
// names the store when the store was given by the --store flag (storeFlag,
// as given) and names the vault at vaultDir when it is not the current
// folder (as the first argument, or with --vault for the snapshot
// commands, most of which take no vault argument).
func Advice(cmd, vaultDir string, cfg config.Config, storeFlag string) string {
	if storeFlag != "" {
		dir, err := StoreDir(vaultDir, cfg, storeFlag)
		if def, derr := StoreDir(vaultDir, cfg, ""); err == nil && (derr != nil || def != dir) {
			cmd += " --store " + shellQuote(dir)
		}
	}
	if arg := vaultArg(vaultDir); arg != "" {
		if strings.HasPrefix(cmd, "relink snapshot ") {
			cmd += " --vault " + arg
		} else {
			cmd += " " + arg
		}
	}
	return cmd
}

// vaultArg names the vault at dir (absolute, symlinks resolved, as
// vault.Open records it) for a command run in the current folder: "" for
// the current folder itself, a relative path to a folder inside it, else
// the absolute path.
func vaultArg(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return shellQuote(dir)
	}
	if r, err := filepath.EvalSymlinks(wd); err == nil {
		wd = r
	}
	rel, err := filepath.Rel(wd, dir)
	switch {
	case err == nil && rel == ".":
		return ""
	case err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return shellQuote(filepath.ToSlash(rel))
	}
	return shellQuote(dir)
}

// ShellQuote quotes s for a POSIX shell when it needs quoting, as the
// commands that Advice spells are quoted.
func ShellQuote(s string) string { return shellQuote(s) }

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,=@%~", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
	// Recover is the recover command to advise, as Advice spells it
	// ("": plain `relink recover`).
	Recover string
}

func (e *PendingError) Error() string {
	j := e.Journal
	if e.Running != nil {
		return fmt.Sprintf("another relink (pid %d on %s) is running %s on this vault (snapshot %s, %s); wait for it to finish",
			e.Running.PID, e.Running.Host, OpPhrase(j.Op), j.ID, report.Count(len(j.Files), "file"))
	}
	back, forward := "relink recover", "relink recover --roll-forward"
	if e.Recover != "" {
		back = e.Recover
		forward = strings.Replace(e.Recover, "relink recover", forward, 1)
	}
	return fmt.Sprintf("an unfinished %s (snapshot %s, begun %s, %s) was interrupted; run `%s` to roll it back (or `%s` to finish it)",
		j.Op, j.ID, j.Time.Local().Format(time.DateTime), report.Count(len(j.Files), "file"), back, forward)
}

func (e *PendingError) Unwrap() error { return snapshot.ErrPending }

// Pending returns the interrupted operation of the vault's store, if any,
// without creating the store. When a journal exists it briefly takes the
// store's lock to tell an interrupted operation from one that another
// relink is still running (then Running is set).
func Pending(vaultDir string, cfg config.Config, storeFlag string) (*PendingError, error) {
	st, err := peekVaultStore(vaultDir, cfg, storeFlag)
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
	rec := Advice("relink recover", vaultDir, cfg, storeFlag)
	switch {
	case errors.As(err, &le):
		return &PendingError{Journal: j, Store: st.Dir(), Running: &le.Holder, Recover: rec}, nil
	case err != nil:
		return &PendingError{Journal: j, Store: st.Dir(), Recover: rec}, nil // cannot tell: say what we know
	}
	defer unlock()
	// Under the lock Pending is authoritative (and drops a journal whose
	// snapshot was committed).
	if j, err = st.Pending(); err != nil || j == nil {
		return nil, err
	}
	return &PendingError{Journal: j, Store: st.Dir(), Recover: rec}, nil
}

// checkPending returns a *PendingError if st, the store of the vault at
// vaultDir (given by storeFlag, if at all), has an unfinished operation.
func checkPending(st *snapshot.Store, vaultDir string, cfg config.Config, storeFlag string) error {
	j, err := st.Pending()
	if err != nil {
		return err
	}
	if j != nil {
		return &PendingError{Journal: j, Store: st.Dir(), Recover: Advice("relink recover", vaultDir, cfg, storeFlag)}
	}
	return nil
}

// HistoryEntry is a committed snapshot with what later snapshots did to it.
type HistoryEntry struct {
	snapshot.Manifest
	// UndoneBy is the newest undo, itself still in effect, that reverted
	// files of this snapshot, or "".
	UndoneBy string
	// Left lists, when UndoneBy is set, the files of this snapshot that no
	// undo in effect reverted (sorted): an undo leaves alone a file edited
	// since, unless forced. The snapshot is then partly undone, and still
	// in effect for these files.
	Left []string
}

// PartlyUndone reports whether an undo reverted some of the snapshot's
// files but left others.
func (h HistoryEntry) PartlyUndone() bool { return h.UndoneBy != "" && len(h.Left) > 0 }

// InEffect reports whether some of the snapshot's files were not reverted
// by an undo in effect: then `relink undo` (with --force if it is partly
// undone) has something left to revert.
func (h HistoryEntry) InEffect() bool { return h.UndoneBy == "" || len(h.Left) > 0 }

// History returns ms (oldest first) with their undo state, file by file:
// an undo reverts, in its parent, the files it lists (the ones it wrote);
// undoing an undo puts those files of its own parent back in effect.
func History(ms []snapshot.Manifest) []HistoryEntry {
	byID := make(map[string]int, len(ms))
	for i, m := range ms {
		byID[m.ID] = i
	}
	// reverted[i][path] is the undo in effect that reverted path in
	// snapshot i.
	reverted := make([]map[string]int, len(ms))
	// set records that path of snapshot i is in effect (by < 0) or
	// reverted by the undo ms[by]; reverting an undo puts that path of its
	// own parent back.
	var set func(i int, p string, by int, depth int)
	set = func(i int, p string, by int, depth int) {
		if by < 0 {
			delete(reverted[i], p)
		} else {
			if reverted[i] == nil {
				reverted[i] = map[string]int{}
			}
			reverted[i][p] = by
		}
		m := ms[i]
		if m.Op != snapshot.OpUndo || depth > len(ms) {
			return
		}
		parent, ok := byID[m.Parent]
		if !ok {
			return
		}
		if by < 0 {
			set(parent, p, i, depth+1)
		} else {
			set(parent, p, -1, depth+1)
		}
	}
	for i, m := range ms {
		for _, f := range m.Files {
			set(i, f.Path, -1, 0)
		}
	}
	out := make([]HistoryEntry, len(ms))
	for i, m := range ms {
		out[i] = HistoryEntry{Manifest: m}
		newest := -1
		for _, by := range reverted[i] {
			newest = max(newest, by)
		}
		if newest < 0 {
			continue
		}
		out[i].UndoneBy = ms[newest].ID
		for _, f := range m.Files {
			if _, ok := reverted[i][f.Path]; !ok {
				out[i].Left = append(out[i].Left, f.Path)
			}
		}
	}
	return out
}

// OpPhrase names an operation with its article: "an apply", "an undo",
// "a restore", "an mv", "a merge".
func OpPhrase(op snapshot.Op) string {
	switch op {
	case snapshot.OpApply, snapshot.OpUndo, snapshot.OpMove:
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

// Summary describes, a line each, what the snapshot m did besides
// rewriting links, in the terms of the command that did it: "mv a.md →
// b/a.md", "mv Inbox → Archive/Inbox (12 files)", "mv n.md#Old → n.md#New"
// for a heading renamed, "merge dup.md into canon.md" (", dup.md deleted"
// with --delete). A snapshot with no subject (an undo of a move, or a move
// recorded before subjects were) has its moves described: one as "mv A →
// B", several as the folder they share ("mv F → G (N files)") or as their
// count. Nil when m moved and merged nothing.
func Summary(m snapshot.Manifest) []string {
	if s := m.Subject; s != nil {
		from, to := report.Name(s.From), report.Name(s.To)
		switch {
		case m.Op == snapshot.OpMerge && s.Deleted:
			return []string{fmt.Sprintf("merge %s into %s, %s deleted", from, to, from)}
		case m.Op == snapshot.OpMerge:
			return []string{fmt.Sprintf("merge %s into %s", from, to)}
		case s.OldHeading != "":
			return []string{fmt.Sprintf("mv %s#%s → %s#%s", from, s.OldHeading, to, s.NewHeading)}
		case s.Folder:
			return []string{fmt.Sprintf("mv %s → %s (%s)", from, to, report.Count(len(m.Moves), "file"))}
		default:
			return []string{fmt.Sprintf("mv %s → %s", from, to)}
		}
	}
	switch len(m.Moves) {
	case 0:
		return nil
	case 1:
		return []string{fmt.Sprintf("mv %s → %s", report.Name(m.Moves[0].From), report.Name(m.Moves[0].To))}
	}
	if from, to, ok := movedFolder(m.Moves); ok {
		return []string{fmt.Sprintf("mv %s → %s (%s)", report.Name(from), report.Name(to), report.Count(len(m.Moves), "file"))}
	}
	return []string{fmt.Sprintf("moves %s", report.Count(len(m.Moves), "file"))}
}

// movedFolder finds the folder from that moves lift whole to the path to:
// every move takes from/X to to/X, X the same path below both. from is
// the deepest such folder, the one the files share.
func movedFolder(moves []snapshot.Move) (from, to string, ok bool) {
	// The first move gives the candidates: the same trailing path X
	// after a folder in both of its paths, the longest first.
	first := moves[0]
	for f := path.Dir(first.From); f != "."; f = path.Dir(f) {
		rest := strings.TrimPrefix(first.From, f)
		t, found := strings.CutSuffix(first.To, rest)
		if !found || t == "" || t == f {
			continue
		}
		all := true
		for _, mv := range moves[1:] {
			r, in := strings.CutPrefix(mv.From, f+"/")
			if !in || mv.To != t+"/"+r {
				all = false
				break
			}
		}
		if all {
			return f, t, true
		}
	}
	return "", "", false
}
