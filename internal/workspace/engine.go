package workspace

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/renames"
	"github.com/relinkmd/relink/internal/vault"
)

// An Engine keeps a vault loaded for a long-lived client (an MCP or
// language server) and keeps its Report current as notes change, at the
// cost of the notes that changed rather than of the vault.
//
// # Concurrency
//
// Every published State is immutable: State, Report and everything they
// hold (vault, index, plan) are never written after they are published,
// so any number of goroutines may read one while the engine makes the
// next. State never blocks. Updates (Refresh, SetBuffer, DropBuffer,
// Flush and the watcher's) run one at a time, in the order they take the
// engine's lock; each publishes one new State with the next Version.
//
// # Updates
//
// An update re-reads and re-parses only the changed paths (a folder: its
// tree) and keeps every other parsed note. When no name changed the new
// index shares the old one's name tables (index.WithNotes); when names of
// the same notes changed (a title, aliases, an id) it reads them through
// an overlay of the changed notes' names (index.Rename); a note added,
// removed or moved, or an attachment, builds them again. The plan is
// patched (plan.Ledger): only the changed notes, and the notes whose
// fragments point into a changed note whose headings or anchors changed,
// are planned again; every other note's edits and findings are kept from
// the plan before, which stays lazy (plan.Lazy) until a reader asks for
// its lists (State, Report; Latest does not). When names change, the notes planned again are also
// those the change can affect — the notes with a link that could name a
// changed name, the notes a new name could give another hint — and the
// rest are kept (nameChange.replan says what a plan depends on and why
// the rest cannot change; linkKeys finds the notes by their links' keys
// without reading every link). A change to the vault's settings
// (.relink.toml, dendron.yml, the dialect's marker files) loads the vault
// again, as Load does.
//
// The first load is check's: it takes the notes, the index's tables and
// the plans from the vault's caches when they hold, and saves them.
//
// Writes go through the workspace's own use cases (Apply, Undo, Move,
// Merge) on State().Report, unchanged; the engine's methods of the same
// names do that and then read back the files written (Refresh with their
// paths), so that the next State holds them. They take turns: one write
// at a time per engine.
type Engine struct {
	opt EngineOptions

	state atomic.Pointer[State]

	mu sync.Mutex // held by the update running; never by readers
	// writing is held by a write (Apply, Undo, Move, Merge) from the
	// report it plans on until the files it wrote are read back: writes
	// that arrive together (an MCP client's concurrent calls) then take
	// turns, each planning on the last one's result, instead of meeting
	// the snapshot store locked by their own process.
	writing sync.Mutex
	v       *vault.Vault
	given   string // the vault's folder as given (absolute), before symlinks
	parts   *loadParts
	names   *renames.File // the names the load saw, to find renames since
	// oldNames are the notes the names file held at the load, read once
	// asked for (in the background after the load).
	oldNames func() []renames.Note
	formers  []index.Former
	// matcher is the last match of the notes against the names the load
	// saw, for the next change of names at the same paths; nil when none.
	matcher *renames.Matcher
	// primed, until taken, gives the match of the notes as loaded.
	primed chan *renames.Matcher
	// sinceMatch are the paths read again since the last match.
	sinceMatch map[string]bool
	// saving are the caches' writes a load left running.
	saving []chan struct{}
	// ledger is the current plan's per-note counts and fragment targets,
	// for the next update to patch it.
	ledger *plan.Ledger
	// loaded says the first load is done: a load again (a settings
	// change) reads no cache, whose mapping would stay for good.
	loaded bool
	// links files every note's link targets by the keys they could name
	// a note by, for a change of names to find the notes it can affect.
	links *linkKeys
	// broken are the hint keys of broken links by note, current with the
	// plan.
	broken  *brokenLinks
	buffers map[string][]byte
	watch   *watcher
	// rescan is set when Watch was asked for and no watcher could be
	// made: Flush then reads the whole vault again.
	rescan bool
	closed bool
}

// EngineOptions configure an Engine.
type EngineOptions struct {
	// Options are Load's. Once and Rewrites do not apply (an engine
	// loads for good and is not about to rewrite), Hash is always on
	// (Apply needs each note's hash), and the progress functions are
	// called for the first load only.
	Options
	// Watch follows changes on disk (fsnotify, every folder the vault's
	// walk enters). Without it the client calls Refresh.
	Watch bool
	// OnUpdate, if set, is called with each new State, in Version order,
	// from the goroutine that made it (with the engine's lock held: it
	// must not call the engine's updating methods). The State is as
	// Latest gives it: its plan's lists are made by Engine.State.
	OnUpdate func(*State)
	// OnError, if set, is told of what goes wrong in the background: a
	// watch that cannot be set, an update from disk events that failed.
	OnError func(error)
}

// State is one version of the engine's vault.
type State struct {
	// Version counts updates from 1 (the first load).
	Version uint64
	Report  *Report
	// Changed are the vault paths this version read again; nil when it
	// read the whole vault (the first load, a settings change). The
	// findings of other notes can change too (a name changed, a heading
	// that a #fragment names): a client that shows them per note compares
	// each note's with the last State's.
	Changed []string
}

// OpenEngine loads the vault at dir, as Load does, and keeps it.
func OpenEngine(dir string, opt EngineOptions) (*Engine, error) {
	v, err := vault.Open(dir)
	if err != nil {
		return nil, err
	}
	opt.Once, opt.Rewrites, opt.Hash = false, false, true
	e := &Engine{opt: opt, v: v, buffers: map[string][]byte{}}
	e.given, _ = filepath.Abs(dir)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.reload(); err != nil {
		v.Close()
		return nil, err
	}
	// Progress is for the first load only.
	e.opt.Progress, e.opt.ResolveProgress = nil, nil
	if opt.Watch {
		w, err := e.startWatch()
		if err != nil {
			// Still correct, only slower: each Flush reads the vault.
			e.report(fmt.Errorf("%w; the vault is read again whole before each answer", err))
			e.rescan = true
		}
		e.watch = w
	}
	return e, nil
}

// State returns the current state, its plan's lists made (the first
// reader of a state after a keystroke pays for them). It never waits for
// an update.
func (e *Engine) State() *State { return e.state.Load().ensured() }

// ensured returns st with its report's plan lists made.
func (st *State) ensured() *State {
	st.Report.ensurePlan()
	return st
}

// Report returns the current state's report, as State does.
func (e *Engine) Report() *Report { return e.State().Report }

// Latest returns the current state as it is: its report's Plan may be nil
// until State or Report makes it. A client that reads a few notes' edits
// and findings after each keystroke (a language server) reads them with
// Report.PlanOf and Report.EditCount, and pays for the note, not the
// vault.
func (e *Engine) Latest() *State { return e.state.Load() }

// Dir is the vault's folder (absolute).
func (e *Engine) Dir() string { return e.v.Dir }

// Refresh reads the given paths again — vault-relative or absolute, files
// or folders, present or gone — and publishes the new state. With no
// path, or the vault's own folder, it loads the whole vault again.
func (e *Engine) Refresh(paths ...string) (*State, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errEngineClosed
	}
	if len(paths) == 0 {
		err := e.reload()
		return e.state.Load().ensured(), err
	}
	roots := make([]string, 0, len(paths))
	for _, p := range paths {
		r, err := e.rel(p)
		if err != nil {
			return nil, err
		}
		roots = append(roots, r)
	}
	err := e.update(roots)
	return e.state.Load().ensured(), err
}

// SetBuffer makes text the note at path (vault-relative or absolute)
// until DropBuffer: an editor's unsaved text counts instead of the file,
// and a note not yet saved counts as if it were. The new state is
// Latest's: an editor calls it at each keystroke, and reads the notes it
// shows with Report.PlanOf.
func (e *Engine) SetBuffer(p string, text []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errEngineClosed
	}
	r, err := e.rel(p)
	if err != nil {
		return err
	}
	if !vault.IsNote(r) || vault.Skipped(r, e.parts.ro.Exclude) {
		return fmt.Errorf("%s: not a note of the vault (a .md or .markdown file the walk reads)", r)
	}
	e.buffers[r] = slices.Clone(text)
	return e.update([]string{r})
}

// DropBuffer forgets path's buffer: the file on disk counts again.
func (e *Engine) DropBuffer(p string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errEngineClosed
	}
	r, err := e.rel(p)
	if err != nil {
		return err
	}
	if _, ok := e.buffers[r]; !ok {
		return nil
	}
	delete(e.buffers, r)
	return e.update([]string{r})
}

// Close stops the watcher and closes the vault. States published before
// stay readable, but their vault's files can no longer be read through
// them.
func (e *Engine) Close() error {
	if e.watch != nil {
		e.watch.stop()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	// The caches are written in the background: done before the engine
	// is, so that nothing writes in the store after Close.
	<-e.links.saved
	e.waitSaves()
	return e.v.Close()
}

var errEngineClosed = errors.New("the vault engine is closed")

// VaultPath turns a client's path (vault-relative, or absolute inside the
// vault) into a clean vault path ("." for the vault itself).
func (e *Engine) VaultPath(p string) (string, error) { return e.rel(p) }

// rel turns a client's path into a clean vault path ("." for the vault).
func (e *Engine) rel(p string) (string, error) {
	if filepath.IsAbs(p) {
		// A client names files through the vault's folder as it was
		// given, or as it really is (a symlinked vault).
		r, err := filepath.Rel(e.v.Dir, p)
		if (err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator))) && e.given != "" {
			r, err = filepath.Rel(e.given, p)
		}
		if err != nil {
			return "", err
		}
		p = r
	}
	p = path.Clean(filepath.ToSlash(p))
	if p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
		return "", fmt.Errorf("%s: outside the vault %s", p, e.v.Dir)
	}
	return p, nil
}

// publish makes rep the current state.
func (e *Engine) publish(rep *Report, changed []string) {
	var version uint64 = 1
	if old := e.state.Load(); old != nil {
		version = old.Version + 1
	}
	st := &State{Version: version, Report: rep, Changed: changed}
	e.state.Store(st)
	if e.opt.OnUpdate != nil {
		e.opt.OnUpdate(st)
	}
}

// reload loads the whole vault, as Load does, and keeps the plans of the
// memo that still hold. The caller holds e.mu.
func (e *Engine) reload() error {
	opt := e.opt.Options
	opt.Once = !e.loaded
	e.ledger = plan.NewLedger()
	opt.ledger = e.ledger
	var linkKeys [][]uint64
	opt.linkKeys = &linkKeys
	e.waitSaves() // the last load's, before this one writes the same files
	opt.saving = &e.saving
	rep, parts, err := load(e.v, opt)
	if err != nil {
		return err
	}
	rep.withLazy(plan.Flat(rep.Plan))
	e.loaded = true
	e.parts = parts
	e.names, e.oldNames = nil, func() []renames.Note { return nil }
	if rep.Settings.NamesFile != "" {
		// What this load saw, as the load saved it: a note renamed from
		// now on is found against it, as the next check run would.
		if parts.namesSaved != nil {
			<-parts.namesSaved
		}
		e.names = renames.Open(rep.Settings.NamesFile)
		names := e.names
		e.oldNames = sync.OnceValue(func() []renames.Note {
			old, _ := names.Notes()
			return old
		})
	}
	e.formers = rep.Index.RenamedFormers()
	e.matcher, e.sinceMatch, e.primed = nil, nil, nil
	// What only a change of names needs is made in the background once
	// the ledger is (the first keystroke's update needs that): a core
	// is the first answer's meanwhile.
	gate := e.ledger.Ready()
	if e.names != nil || len(parts.moved) > 0 {
		// The match of the notes as loaded, for the first change of
		// names to match again only what changed since (its formers
		// are the load's: Match finds none where the load's digest
		// said nothing changed).
		primed := make(chan *renames.Matcher, 1)
		oldNames, moved, notes := e.oldNames, parts.moved, rep.Index.Notes
		go func() {
			<-gate
			m := renames.NewMatcher(oldNames(), moved)
			m.Match(seenNotes(notes))
			primed <- m
		}()
		e.primed = primed
	}
	// Rename's first derivation reads the references of the index
	// loaded (from the cache: not made yet).
	go func() {
		<-gate
		rep.Index.WarmRefs()
	}()
	var linkCache string
	if rep.Settings.CacheFile != "" {
		linkCache = filepath.Join(filepath.Dir(rep.Settings.CacheFile), linkKeysCacheFile)
	}
	if e.links != nil {
		<-e.links.saved // the last load's cache written before the next one
	}
	e.links, e.broken = startLinkKeys(rep.Index.Notes, linkCache, linkKeys, gate), startBrokenLinks(rep, gate)
	if len(e.buffers) > 0 {
		// The buffers count over what was read from disk.
		e.publishQuietly(rep)
		return e.update(slices.Sorted(mapKeys(e.buffers)))
	}
	e.publish(rep, nil)
	return nil
}

// publishQuietly stores rep as the base of the next update without
// telling OnUpdate (the update publishes the state clients see).
func (e *Engine) publishQuietly(rep *Report) {
	var version uint64
	if old := e.state.Load(); old != nil {
		version = old.Version
	}
	e.state.Store(&State{Version: version, Report: rep})
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// isSettings reports whether a change at vault path p changes how the
// vault is read: its config, Dendron's vault list, the dialect's marker
// files.
func isSettings(p string) bool {
	switch p {
	case config.FileName, "dendron.yml", ".obsidian", ".foam", ".vscode", ".vscode/settings.json":
		return true
	}
	return false
}

// under reports whether vault path p is root or inside it.
func under(p, root string) bool {
	return strings.HasPrefix(p, root) && (len(p) == len(root) || p[len(root)] == '/')
}

func underAny(p string, roots []string) bool {
	for _, r := range roots {
		if under(p, r) {
			return true
		}
	}
	return false
}

// update reads roots again and publishes the new state. The caller holds
// e.mu.
func (e *Engine) update(roots []string) error {
	roots = outermost(roots)
	for _, r := range roots {
		if r == "." || isSettings(r) {
			return e.reload()
		}
	}
	cur := e.state.Load().Report
	old := e.parts.scan
	ro := e.parts.ro
	ro.Roots = roots
	sub, err := e.v.Read(ro)
	if err != nil {
		return err
	}
	e.overlayBuffers(sub, roots, ro)

	// The notes, files and problems outside the roots stay; those at or
	// under them are what was just read.
	keepNotes, goneNotes := splitNotes(old.Notes, roots)
	keepFiles, goneFiles := splitStrings(old.Attachments, roots)
	notes := mergeNotes(keepNotes, sub.Notes)
	attachments := mergeStrings(keepFiles, sub.Attachments)
	problems := slices.DeleteFunc(slices.Clone(old.Problems), func(p vault.Problem) bool { return underAny(p.File, roots) })
	problems = append(problems, sub.Problems...)
	slices.SortStableFunc(problems, func(a, b vault.Problem) int { return strings.Compare(a.File, b.File) })
	scan := &vault.Scan{Notes: notes, Attachments: attachments, Problems: problems}

	e.links.update(goneNotes, sub.Notes)
	if e.matcher != nil || e.primed != nil {
		if e.sinceMatch == nil {
			e.sinceMatch = map[string]bool{}
		}
		for _, p := range readPaths(goneNotes, sub.Notes) {
			e.sinceMatch[p] = true
		}
	}

	s := cur.Settings
	s.Plan.Workers = runtime.GOMAXPROCS(0)
	s.Plan.Progress = nil
	// The notes read again, and those whose fragments point into one
	// whose headings or anchors changed, are planned again.
	replan := readPaths(goneNotes, sub.Notes)
	replan = append(replan, e.ledger.FragmentDependents(anchorsChanged(goneNotes, sub.Notes))...)
	whole := false
	var ix *index.Index
	if sameNames(goneNotes, sub.Notes) && slices.Equal(goneFiles, sub.Attachments) {
		ix = cur.Index.WithNotes(notes)
	} else {
		// The same notes with other names (a title typed, an alias
		// added): the name tables are read through an overlay of the
		// changed notes' names instead of built again.
		var ok bool
		if slices.Equal(goneFiles, sub.Attachments) {
			ix, ok = cur.Index.Rename(notes)
		}
		renamed := ok
		if !ok {
			ix = index.Build(notes, attachments, s.Dialect, s.Level)
		}
		ix.LocalVaults = cur.Index.LocalVaults
		// A retitled note's completions, without every name's again.
		ix.DeriveCompletions(cur.Index)
		formers := e.findRenames(notes, sub.Notes, renamed)
		ix.SetRenamed(formers)
		e.links.wait()
		change := nameChange{
			before: cur.Index, now: ix, roots: roots, links: e.links, broken: e.broken.wait(cur.lazyPlan(), cur.Index),
			gone: goneNotes, read: sub.Notes,
			formers:         [2][]index.Former{e.formers, formers},
			sameAttachments: slices.Equal(goneFiles, sub.Attachments),
		}
		e.formers = formers
		more, all := change.replan()
		replan, whole = append(replan, more...), all
	}
	var z *plan.Lazy
	ok := false
	if !whole {
		z, ok = e.ledger.Patch(cur.lazyPlan(), ix, s.Plan, replan)
	}
	if !ok {
		e.ledger = plan.NewLedger()
		s.Plan.Ledger = e.ledger
		z = plan.Flat(plan.Build(ix, s.Plan))
		s.Plan.Ledger = nil
		replan = nil
		for _, n := range notes {
			replan = append(replan, n.Path)
		}
		e.broken.update(z, ix, nil)
	} else {
		e.broken.update(z, ix, replan)
	}
	// The report's counts now; its lists when a reader asks (State).
	pl := &plan.Plan{Stats: z.Stats, NoteLinks: z.NoteLinks, NoteLinksOff: z.NoteLinksOff}
	rep := assemble(e.v, s, scan, e.parts.vaultProblems, ix, pl, true)
	rep.Plan = nil
	rep.withLazy(z)
	rep.PlansReused = plansKept(ix, replan)
	e.parts.scan = scan
	e.publish(rep, roots)
	return nil
}

// findRenames matches notes against the names the load saw, as load
// does against the names file: nothing when they are what it saw. When
// the notes are those of the last match at the same paths but for read
// (a title typed), only those are matched again (renames.Matcher).
func (e *Engine) findRenames(notes, read []*note.Note, samePaths bool) []index.Former {
	if e.names == nil && len(e.parts.moved) == 0 {
		return nil
	}
	if e.primed != nil {
		e.matcher, e.primed = <-e.primed, nil
	}
	since := e.sinceMatch
	e.sinceMatch = nil
	if samePaths && e.matcher != nil && e.matcher.Len() == len(notes) {
		// Every note read again since the last match, body edits too
		// (its bytes are the content a moved note is found by).
		changed := make(map[int]renames.Note, len(since)+len(read))
		for _, p := range append(slices.Collect(maps.Keys(since)), readPaths(nil, read)...) {
			i := sort.Search(len(notes), func(i int) bool { return notes[i].Path >= p })
			if i < len(notes) && notes[i].Path == p {
				changed[i] = seenNote(notes[i])
			}
		}
		if fs, ok := e.matcher.Rematch(changed); ok {
			return indexFormers(fs)
		}
	}
	e.matcher = nil
	if e.names != nil && len(e.parts.moved) == 0 && e.names.Unchanged(digestNotes(notes)) {
		// (Matched, this would give nothing too: the file holds no
		// former names then.)
		return nil
	}
	e.matcher = renames.NewMatcher(e.oldNames(), e.parts.moved)
	return indexFormers(e.matcher.Match(seenNotes(notes)))
}

// overlayBuffers puts the buffers at or under roots in sub in place of
// what the disk holds there.
func (e *Engine) overlayBuffers(sub *vault.Scan, roots []string, ro vault.ReadOptions) {
	changed := false
	for p, text := range e.buffers {
		if !underAny(p, roots) {
			continue
		}
		changed = true
		var n note.Note
		if int64(len(text)) > ro.MaxFileSize && ro.MaxFileSize > 0 {
			n = note.Note{Path: p, Err: fmt.Errorf("too large (%d bytes, limit %d)", len(text), ro.MaxFileSize)}
		} else {
			n, _ = note.ParsePacked(p, text, ro.Syntax, true, false)
		}
		sub.Notes = slices.DeleteFunc(sub.Notes, func(o *note.Note) bool { return o.Path == p })
		sub.Notes = append(sub.Notes, &n)
		sub.Problems = slices.DeleteFunc(sub.Problems, func(o vault.Problem) bool { return o.File == p })
		if n.Err != nil {
			sub.Problems = append(sub.Problems, vault.Problem{File: p, Message: n.Err.Error() + "; links in it were not checked"})
		}
	}
	if changed {
		slices.SortFunc(sub.Notes, func(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) })
	}
}

// outermost sorts roots and drops those inside another.
func outermost(roots []string) []string {
	roots = slices.Clone(roots)
	slices.Sort(roots)
	roots = slices.Compact(roots)
	out := roots[:0]
	for _, r := range roots {
		if len(out) > 0 && under(r, out[len(out)-1]) || len(out) > 0 && out[len(out)-1] == "." {
			continue
		}
		out = append(out, r)
	}
	return out
}

// splitNotes splits notes (sorted by path) into those outside roots
// (sorted, as outermost returns them) and those at or under one. The
// notes under a root are found by binary search: a root's own path and
// the paths under it ("root/…") are each one run of the sorted list.
func splitNotes(notes []*note.Note, roots []string) (keep, gone []*note.Note) {
	type span struct{ lo, hi int }
	var spans []span
	find := func(lo, hi int) {
		if lo < hi {
			spans = append(spans, span{lo, hi})
		}
	}
	for _, r := range roots {
		i := sort.Search(len(notes), func(i int) bool { return notes[i].Path >= r })
		if i < len(notes) && notes[i].Path == r {
			find(i, i+1)
		}
		dir := r + "/"
		lo := sort.Search(len(notes), func(i int) bool { return notes[i].Path >= dir })
		hi := lo + sort.Search(len(notes)-lo, func(i int) bool { return !strings.HasPrefix(notes[lo+i].Path, dir) })
		find(lo, hi)
	}
	slices.SortFunc(spans, func(a, b span) int { return a.lo - b.lo })
	keep = make([]*note.Note, 0, len(notes))
	at := 0
	for _, s := range spans {
		if s.lo < at { // a span inside one taken (roots are outermost: not expected)
			s.lo = at
		}
		if s.hi <= at {
			continue
		}
		keep = append(keep, notes[at:s.lo]...)
		gone = append(gone, notes[s.lo:s.hi]...)
		at = s.hi
	}
	return append(keep, notes[at:]...), gone
}

func splitStrings(ps []string, roots []string) (keep, gone []string) {
	keep = make([]string, 0, len(ps))
	for _, p := range ps {
		if underAny(p, roots) {
			gone = append(gone, p)
		} else {
			keep = append(keep, p)
		}
	}
	return keep, gone
}

// sameNames reports whether the notes read again carry the names of the
// notes they replace, one for one (both sorted by path).
func sameNames(before, after []*note.Note) bool {
	if len(before) != len(after) {
		return false
	}
	for i := range before {
		if !index.SameNames(before[i], after[i]) {
			return false
		}
	}
	return true
}

func mergeNotes(a, b []*note.Note) []*note.Note {
	out := make([]*note.Note, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Path < a[0].Path {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

func mergeStrings(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0] < a[0] {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// readPaths are the paths of the notes read again, as they were and as
// they are.
func readPaths(gone, read []*note.Note) []string {
	out := make([]string, 0, len(gone)+len(read))
	for _, n := range gone {
		out = append(out, n.Path)
	}
	for _, n := range read {
		out = append(out, n.Path)
	}
	return out
}

// anchorsChanged are the paths of the notes read again whose headings,
// block ids or anchors changed, or which came or went.
func anchorsChanged(gone, read []*note.Note) []string {
	was := make(map[string]*note.Note, len(gone))
	for _, n := range gone {
		was[n.Path] = n
	}
	var out []string
	for _, n := range read {
		if w, ok := was[n.Path]; !ok || !plan.SameAnchors(w, n) || (w.Err == nil) != (n.Err == nil) {
			out = append(out, n.Path)
		}
		delete(was, n.Path)
	}
	for p := range was {
		out = append(out, p)
	}
	return out
}

// plansKept counts the notes of ix with a plan (those read without
// error) that are not at paths: their plans were kept.
func plansKept(ix *index.Index, paths []string) int {
	kept := 0
	for _, n := range ix.Notes {
		if n.Err == nil {
			kept++
		}
	}
	seen := make(map[string]bool, len(paths))
	for _, p := range paths {
		if i, ok := ix.NoteByPath(p); ok && !seen[p] && ix.Notes[i].Err == nil {
			seen[p] = true
			kept--
		}
	}
	return kept
}

// waitSaves waits for the caches' writes of the last load.
func (e *Engine) waitSaves() {
	for _, d := range e.saving {
		<-d
	}
	e.saving = nil
}
