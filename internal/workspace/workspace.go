// Package workspace holds relink's use cases — check, plan, apply, undo —
// as the one place where vault reading, indexing, planning and snapshots
// meet. The CLI (and any later client) calls these and only prints.
package workspace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/hugepages"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/plancache"
	"github.com/relinkmd/relink/internal/regularfile"
	"github.com/relinkmd/relink/internal/renames"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
)

// Options are what flags and the config file decide. Empty strings and nil
// pointers mean "not given on the command line".
type Options struct {
	Dialect          string
	Level            string
	Strict           *bool
	AllowAlias       *bool
	FollowDuplicates *bool
	KeepDisplay      *bool
	Exclude          []string
	Progress         func(done, total int) // notes read
	// ResolveProgress is called as each note's links are resolved.
	ResolveProgress func(done, total int)
	// Hash records each note's SHA-256 as read, so that Apply can refuse a
	// file that changed since it was planned.
	Hash bool
	// Cache uses the note cache (nil: as the config says, default on).
	Cache *bool
	// Store is the snapshot folder given on the command line ("": the
	// configured one); the note cache lives in it.
	Store string
	// Once says the process loads the vault this once (a command, not a
	// server): the note cache file is then mapped rather than read, which
	// is faster but never gives its memory back.
	Once bool
	// Rewrites says the run goes on to rewrite notes (apply): the index
	// and plan caches are used but not written, as the links of the notes
	// it rewrites are about to change (a later check writes them; writing
	// them here was a tenth of a 100k apply).
	Rewrites bool
	// Since is a git commit: the renames git records between it and the
	// work tree count as renames too ("" for none).
	Since string
	// SkipNames neither reads nor writes the names the last run saw: a
	// move plans its own renames, and its dry run writes nothing.
	SkipNames bool
	// Reference loads by the straightforward path: no caches (note,
	// index, plan), every note parsed by the slow authority of each step
	// (note.Options.Reference), no in-run memo. Its report is what the
	// normal path's must equal byte for byte (TestReferencePath).
	Reference bool
	// ledger, when set, is filled with the plan's per-note shares (an
	// Engine's first load).
	ledger *plan.Ledger
	// saving, when set, receives the caches' writes still running when
	// load returns, instead of load waiting for them (an Engine).
	saving *[]chan struct{}
	// linkKeys, when set, receives the link keys (engine_linkkeys.go) of
	// the notes planned from their links, by note: an Engine files them
	// while the plan decodes the links anyway.
	linkKeys *[][]uint64
	// changed, when set, plans only what this change touched (LoadChanged).
	changed *Change
}

// Settings are the options in force after flags, config and detection.
type Settings struct {
	Dialect         dialect.Dialect
	DialectExplicit bool // given by flag or config, not detected
	Level           fold.Level
	Strict          bool
	Plan            plan.Options
	Exclude         []string
	MaxFileSize     int64
	Config          config.Config
	// CacheFile is the note cache's file, "" when there is no cache.
	CacheFile string
	// NamesFile remembers the vault's notes from run to run, to find the
	// ones renamed since ("" when there is no store folder).
	NamesFile string
}

// Report is the outcome of reading and planning a vault.
type Report struct {
	Vault    *vault.Vault
	Settings Settings
	Plan     *plan.Plan
	Problems []vault.Problem // unreadable files and vault-level errors
	Warnings []string
	// Doubt is the wrong-dialect guard's finding: set when the dialect was
	// detected, not given, and looks wrong; apply then refuses.
	Doubt *DialectDoubt
	Index *index.Index
	// IndexCached says the index's tables were read from the index cache.
	IndexCached bool
	// PlansReused counts the notes whose plans came from the plan cache.
	PlansReused int

	// lazy, set in an Engine's reports, is the plan as the engine keeps
	// it: Plan is nil until made from it (Engine.State and Report make
	// it; Engine.Latest does not, and its readers use PlanOf).
	lazy *lazyReportPlan
}

type lazyReportPlan struct {
	once sync.Once
	z    *plan.Lazy
}

// withLazy makes z the report's plan, kept lazy.
func (r *Report) withLazy(z *plan.Lazy) {
	r.lazy = &lazyReportPlan{z: z}
}

// ensurePlan makes Plan from the lazy plan, once.
func (r *Report) ensurePlan() *Report {
	if l := r.lazy; l != nil {
		l.once.Do(func() { r.Plan = l.z.Plan() })
	}
	return r
}

// lazyPlan is the report's plan as a plan.Lazy.
func (r *Report) lazyPlan() *plan.Lazy {
	if r.lazy != nil {
		return r.lazy.z
	}
	return plan.Flat(r.Plan)
}

// PlanOf returns the edits and findings of the note at p, sorted by
// offset, without making a lazy plan's lists.
func (r *Report) PlanOf(p string) ([]plan.Edit, []plan.Finding) {
	if r.lazy != nil {
		return r.lazy.z.Of(p)
	}
	return r.Plan.Of(p)
}

// EditCount is the number of planned edits, without making a lazy plan's
// lists.
func (r *Report) EditCount() int {
	if r.lazy != nil {
		return r.lazy.z.EditCount()
	}
	return len(r.Plan.Edits)
}

// Load reads the vault at dir and plans its repairs. The returned report
// keeps the vault open; the caller closes Report.Vault.
func Load(dir string, opt Options) (*Report, error) {
	v, err := vault.Open(dir)
	if err != nil {
		return nil, err
	}
	rep, _, err := load(v, opt)
	if err != nil {
		v.Close()
		return nil, err
	}
	return rep, nil
}

// loadParts is what an Engine keeps of a load, besides the report, to
// update it note by note later.
type loadParts struct {
	scan *vault.Scan
	// ro reads notes as the load did (without the note cache).
	ro vault.ReadOptions
	// vaultProblems are the problems of the vault's own files
	// (dendron.yml), apart from the scan's.
	vaultProblems []vault.Problem
	moved         []renames.Moved
	// namesSaved is closed once the names file is written (nil when the
	// load does not write it).
	namesSaved chan struct{}
}

// load reads and plans the vault. With mem (an Engine's), plans are
// recorded in and taken from it instead of the plan cache file.
func load(v *vault.Vault, opt Options) (*Report, *loadParts, error) {
	cfg, err := config.Load(v.Root)
	if err != nil {
		return nil, nil, err
	}
	s, err := settle(v, cfg, opt)
	if err != nil {
		return nil, nil, err
	}
	ro := vault.ReadOptions{
		Exclude:     s.Exclude,
		MaxFileSize: s.MaxFileSize,
		Syntax:      s.Dialect.Syntax(),
		Progress:    opt.Progress,
		Hash:        opt.Hash,
	}
	ro.Syntax.MaxLinks = cfg.MaxLinksPerNote
	var heap *hugepages.Reserver
	if opt.Once {
		// A command's heap, or what a server's first load keeps: fresh
		// memory, touched once (internal/hugepages). A server takes the
		// advice back once loaded.
		heap = new(hugepages.Reserver)
		ro.Parsed, ro.Listed = heap.Parsed, heap.Listed
		if opt.saving != nil {
			defer heap.Settle()
		}
	}
	ro.Syntax.Reference = opt.Reference
	if s.CacheFile != "" {
		open := notecache.Open
		if opt.Once {
			open = notecache.OpenMapped
		}
		ro.Cache = open(s.CacheFile, fmt.Sprintf("syntax=%+v max=%d", ro.Syntax, ro.MaxFileSize))
		if heap != nil {
			if st, err := os.Stat(s.CacheFile); err == nil {
				heap.Cached(st.Size())
			}
		}
	}
	var memo *plancache.Cache
	if s.CacheFile != "" && opt.Once && opt.changed == nil {
		// Loaded while the vault is read.
		memo = plancache.Open(filepath.Join(filepath.Dir(s.CacheFile), planCacheFile))
	}
	var moved []renames.Moved
	if opt.changed != nil {
		moved = opt.changed.moved
		// The notes the change did not touch lend their names; only
		// those that may link to what it touched are parsed in full.
		opt.changed.reads = &lightReads{maxLinks: ro.Syntax.MaxLinks, filters: map[string]*trigramFilter{}, light: map[string]bool{}}
		if opt.changed.reads.maxLinks <= 0 {
			opt.changed.reads.maxLinks = note.DefaultMaxLinks
		}
		ro.Light = opt.changed.reads.read(opt.changed)
	} else if opt.Since != "" && !opt.SkipNames {
		if moved, err = renames.Git(v.Dir, opt.Since); err != nil {
			return nil, nil, err
		}
	}
	last := make(chan *renames.File, 1)
	go func() {
		var f *renames.File
		if s.NamesFile != "" {
			f = renames.Open(s.NamesFile)
		}
		last <- f
	}()
	scan, err := v.Read(ro)
	if err != nil {
		return nil, nil, err
	}
	saved := make(chan struct{})
	var defers []chan struct{}
	go func() {
		// The cache only saves time: a cache that cannot be written is
		// not worth failing (or even warning) a run for.
		if ro.Cache != nil {
			ro.Cache.Save()
		}
		close(saved)
	}()
	// saveBeside writes another cache in the background once the note
	// cache is saved, and only beside it: a vault whose notes are all too
	// fresh to be cached gets no store of its own from a check. The run
	// waits for it before it returns.
	saveBeside := func(save func()) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			<-saved
			if _, err := os.Stat(s.CacheFile); err == nil {
				save()
			}
		}()
		defers = append(defers, done)
	}
	defer func() {
		waits := append([]chan struct{}{saved}, defers...)
		if opt.saving != nil {
			// An engine waits for them when it closes: its first answer
			// does not wait for the caches to be written.
			*opt.saving = append(*opt.saving, waits...)
			return
		}
		for _, d := range waits {
			<-d
		}
	}()
	// The digest of what the names file would remember, beside the index:
	// on an unchanged vault it is all that renames cost.
	digest := make(chan [32]byte, 1)
	go func() {
		if s.NamesFile != "" {
			digest <- digestNotes(scan.Notes)
		}
		close(digest)
	}()
	// What the names file finds renamed since its run, worked out while
	// the index is built.
	type renamesFound struct {
		names   *renames.File
		seen    []renames.Note
		formers []index.Former
	}
	found := make(chan renamesFound, 1)
	go func() {
		r := renamesFound{names: <-last}
		if d, ok := <-digest; ok && r.names != nil && r.names.Unchanged(d) && len(moved) == 0 {
			// The notes the last run saw, as it saw them: nothing was
			// renamed, and nothing is to be written.
			r.names = nil
		} else if r.names != nil || len(moved) > 0 {
			r.seen = seenNotes(scan.Notes)
			var old []renames.Note
			if r.names != nil {
				// A damaged file is a first run: it only finds renames.
				old, _ = r.names.Notes()
			}
			if fs := renames.Match(old, r.seen, moved); len(fs) > 0 {
				r.formers = indexFormers(fs)
			}
		}
		found <- r
	}()
	// The vault as the plan cache's run saw it, when its names changed
	// since (names_since.go): worked out once, when asked.
	var former func() *formerVault
	if memo != nil {
		former = sync.OnceValue(func() *formerVault {
			if fv, ok := findFormerVault(memo, ro.Cache, scan); ok {
				return fv
			}
			return nil
		})
	}
	tablesFormer := former
	if opt.saving != nil {
		// An Engine derives its completions and later indexes from its
		// first: it builds it whole.
		tablesFormer = nil
	}
	// The index cache is not for an index of notes read for their names
	// alone: its tables would be saved without their anchors.
	ix, cached, writeTables, formerIx := buildIndex(scan, s, opt.Once && (opt.changed == nil || len(opt.changed.reads.light) == 0), tablesFormer)
	if writeTables != nil && !opt.Rewrites {
		saveBeside(writeTables)
	}
	problems, localVaults := dendronVaults(v, s)
	ix.LocalVaults = localVaults
	s.Plan.Workers = runtime.GOMAXPROCS(0)
	s.Plan.Progress = opt.ResolveProgress
	var ctx [32]byte
	var fv *formerVault
	var bx *index.Index
	if memo != nil {
		ctx = plan.ContextSum(ix, scan.Attachments, s.Plan)
		bx, fv = formerIndex(memo, former, formerIx, scan, ix, s, ctx)
	}
	r := <-found
	names, seen, formers := r.names, r.seen, r.formers
	if len(formers) > 0 {
		ix.SetRenamed(formers)
	}
	if memo != nil {
		beginPlans(memo, fv, bx, ix, ctx, formers)
		s.Plan.Memo = memo
		s.Plan.MemoReadOnly = opt.Rewrites
	}
	s.Plan.Ledger = opt.ledger
	// The keys each note's links are filed under (engine_linkkeys.go):
	// for an Engine's index of them, and, with the hint keys of its broken
	// links, beside each plan recorded in the plan cache, for the next
	// run's change of names (names_since.go).
	// (Made when a first note is planned: a run that takes every plan
	// from the cache has none to keep.)
	var abouts func() []plancache.About
	if memo != nil && !opt.Rewrites {
		abouts = sync.OnceValue(func() []plancache.About { return make([]plancache.About, len(ix.Notes)) })
	}
	if opt.linkKeys != nil || abouts != nil {
		var out [][]uint64
		if opt.linkKeys != nil {
			out = make([][]uint64, len(ix.Notes))
			*opt.linkKeys = out
		}
		filers := sync.Pool{New: func() any { return &targetFiler{} }}
		s.Plan.OnLinks = func(i int32, links []note.Link, findings []plan.Finding) {
			f := filers.Get().(*targetFiler)
			keys := f.keysOf(links)
			filers.Put(f)
			if out != nil {
				out[i] = keys
			}
			if abouts != nil {
				abouts()[i] = plancache.About{Keys: keys, Hints: brokenHintsIn(links, brokenAt(findings))}
			}
		}
	}
	var pl *plan.Plan
	if opt.changed != nil {
		if pl, err = planChanged(v, opt.changed, ix, scan, s, ro.Syntax); err != nil {
			return nil, nil, err
		}
	} else {
		pl = plan.Build(ix, s.Plan)
	}
	s.Plan.Memo, s.Plan.MemoReadOnly, s.Plan.Ledger, s.Plan.OnLinks = nil, false, nil, nil
	// A check of a change reads the names the last run saw, as a full
	// check does, and reports as it would; it does not write them: it
	// saw what a change concerns, and the full check's names stay.
	var namesSaved chan struct{}
	if names != nil && opt.changed == nil {
		keepUsedFormers(seen, ix.RenamedUsed())
		done := make(chan struct{})
		namesSaved = done
		go func() {
			defer close(done)
			// Like the caches, the state only finds renames: a file that
			// cannot be written is not worth failing a run for.
			names.Save(seen)
		}()
		defers = append(defers, done)
	}
	if memo != nil && !opt.Rewrites {
		saveBeside(func() {
			memo.Save(func(p string) plancache.About {
				i, ok := ix.NoteByPath(p)
				if !ok {
					return plancache.About{}
				}
				a := abouts()[i]
				a.Names = plan.AppendNoteContext(nil, ix.Notes[i])
				return a
			})
		})
	}
	rep := assemble(v, s, scan, problems, ix, pl, opt.changed == nil)
	rep.IndexCached = cached
	if memo != nil {
		rep.PlansReused = memo.Hits()
	}
	// A copy: the note cache is still being saved from ro.
	reread := ro
	reread.Cache, reread.Progress = nil, nil
	return rep, &loadParts{scan: scan, ro: reread, vaultProblems: problems, moved: moved, namesSaved: namesSaved}, nil
}

// dendronVaults reads the vault names a dendron.yml declares (nil for
// another dialect), with its problem when it cannot be read.
func dendronVaults(v *vault.Vault, s Settings) ([]vault.Problem, map[string]bool) {
	if s.Dialect.Name() != "dendron" {
		return nil, nil
	}
	names, err := v.DendronVaults()
	// Without a dendron.yml (--dialect dendron on a bare folder of
	// notes) every link is local: nothing to report.
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return []vault.Problem{{File: "dendron.yml", Message: err.Error() + "; links to other vaults are checked as local"}}, nil
	}
	if len(names) == 0 {
		return nil, nil
	}
	local := map[string]bool{}
	for _, n := range names {
		local[n] = true
	}
	return nil, local
}

// assemble makes the report of a read, indexed and planned vault: its
// problems in order (files, the vault's own files, the index's), the
// wrong-dialect guard and the warnings. whole says the plan covers every
// note, so that the guard may weigh its links.
func assemble(v *vault.Vault, s Settings, scan *vault.Scan, vaultProblems []vault.Problem, ix *index.Index, pl *plan.Plan, whole bool) *Report {
	rep := &Report{Vault: v, Settings: s, Plan: pl, Problems: slices.Concat(scan.Problems, vaultProblems), Index: ix}
	for _, p := range ix.Problems {
		rep.Problems = append(rep.Problems, vault.Problem{File: p.File, Message: p.Message})
	}
	if w := unreadWarning(rep.Unread()); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
	// The guard weighs the whole vault's links; what a change touched is
	// no sample of them (a deleted note breaks all its links at once).
	if !whole {
		return rep
	}
	if rep.Doubt = doubtDialect(v, scan, s, pl); rep.Doubt != nil {
		rep.Warnings = append(rep.Warnings, rep.Doubt.String()+" (apply refuses until a dialect is given)")
	}
	if pl.Stats.Notes == 0 {
		// A mistyped path that happens to be a folder, or a vault whose
		// notes another extension holds: "0 notes" alone reads as clean.
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no notes (.md or .markdown files) found in %s", v.Dir))
	}
	return rep
}

// buildIndex reads the index's tables from the index cache beside the
// note cache when they were built from the same inputs, and builds them
// otherwise; then write, when not nil, saves what was built for the next
// run. Only a process that loads the vault once uses the cache: its file
// is mapped for the rest of the process.
//
// When the cache's tables are those of the vault former gives (the plan
// cache's run's, before some notes' names changed), the index is theirs
// read through an overlay of the changed names (index.Rename), as an
// Engine's is after a title typed, and formerIx is their own index: at
// 100,000 notes that is a fifth of a second less than building it. The
// cache is then left as it is; the next run builds and writes it. When
// notes moved, were added or removed since, this run's index is built and
// formerIx is still the cache's tables, when they are the former vault's.
func buildIndex(scan *vault.Scan, s Settings, once bool, former func() *formerVault) (ix *index.Index, cached bool, write func(), formerIx *index.Index) {
	if s.CacheFile == "" || !once {
		return index.Build(scan.Notes, scan.Attachments, s.Dialect, s.Level), false, nil, nil
	}
	file := filepath.Join(filepath.Dir(s.CacheFile), indexCacheFile)
	tag := notecache.ExecutableTag()
	fromFile := func(notes []*note.Note, sum index.Sum) *index.Index {
		// The header first: the tables of other names are not worth
		// mapping (the mapping is never released).
		if tablesFileMatches(file, sum, tag) {
			if data, err := notecache.Map(file); err == nil {
				if ix, err := index.FromTables(data, sum, tag, notes, scan.Attachments, s.Dialect, s.Level); err == nil {
					return ix
				}
			}
		}
		return nil
	}
	sum := index.TablesSum(scan.Notes, s.Dialect, s.Level)
	if ix := fromFile(scan.Notes, sum); ix != nil {
		return ix, true, nil, nil
	}
	if former != nil {
		if fv := former(); fv != nil && fv.samePaths && len(fv.gone) > 0 {
			if bx := fromFile(fv.notes, index.TablesSum(fv.notes, s.Dialect, s.Level)); bx != nil {
				if ix, ok := bx.Rename(scan.Notes); ok {
					return ix, true, nil, bx
				}
			}
		} else if fv != nil {
			// Notes moved, added or removed since: this run's index is
			// built, but the former vault's is the cache's tables, mapped,
			// not built a second time (at 100,000 notes ~150 MB of fresh
			// memory, which put a check after a rename over 600 MB).
			formerIx = fromFile(fv.notes, index.TablesSum(fv.notes, s.Dialect, s.Level))
		}
	}
	ix = index.Build(scan.Notes, scan.Attachments, s.Dialect, s.Level)
	return ix, false, func() {
		// Like the note cache, the index cache only saves time: a file
		// that cannot be written is not worth a warning.
		notecache.WriteAtomic(file, func(w *bufio.Writer) error { return ix.WriteTables(w, sum, tag) })
	}, formerIx
}

func tablesFileMatches(file string, sum index.Sum, tag string) bool {
	f, _, err := regularfile.OpenPath(file)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, index.TablesHeaderLen)
	n, _ := io.ReadFull(f, head)
	return index.TablesMatch(head[:n], sum, tag)
}

// The index and plan caches' names, in the note cache's folder.
const (
	indexCacheFile = "index.cache"
	planCacheFile  = "plans.cache"
)

func settle(v *vault.Vault, cfg config.Config, opt Options) (Settings, error) {
	s := Settings{Config: cfg, MaxFileSize: cfg.MaxFileSize}
	name := opt.Dialect
	if name == "" {
		name = cfg.Dialect
	}
	s.DialectExplicit = name != ""
	if name == "" {
		name = v.Detect()
	}
	d, err := dialect.ByName(name)
	if err != nil {
		return s, err
	}
	level := opt.Level
	if level == "" {
		level = cfg.Level
	}
	if level == "" {
		level = "separators"
	}
	s.Level, err = fold.ParseLevel(level)
	if err != nil {
		return s, err
	}
	s.Strict = pick(opt.Strict, cfg.Strict)
	if s.Strict {
		d = dialect.Strict{Dialect: d}
	}
	s.Dialect = d
	s.Plan = plan.Options{
		AllowAlias:       pick(opt.AllowAlias, cfg.AllowAlias),
		FollowDuplicates: pick(opt.FollowDuplicates, cfg.FollowDuplicates),
		KeepDisplay:      pick(opt.KeepDisplay, cfg.KeepDisplay),
	}
	s.Exclude = append(append([]string(nil), cfg.Exclude...), opt.Exclude...)
	// A snapshot store or note cache inside the vault is relink's own
	// folder: never read it as notes.
	excludeOwn := func(dir string) {
		if rel, err := filepath.Rel(v.Dir, dir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			s.Exclude = append(s.Exclude, filepath.ToSlash(rel))
		}
	}
	if dir, err := StoreDir(v.Dir, cfg, ""); err == nil {
		excludeOwn(dir)
	}
	if opt.Store != "" {
		if dir, err := StoreDir(v.Dir, cfg, opt.Store); err == nil {
			excludeOwn(dir)
		}
	}
	if dir, err := StoreDir(v.Dir, cfg, opt.Store); err == nil {
		// Kept with or without the note cache (--no-cache): the names of
		// the last run are what finds a rename, and cost a few
		// milliseconds.
		if !opt.SkipNames {
			s.NamesFile = filepath.Join(dir, snapshot.NoteCacheDir, renames.FileName)
		}
		if !opt.Reference && (opt.Cache != nil && *opt.Cache || opt.Cache == nil && (cfg.Cache == nil || *cfg.Cache)) {
			s.CacheFile = filepath.Join(dir, snapshot.NoteCacheDir, "notes.cache")
		}
	}
	return s, nil
}

func pick(flag, cfg *bool) bool {
	if flag != nil {
		return *flag
	}
	return cfg != nil && *cfg
}

// seenNotes is what the names file remembers of notes.
func seenNotes(notes []*note.Note) []renames.Note {
	out := make([]renames.Note, len(notes))
	for i, n := range notes {
		out[i] = seenNote(n)
	}
	return out
}

func seenNote(n *note.Note) renames.Note {
	return renames.Note{Path: n.Path, Title: n.Title, ID: n.ID, Dev: n.Dev, Ino: n.Ino, Content: n.ContentHash}
}

// digestNotes is the digest of the names file that would remember notes,
// computed without building it.
func digestNotes(notes []*note.Note) [32]byte {
	d := renames.NewDigester(len(notes))
	for _, n := range notes {
		rn := seenNote(n)
		d.Add(&rn)
	}
	return d.Sum()
}

func indexFormers(fs []renames.Former) []index.Former {
	out := make([]index.Former, len(fs))
	for i, f := range fs {
		out[i] = index.Former{Path: f.Name.Path, Title: f.Name.Title, Note: int32(f.Note)}
	}
	return out
}

// keepUsedFormers gives each note the former names that links used this
// run: the next run still finds those links, and forgets names no link
// uses any more.
func keepUsedFormers(seen []renames.Note, used []index.Former) {
	for _, f := range used {
		seen[f.Note].Formers = append(seen[f.Note].Formers, renames.Name{Path: f.Path, Title: f.Title})
	}
}

// rememberWritten updates the names file for the notes apply rewrote:
// each is a new file now (a new inode) with new bytes, and a note moved
// before the next run is found by them. The names file only finds
// renames: when it cannot be read or written, nothing else is lost.
func rememberWritten(rep *Report, changes []fileChange, written []string) {
	if rep.Settings.NamesFile == "" || len(written) == 0 {
		return
	}
	after := make(map[string]uint64, len(changes))
	for i := range changes {
		after[changes[i].path] = changes[i].afterContent
	}
	done := make(map[string]bool, len(written))
	for _, p := range written {
		done[p] = true
	}
	f := renames.Open(rep.Settings.NamesFile)
	notes, err := f.Notes()
	if err != nil || len(notes) == 0 {
		return
	}
	for i := range notes {
		n := &notes[i]
		if !done[n.Path] {
			continue
		}
		n.Content = after[n.Path]
		n.Dev, n.Ino = 0, 0
		if fi, err := rep.Vault.Root.Lstat(n.Path); err == nil {
			if k, ok := notecache.KeyOf(fi); ok {
				n.Dev, n.Ino = k.Dev, k.Ino
			}
		}
	}
	f.Save(notes)
}
