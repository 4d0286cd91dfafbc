// Package vault is the only reader of a vault: it walks the folder tree
// through an os.Root (so no symlink or "../" can lead outside), reads and
// parses notes in parallel on all cores, and returns them sorted by path.
// On Linux a note is opened with one openat2 call that the kernel keeps
// beneath the vault folder and off symlinks, a batch of notes at a time
// through an io_uring ring where the kernel gives one (ring_linux.go);
// anything that call refuses goes through the os.Root.
//
// Bad files (invalid UTF-8, a NUL byte, too large, unreadable, broken YAML)
// are reported as Problems and kept as notes without content, so that their
// names still stop another note from being mistaken for them.
package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/regularfile"
)

// DefaultMaxFileSize is the largest note read (larger ones are reported).
const DefaultMaxFileSize = 16 << 20

// ErrNotVault is returned when the vault path is not a readable folder.
var ErrNotVault = errors.New("not a folder")

// Vault is an open vault folder.
type Vault struct {
	Dir  string // absolute
	Root *os.Root

	notes *beneath // nil where only os.Root can open notes
}

// Open opens dir as a vault. A vault path that is itself a symlink is
// followed once: the vault is where it points.
func Open(dir string) (*Vault, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open vault %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open vault %s: %w", dir, ErrNotVault)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open vault %s: %w", dir, err)
	}
	return &Vault{Dir: abs, Root: root, notes: openBeneath(root)}, nil
}

// Close releases the vault's root.
func (v *Vault) Close() error {
	return errors.Join(v.notes.close(), v.Root.Close())
}

// Problem is a file relink could not read as a note.
type Problem struct {
	File    string `json:"file"`
	Message string `json:"message"`
	// Unread says the walk could not learn what is there at all (a
	// folder it could not list, an entry it could not stat, a folder too
	// deep to enter): the names of the notes there are unknown, and a
	// link that matches none of the names relink knows may name one of
	// them. (A note it could not open keeps its path names, as a note
	// with broken frontmatter does: it is a bad file, not an Unread one.)
	Unread bool `json:"-"`
}

// ReadOptions configure a scan.
type ReadOptions struct {
	Exclude     []string // glob patterns on vault-relative paths; a folder excludes its tree
	MaxFileSize int64
	Syntax      note.Options
	Workers     int
	// Hash records each note's SHA-256 in Note.Sum (always done for notes
	// parsed while a Cache is set, so that cached notes carry it).
	Hash bool
	// Progress, if set, is called after each note is parsed.
	Progress func(done, total int)
	// Cache, if set, gives the notes of files unchanged since they were
	// last parsed, and records the notes parsed now.
	Cache *notecache.Cache
	// Roots, when set, reads only what the whole walk would find at or
	// under these vault paths (files or folders, present or gone): a
	// long-lived reader re-reads the paths that changed and nothing else.
	Roots []string
	// Light, when set, may read a note without parsing it in full: it is
	// given the bytes of every note the cache did not give, and the note
	// it returns (ok) stands for the parse. Such a note is not cached.
	Light func(p string, src []byte) (n note.Note, ok bool)
	// Parsed, if set, is called with the size of each note parsed (not
	// given by the cache), from the readers' goroutines: a one-shot run
	// reserves heap ahead of what the parsed notes will take
	// (internal/hugepages).
	Parsed func(size int)
	// Listed, if set, is called from the walk each time it has found
	// another listedEvery notes, with how many it has found: a one-shot
	// run of a large vault reserves its heap before the notes are read.
	Listed func(notes int)
}

// listedEvery is how often the walk tells ReadOptions.Listed how many
// notes it has found.
const listedEvery = 1024

// Scan is the result of reading a vault.
type Scan struct {
	Notes       []*note.Note // sorted by path
	Attachments []string     // other files, sorted
	Problems    []Problem
	// Folders are the folders the walk entered ("." for the vault's),
	// in no order: a watcher of the vault watches them, without walking
	// the vault again.
	Folders []string
}

// skipDir reports folders relink never reads: hidden ones (.git, .obsidian,
// .trash, .relink, ...) and node_modules.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules"
}

// IsNote reports whether a file name is a note.
func IsNote(name string) bool {
	e := strings.ToLower(path.Ext(name))
	return e == ".md" || e == ".markdown"
}

// Files walks the vault and returns note and attachment paths, sorted.
func (v *Vault) Files(exclude []string) (notes, other []string, problems []Problem, err error) {
	var mu sync.Mutex
	problems, _, err = v.walk(exclude, func(p string, isNote bool) {
		mu.Lock()
		defer mu.Unlock()
		if isNote {
			notes = append(notes, p)
		} else {
			other = append(other, p)
		}
	})
	sort.Strings(notes)
	sort.Strings(other)
	return notes, other, problems, err
}

// walk lists the vault's folders in parallel (a 100,000-note vault has
// hundreds of folders, and listing each is a round of system calls) and
// calls emit, concurrently, for every file that counts. Problems come back
// sorted.
func (v *Vault) walk(exclude []string, emit func(p string, isNote bool)) ([]Problem, []string, error) {
	w := &walker{v: v, exclude: exclude, emit: emit, sem: make(chan struct{}, 8)}
	entries, err := w.list(".")
	if err != nil {
		return nil, nil, err
	}
	w.folders = append(w.folders, ".")
	w.wg.Add(1)
	w.visit(".", 0, entries)
	w.wg.Wait()
	sort.Slice(w.problems, func(i, j int) bool { return w.problems[i].File < w.problems[j].File })
	return w.problems, w.folders, nil
}

// walkRoots is walk limited to roots (nil: the whole vault). A root the
// walk would pass by (hidden, excluded, in a folder never entered) or that
// is gone gives nothing; a root folder is walked whole.
func (v *Vault) walkRoots(roots, exclude []string, emit func(p string, isNote bool)) ([]Problem, []string, error) {
	if roots == nil {
		return v.walk(exclude, emit)
	}
	w := &walker{v: v, exclude: exclude, emit: emit, sem: make(chan struct{}, 8)}
	for _, p := range roots {
		if p == "." || p == "" {
			return v.walk(exclude, emit)
		}
		if Skipped(p, exclude) {
			continue
		}
		dir, name := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		depth := 0
		if dir == "" {
			dir = "."
		} else {
			depth = strings.Count(dir, "/") + 1
			if depth > MaxFolderDepth {
				continue
			}
		}
		st, err := v.Root.Lstat(p)
		if err != nil {
			continue // gone: nothing is there now
		}
		w.wg.Add(1)
		w.visit(dir, depth, []entry{{name: name, typ: st.Mode().Type()}})
	}
	w.wg.Wait()
	sort.Slice(w.problems, func(i, j int) bool { return w.problems[i].File < w.problems[j].File })
	return w.problems, w.folders, nil
}

type walker struct {
	v        *Vault
	exclude  []string
	emit     func(p string, isNote bool)
	sem      chan struct{} // bounds the folders listed at once
	wg       sync.WaitGroup
	mu       sync.Mutex
	problems []Problem
	folders  []string // entered
}

func (w *walker) problem(p, msg string) {
	w.mu.Lock()
	w.problems = append(w.problems, Problem{File: p, Message: msg})
	w.mu.Unlock()
}

// unread is problem for a file or folder whose names the walk could not
// learn because of err (nil: a limit of relink's own). One that is gone
// since it was listed hides nothing.
func (w *walker) unread(p, msg string, err error) {
	w.mu.Lock()
	w.problems = append(w.problems, Problem{File: p, Message: msg, Unread: !errors.Is(err, fs.ErrNotExist)})
	w.mu.Unlock()
}

// entry is a folder entry with its type (the fs.ModeType bits, or
// typeUnknown).
type entry struct {
	name string
	typ  fs.FileMode
}

// typeUnknown is the type of an entry whose file system does not record
// types in its folders.
const typeUnknown = ^fs.FileMode(0)

// list reads a folder's entries with their types, which the listing gives
// for free on Linux: no stat per file. Only a regular file is a note (a
// named pipe, socket or device called "x.md" would block or fail the
// read), and a folder called "x.md" is a folder.
func (w *walker) list(dir string) ([]entry, error) {
	w.sem <- struct{}{}
	defer func() { <-w.sem }()
	f, err := w.v.Root.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	es, err := readEntries(f)
	// In name order, not the file system's (a hash order on ext4): the
	// notes of a folder are then read, and their records allocated, in
	// the order of the sorted note list that the index and the plan walk
	// again and again, which then reads memory more nearly in order (at
	// 100,000 notes the index took 0.05-0.1 s less CPU time).
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return es, err
}

// MaxFolderDepth is how deep below the vault's root folders are read.
// Every folder and note is opened by its path from the root, one step per
// folder on the way, so the walk of a chain of folders costs the square of
// its depth (10,000 levels took minutes); no vault nests a hundredth as
// deep.
const MaxFolderDepth = 256

// visit emits the notes of dir, depth folders below the root, and visits
// its subfolders.
func (w *walker) visit(dir string, depth int, entries []entry) {
	defer w.wg.Done()
	for _, e := range entries {
		name := e.name
		if strings.HasPrefix(name, ".") {
			continue // hidden: .git, .obsidian, .trash, .relink.toml, ...
		}
		p := name
		if dir != "." {
			p = dir + "/" + name
		}
		if excluded(p, w.exclude) {
			continue
		}
		typ := e.typ
		if typ == typeUnknown {
			st, err := w.v.Root.Lstat(p)
			if err != nil {
				w.unread(p, "cannot read: "+unwrapPath(err), err)
				continue
			}
			typ = st.Mode().Type()
		}
		switch {
		case typ.IsRegular():
			w.emit(p, IsNote(name))
		case typ.IsDir():
			if skipDir(name) {
				continue
			}
			if depth == MaxFolderDepth {
				w.unread(p, fmt.Sprintf("folder more than %d levels deep; skipped", MaxFolderDepth), nil)
				continue
			}
			w.wg.Add(1)
			go func() {
				sub, err := w.list(p)
				if err != nil {
					w.unread(p, "cannot read: "+unwrapPath(err), err)
				} else {
					w.mu.Lock()
					w.folders = append(w.folders, p)
					w.mu.Unlock()
				}
				w.visit(p, depth+1, sub)
			}()
		case typ&fs.ModeSymlink != 0:
			// A symlink counts only if it stays inside the vault; a
			// linked folder is not followed (it could loop).
			tst, err := w.v.Root.Stat(p)
			switch {
			case err != nil && IsNote(name):
				// Kept as a note that failed to read, so that its names
				// still stop a link from being repaired to another note.
				w.emit(p, true)
			case err != nil:
				w.problem(p, "symlink points outside the vault or nowhere; skipped")
			case tst.Mode().IsRegular():
				w.emit(p, IsNote(name))
			case IsNote(name) && !tst.IsDir():
				w.problem(p, notRegular(tst.Mode()))
			}
		case IsNote(name):
			w.problem(p, notRegular(typ))
		}
	}
}

// notRegular says why a file named like a note is not read.
func notRegular(m fs.FileMode) string {
	return "not a regular file (" + regularfile.Kind(m) + "); skipped"
}

// readBatch is the most paths a reader takes from the queue at once: a
// few, so that the last notes still spread over all readers. A reader
// with a ring takes more: a ring's batch costs a few system calls however
// many files it holds.
const (
	readBatch = 8
	ringBatch = 32
)

// miss is a note the cache did not give.
type miss struct {
	path      string
	cacheable bool
}

// Read walks the vault and parses every note in parallel. Parsing starts
// while the walk is still listing folders.
func (v *Vault) Read(opt ReadOptions) (*Scan, error) {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	workers := opt.Workers
	if workers <= 0 {
		// Reads block: keep more in flight than cores. With a cold page
		// cache eight reads outstanding take ~40% less time than two.
		workers = max(8, runtime.GOMAXPROCS(0)*2)
		if v.ringPossible() && ringsWork() {
			// A reader with a ring keeps a batch of reads in flight
			// (blocking ones run on the kernel's workers): one reader
			// a core is as fast with a cold page cache, and faster
			// with a warm one (less switching between readers).
			workers = max(2, runtime.GOMAXPROCS(0))
		}
	}
	paths := newPathQueue()
	var (
		mu           sync.Mutex
		other        []string
		found        int
		problems     []Problem
		readProblems []Problem // files found not to be notes once opened
		folders      []string
		walkErr      error
		shares       [][]*note.Note
		done         int
		workerWait   sync.WaitGroup
	)
	go func() {
		problems, folders, walkErr = v.walkRoots(opt.Roots, opt.Exclude, func(p string, isNote bool) {
			if !isNote {
				mu.Lock()
				other = append(other, p)
				mu.Unlock()
				return
			}
			// Pushed under mu: a reader could otherwise take and count
			// the note before the total counts it (done > total), and
			// walkers of several folders raise the total in any order.
			mu.Lock()
			found = max(found, paths.push(p))
			n := found
			mu.Unlock()
			if opt.Listed != nil && n%listedEvery == 0 {
				opt.Listed(n)
			}
		})
		paths.close()
	}()
	for w := 0; w < workers; w++ {
		workerWait.Add(1)
		go func() {
			defer workerWait.Done()
			// One read buffer per worker: a parsed note keeps no reference
			// to its bytes, so the buffer is reused for the next file.
			var buf []byte
			// The notes of one read live as long as one another: their
			// packed links are carved from this worker's chunks.
			arena := new(note.Arena)
			var mine []*note.Note
			var skipped []Problem
			record := func(p string, n *note.Note, why string) {
				switch {
				case n != nil:
					mine = append(mine, n)
				case why != "":
					skipped = append(skipped, Problem{File: p, Message: why})
				}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, found)
					mu.Unlock()
				}
			}
			// The notes are stat'ed for the cache, and those it does not
			// give read, a batch at a time through a ring of this
			// worker's, where there is one, made for the first batch of
			// two notes or more (a ring costs a few system calls to set
			// up).
			var ring *noteRing
			ringTried := false
			defer func() { ring.close() }()
			take := readBatch
			if v.ringPossible() {
				take = ringBatch
			}
			var batch []string
			var misses []miss
			for {
				batch = paths.take(batch, take)
				if len(batch) == 0 {
					break
				}
				if len(batch) >= 2 && !ringTried && take == ringBatch {
					ring, ringTried = v.newNoteRing(), true
				}
				misses = misses[:0]
				if opt.Cache != nil && ring.usable(v, len(batch)) {
					misses = ring.lookupBatch(v, batch, opt, misses, record)
				} else {
					for _, p := range batch {
						if n, cacheable := v.cachedNote(p, opt); n != nil {
							record(p, n, "")
						} else {
							misses = append(misses, miss{p, cacheable})
						}
					}
				}
				if ring.usable(v, len(misses)) {
					buf = ring.readBatch(v, misses, opt, buf, arena, record)
					continue
				}
				for _, m := range misses {
					n, why, nbuf := v.readUncached(m.path, opt, m.cacheable, buf, arena)
					buf = nbuf
					record(m.path, n, why)
				}
			}
			// Each worker sorts its own share, on its own core; the
			// shares are merged below.
			slices.SortFunc(mine, byPath)
			mu.Lock()
			shares = append(shares, mine)
			readProblems = append(readProblems, skipped...)
			mu.Unlock()
		}()
	}
	workerWait.Wait()
	if walkErr != nil {
		return nil, fmt.Errorf("walk %s: %w", v.Dir, walkErr)
	}
	notes := mergeSorted(shares)
	sort.Strings(other)
	problems = append(problems, readProblems...)
	for _, n := range notes {
		if n.Err != nil {
			problems = append(problems, Problem{File: n.Path, Message: n.Err.Error() + "; links in it were not checked"})
		}
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].File < problems[j].File })
	return &Scan{Notes: notes, Attachments: other, Problems: problems, Folders: folders}, nil
}

func byPath(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) }

// mergeSorted merges lists sorted by path into one: pairwise, the pairs of
// a round in parallel, so that only the last merge runs alone.
func mergeSorted(lists [][]*note.Note) []*note.Note {
	if len(lists) == 0 {
		return nil
	}
	for len(lists) > 1 {
		next := make([][]*note.Note, (len(lists)+1)/2)
		var wg sync.WaitGroup
		for i := 0; i+1 < len(lists); i += 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next[i/2] = merge2(lists[i], lists[i+1])
			}()
		}
		if len(lists)%2 == 1 {
			next[len(next)-1] = lists[len(lists)-1]
		}
		wg.Wait()
		lists = next
	}
	return lists[0]
}

func merge2(a, b []*note.Note) []*note.Note {
	out := make([]*note.Note, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if byPath(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// cachedNote returns the cache's note of the file at p, or nil and whether
// the note parsed from p may be cached.
func (v *Vault) cachedNote(p string, opt ReadOptions) (n *note.Note, cacheable bool) {
	// Only a regular file is cached: a symlinked note would be recorded
	// under the target's key and never found again by its own.
	if opt.Cache == nil {
		return nil, false
	}
	k, ok := v.cacheKey(p)
	if !ok {
		return nil, false
	}
	return lookupCached(p, k, opt), true
}

// lookupCached returns the cache's note of the regular file at p whose
// note cache key is k, or nil.
func lookupCached(p string, k notecache.Key, opt ReadOptions) *note.Note {
	if k.Size <= opt.MaxFileSize {
		if n, ok := opt.Cache.Lookup(p, k, opt.Hash); ok {
			n.Dev, n.Ino = k.Dev, k.Ino
			return n
		}
	}
	return nil
}

// readUncached reads the note at p from its file, one system call at a
// time: the way of every note the cache does not give where there is no
// ring (noteRing), and of every file the ring leaves to it. A file that
// turns out not to be a regular file (swapped in after the walk, or a
// symlink's target) gives no note but the reason it was skipped.
func (v *Vault) readUncached(p string, opt ReadOptions, cacheable bool, buf []byte, arena *note.Arena) (n *note.Note, skipped string, _ []byte) {
	f, ok := v.notes.open(p)
	if !ok {
		rf, err := v.Root.OpenFile(p, openFlags, 0)
		if err != nil {
			if st, serr := v.Root.Stat(p); serr == nil && !st.Mode().IsRegular() {
				return nil, notRegular(st.Mode()), buf // a socket cannot be opened
			}
			if st, lerr := v.Root.Lstat(p); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
				return &note.Note{Path: p, Err: errors.New("symlink points outside the vault or nowhere")}, "", buf
			}
			return &note.Note{Path: p, Err: fmt.Errorf("cannot read: %s", unwrapPath(err))}, "", buf
		}
		f = noteFile{f: rf}
	}
	defer f.close()
	// The opened file's own type, from the fstat that also gives its size:
	// the walk saw a regular file, but another may be in its place now.
	size, typ, key, err := f.stat()
	if err != nil {
		return &note.Note{Path: p, Err: fmt.Errorf("cannot read: %s", unwrapPath(err))}, "", buf
	}
	if !typ.IsRegular() {
		return nil, notRegular(typ), buf
	}
	if size > opt.MaxFileSize {
		return &note.Note{Path: p, Err: fmt.Errorf("too large (%d bytes, limit %d)", size, opt.MaxFileSize)}, "", buf
	}
	if int64(cap(buf)) < size {
		buf = make([]byte, size, size+size/4)
	}
	buf = buf[:size]
	if err := f.readFull(buf); err != nil {
		return &note.Note{Path: p, Err: fmt.Errorf("cannot read: %s", unwrapPath(err))}, "", buf
	}
	return v.parseNote(p, opt, buf, key, cacheable, arena), "", buf
}

// parseNote parses the bytes src read from the regular file at p, whose
// note cache key (from the open file, taken before the read) is key (nil
// where there are no keys).
func (v *Vault) parseNote(p string, opt ReadOptions, src []byte, key *notecache.Key, cacheable bool, arena *note.Arena) *note.Note {
	if opt.Light != nil {
		if ln, ok := opt.Light(p, src); ok {
			if key != nil {
				ln.Dev, ln.Ino = key.Dev, key.Ino
			}
			return &ln
		}
	}
	// A cached note carries its hash, so that apply can take it from the
	// cache too. Packed, the links of all notes take a fraction of the
	// memory of their records (see note.Note.Pack).
	if opt.Parsed != nil {
		opt.Parsed(len(src))
	}
	pn, enc := note.ParsePackedIn(arena, p, src, opt.Syntax, opt.Hash || opt.Cache != nil, opt.Cache != nil)
	if key != nil {
		pn.Dev, pn.Ino = key.Dev, key.Ino
	}
	if enc != nil && cacheable && key != nil {
		// The key comes from the open file, taken before the read: a write
		// during the read moves the change time past it.
		opt.Cache.Put(p, *key, enc)
	}
	return &pn
}

// statFile returns what readUncached needs of an open file: its size, its type
// (the fs.ModeType bits), and its note cache key (nil for anything but a
// regular file, or where there are no keys).
func statFile(f *os.File) (size int64, typ fs.FileMode, key *notecache.Key, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, 0, nil, err
	}
	if k, ok := notecache.KeyOf(st); ok {
		key = &k
	}
	return st.Size(), st.Mode().Type(), key, nil
}

// cacheKey returns the note cache key of the regular file at p, without
// following a symlink there.
func (v *Vault) cacheKey(p string) (notecache.Key, bool) {
	if k, ok, done := v.notes.statKey(p); done {
		return k, ok
	}
	st, err := v.Root.Lstat(p)
	if err != nil {
		return notecache.Key{}, false
	}
	return notecache.KeyOf(st)
}

func readFull(f *os.File, buf []byte) error {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			if n == len(buf) {
				return nil
			}
			return err
		}
	}
	return nil
}

// ReadFile reads one vault file (for apply's re-read and diffs).
//
// Like the walk, it reads regular files only, opened without blocking: a
// named pipe put where a note was (between a check and a preview, say)
// must not hang the run.
func (v *Vault) ReadFile(p string) ([]byte, error) {
	return regularfile.Read(v.Root, p)
}

// Detect names the dialect of a vault from its marker files, in this
// order: "dendron.yml" for Dendron, ".obsidian/" for Obsidian, ".foam/" or
// a Foam setting in ".vscode/settings.json" for Foam, else "wiki". (A vault
// opened in both Obsidian and Foam resolves links much the same in both;
// Obsidian's folder is the app's own, while VS Code settings may be shared.)
func (v *Vault) Detect() string {
	if st, err := v.Root.Stat("dendron.yml"); err == nil && !st.IsDir() {
		return "dendron"
	}
	if st, err := v.Root.Stat(".obsidian"); err == nil && st.IsDir() {
		return "obsidian"
	}
	if v.foamWorkspace() {
		return "foam"
	}
	return "wiki"
}

// foamWorkspace reports whether the vault is a Foam workspace: it has a
// ".foam/" folder (Foam's templates, queries and styles live there), or its
// ".vscode/settings.json" sets a "foam.…" key, as Foam's workspace template
// does. A VS Code folder without Foam settings is not enough: VS Code edits
// every kind of vault.
func (v *Vault) foamWorkspace() bool {
	if st, err := v.Root.Stat(".foam"); err == nil && st.IsDir() {
		return true
	}
	// Settings files are small; a huge one is not read whole, and a
	// named pipe in its place is not waited on.
	b, err := regularfile.ReadLimit(v.Root, ".vscode/settings.json", 1<<20)
	if err != nil {
		return false
	}
	return hasFoamSetting(b)
}

// hasFoamSetting reports whether a VS Code settings file (JSON with
// comments) has a key that starts with "foam.": a quoted "foam.…" string
// followed by a colon.
func hasFoamSetting(settings []byte) bool {
	s := string(settings)
	for {
		i := strings.Index(s, `"foam.`)
		if i < 0 {
			return false
		}
		s = s[i+1:]
		end := strings.IndexAny(s, "\"\n")
		if end < 0 {
			return false
		}
		if s[end] == '"' && strings.HasPrefix(strings.TrimLeft(s[end+1:], " \t\r\n"), ":") {
			return true
		}
		s = s[end:]
	}
}

// DendronVaults returns the names of the vaults a dendron.yml declares
// (workspace.vaults[].name, or the folder when unnamed). Its errors do not
// name the file: the caller reports them as problems of dendron.yml.
func (v *Vault) DendronVaults() ([]string, error) {
	b, err := regularfile.Read(v.Root, "dendron.yml")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		return nil, err
	}
	var cfg struct {
		Vaults    []dendronVault `yaml:"vaults"`
		Workspace struct {
			Vaults []dendronVault `yaml:"vaults"`
		} `yaml:"workspace"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		return nil, err
	}
	var names []string
	for _, dv := range append(cfg.Vaults, cfg.Workspace.Vaults...) {
		if dv.Name != "" {
			names = append(names, dv.Name)
		}
		if dv.FsPath != "" {
			names = append(names, path.Base(dv.FsPath))
		}
	}
	return names, nil
}

type dendronVault struct {
	Name   string `yaml:"name"`
	FsPath string `yaml:"fsPath"`
}

// Skipped reports whether a walk with these exclude patterns passes the
// vault path p by: a hidden name on its way, a folder the walk never
// enters, or a match of a pattern by p or a folder holding it. A note
// written there would be no note of the vault.
func Skipped(p string, exclude []string) bool {
	parts := strings.Split(p, "/")
	for i, name := range parts {
		if strings.HasPrefix(name, ".") || excluded(strings.Join(parts[:i+1], "/"), exclude) {
			return true
		}
		if i < len(parts)-1 && skipDir(name) {
			return true
		}
	}
	return false
}

// SkippedDir reports whether the walk never enters the folder at vault
// path p: Skipped, or a folder it never reads (hidden, node_modules).
func SkippedDir(p string, exclude []string) bool {
	return Skipped(p, exclude) || skipDir(path.Base(p))
}

// excluded reports whether a vault path matches an exclude pattern: a glob
// on the whole path, or on the file or folder name for patterns without '/'.
func excluded(p string, patterns []string) bool {
	for _, pat := range patterns {
		pat = strings.TrimSuffix(strings.TrimPrefix(pat, "/"), "/")
		if pat == "" {
			continue
		}
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
		if ok, _ := path.Match(pat, path.Base(p)); ok && !strings.Contains(pat, "/") {
			return true
		}
	}
	return false
}

// unwrapPath drops the path and operation from an error: messages name the
// vault-relative path themselves.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
