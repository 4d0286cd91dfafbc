package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/splice"
)

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// Store is the snapshot store folder given on the command line; ""
	// means the config's [snapshot].dir or the default (see StoreDir).
	Store string
}

// FileResult is one file an operation rewrote; for apply, with its edits.
type FileResult struct {
	Path  string
	Edits []plan.Edit
}

// Skip is a file an operation left alone, and why.
type Skip struct {
	Path   string
	Reason string
}

// ApplyResult is what Apply did.
type ApplyResult struct {
	Store    string
	Snapshot snapshot.Manifest // ID "" when no file was changed
	Planned  int               // files the plan has edits for
	Changed  []FileResult      // sorted by path
	Skipped  []Skip            // sorted by path
	// Interrupted is set when the context was cancelled while files were
	// being written: the files not yet written were left alone, and the
	// snapshot records those that were.
	Interrupted bool
}

// Links counts the links rewritten, and ByClass the same by edit class.
func (r *ApplyResult) Links() int {
	n := 0
	for _, f := range r.Changed {
		n += len(f.Edits)
	}
	return n
}

// ByClass counts the rewritten links by edit class (variant, heading,
// alias, duplicate).
func (r *ApplyResult) ByClass() map[string]int {
	m := map[string]int{}
	for _, f := range r.Changed {
		for _, e := range f.Edits {
			m[e.Class]++
		}
	}
	return m
}

// ErrWrongDialect is returned by Apply when the plan looks like the vault's
// dialect was guessed wrong and the dialect was not given explicitly.
var ErrWrongDialect = errors.New("the dialect looks wrong")

// Apply makes the edits of rep's plan (SPEC §7). Under the snapshot store's
// lock, it reads every file to change, checks that each edit still finds
// its link where the plan put it, records the old and new content of all of
// them in a snapshot journal, and only then rewrites them, one atomic write
// each. A file that is a symlink, has other hard links, is read-only, is
// gone, or changed since it was read is left alone and reported in Skipped;
// the others go on. The snapshot is committed with the files actually
// written.
//
// With nothing to apply Apply touches nothing, not even the store. A
// pending journal (an interrupted operation) is a *PendingError.
func Apply(ctx context.Context, rep *Report, opt ApplyOptions) (*ApplyResult, error) {
	dir, err := StoreDir(rep.Vault.Dir, rep.Settings.Config, opt.Store)
	if err != nil {
		return nil, err
	}
	res := &ApplyResult{Store: dir}
	files, byFile := report.FileEdits(rep.Plan.Edits)
	sort.Strings(files)
	res.Planned = len(files)
	if len(files) == 0 {
		pe, err := Pending(rep.Vault.Dir, rep.Settings.Config, opt.Store)
		if err != nil {
			return res, err
		}
		if pe != nil {
			return res, pe
		}
		return res, nil
	}
	if rep.Doubt != nil {
		return res, fmt.Errorf("%w, refusing to apply: %s", ErrWrongDialect, rep.Doubt)
	}
	if err := refuseUnread(rep, "apply"); err != nil {
		return res, err
	}

	st, release, err := LockStore(dir)
	if err != nil {
		return res, err
	}
	defer release()
	if err := checkPending(st, rep.Vault.Dir, rep.Settings.Config, opt.Store); err != nil {
		return res, err
	}

	// The garbage of loading the vault is dead now: collected before the
	// files are read again, its memory serves them instead of the heap
	// growing into fresh pages (a 100k vault's Load leaves ~1 GB of heap,
	// half of it garbage; apply then allocated ~200 MB more).
	runtime.GC()
	fo := newFolders(rep.Vault.Root)
	defer fo.close()
	changes, skips, b, err := snapshotEdits(st, fo, rep, files, byFile)
	res.Skipped = skips
	if err != nil {
		sortSkips(res.Skipped)
		return res, fmt.Errorf("snapshot: %w (nothing was changed)", err)
	}
	if len(changes) == 0 {
		b.Discard()
		sortSkips(res.Skipped)
		return res, nil
	}
	j, err := st.BeginBatch(snapshot.OpApply, rep.Vault.Dir, "", b)
	if err != nil {
		sortSkips(res.Skipped)
		return res, fmt.Errorf("snapshot: %w (nothing was changed)", err)
	}
	m, written, skips, interrupted, err := complete(ctx, st, fo, j, changes, true, Advice("relink recover", rep.Vault.Dir, rep.Settings.Config, opt.Store))
	res.Snapshot, res.Interrupted = m, interrupted
	res.Skipped = append(res.Skipped, skips...)
	sortSkips(res.Skipped)
	for _, p := range written {
		res.Changed = append(res.Changed, FileResult{Path: p, Edits: byFile[p]})
	}
	rememberWritten(rep, changes, written)
	return res, err
}

// snapshotEdits reads each file to change, checks it against the content
// the plan was made from and splices its edits, and stores its before and
// after content in a snapshot batch, a few files at a time: nothing of a
// file is kept but its hashes and edits, which is what writeAll needs to
// make the same content again. It returns the changes in path order and
// the files left alone. An error (the store's) leaves the vault untouched
// and the batch discarded.
func snapshotEdits(st *snapshot.Store, fo *folders, rep *Report, files []string, byFile map[string][]plan.Edit) ([]fileChange, []Skip, *snapshot.Batch, error) {
	b, err := st.NewBatch()
	if err != nil {
		return nil, nil, nil, err
	}
	changes, skips, err := addEdits(b, fo, rep, files, byFile)
	if err != nil {
		b.Discard()
		return nil, nil, nil, err
	}
	return changes, skips, b, nil
}

// addEdits is snapshotEdits into the batch b, which the caller discards
// on error.
func addEdits(b *snapshot.Batch, fo *folders, rep *Report, files []string, byFile map[string][]plan.Edit) ([]fileChange, []Skip, error) {
	prep := make([]fileChange, len(files))
	reasons := make([]string, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int, buf *[]byte) bool {
		f := files[i]
		cur, fi, old, err := readCurrentInto(fo, f, *buf)
		_ = old.Close()
		if err != nil {
			reasons[i] = skipReason(err, "planned")
			return true
		}
		sum := sha256.Sum256(cur)
		if n, ok := rep.Index.NoteByPath(f); ok {
			if want := rep.Index.Notes[n].Sum; want != ([32]byte{}) && want != sum {
				reasons[i] = "changed since it was planned; not overwritten"
				return true
			}
		}
		edits := report.SpliceEdits(byFile[f])
		// The after content right behind the before in the same memory:
		// the batch compresses the two together without joining them.
		joined, err := splice.Append(cur, cur, edits)
		if err != nil {
			reasons[i] = "changed since it was planned (" + err.Error() + "); not overwritten"
			return true
		}
		*buf = joined
		mode := fi.Mode().Perm()
		bsum, asum, err := b.Add(snapshot.FileChange{Path: f, Before: joined[:len(cur)], After: joined[len(cur):], Mode: mode, BeforeSum: sum})
		if err != nil {
			errs[i] = err
			return false
		}
		prep[i] = fileChange{path: f, mode: mode, edits: edits, streamed: true, beforeSum: bsum, afterSum: asum,
			afterContent: note.ContentHash(joined[len(cur):])}
		return true
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	changes := prep[:0]
	var skips []Skip
	for i, c := range prep {
		switch {
		case reasons[i] != "":
			skips = append(skips, Skip{files[i], reasons[i]})
		case c.streamed:
			changes = append(changes, c)
		}
	}
	return changes, skips, nil
}

// fileChange is one vault file an operation rewrites.
type fileChange struct {
	path    string
	before  []byte // current content; nil if created
	after   []byte // new content; nil if deleted
	mode    fs.FileMode
	created bool // the file does not exist and is created
	deleted bool // the file is removed
	// streamed: before and after are not held but made again when the
	// file is written, by reading it (it must still hash to beforeSum)
	// and splicing edits into it, which gives the content hashing to
	// afterSum.
	streamed            bool
	edits               []splice.Edit
	beforeSum, afterSum snapshot.Hash
	// afterContent is the note.ContentHash of the after content, which
	// the names file identifies the rewritten note by.
	afterContent uint64
}

// isBefore reports whether data is c's before content.
func (c *fileChange) isBefore(data []byte) bool {
	if c.streamed {
		return sha256.Sum256(data) == c.beforeSum
	}
	return bytes.Equal(data, c.before)
}

// isAfter reports whether data is c's after content.
func (c *fileChange) isAfter(data []byte) bool {
	if c.streamed {
		return sha256.Sum256(data) == c.afterSum
	}
	return bytes.Equal(data, c.after)
}

// Reasons a file is left alone (see readCurrent).
var (
	errSymlink  = errors.New("is a symlink: a rewrite would replace the link by a copy; not changed")
	errReadOnly = errors.New("is read-only; not changed (make it writable to let relink repair it)")
)

// hardLinkError reports a file with several hard links.
type hardLinkError struct{ n uint64 }

func (e hardLinkError) Error() string {
	return fmt.Sprintf("has %d hard links: a rewrite would split them; not changed", e.n)
}

// readCurrent reads a vault file that an operation may replace. It refuses
// what an atomic rename would break or what the user protected: a symlink,
// a file with other hard links, a read-only file, a non-regular file. A
// missing file is fs.ErrNotExist.
// readPlanned is readCurrent of a note that a plan was made from, refused
// (as the error says) when it cannot be read or its content is no longer
// what the plan read: mv and merge rewrite or remove the whole note.
func readPlanned(fo *folders, rep *Report, p string) ([]byte, fs.FileInfo, [32]byte, error) {
	cur, fi, err := readCurrent(fo, p)
	if err != nil {
		return nil, nil, [32]byte{}, fmt.Errorf("%s %s", p, skipReason(err, "read"))
	}
	sum := sha256.Sum256(cur)
	if id, ok := rep.Index.NoteByPath(p); !ok || rep.Index.Notes[id].Sum != ([32]byte{}) && rep.Index.Notes[id].Sum != sum {
		return nil, nil, [32]byte{}, fmt.Errorf("%s changed since it was read", p)
	}
	return cur, fi, sum, nil
}

// skipList joins skips as one sentence part, sorted, for a refusal that
// names every file it could not take.
func skipList(skips []Skip) string {
	msgs := make([]string, 0, len(skips))
	for _, s := range skips {
		msgs = append(msgs, report.Name(s.Path)+" "+s.Reason)
	}
	sort.Strings(msgs)
	return strings.Join(msgs, "; ")
}

func readCurrent(fo *folders, p string) ([]byte, fs.FileInfo, error) {
	b, fi, old, err := readCurrentInto(fo, p, nil)
	_ = old.Close()
	return b, fi, err
}

// readCurrentInto is readCurrent reading into buf's memory, when it is
// large enough, and leaving the file open where the platform allows: the
// caller closes it.
func readCurrentInto(fo *folders, p string, buf []byte) ([]byte, fs.FileInfo, *atomicfile.Old, error) {
	dir, base, err := fo.split(p)
	if err != nil {
		return nil, nil, nil, err
	}
	return dir.ReadFile(base, buf, replaceable)
}

func replaceable(fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return errSymlink
	case !fi.Mode().IsRegular():
		return fmt.Errorf("is not a regular file (%s); not changed", fi.Mode().Type())
	case hardLinks(fi) > 1:
		return hardLinkError{hardLinks(fi)}
	case fi.Mode().Perm()&0o200 == 0:
		return errReadOnly
	}
	return nil
}

// skipReason words a readCurrent error; since is what the file was
// compared with ("planned", "read", ...).
func skipReason(err error, since string) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "was deleted since it was " + since + "; skipped"
	case errors.Is(err, errSymlink), errors.Is(err, errReadOnly), errors.As(err, new(hardLinkError)),
		strings.HasPrefix(err.Error(), "is not a regular file"):
		return err.Error()
	case errors.Is(err, atomicfile.ErrChanged):
		return "changed while being read; not overwritten"
	}
	return "cannot read: " + unwrapPathErr(err)
}

func unwrapPathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func sortSkips(s []Skip) {
	slices.SortStableFunc(s, func(a, b Skip) int { return strings.Compare(a.Path, b.Path) })
}

// testHookBeforeWrite, if set, runs just before a file's last check and
// write, and testHookBeforeStage before its temp file is written: tests
// use them to change a file behind relink's back.
var testHookBeforeWrite, testHookBeforeStage func(path string)

// transact runs the snapshot protocol for changes under the lock st holds:
// store every before and after content and write the journal (Begin),
// rewrite the files, then Commit the files actually written. It returns the
// committed manifest (ID "" if nothing was written), the paths written
// (sorted), the files skipped at the last check, and whether ctx stopped it
// early. An error from Begin leaves the vault untouched.
//
// recoverCmd is the recover command to advise should the commit fail.
func transact(ctx context.Context, st *snapshot.Store, fo *folders, op snapshot.Op, vaultDir, parent string, changes []fileChange, moves []snapshot.Move, recoverCmd string) (snapshot.Manifest, []string, []Skip, bool, error) {
	if len(changes) == 0 {
		return snapshot.Manifest{}, nil, nil, false, nil
	}
	fcs := make([]snapshot.FileChange, len(changes))
	for i, c := range changes {
		fcs[i] = snapshot.FileChange{Path: c.path, Before: c.before, After: c.after, Mode: c.mode, Created: c.created, Deleted: c.deleted}
	}
	j, err := st.BeginMoves(op, vaultDir, parent, fcs, moves)
	if err != nil {
		return snapshot.Manifest{}, nil, nil, false, fmt.Errorf("snapshot: %w (nothing was changed)", err)
	}
	return complete(ctx, st, fo, j, changes, false, recoverCmd)
}

// complete rewrites the files of the operation j has begun, then commits
// the files actually written; see transact. With keepReturned the files
// whose in-place edit was put back over the new content (see publishOne)
// are committed too, so that the snapshot keeps the content relink wrote
// for them: apply's new content exists nowhere else. Since such a file
// holds neither recorded content, undo leaves it alone, as any file edited
// after the apply. An undo or restore writes content an older snapshot
// holds already; it leaves them out, so that the files count as not
// reverted.
func complete(ctx context.Context, st *snapshot.Store, fo *folders, j *snapshot.Journal, changes []fileChange, keepReturned bool, recoverCmd string) (snapshot.Manifest, []string, []Skip, bool, error) {
	written, returned, skips, interrupted := writeAll(ctx, fo, changes)
	commit := written
	if keepReturned && len(returned) > 0 {
		commit = append(slices.Clone(written), returned...)
	}
	m, err := st.Commit(j, commit)
	if err != nil {
		return m, written, skips, interrupted, fmt.Errorf("%d files were rewritten but their snapshot %s could not be committed: %w; run `%s` (--roll-forward keeps the changes)", len(written), j.ID, err, recoverCmd)
	}
	return m, written, skips, interrupted, nil
}

// workers bounds the files written at once: enough to overlap fsyncs, few
// enough not to thrash a disk.
func workers(n int) int { return max(1, min(n, 8, 2*runtime.GOMAXPROCS(0))) }

// parallel runs fn(0..n-1) on a few goroutines until fn returns false.
// Each call gets its goroutine's scratch buffer.
func parallel(n int, fn func(i int, buf *[]byte) bool) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	next, stop := 0, false
	for range workers(n) {
		wg.Go(func() {
			var buf []byte
			for {
				mu.Lock()
				i := next
				next++
				done := stop || i >= n
				mu.Unlock()
				if done {
					return
				}
				if !fn(i, &buf) {
					mu.Lock()
					stop = true
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
}

// writeAll rewrites each file, after checking one last time that it still
// holds exactly its before content. It works in three passes: it writes
// every new content to a temp file next to its file (unsynced); makes them
// all durable at once (one syncfs of the vault's file system where
// available, else an fsync of each); then checks each file and renames its
// temp file over it, taking the files in path order: one after the other
// for a small batch, so that a crash leaves a prefix of them rewritten and
// crash tests are deterministic; several at once for a large one (see
// inOrder), where a crash leaves a prefix and a few files after it. Last it
// makes the renames durable. It stops before the next file when ctx is
// cancelled, removing the temp files left.
//
// Every temp file is created before any file is replaced, and not only for
// the one barrier: ext4 without a journal does not reuse an inode freed
// within the last seconds (minutes while its inode table block is dirty),
// scanning past each one, so creating files right after replacing
// thousands in the same folders cost ~190 µs a file instead of ~30.
//
// A file edited in place between its last check and its rename gets the
// edit back (see publishOne): it is in returned, and in skips, not in
// written.
func writeAll(ctx context.Context, fo *folders, changes []fileChange) (written, returned []string, skips []Skip, interrupted bool) {
	root := fo.root
	if ctx.Err() != nil {
		return nil, nil, nil, true
	}
	// Pass 1: stage.
	staged := make([]*atomicfile.Staged, len(changes))
	reasons := make([]string, len(changes))
	defer func() {
		for _, s := range staged {
			if s != nil {
				_ = s.Discard()
			}
		}
	}()
	fast := atomicfile.CanSyncFS
	// A folder at a time: creating a file holds its folder's lock, which
	// the creators waiting in the same folder spun on (~2.5 s of CPU at
	// 40k files on two cores).
	byDir := byFolder(changes)
	parallel(len(byDir), func(g int, buf *[]byte) bool {
		for _, i := range byDir[g] {
			if ctx.Err() != nil {
				return false
			}
			staged[i], reasons[i] = stageOne(fo, &changes[i], !fast, buf)
		}
		return true
	})
	if ctx.Err() != nil {
		return nil, nil, nil, true
	}
	// Pass 2: one durable barrier for every temp file.
	if fast {
		if err := atomicfile.SyncFS(root, "."); err != nil {
			for i, s := range staged {
				if s == nil {
					continue
				}
				if err := s.Sync(); err != nil {
					_ = s.Discard()
					staged[i], reasons[i] = nil, "cannot write: "+writeErr(err, changes[i].path)
				}
			}
		}
	}
	// Pass 3: publish, taking the files in path order.
	done := make([]outcome, len(changes))
	olds := newCloser()
	attempted := inOrder(ctx, len(changes), func(i int, buf *[]byte) {
		if reasons[i] != "" {
			return
		}
		done[i], reasons[i] = publishOne(fo, &changes[i], staged[i], buf, olds)
		staged[i] = nil
	})
	olds.wait()
	interrupted = attempted < len(changes)
	dirs := map[string]bool{}
	var dirList []string
	for i, c := range changes[:attempted] {
		if reasons[i] != "" {
			skips = append(skips, Skip{c.path, reasons[i]})
		}
		switch done[i] {
		case notWritten:
			continue
		case putBack:
			returned = append(returned, c.path)
			continue
		}
		written = append(written, c.path)
		if d := path.Dir(c.path); !dirs[d] {
			dirs[d] = true
			dirList = append(dirList, d)
		}
	}
	// Make the renames durable before the caller commits.
	if len(dirList) > 0 && (!fast || atomicfile.SyncFS(root, ".") != nil) {
		for _, d := range dirList {
			_ = atomicfile.SyncDir(root, d) // best effort: the new content is in place
		}
	}
	return written, returned, skips, interrupted
}

// byFolder groups the indices of changes by folder, in order.
func byFolder(changes []fileChange) [][]int {
	at := map[string]int{}
	var groups [][]int
	for i, c := range changes {
		d := path.Dir(c.path)
		g, ok := at[d]
		if !ok {
			g = len(groups)
			at[d] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// closer closes the files replaced by renames on a few goroutines of its
// own. Closing the last reference to a replaced file is when the file
// system frees it, which on this project's machine took ~90 µs of CPU and
// ~0.35 ms of waiting for the disk; in the rename, that wait held up the
// files behind it.
type closer struct {
	ch chan *atomicfile.Old
	wg sync.WaitGroup
}

func newCloser() *closer {
	c := &closer{ch: make(chan *atomicfile.Old, 256)}
	// Mostly waiting for the disk: 16 freed a 100k vault's 40k replaced
	// files in 5.4 s, 8 in 6.7 s.
	for range 16 {
		c.wg.Go(func() {
			for o := range c.ch {
				_ = o.Close()
			}
		})
	}
	return c
}

func (c *closer) close(o *atomicfile.Old) {
	if o != nil {
		c.ch <- o
	}
}

// wait returns once every file handed over is closed.
func (c *closer) wait() {
	close(c.ch)
	c.wg.Wait()
}

// inOrderBatch is the number of files from which inOrder works on several
// at once. Below it one at a time keeps a crash, or Ctrl-C, exactly after
// a prefix of the files.
const inOrderBatch = 64

// inOrder runs fn(0..n-1), handing out the indices in order, until ctx is
// cancelled, and returns how many it handed out (all of them done). Each
// call gets its worker's scratch buffer. A large batch runs on 4 workers:
// a rename used to block for about a millisecond, mostly waiting for the
// disk to discard the blocks of the file it replaced, and 16 workers
// overlapped those waits (40k renames went from 27 s to a few); with the
// replaced files freed by the closer instead, 4 are as fast (100k vault:
// 6.6 s against 6.8 s) and leave fewer files rewritten past the prefix
// when a crash interrupts them.
func inOrder(ctx context.Context, n int, fn func(i int, buf *[]byte)) int {
	w := 1
	if n >= inOrderBatch {
		w = 4
	}
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range w {
		wg.Go(func() {
			var buf []byte
			for {
				mu.Lock()
				i := next
				if i >= n || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				fn(i, &buf)
			}
		})
	}
	wg.Wait()
	return next
}

// checkCurrent reads the file of c again, into *buf, and returns why it
// may not be replaced: it is not as read, byte for byte (for a streamed
// change, it does not hash to the before content's SHA-256). The file is
// left open where the platform allows: the caller closes it.
func checkCurrent(fo *folders, c *fileChange, buf *[]byte) (string, *atomicfile.Old) {
	cur, _, old, err := readCurrentInto(fo, c.path, *buf)
	if cur != nil {
		*buf = cur
	}
	switch {
	case c.created && err == nil:
		return "appeared since it was read; not overwritten", old
	case c.created && errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return skipReason(err, "read"), old
	case !c.isBefore(cur):
		return "changed since it was read; not overwritten", old
	}
	return "", old
}

// stageOne writes the new content of c to a temp file next to its file; a
// deletion stages nothing. It returns the staged file, or why the change
// is skipped. Whether the file is still as read is checked only before the
// rename (publishOne): that is the check that counts, and a file changed
// in between only costs a temp file. But a streamed change is made from
// the file as it is now, which must therefore hash to the before content
// the snapshot holds.
func stageOne(fo *folders, c *fileChange, sync bool, buf *[]byte) (*atomicfile.Staged, string) {
	if c.deleted {
		return nil, ""
	}
	if c.created {
		if err := fo.root.MkdirAll(path.Dir(c.path), 0o755); err != nil {
			return nil, "cannot create its folder: " + unwrapPathErr(err)
		}
	}
	dir, base, err := fo.split(c.path)
	if err != nil {
		return nil, "cannot write: " + unwrapPathErr(err)
	}
	if testHookBeforeStage != nil {
		testHookBeforeStage(c.path)
	}
	after := c.after
	var fi fs.FileInfo
	if c.streamed {
		cur, info, old, err := dir.ReadFile(base, *buf, replaceable)
		_ = old.Close()
		if err != nil {
			return nil, skipReason(err, "read")
		}
		if sha256.Sum256(cur) != c.beforeSum {
			return nil, "changed since it was read; not overwritten"
		}
		joined, err := splice.Append(cur, cur, c.edits)
		if err != nil {
			return nil, "changed since it was read; not overwritten"
		}
		*buf = joined
		after, fi = joined[len(cur):], info
	}
	s, err := dir.Stage(base, after, c.mode, fi, sync)
	if err != nil {
		return nil, "cannot write: " + writeErr(err, base)
	}
	return s, ""
}

// outcome is what publishOne did with one file.
type outcome int

const (
	notWritten outcome = iota // left alone: the reason says why
	written                   // holds the new content
	// putBack: the new content replaced the file, but the file had been
	// edited in place between the last check and the rename; the edited
	// content was written back over the new one. The file holds neither
	// recorded content.
	putBack
)

// reasonPutBack is the skip reason of a file whose edit was put back.
const reasonPutBack = "was edited while being rewritten; the edit was put back, not overwritten"

// publishOne makes one staged change if the file is still as read. It
// returns what it did, and why the file was left alone; the temp file is
// gone either way. The file replaced is handed to olds to close.
//
// The last check and the rename are two steps, and a program may write
// the file between them. publishOne keeps the file it checked open, so
// that such an edit is not lost: right before the rename it checks that
// the name still names that file (an editor's own atomic save gives the
// name another file: then nothing is replaced), and after the rename it
// reads the replaced file again through the descriptor kept open. If that
// content is no longer the one checked, the edit was written in place, and
// the edited content is written back, atomically, over the new one.
func publishOne(fo *folders, c *fileChange, s *atomicfile.Staged, buf *[]byte, olds *closer) (outcome, string) {
	if testHookBeforeWrite != nil {
		testHookBeforeWrite(c.path)
	}
	reason, old := checkCurrent(fo, c, buf)
	defer olds.close(old)
	if reason != "" {
		if s != nil {
			_ = s.Discard()
		}
		return notWritten, reason
	}
	dir, base, err := fo.split(c.path)
	if err != nil {
		if s != nil {
			_ = s.Discard()
		}
		return notWritten, "cannot write: " + unwrapPathErr(err)
	}
	if c.deleted {
		if err := dir.RemoveOver(base, old); err != nil {
			if errors.Is(err, atomicfile.ErrReplaced) {
				return notWritten, reasonReplaced
			}
			return notWritten, "cannot delete: " + unwrapPathErr(err)
		}
		return putBackIfEdited(dir, base, c, old, buf)
	}
	if err := s.PublishOver(old); err != nil {
		// An error after the rename leaves the new content in place: then
		// the file counts as written.
		if s.Published() {
			if now, rerr := dir.Root().ReadFile(base); rerr == nil && c.isAfter(now) && !c.isBefore(now) {
				return putBackIfEdited(dir, base, c, old, buf)
			}
		}
		if errors.Is(err, atomicfile.ErrReplaced) {
			return notWritten, reasonReplaced
		}
		return notWritten, "cannot write: " + writeErr(err, base)
	}
	return putBackIfEdited(dir, base, c, old, buf)
}

// reasonReplaced is the skip reason of a file that another program
// replaced (or removed, or created) between the last check and the rename.
const reasonReplaced = "was replaced by another program while being rewritten; not overwritten"

// putBackIfEdited runs after c's new content replaced the file old (or
// removed it): it reads old again, through the descriptor kept open, and if
// it no longer holds the content checked, someone wrote into it between
// the check and the rename. Then the edited content goes back in place,
// atomically and durably, provided the name still holds what relink wrote;
// if it does not, yet another program wrote it since, and that is left.
func putBackIfEdited(dir *atomicfile.Dir, base string, c *fileChange, old *atomicfile.Old, buf *[]byte) (outcome, string) {
	if old == nil {
		return written, ""
	}
	edited, err := old.ReadAll(*buf)
	if err != nil {
		// Not kept open (Windows), or unreadable now: the check before
		// the rename is all there is.
		return written, ""
	}
	*buf = edited
	if c.isBefore(edited) {
		return written, ""
	}
	// The name must still hold what relink wrote (or nothing, for a
	// deletion): read it, and keep it open for the same check before
	// the rename that puts the edit back.
	now, _, ours, err := dir.ReadFile(base, nil, func(fi fs.FileInfo) error {
		if !fi.Mode().IsRegular() {
			return atomicfile.ErrReplaced
		}
		return nil
	})
	defer ours.Close()
	switch {
	case c.deleted && errors.Is(err, fs.ErrNotExist):
		ours = nil
	case err != nil, c.deleted, !c.isAfter(now):
		return notWritten, "was edited twice while being rewritten; left as the last program wrote it (the first edit is lost)"
	}
	st, err := dir.Stage(base, edited, c.mode, nil, true)
	if err == nil {
		err = st.PublishOver(ours)
	}
	if err == nil {
		err = atomicfile.SyncDir(dir.Root(), ".")
	}
	if err != nil {
		return notWritten, "was edited while being rewritten, and its edit could not be put back (" + writeErr(err, base) + "); it holds relink's version"
	}
	return putBack, reasonPutBack
}

// writeErr drops atomicfile's "atomic write PATH:" prefix, since the path
// is printed already.
func writeErr(err error, p string) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "atomic write "+p+": ")
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return s
}
