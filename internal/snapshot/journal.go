package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// FileChange is one file an operation is about to change, given to Begin.
type FileChange struct {
	Path    string      // vault-relative, "/"-separated, clean
	Before  []byte      // current content; must be nil if Created
	After   []byte      // new content; must be nil if Deleted
	Mode    fs.FileMode // permission bits of the file (before, or to create it with); 0 means 0644
	Created bool        // the file does not exist yet
	Deleted bool        // the operation removes the file
}

// Journal is an operation that has begun and is neither committed nor
// aborted. On disk it is <store>/journal.json: a Manifest in state pending,
// listing every file the operation may change.
type Journal struct {
	Manifest
	written Hash // SHA-256 of the journal file Begin wrote
}

// Begin records an operation before the caller changes any vault file. It
// stores the before and after content of every file as objects (one pack,
// see PutObjects) and makes them durable, then writes the journal; only when Begin returns nil may the caller start rewriting the
// vault. Any error (disk full included) happens before that point, and the
// vault must then be left alone.
//
// parent is the snapshot an undo or restore reverts ("" for apply). Begin
// requires the lock and fails with ErrPending if a journal exists.
func (s *Store) Begin(op Op, vault, parent string, files []FileChange) (*Journal, error) {
	if err := s.locked(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	switch op {
	case OpApply, OpUndo, OpRestore:
	default:
		return nil, fmt.Errorf("begin: unknown op %q", op)
	}
	if parent != "" && !validID(parent) {
		return nil, fmt.Errorf("begin: invalid parent id %q", parent)
	}
	if len(files) == 0 {
		return nil, errors.New("begin: no files")
	}
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b FileChange) int { return strings.Compare(a.Path, b.Path) })
	for i, f := range files {
		if err := checkChange(f); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		if i > 0 && files[i-1].Path == f.Path {
			return nil, fmt.Errorf("begin: %s: listed twice", f.Path)
		}
	}
	if j, err := s.Pending(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	} else if j != nil {
		return nil, fmt.Errorf("begin: %w (snapshot %s)", ErrPending, j.ID)
	}

	now := s.now().UTC()
	id, err := newID(now)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	j := &Journal{Manifest: Manifest{
		Version: FormatVersion,
		ID:      id,
		Time:    now,
		Op:      op,
		Vault:   vault,
		Parent:  parent,
		State:   StatePending,
		Files:   make([]FileEntry, len(files)),
	}}
	groups := make([][][]byte, len(files))
	for i, f := range files {
		if !f.Created {
			groups[i] = append(groups[i], f.Before)
		}
		if !f.Deleted {
			groups[i] = append(groups[i], f.After)
		}
	}
	hashes, err := s.PutObjects(groups)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	var next []Hash
	ref := func(data []byte, mode fs.FileMode) *ObjectRef {
		h := next[0]
		next = next[1:]
		if mode.Perm() == 0 {
			mode = 0o644
		}
		return &ObjectRef{SHA256: h, Size: int64(len(data)), Mode: mode.Perm()}
	}
	for i, f := range files {
		e := FileEntry{Path: f.Path}
		next = hashes[i]
		if !f.Created {
			e.Before = ref(f.Before, f.Mode)
		}
		if !f.Deleted {
			e.After = ref(f.After, f.Mode)
		}
		j.Files[i] = e
	}
	b, err := marshalJSON(j.Manifest)
	if err != nil {
		return nil, fmt.Errorf("begin: write journal: %w", err)
	}
	if err := atomicfile.Write(s.root, journalName, b, filePerm); err != nil {
		return nil, fmt.Errorf("begin: write journal: %w", err)
	}
	j.written = Sum(b)
	return j, nil
}

func checkChange(f FileChange) error {
	switch {
	case !validPath(f.Path):
		return fmt.Errorf("invalid path %q", f.Path)
	case f.Created && f.Deleted:
		return fmt.Errorf("%s: both created and deleted", f.Path)
	case f.Created && f.Before != nil:
		return fmt.Errorf("%s: created, yet has before content", f.Path)
	case f.Deleted && f.After != nil:
		return fmt.Errorf("%s: deleted, yet has after content", f.Path)
	case !f.Created && !f.Deleted && bytes.Equal(f.Before, f.After):
		return fmt.Errorf("%s: before and after are equal", f.Path)
	}
	return nil
}

// Pending returns the journal of an operation that began and was neither
// committed nor aborted, or nil. A non-nil journal means a crash (or a kill)
// interrupted that operation: every listed file is at its Before or After
// content, or was changed by someone else since (see FileEntry.Which). The
// caller, holding the lock, either
//
//   - rolls forward: writes After to files at SideBefore, then calls Commit
//     with the paths now at SideAfter; or
//   - rolls back: writes Before to files at SideAfter, then calls Abort.
//
// A journal whose manifest was already written (a crash between the commit
// and the journal's removal) is not pending; Begin cleans it up.
func (s *Store) Pending() (*Journal, error) {
	m, err := s.readManifest(journalName, StatePending)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	if ok, err := s.manifestExists(m.ID); err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	} else if ok {
		if s.locked() == nil {
			if err := s.removeJournal(); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	return &Journal{Manifest: m}, nil
}

// Commit ends the operation j. It writes the snapshot's manifest, listing
// only the files in applied (the paths the caller actually changed, or found
// at SideAfter during recovery), and removes the journal. The manifest's
// atomic rename is the commit point.
//
// If applied is empty nothing happened worth undoing: Commit then behaves
// like Abort and returns the zero Manifest (ID ""). Commit requires the lock.
func (s *Store) Commit(j *Journal, applied []string) (Manifest, error) {
	if err := s.locked(); err != nil {
		return Manifest{}, fmt.Errorf("commit: %w", err)
	}
	if j == nil {
		return Manifest{}, errors.New("commit: nil journal")
	}
	cur, err := s.readJournalOf(j)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Already committed? Then return what was committed.
		if m, err := s.readManifest(manifestName(j.ID), StateCommitted); err == nil {
			return m, nil
		}
		return Manifest{}, fmt.Errorf("commit %s: %w: no journal", j.ID, ErrNotFound)
	case err != nil:
		return Manifest{}, fmt.Errorf("commit %s: %w", j.ID, err)
	case cur.ID != j.ID:
		return Manifest{}, fmt.Errorf("commit %s: the pending journal is %s", j.ID, cur.ID)
	}

	want := make(map[string]bool, len(applied))
	for _, p := range applied {
		want[p] = true
	}
	m := cur
	m.State = StateCommitted
	m.Files = nil
	for _, f := range cur.Files {
		if want[f.Path] {
			m.Files = append(m.Files, f)
			delete(want, f.Path)
		}
	}
	if len(want) > 0 {
		extra := make([]string, 0, len(want))
		for p := range want {
			extra = append(extra, p)
		}
		slices.Sort(extra)
		return Manifest{}, fmt.Errorf("commit %s: not in the journal: %s", j.ID, strings.Join(extra, ", "))
	}
	if len(m.Files) == 0 {
		if err := s.removeJournal(); err != nil {
			return Manifest{}, fmt.Errorf("commit %s: %w", j.ID, err)
		}
		return Manifest{}, nil
	}
	if err := s.writeJSON(manifestName(m.ID), m, manifestPerm); err != nil {
		return Manifest{}, fmt.Errorf("commit %s: %w", j.ID, err)
	}
	if err := s.removeJournal(); err != nil {
		// Committed; the stale journal is ignored by Pending.
		return m, fmt.Errorf("commit %s: %w", j.ID, err)
	}
	return m, nil
}

// Abort ends the operation j without a snapshot: it removes the journal. Its
// objects stay until Prune collects them. The caller must first have put
// back every file it changed (rollback). Abort requires the lock.
func (s *Store) Abort(j *Journal) error {
	if err := s.locked(); err != nil {
		return fmt.Errorf("abort: %w", err)
	}
	if j == nil {
		return errors.New("abort: nil journal")
	}
	cur, err := s.readManifest(journalName, StatePending)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("abort %s: %w", j.ID, err)
	case cur.ID != j.ID:
		return fmt.Errorf("abort %s: the pending journal is %s", j.ID, cur.ID)
	}
	if err := s.removeJournal(); err != nil {
		return fmt.Errorf("abort %s: %w", j.ID, err)
	}
	return nil
}

// readJournalOf reads the pending journal. When it is byte for byte the
// one Begin wrote for j, j's manifest is returned without decoding the
// file again (for a large apply that is megabytes of JSON).
func (s *Store) readJournalOf(j *Journal) (Manifest, error) {
	if j.written.IsZero() {
		return s.readManifest(journalName, StatePending)
	}
	b, err := s.root.ReadFile(journalName)
	if err != nil {
		return Manifest{}, err
	}
	if Sum(b) == j.written {
		return j.Manifest, nil
	}
	return s.decodeManifest(journalName, b, StatePending)
}

func (s *Store) removeJournal() error {
	if err := s.remove(journalName); err != nil {
		return fmt.Errorf("remove journal: %w", err)
	}
	return atomicfile.SyncDir(s.root, ".")
}
