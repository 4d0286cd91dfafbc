package workspace

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// TestNoteCacheLivesInTheSnapshotFolder: relink writes nothing outside the
// vault but its snapshot folder (SPEC §7), the note cache included; a
// cache there before the first snapshot does not stop apply from making
// the store, and a second check takes every note from the cache with the
// same report.
func TestNoteCacheLivesInTheSnapshotFolder(t *testing.T) {
	base := t.TempDir()
	state, home := filepath.Join(base, "state"), filepath.Join(base, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", home)
	dir := filepath.Join(base, "vault")
	writeTree(t, dir, testVault)
	time.Sleep(notecache.Settle + 100*time.Millisecond) // old enough to be cached

	first, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first.Vault.Close()
	store, err := snapshot.DefaultDir(first.Vault.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(store, snapshot.NoteCacheDir, "notes.cache")); err != nil {
		t.Fatalf("no note cache in the snapshot folder: %v", err)
	}
	if ents, _ := os.ReadDir(home); len(ents) != 0 {
		t.Fatalf("check wrote into the home folder: %v", ents)
	}

	second, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Plan.Edits) != len(first.Plan.Edits) || second.Plan.Stats != first.Plan.Stats {
		t.Fatalf("reports differ with the cache: %+v, then %+v", first.Plan.Stats, second.Plan.Stats)
	}
	second.Vault.Close()

	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	res, err := Apply(context.Background(), rep, ApplyOptions{})
	if err != nil {
		t.Fatalf("apply into a snapshot folder that holds only the note cache: %v", err)
	}
	if res.Snapshot.ID == "" || res.Planned == 0 {
		t.Fatalf("apply made no snapshot: %+v", res)
	}
}

// TestIndexCache: a one-shot run reads the index's tables from the index
// cache when the notes' names are as they were (or as the plan cache's
// run saw them, through an overlay of the names changed since), and
// builds them otherwise or when the file is damaged; every run plans what
// a run without any cache plans.
func TestIndexCache(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	dir := filepath.Join(t.TempDir(), "vault")
	files := map[string]string{
		"Disaster Recovery.md": "# Disaster Recovery\n",
		"cache.md":             "---\ntitle: Cache Line\n---\nbody\n",
		"a.md":                 "[[disaster-recovery]] [[Cache Line]]\n",
		"b.md":                 "[[cache_line]] [[nowhere]]\n",
	}
	writeTree(t, dir, files)
	// The index cache is written beside a note cache, which takes notes
	// only once they are old enough.
	time.Sleep(notecache.Settle + 100*time.Millisecond)
	off := false
	load := func(opt Options) *Report { return loadClosed(t, dir, opt) }
	same := func(what string, got *Report) {
		t.Helper()
		want := load(Options{Cache: &off})
		if diff := cmp.Diff(want.Plan, got.Plan); diff != "" {
			t.Errorf("%s: plan differs from one without cache (-want +got):\n%s", what, diff)
		}
	}
	first := load(Options{Once: true})
	if first.IndexCached {
		t.Fatal("first run read an index cache")
	}
	same("first run", first)
	second := load(Options{Once: true})
	if !second.IndexCached {
		t.Fatal("second run built the index again")
	}
	same("second run", second)
	if load(Options{}).IndexCached {
		t.Error("a run that loads more than once read the index cache")
	}

	// A title changed: [[Cache Line]] is broken now, and a stale index
	// would still resolve it. The first run after reads the old tables
	// through an overlay of the new title (they are the plan cache's
	// run's); the next builds them again, and the one after reads them.
	writeTree(t, dir, map[string]string{"cache.md": "---\ntitle: Cache Lane\n---\nbody\n"})
	changed := load(Options{Once: true})
	same("after a title changed", changed)
	if changed.Plan.Stats == first.Plan.Stats {
		t.Fatalf("the changed title changed nothing: %+v", changed.Plan.Stats)
	}
	if !changed.IndexCached {
		t.Error("the run after a title changed built the index whole")
	}
	if next := load(Options{Once: true}); next.IndexCached {
		t.Fatal("the run after that read the old tables as they are")
	} else {
		same("the run after that", next)
	}
	if !load(Options{Once: true}).IndexCached {
		t.Fatal("the index cache was not written again")
	}

	// A damaged file is built over.
	store, err := StoreDir(dir, config.Config{}, "")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(store, snapshot.NoteCacheDir, indexCacheFile)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := load(Options{Once: true})
	if damaged.IndexCached {
		t.Fatal("a damaged index cache was read")
	}
	same("after damage", damaged)
}

// TestPlanCache: a one-shot run takes each note's plan from the plan cache
// when the note's links and every other note's names and headings are as
// they were; a note whose body changed is planned again alone, a new
// heading plans again the notes that link into its note with a fragment,
// and a new title plans again its note and the notes with a link that may
// name it or the title it replaced (names_since.go), whether or not that
// title is kept as a former name. Every run plans what a run without any
// cache plans.
func TestPlanCache(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	t.Setenv("XDG_CACHE_HOME", "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := filepath.Join(t.TempDir(), "vault")
	writeTree(t, dir, map[string]string{
		"Disaster Recovery.md": "# Disaster Recovery\n",
		"cache.md":             "---\ntitle: Cache Line\n---\nbody\n",
		"a.md":                 "[[disaster-recovery]] [[Cache Line]]\n",
		"b.md":                 "[[cache_line]] [[nowhere]] [[Disaster Recovery#Runbook]]\n",
	})
	time.Sleep(notecache.Settle + 100*time.Millisecond)
	off := false
	load := func(opt Options) *Report { return loadClosed(t, dir, opt) }
	check := func(what string, reused int) *Report {
		t.Helper()
		got := load(Options{Once: true})
		want := load(Options{Cache: &off})
		if diff := cmp.Diff(want.Plan, got.Plan); diff != "" {
			t.Errorf("%s: plan differs from one without cache (-want +got):\n%s", what, diff)
		}
		if got.PlansReused != reused {
			t.Errorf("%s: %d plans reused, want %d", what, got.PlansReused, reused)
		}
		return got
	}
	check("first run", 0)
	first := check("second run", 4)

	writeTree(t, dir, map[string]string{"a.md": "[[disaster-recovery]] [[Cache Line]] [[nowhere else]]\n"})
	if got := check("after a body changed", 3); got.Plan.Stats.Broken != first.Plan.Stats.Broken+1 {
		t.Errorf("the new broken link is not reported: %+v", got.Plan.Stats)
	}
	check("once more", 4)

	writeTree(t, dir, map[string]string{"Disaster Recovery.md": "# Disaster Recovery\n## Runbook\n"})
	// Only b.md links into the note with a fragment.
	if got := check("after a heading was added", 3); got.Plan.Stats.Heading != 0 {
		t.Errorf("the anchor still counts as broken: %+v", got.Plan.Stats)
	}
	writeTree(t, dir, map[string]string{"cache.md": "---\ntitle: Cache Lane\n---\nbody\n"})
	// The links to the former title are renamed now: a.md and b.md link
	// to it, and are planned again with cache.md.
	if got := check("after a title changed", 1); got.Plan.Stats.Renamed != 2 {
		t.Errorf("the links to the former title are not renamed: %+v", got.Plan.Stats)
	}
	writeTree(t, dir, map[string]string{
		"a.md": "[[disaster-recovery]] [[Cache Lane]] [[nowhere else]]\n",
		"b.md": "[[cache_lane]] [[nowhere]] [[Disaster Recovery#Runbook]]\n",
	})
	check("after the links followed", 2)
	// No link names the former title any more: forgetting it changes no
	// plan.
	check("with the former title forgotten", 4)
	check("once more", 4)

	// apply's Load reads the caches but writes neither.
	store, err := StoreDir(dir, config.Config{}, "")
	if err != nil {
		t.Fatal(err)
	}
	// The caches live in the snapshot folder (SPEC §7: relink writes
	// nowhere else outside the vault).
	for _, f := range []string{indexCacheFile, planCacheFile} {
		if err := os.Remove(filepath.Join(store, snapshot.NoteCacheDir, f)); err != nil {
			t.Fatalf("%s is not in the snapshot folder: %v", f, err)
		}
	}
	if ents, _ := os.ReadDir(home); len(ents) != 0 {
		t.Fatalf("check wrote into the home folder: %v", ents)
	}
	if rep := load(Options{Once: true, Rewrites: true}); rep.IndexCached || rep.PlansReused != 0 {
		t.Errorf("caches used after they were removed: %v, %d", rep.IndexCached, rep.PlansReused)
	}
	for _, f := range []string{indexCacheFile, planCacheFile} {
		if _, err := os.Stat(filepath.Join(store, snapshot.NoteCacheDir, f)); err == nil {
			t.Errorf("a run that rewrites notes wrote %s", f)
		}
	}
	check("after apply's load", 0)
	if rep := load(Options{Once: true, Rewrites: true}); !rep.IndexCached || rep.PlansReused != 4 {
		t.Errorf("a run that rewrites notes did not use the caches: %v, %d", rep.IndexCached, rep.PlansReused)
	}
}

// TestCachesAgreeUnderEdits edits a generated vault at random between
// runs — bodies, titles, headings, new, removed and renamed notes — and
// holds every run with the note, index and plan caches to a run without
// any.
func TestCachesAgreeUnderEdits(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	dir := filepath.Join(t.TempDir(), "vault")
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 300, Seed: 5, Dialect: "wiki"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(notecache.Settle + 100*time.Millisecond)
	var notes []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			notes = append(notes, p)
		}
		return nil
	})
	rng := rand.New(rand.NewPCG(9, 9))
	off := false
	reused := 0
	edit := func(p string, f func(string) string) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 40 {
		if round > 1 {
			i := rng.IntN(len(notes))
			p := notes[i]
			switch kind := rng.IntN(6); kind {
			case 0: // a body edit: links to another note, to a title that
				// a later round may give a note, and to nowhere
				other := strings.TrimSuffix(filepath.Base(notes[rng.IntN(len(notes))]), ".md")
				edit(p, func(s string) string {
					// Fragments into the first few notes, where headings are added.
					into := strings.TrimSuffix(filepath.Base(notes[rng.IntN(3)]), ".md")
					return s + fmt.Sprintf("\n[[%s]] [[%s#added heading %d]] [[target %d]] [[nowhere %d]]\n", strings.ToLower(other), into, rng.IntN(3), rng.IntN(4), round)
				})
			case 1: // a new title, which links of other notes may name
				title := fmt.Sprintf("Target %d", rng.IntN(4))
				edit(p, func(s string) string {
					if i := strings.Index(s, "\ntitle: "); i >= 0 {
						j := strings.IndexByte(s[i+1:], '\n')
						return s[:i] + "\ntitle: " + title + s[i+1+j:]
					}
					if strings.HasPrefix(s, "---\n") {
						return "---\ntitle: " + title + "\n" + s[4:]
					}
					return "---\ntitle: " + title + "\n---\n" + s
				})
			case 2: // a new heading, in one of the first few notes
				p = notes[rng.IntN(3)]
				edit(p, func(s string) string { return s + "\n## Added Heading " + fmt.Sprint(rng.IntN(3)) + "\n" })
			case 3: // a note removed
				os.Remove(p)
				notes = slices.Delete(notes, i, i+1)
			case 4: // a new note, named like an existing one in another spelling
				base := strings.TrimSuffix(filepath.Base(p), ".md")
				np := filepath.Join(dir, "new", strings.ReplaceAll(strings.ToUpper(base), " ", "_")+".md")
				os.MkdirAll(filepath.Dir(np), 0o755)
				os.WriteFile(np, []byte("# New\n[[#New]]\n"), 0o644)
				notes = append(notes, np)
			case 5: // a note renamed
				os.Rename(p, p+".md")
				notes[i] = p + ".md"
			}
		}
		got := loadClosed(t, dir, Options{Once: true})
		want := loadClosed(t, dir, Options{Cache: &off})
		if diff := cmp.Diff(want.Plan, got.Plan); diff != "" {
			t.Fatalf("round %d: plan with caches differs (-without +with):\n%s", round, diff)
		}
		if diff := cmp.Diff(want.Problems, got.Problems); diff != "" {
			t.Fatalf("round %d: problems with caches differ (-without +with):\n%s", round, diff)
		}
		reused += got.PlansReused
	}
	if reused == 0 {
		t.Fatal("no run reused a plan: the test checks nothing")
	}
}

// loadClosed loads the vault at dir and closes it: the report's plan and
// problems stay.
func loadClosed(t *testing.T, dir string, opt Options) *Report {
	t.Helper()
	rep, err := Load(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	return rep
}
