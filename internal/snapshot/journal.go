package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/filename"
	"github.com/relinkmd/relink/internal/regularfile"
)

// FileChange is one file an operation is about to change, given to Begin.
type FileChange struct {
	Path    string      // vault-relative, "/"-separated, clean
	Before  []byte      // current content; must be nil if Created
	After   []byte      // new content; must be nil if Deleted
	Mode    fs.FileMode // permission bits of the file (before, or to create it with); 0 means 0644
	Created bool        // the file does not exist yet
	Deleted bool        // the operation removes the file
	// BeforeSum, if not zero, is the SHA-256 of Before, which the caller
	// computed already (to check the file against what it planned from).
	BeforeSum Hash
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
// see PutObjects) and makes them durable, then writes the journal; only
// when Begin returns nil may the caller start rewriting the vault. Any
// error (disk full included) happens before that point, and the vault must
// then be left alone.
//
// parent is the snapshot an undo or restore reverts ("" for apply). Begin
// requires the lock and fails with ErrPending if a journal exists. It is
// NewBatch, Batch.Add for each file and BeginBatch, for contents already
// in memory.
func (s *Store) Begin(op Op, vault, parent string, files []FileChange) (*Journal, error) {
	return s.BeginMoves(op, vault, parent, files, nil)
}

// BeginMoves is Begin for an operation that also moves notes: each move's
// two files are among files (see Batch.AddMove).
func (s *Store) BeginMoves(op Op, vault, parent string, files []FileChange, moves []Move) (*Journal, error) {
	for _, m := range moves {
		if err := checkMove(m); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
	}
	if err := checkBegin(op, parent); err != nil {
		return nil, err
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
			return nil, fmt.Errorf("begin: %s: listed twice", filename.Quote(f.Path))
		}
	}
	b, err := s.NewBatch()
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(files))
	var stopping atomic.Bool
	each(len(files), func(i int, sc *scratch) {
		if stopping.Load() {
			return
		}
		if _, _, errs[i] = b.add(files[i], sc); errs[i] != nil {
			stopping.Store(true)
		}
	})
	if err := errors.Join(errs...); err != nil {
		b.Discard()
		return nil, fmt.Errorf("begin: %w", err)
	}
	b.moves = slices.Clone(moves)
	return s.BeginBatch(op, vault, parent, b)
}

func checkBegin(op Op, parent string) error {
	switch op {
	case OpApply, OpUndo, OpRestore, OpMove, OpMerge:
	default:
		return fmt.Errorf("begin: unknown op %q", op)
	}
	if parent != "" && !validID(parent) {
		return fmt.Errorf("begin: invalid parent id %q", parent)
	}
	return nil
}

// Batch gathers the files of an operation before BeginBatch records it:
// Add stores a file's before and after content at once (hashed, compressed,
// appended to the operation's pack), so that a caller rewriting thousands
// of files never needs all their contents in memory together. Add is safe
// for concurrent use.
type Batch struct {
	s     *Store
	o     *objects
	pool  sync.Pool // *scratch
	mu    sync.Mutex
	files []FileEntry
	paths map[string]bool
	moves []Move
	subj  *Subject
}

// SetSubject records what the batch's mv or merge was asked to do (see
// Subject).
func (b *Batch) SetSubject(s Subject) error {
	if err := checkSubject(s); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subj = &s
	return nil
}

// AddMove records that the batch's operation moves a note; its two files
// (From deleted, To created) are added with Add. A move whose From or To
// is not committed with the operation is left out of its manifest.
func (b *Batch) AddMove(m Move) error {
	if err := checkMove(m); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.moves = append(b.moves, m)
	return nil
}

// NewBatch starts a batch. It requires the lock and fails with ErrPending
// if a journal exists. A batch not given to BeginBatch must be discarded.
func (s *Store) NewBatch() (*Batch, error) {
	if err := s.locked(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if j, err := s.Pending(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	} else if j != nil {
		return nil, fmt.Errorf("begin: %w (snapshot %s)", ErrPending, j.ID)
	}
	o, err := s.newObjects()
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Batch{s: s, o: o, paths: map[string]bool{}}, nil
}

// Add stores the contents of f and records it in the batch. It returns
// the hashes of f's before and after content (zero for a side f does not
// have). The contents are not retained: the caller may reuse their memory
// when Add returns. Before and After lying back to back in one array are
// compressed without being copied.
func (b *Batch) Add(f FileChange) (before, after Hash, err error) {
	sc, _ := b.pool.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer b.pool.Put(sc)
	return b.add(f, sc)
}

func (b *Batch) add(f FileChange, sc *scratch) (before, after Hash, err error) {
	if err := checkChange(f); err != nil {
		return before, after, err
	}
	var groupArr [2][]byte
	var knownArr [2]Hash
	group, known := groupArr[:0], knownArr[:0]
	if !f.Created {
		if len(f.Before) > MaxObjectSize {
			return before, after, fmt.Errorf("%s: %d bytes exceeds the %d byte limit", filename.Quote(f.Path), len(f.Before), MaxObjectSize)
		}
		group, known = append(group, f.Before), append(known, f.BeforeSum)
	}
	if !f.Deleted {
		if len(f.After) > MaxObjectSize {
			return before, after, fmt.Errorf("%s: %d bytes exceeds the %d byte limit", filename.Quote(f.Path), len(f.After), MaxObjectSize)
		}
		group, known = append(group, f.After), append(known, Hash{})
	}
	var hashArr [2]Hash
	hashes := hashArr[:len(group)]
	if err := b.o.put(group, known, hashes, sc); err != nil {
		return before, after, err
	}
	mode := f.Mode.Perm()
	if mode == 0 {
		mode = 0o644
	}
	e := FileEntry{Path: f.Path}
	if !f.Created {
		before = hashes[0]
		e.Before = &ObjectRef{SHA256: before, Size: int64(len(f.Before)), Mode: mode}
	}
	if !f.Deleted {
		after = hashes[len(hashes)-1]
		e.After = &ObjectRef{SHA256: after, Size: int64(len(f.After)), Mode: mode}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.paths[f.Path] {
		return before, after, fmt.Errorf("%s: listed twice", filename.Quote(f.Path))
	}
	b.paths[f.Path] = true
	b.files = append(b.files, e)
	return before, after, nil
}

// Discard drops a batch that will not be begun; its pack, if any, is
// removed.
func (b *Batch) Discard() { b.o.discard() }

// BeginBatch records the operation of b's files, as Begin does: it makes
// every content b stored durable, then writes the journal; only when it
// returns nil may the caller start rewriting the vault. On error the batch
// is discarded.
func (s *Store) BeginBatch(op Op, vault, parent string, b *Batch) (*Journal, error) {
	j, err := s.beginBatch(op, vault, parent, b)
	if err != nil {
		b.Discard()
	}
	return j, err
}

func (s *Store) beginBatch(op Op, vault, parent string, b *Batch) (*Journal, error) {
	if err := checkBegin(op, parent); err != nil {
		return nil, err
	}
	if err := s.locked(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	if len(b.files) == 0 {
		return nil, errors.New("begin: no files")
	}
	if j, err := s.Pending(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	} else if j != nil {
		return nil, fmt.Errorf("begin: %w (snapshot %s)", ErrPending, j.ID)
	}
	if err := b.o.finish(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	now := s.now().UTC()
	id, err := newID(now)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	files := b.files
	slices.SortFunc(files, func(a, b FileEntry) int { return strings.Compare(a.Path, b.Path) })
	j := &Journal{Manifest: Manifest{
		Version: FormatVersion,
		ID:      id,
		Time:    now,
		Op:      op,
		Vault:   vault,
		Parent:  parent,
		State:   StatePending,
		Files:   files,
		Moves:   b.moves,
		Subject: b.subj,
	}}
	if j.needsByteNames() {
		if err := s.upgrade(byteNamesVersion); err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
	}
	data, err := marshalJSON(j.Manifest)
	if err != nil {
		return nil, fmt.Errorf("begin: write journal: %w", err)
	}
	if err := atomicfile.Write(s.root, journalName, data, filePerm); err != nil {
		return nil, fmt.Errorf("begin: write journal: %w", err)
	}
	j.written = Sum(data)
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
	m.Moves = nil
	for _, mv := range cur.Moves {
		if !m.lists(mv.From) || !m.lists(mv.To) {
			continue // not both sides written: no move took place
		}
		m.Moves = append(m.Moves, mv)
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

// lists reports whether m has an entry for path p.
func (m *Manifest) lists(p string) bool {
	_, ok := slices.BinarySearchFunc(m.Files, p, func(f FileEntry, p string) int { return strings.Compare(f.Path, p) })
	return ok
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
	b, err := regularfile.Read(s.root, journalName)
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
