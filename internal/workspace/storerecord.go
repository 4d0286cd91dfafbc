package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/relinkmd/relink/internal/snapshot"
)

// A snapshot store lives outside the vault, so nothing in the vault tells
// that it ever had one: deleted or moved, a store would simply read as "no
// snapshots", and undo would say there is nothing to undo while the
// vault's history is gone. So relink records every store it creates, in
// its state folder (snapshot.StateDir), beside the default stores but
// outside any of them:
//
//	<state>/relink/stores/<first 16 hex digits of the SHA-256 of the store's path>.json
//
// holding {"store": path, "created": time}. A store that has no config
// file (so none to open) while such a record names it is gone, and every
// command that would read or write it says so (StoreGoneError) instead of
// finding no snapshots; the record is deleted by hand once the store is
// known to be gone for good. A default store's path is made from the
// vault's id, so for it the record is the vault's own record of its store.

// storeRecordsDir is the folder of store records in the state folder.
const storeRecordsDir = "stores"

// storeRecord is one record.
type storeRecord struct {
	Store   string    `json:"store"`
	Created time.Time `json:"created"`
}

// storeRecordPath returns where the record of the store in dir is kept,
// or "" when relink has no state folder (no home folder, say).
func storeRecordPath(dir string) string {
	state, err := snapshot.StateDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(filepath.Clean(dir)))
	return filepath.Join(state, storeRecordsDir, hex.EncodeToString(sum[:8])+".json")
}

// recordStore records that relink created the store in dir. A failure is
// not an error of the operation that created the store: the record only
// makes a later loss of the store visible.
func recordStore(dir string, now time.Time) {
	p := storeRecordPath(dir)
	if p == "" {
		return
	}
	b, err := json.Marshal(storeRecord{Store: filepath.Clean(dir), Created: now.UTC()})
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	tmp := p + ".tmp"
	if os.WriteFile(tmp, append(b, '\n'), 0o600) == nil {
		if os.Rename(tmp, p) != nil {
			os.Remove(tmp)
		}
	}
}

// StoreGoneError reports a snapshot store that relink created and that is
// no longer there (deleted, moved, or on a disk not mounted).
type StoreGoneError struct {
	Store   string
	Created time.Time
	Record  string // the record naming it
}

func (e *StoreGoneError) Error() string {
	return fmt.Sprintf("snapshot store %s is gone: relink created it on %s to hold snapshots; if it moved, give its new place with --store (apply, undo, recover, snapshot) or dir in [snapshot] of .relink.toml; if it was deleted for good, delete %s",
		e.Store, e.Created.Local().Format(time.DateTime), e.Record)
}

// storeMissing explains why the folder dir, which holds no store config,
// is no store: an error when a store was there (the record says so, or
// the folder still holds a store's parts without its config), nil when
// there never was one.
func storeMissing(dir string) error {
	for _, part := range []string{"snapshots", "packs", "objects", "journal.json"} {
		if _, err := os.Lstat(filepath.Join(dir, part)); err == nil {
			return fmt.Errorf("snapshot store %s: %w: it holds %s but has lost its config file; if nothing else is lost, write {\"version\":3} into %s to read it again",
				dir, snapshot.ErrCorrupt, part, filepath.Join(dir, "config"))
		}
	}
	p := storeRecordPath(dir)
	if p == "" {
		return nil
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("snapshot store %s: its record %s: %w", dir, p, err)
	}
	var r storeRecord
	if err := json.Unmarshal(b, &r); err != nil || filepath.Clean(r.Store) != filepath.Clean(dir) {
		// Not a record of this store (a damaged file, or another path
		// with the same digest): it says nothing about this one.
		return nil
	}
	return &StoreGoneError{Store: dir, Created: r.Created, Record: p}
}

// movedStore is a store that holds the snapshots of a vault folder that
// no longer exists.
type movedStore struct {
	store, vault string
	last         time.Time // its newest apply of that vault
}

// movedFrom finds, for a vault whose default store (own) does not exist,
// where its history may be: a vault that was moved or renamed left its
// snapshots in the default store named after its old path, and only
// --store leads undo there. Of the stores relink recorded, it picks the one
// with the newest apply still in effect of a vault folder that no longer
// exists (a folder that exists is another vault: a copy is no move).
func movedFrom(own string) (movedStore, bool) {
	p := storeRecordPath(own)
	if p == "" {
		return movedStore{}, false
	}
	entries, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		return movedStore{}, false
	}
	var best movedStore
	gone := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(p), e.Name()))
		if err != nil {
			continue
		}
		var r storeRecord
		if json.Unmarshal(b, &r) != nil || r.Store == "" || filepath.Clean(r.Store) == filepath.Clean(own) {
			continue
		}
		st, err := PeekStore(r.Store)
		if err != nil || st == nil {
			continue
		}
		ms, err := st.List()
		st.Close()
		if err != nil {
			continue
		}
		for _, m := range History(ms) {
			// An apply that was undone leaves nothing for undo to do.
			if !m.Op.Undoable() || m.Vault == "" || m.UndoneBy != "" && !m.PartlyUndone() || !m.Time.After(best.last) {
				continue
			}
			g, seen := gone[m.Vault]
			if !seen {
				_, err := os.Lstat(m.Vault)
				g = errors.Is(err, fs.ErrNotExist)
				gone[m.Vault] = g
			}
			if g {
				best = movedStore{store: r.Store, vault: m.Vault, last: m.Time}
			}
		}
	}
	return best, best.store != ""
}
