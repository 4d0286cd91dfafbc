package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// chooser picks numbers for a vault edit: from a PRNG in the random
// test, from the input in the fuzz target.
type chooser interface{ IntN(n int) int }

type fuzzChooser struct{ b []byte }

func (c *fuzzChooser) IntN(n int) int {
	if len(c.b) == 0 || n <= 1 {
		return 0
	}
	v := int(c.b[0])
	c.b = c.b[1:]
	return v % n
}

func (c *fuzzChooser) done() bool { return len(c.b) == 0 }

// vaultNotes lists the notes of dir as the walk would find them.
func vaultNotes(t testing.TB, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".markdown")) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

var titleLine = regexp.MustCompile(`(?m)^title:.*$`)
var aliasLine = regexp.MustCompile(`(?m)^aliases:.*$`)
var idLine = regexp.MustCompile(`(?m)^id:.*$`)
var canonicalLine = regexp.MustCompile(`(?m)^canonical_id:.*$`)
var duplicateLine = regexp.MustCompile(`(?m)^duplicate_of:.*$`)

// editVault makes one random change to the vault at dir and returns the
// vault paths it touched, as an editor or a file manager would.
func editVault(t testing.TB, dir string, c chooser, step int) []string {
	t.Helper()
	notes := vaultNotes(t, dir)
	stemOf := func(p string) string { return strings.TrimSuffix(path.Base(p), path.Ext(p)) }
	names := []string{"Missing Topic", "Fresh Note", "fresh note", "Shared Name", "shared-name", "Zeta"}
	for _, p := range notes {
		names = append(names, stemOf(p), strings.ToLower(stemOf(p)), strings.ReplaceAll(stemOf(p), " ", "-"))
	}
	pickName := func() string { return names[c.IntN(len(names))] }
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	write := func(p string, b []byte) {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	op := c.IntN(17)
	if len(notes) == 0 {
		op = 5
	}
	var p string
	if len(notes) > 0 {
		p = notes[c.IntN(len(notes))]
	}
	switch op {
	case 0: // a link in the body
		target := pickName()
		if c.IntN(3) == 0 {
			target += "#" + []string{"Risks", "배운 점", "Heading New", "^710a66"}[c.IntN(4)]
		}
		write(p, append(read(p), fmt.Sprintf("\nSee [[%s]] and [x](%s.md).\n", target, strings.ReplaceAll(pickName(), " ", "%20"))...))
		return []string{p}
	case 1: // a heading
		write(p, append(read(p), fmt.Sprintf("\n## Heading %s\n\ntext\n", []string{"New", "Risks", "Other"}[c.IntN(3)])...))
		return []string{p}
	case 2: // a new title
		b := read(p)
		repl := "title: " + pickName()
		if titleLine.Match(b) {
			b = titleLine.ReplaceAll(b, []byte(repl))
		} else {
			b = append([]byte("---\n"+repl+"\n---\n"), b...)
		}
		write(p, b)
		return []string{p}
	case 3: // a rename, maybe into a new folder
		to := path.Join([]string{path.Dir(p), "moved", "new/deeper"}[c.IntN(3)], pickName()+".md")
		if _, err := os.Stat(filepath.Join(dir, to)); err == nil {
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, p), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
		if c.IntN(2) == 0 {
			return []string{p, path.Dir(to)} // the folder, as a watcher sees a new one
		}
		return []string{p, to}
	case 4: // a deletion
		if err := os.Remove(filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
		return []string{p}
	case 5: // a new note
		to := path.Join([]string{".", "extra", "moved"}[c.IntN(3)], fmt.Sprintf("%s %d.md", pickName(), step))
		write(to, fmt.Appendf(nil, "---\ntitle: %s\n---\n# Top\n\nLinks to [[%s]] and [[%s#Top]].\n", pickName(), pickName(), pickName()))
		return []string{to}
	case 6: // aliases
		b := read(p)
		repl := fmt.Sprintf("aliases: [%s]", pickName())
		if aliasLine.Match(b) {
			b = aliasLine.ReplaceAll(b, []byte(repl))
			write(p, b)
		}
		return []string{p}
	case 7: // an attachment, added or removed
		a := fmt.Sprintf("assets/%s.png", pickName())
		if err := os.Remove(filepath.Join(dir, a)); err != nil {
			write(a, []byte("png"))
		}
		return []string{a}
	case 8: // a note that cannot be read, or read again
		b := read(p)
		if bytes.HasSuffix(b, []byte("\xff")) {
			b = b[:len(b)-1]
		} else {
			b = append(b, 0xff)
		}
		write(p, b)
		return []string{p}
	case 9: // a body edit that changes no link
		write(p, append(read(p), "\nplain words\n"...))
		return []string{p}
	case 10: // a duplicate_of
		b := read(p)
		b = bytes.Replace(b, []byte("duplicate_of: none"), fmt.Appendf(nil, "duplicate_of: \"[[%s]]\"", pickName()), 1)
		write(p, b)
		return []string{p}
	case 11: // aliases removed, or one more
		b := read(p)
		if aliasLine.Match(b) && c.IntN(2) == 0 {
			b = aliasLine.ReplaceAll(b, []byte("aliases: []"))
		} else if aliasLine.Match(b) {
			b = aliasLine.ReplaceAllFunc(b, func(l []byte) []byte {
				return fmt.Appendf(nil, "aliases: [%s, %s]", pickName(), pickName())
			})
		}
		write(p, b)
		return []string{p}
	case 12: // another id, maybe one some canonical_id names
		b := read(p)
		id := "id-" + strings.ReplaceAll(strings.ToLower(pickName()), " ", "-")
		if c.IntN(2) == 0 && len(notes) > 1 {
			if m := idLine.Find(read(notes[c.IntN(len(notes))])); m != nil {
				id = strings.TrimSpace(strings.TrimPrefix(string(m), "id:"))
			}
		}
		if idLine.Match(b) {
			b = idLine.ReplaceAll(b, []byte("id: "+id))
			write(p, b)
		}
		return []string{p}
	case 13: // a canonical_id naming another note's id, or none
		b := read(p)
		repl := "canonical_id: self"
		if c.IntN(3) > 0 && len(notes) > 1 {
			if m := idLine.Find(read(notes[c.IntN(len(notes))])); m != nil {
				repl = "canonical_id: " + strings.TrimSpace(strings.TrimPrefix(string(m), "id:"))
			}
		}
		if canonicalLine.Match(b) {
			b = canonicalLine.ReplaceAll(b, []byte(repl))
			b = duplicateLine.ReplaceAll(b, []byte("duplicate_of: none"))
			write(p, b)
		}
		return []string{p}
	case 14: // a new note taking another note's name: links to it turn ambiguous
		other := notes[c.IntN(len(notes))]
		ob := read(other)
		title := strings.TrimSuffix(path.Base(other), path.Ext(other))
		if m := titleLine.Find(ob); m != nil {
			title = strings.TrimSpace(strings.TrimPrefix(string(m), "title:"))
		}
		to := path.Join([]string{"clash", "moved/clash"}[c.IntN(2)], fmt.Sprintf("%s.md", []string{title, strings.ToLower(title), path.Base(strings.TrimSuffix(other, path.Ext(other)))}[c.IntN(3)]))
		if _, err := os.Stat(filepath.Join(dir, to)); err == nil {
			return nil
		}
		write(to, fmt.Appendf(nil, "---\ntitle: %s\naliases: [%s]\n---\n# Clash\n", title, pickName()))
		return []string{to}
	case 15: // a folder moved, with every note in it
		folder := path.Dir(p)
		if folder == "." {
			return nil
		}
		to := path.Join("relocated", fmt.Sprintf("%s-%d", path.Base(folder), step))
		if err := os.MkdirAll(filepath.Join(dir, path.Dir(to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, folder), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
		return []string{folder, to}
	default: // a title taken from another note, or dropped
		b := read(p)
		repl := ""
		if c.IntN(3) > 0 {
			other := notes[c.IntN(len(notes))]
			repl = "title: " + strings.TrimSuffix(path.Base(other), path.Ext(other))
			if m := titleLine.Find(read(other)); m != nil && c.IntN(2) == 0 {
				repl = string(m)
			}
		}
		if titleLine.Match(b) {
			write(p, titleLine.ReplaceAll(b, []byte(repl)))
		}
		return []string{p}
	}
}

// sameAsLoad fails t when the engine's report differs from a fresh Load
// of the vault in findings, edits, counts or problems.
func sameAsLoad(t testing.TB, e *Engine, dir string, opt Options, what string) {
	t.Helper()
	fresh, err := Load(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Vault.Close()
	// Each note's share as a language server reads it, from the plan as
	// the engine keeps it (before State makes the lists).
	latest := e.Latest().Report
	for _, n := range fresh.Index.Notes {
		we, wf := fresh.Plan.Of(n.Path)
		ge, gf := latest.PlanOf(n.Path)
		if d := cmp.Diff(we, ge, cmpopts.EquateEmpty()) + cmp.Diff(wf, gf, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("%s: engine's plan of %s differs from Load's (-load +engine):\n%s", what, n.Path, d)
		}
	}
	if latest.EditCount() != len(fresh.Plan.Edits) {
		t.Fatalf("%s: engine counts %d edits, Load plans %d", what, latest.EditCount(), len(fresh.Plan.Edits))
	}
	got := e.Report()
	if d := cmp.Diff(fresh.Plan, got.Plan); d != "" {
		t.Fatalf("%s: engine's plan differs from Load's (-load +engine):\n%s", what, d)
	}
	if d := cmp.Diff(fresh.Problems, got.Problems); d != "" {
		t.Fatalf("%s: engine's problems differ from Load's (-load +engine):\n%s", what, d)
	}
	if d := cmp.Diff(fresh.Warnings, got.Warnings); d != "" {
		t.Fatalf("%s: engine's warnings differ from Load's (-load +engine):\n%s", what, d)
	}
}

func genVault(t testing.TB, notes int, d string) string {
	t.Helper()
	dir := t.TempDir()
	gd := d
	if d == "dendron" {
		gd = "wiki"
	}
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: notes, Seed: 7, Dialect: gd, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEngineMatchesLoad(t *testing.T) {
	steps := 40
	if testing.Short() {
		steps = 10
	}
	for _, d := range dialect.Names {
		t.Run(d, func(t *testing.T) {
			dir := genVault(t, 30, d)
			opt := Options{Dialect: d, SkipNames: true}
			e, err := OpenEngine(dir, EngineOptions{Options: opt})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			sameAsLoad(t, e, dir, opt, "open")
			r := rand.New(rand.NewPCG(uint64(len(d)), 1))
			for step := range steps {
				changed := editVault(t, dir, r, step)
				if _, err := e.Refresh(changed...); err != nil {
					t.Fatal(err)
				}
				sameAsLoad(t, e, dir, opt, fmt.Sprintf("step %d (%v)", step, changed))
			}
		})
	}
}

// Every ladder level and --strict, each with another dialect: the plans
// an update keeps after a change of names are what a fresh load makes.
func TestEngineMatchesLoadAtEveryLevel(t *testing.T) {
	steps := 40
	if testing.Short() {
		steps = 10
	}
	levels := []string{"unicode", "case", "width", "separators", "compact"}
	for i, level := range levels {
		for _, strict := range []bool{false, true} {
			d := dialect.Names[(2*i+len(levels)*boolInt(strict))%len(dialect.Names)]
			t.Run(fmt.Sprintf("%s/%s/strict=%t", level, d, strict), func(t *testing.T) {
				dir := genVault(t, 30, d)
				opt := Options{Dialect: d, Level: level, Strict: &strict, SkipNames: true}
				e, err := OpenEngine(dir, EngineOptions{Options: opt})
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close()
				r := rand.New(rand.NewPCG(uint64(i), boolUint(strict)))
				for step := range steps {
					changed := editVault(t, dir, r, step)
					if _, err := e.Refresh(changed...); err != nil {
						t.Fatal(err)
					}
					sameAsLoad(t, e, dir, opt, fmt.Sprintf("step %d (%v)", step, changed))
				}
			})
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func boolUint(b bool) uint64 { return uint64(boolInt(b)) }

// A change of names re-plans the notes it can affect and keeps the
// others' plans: a new title re-plans the notes linking to the note by
// any of its names, those with a broken link that the new title is near
// enough to hint at, and no other; the result is a fresh load's.
func TestEngineNameChangeReplansAffectedNotes(t *testing.T) {
	dir := t.TempDir()
	write := func(p, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("target.md", "---\ntitle: Disaster Recovery\n---\n# Steps\n")
	write("by-title.md", "[[disaster recovery]]\n")
	write("by-stem.md", "[[target]]\n")
	write("by-fragment.md", "[[target#Steps]]\n")
	write("broken.md", "[[Nowhere At All]]\n")
	write("near.md", "[[Recovery Runbok]]\n")
	for i := range 20 {
		write(fmt.Sprintf("other/n%02d.md", i), fmt.Sprintf("# N%d\n[[n%02d]] [[Backup Plan]]\n", i, (i+1)%20))
	}
	write("backup.md", "---\ntitle: Backup Plan\n---\n")
	opt := Options{SkipNames: true}
	e, err := OpenEngine(dir, EngineOptions{Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	notes := len(e.Report().Index.Notes)
	write("target.md", "---\ntitle: Recovery Runbook\n---\n# Steps\n")
	st, err := e.Refresh("target.md")
	if err != nil {
		t.Fatal(err)
	}
	sameAsLoad(t, e, dir, opt, "retitle")
	if f := st.Report.Plan.Findings; !slices.ContainsFunc(f, func(f plan.Finding) bool {
		return f.File == "near.md" && slices.Equal(f.Hints, []string{"target.md"})
	}) {
		t.Fatalf("findings %+v; want near.md's broken link hinting at target.md", f)
	}
	// target.md itself, the three notes linking to it, near.md.
	if want := notes - 5; st.Report.PlansReused != want {
		t.Fatalf("after a retitle %d of %d plans reused; want %d (all but the note, its three linkers and the near broken link's)",
			st.Report.PlansReused, notes, want)
	}
	// A new note taking Backup Plan's name makes the links to it
	// ambiguous: every note linking to it is planned again.
	write("more/plan.md", "---\ntitle: Backup Plan\n---\n")
	st, err = e.Refresh("more")
	if err != nil {
		t.Fatal(err)
	}
	sameAsLoad(t, e, dir, opt, "a name taken")
	if st.Report.Plan.Stats.Ambiguous < 20 {
		t.Fatalf("after a new note took a name: %+v; want the 20 links to Backup Plan ambiguous", st.Report.Plan.Stats)
	}
	if reused := st.Report.PlansReused; reused == 0 || reused > notes+1-21 {
		t.Fatalf("after a new note took a name %d plans reused; want those of the notes not linking to Backup Plan", reused)
	}
}

func FuzzEngineMatchesLoad(f *testing.F) { fuzzEngineMatchesLoad(f, true) }

// FuzzEngineMatchesLoadWithNames is FuzzEngineMatchesLoad with the names
// file on: retitles, moves and deletions give former names (class
// renamed), matched again per change (renames.Matcher).
func FuzzEngineMatchesLoadWithNames(f *testing.F) { fuzzEngineMatchesLoad(f, false) }

func fuzzEngineMatchesLoad(f *testing.F, skipNames bool) {
	f.Add([]byte{0, 1, 2, 3, 2, 1, 5, 4, 3, 2, 7, 9, 8, 0})
	f.Add([]byte{3, 0, 0, 2, 1, 1, 6, 4, 4, 10, 3, 3})
	f.Add([]byte{8, 2, 8, 2, 2, 5, 5, 7, 7, 7})
	base := genVault(f, 8, "wiki")
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		c := &fuzzChooser{b: ops}
		dialectName := dialect.Names[c.IntN(len(dialect.Names))]
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
			t.Fatal(err)
		}
		opt := Options{Dialect: dialectName, SkipNames: skipNames, Cache: new(bool)}
		e, err := OpenEngine(dir, EngineOptions{Options: opt})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		for step := 0; !c.done(); step++ {
			changed := editVault(t, dir, c, step)
			if _, err := e.Refresh(changed...); err != nil {
				t.Fatal(err)
			}
		}
		sameAsLoad(t, e, dir, opt, fmt.Sprintf("ops %v", ops))
	})
}

// A note renamed while the engine runs is found as the next check run
// finds it: links by its former name are "renamed", with an edit.
func TestEngineFindsRenames(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("see [[Old Name]]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Old Name.md"), []byte("# Old\n"), 0o644)
	e, err := OpenEngine(dir, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := os.Rename(filepath.Join(dir, "Old Name.md"), filepath.Join(dir, "New Name.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Refresh("Old Name.md", "New Name.md"); err != nil {
		t.Fatal(err)
	}
	rep := e.Report()
	if rep.Plan.Stats.Renamed != 1 || len(rep.Plan.Edits) != 1 || rep.Plan.Edits[0].New != "[[New Name]]" {
		t.Fatalf("after the rename: stats %+v, edits %+v; want the link renamed to [[New Name]]", rep.Plan.Stats, rep.Plan.Edits)
	}
	sameAsLoad(t, e, dir, Options{}, "rename")
}

// An edit that changes no name keeps the index's tables and re-plans
// only the note edited (and those whose fragments point into it).
func TestEngineReplansOnlyChangedNotes(t *testing.T) {
	dir := genVault(t, 40, "wiki")
	e, err := OpenEngine(dir, EngineOptions{Options: Options{SkipNames: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	before := e.Report()
	p := before.Index.Notes[3].Path
	b, _ := os.ReadFile(filepath.Join(dir, p))
	os.WriteFile(filepath.Join(dir, p), append(b, "\n[[Missing Topic]]\n"...), 0o644)
	st, err := e.Refresh(p)
	if err != nil {
		t.Fatal(err)
	}
	notes := st.Report.Plan.Stats.Notes
	if st.Report.PlansReused < notes-1 || st.Report.Plan.Stats.Broken != before.Plan.Stats.Broken+1 {
		t.Fatalf("body edit: %d of %d plans reused, broken %d→%d; want all but one reused and one more broken",
			st.Report.PlansReused, notes, before.Plan.Stats.Broken, st.Report.Plan.Stats.Broken)
	}
	if st.Version != 2 || !slices.Equal(st.Changed, []string{p}) {
		t.Fatalf("state %d changed %v; want version 2 for %s", st.Version, st.Changed, p)
	}
	// The report read before the update is unchanged.
	if before.Plan.Stats.Broken == st.Report.Plan.Stats.Broken || e.State().Version != 2 {
		t.Fatal("the earlier report changed with the update")
	}
}

// A buffer counts instead of the file until it is dropped.
func TestEngineBuffers(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("see [[b]]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("# B\n"), 0o644)
	e, err := OpenEngine(dir, EngineOptions{Options: Options{SkipNames: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.SetBuffer("a.md", []byte("see [[b]] and [[nowhere]]\n")); err != nil {
		t.Fatal(err)
	}
	if got := e.Report().Plan.Stats.Broken; got != 1 {
		t.Fatalf("with the buffer: %d broken, want 1", got)
	}
	// A note not saved yet is linkable.
	if err := e.SetBuffer(filepath.Join(dir, "nowhere.md"), []byte("# N\n")); err != nil {
		t.Fatal(err)
	}
	if got := e.Report().Plan.Stats; got.Broken != 0 || got.Notes != 3 {
		t.Fatalf("with the new note's buffer: %+v, want 3 notes and nothing broken", got)
	}
	if err := e.SetBuffer("x.txt", []byte("x")); err == nil {
		t.Fatal("a buffer for x.txt was taken; want an error: not a note")
	}
	for _, p := range []string{"a.md", "nowhere.md"} {
		if err := e.DropBuffer(p); err != nil {
			t.Fatal(err)
		}
	}
	sameAsLoad(t, e, dir, Options{SkipNames: true}, "buffers dropped")
}

// With Watch, changes on disk reach the state without a call: in notes,
// in new folders, and a removed folder's notes go.
func TestEngineWatches(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("see [[b]] and [[c]]\n"), 0o644)
	opt := Options{SkipNames: true}
	e, err := OpenEngine(dir, EngineOptions{Options: opt, Watch: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	waitFor := func(what string, ok func(*Report) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok(e.Report()) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen; stats %+v", what, e.Report().Plan.Stats)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("# B\n"), 0o644)
	waitFor("a new note", func(r *Report) bool { return r.Plan.Stats.Broken == 1 })
	os.MkdirAll(filepath.Join(dir, "sub", "deep"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "deep", "c.md"), []byte("# C\n"), 0o644)
	waitFor("a note in a new folder", func(r *Report) bool { return r.Plan.Stats.Broken == 0 })
	// The new folder is watched: a note written there later is seen.
	os.WriteFile(filepath.Join(dir, "sub", "deep", "d.md"), []byte("[[zzz]]\n"), 0o644)
	waitFor("a later note in the new folder", func(r *Report) bool { return r.Plan.Stats.Broken == 1 })
	os.RemoveAll(filepath.Join(dir, "sub"))
	waitFor("a removed folder", func(r *Report) bool { return r.Plan.Stats.Notes == 2 })
	// Flush applies what was seen at once.
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("# B\n[[qqq]]\n"), 0o644)
	waitFor("the edit", func(r *Report) bool { e.Flush(); return r.Plan.Stats.Broken == 2 })
	sameAsLoad(t, e, dir, opt, "watched")
}

// Flush returns with every change written before it was called: a client
// that writes a note and asks at once gets the note as written.
func TestEngineFlushSeesEarlierWrites(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("# A\n"), 0o644)
	e, err := OpenEngine(dir, EngineOptions{Options: Options{SkipNames: true}, Watch: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := range 30 {
		body := fmt.Sprintf("# A\n%s\n", strings.Repeat("[[missing]] ", i+1))
		if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := e.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := e.Report().Plan.Stats.Broken; got != i+1 {
			t.Fatalf("write %d: Flush returned with %d broken links, want %d", i, got, i+1)
		}
	}
}

// Readers take states while updates run: each state they get is whole (its
// plan counts its index's notes), versions only grow, and a state read
// before an update is never changed by it.
func TestEngineReadersDuringUpdates(t *testing.T) {
	dir := genVault(t, 20, "wiki")
	e, err := OpenEngine(dir, EngineOptions{Options: Options{SkipNames: true, Cache: new(bool)}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		go func() {
			var last uint64
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				st := e.State()
				notes, stats := len(st.Report.Index.Notes), st.Report.Plan.Stats
				if st.Version < last || stats.Notes != notes {
					errs <- fmt.Errorf("version %d after %d, %d notes planned of %d", st.Version, last, stats.Notes, notes)
					return
				}
				last = st.Version
				if st.Report.Plan.Stats != stats {
					errs <- fmt.Errorf("state %d changed while read", st.Version)
					return
				}
			}
		}()
	}
	r := rand.New(rand.NewPCG(3, 3))
	for step := range 25 {
		if _, err := e.Refresh(editVault(t, dir, r, step)...); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sameAsLoad(t, e, dir, Options{SkipNames: true, Cache: new(bool)}, "after concurrent reads")
}

// Paths name notes relative to the vault, or absolute through the vault's
// folder as given (a symlink) or as it is; anything else is refused.
func TestEngineVaultPath(t *testing.T) {
	real := t.TempDir()
	os.WriteFile(filepath.Join(real, "a.md"), []byte("# A\n"), 0o644)
	link := filepath.Join(t.TempDir(), "vault")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	e, err := OpenEngine(link, EngineOptions{Options: Options{SkipNames: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for in, want := range map[string]string{
		"a.md":                           "a.md",
		"sub/../a.md":                    "a.md",
		filepath.Join(link, "a.md"):      "a.md",
		filepath.Join(e.Dir(), "x/b.md"): "x/b.md",
		link:                             ".",
	} {
		if got, err := e.VaultPath(in); err != nil || got != want {
			t.Errorf("VaultPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"../a.md", filepath.Join(t.TempDir(), "a.md")} {
		if got, err := e.VaultPath(in); err == nil {
			t.Errorf("VaultPath(%q) = %q; want an error: outside the vault", in, got)
		}
	}
}

// Without a watcher (the system gives none), Watch still answers with
// the vault as it is: it says why, and Flush reads the vault again.
func TestEngineWithoutWatcher(t *testing.T) {
	saved := newWatcher
	newWatcher = func() (*fsnotify.Watcher, error) { return nil, errors.New("too many open files") }
	defer func() { newWatcher = saved }()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("[[b]]\n"), 0o644)
	var told []error
	e, err := OpenEngine(dir, EngineOptions{Options: Options{SkipNames: true}, Watch: true, OnError: func(err error) { told = append(told, err) }})
	if err != nil {
		t.Fatalf("no watcher failed the engine: %v", err)
	}
	defer e.Close()
	if len(told) != 1 || !strings.Contains(told[0].Error(), "too many open files") {
		t.Fatalf("told %v; want the watcher's error", told)
	}
	os.WriteFile(filepath.Join(dir, "b.md"), []byte("# B\n"), 0o644)
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := e.Report().Plan.Stats; got.Notes != 2 || got.Broken != 0 {
		t.Fatalf("after Flush: %+v; want b.md read", got)
	}
}

// TestSplitNotes: the binary search finds what testing every path finds,
// with paths that sort between a root and the notes under it.
func TestSplitNotes(t *testing.T) {
	paths := []string{"a.md", "a/b!x.md", "a/b", "a/b.md", "a/b/c.md", "a/b/d/e.md", "a/b0.md", "a/bc.md", "b.md", "b/a.md", "c.md"}
	slices.Sort(paths)
	var notes []*note.Note
	for _, p := range paths {
		notes = append(notes, &note.Note{Path: p})
	}
	for _, roots := range [][]string{{"a/b"}, {"a/b.md"}, {"a"}, {"a/b", "b"}, {"a.md", "c.md"}, {"zz"}, {"a/b/d"}, {"b", "a/b/c.md"}} {
		roots = outermost(roots)
		keep, gone := splitNotes(notes, roots)
		var wantKeep, wantGone []*note.Note
		for _, n := range notes {
			if underAny(n.Path, roots) {
				wantGone = append(wantGone, n)
			} else {
				wantKeep = append(wantKeep, n)
			}
		}
		if !slices.Equal(keep, wantKeep) || !slices.Equal(gone, wantGone) {
			t.Errorf("roots %v: kept %v, gone %v", roots, notePaths(keep), notePaths(gone))
		}
	}
}

func notePaths(ns []*note.Note) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Path)
	}
	return out
}

// Titles typed one after another, with the names the load saw: links by a
// title a note had when the engine loaded are "renamed", as the next check
// run finds them, and each retitle after the first is matched again only
// for the notes read since (renames.Matcher.Rematch).
func TestEngineRetitlesWithNames(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".relink.toml": "dialect = \"wiki\"\n",
		"alpha.md":     "---\ntitle: Alpha Topic\n---\n# A\n",
		"beta.md":      "---\ntitle: Beta Topic\n---\n# B\n",
		"links.md":     "[[Alpha Topic]] [[Beta Topic]] [[alpha topic]]\n",
		"other.md":     "[[Beta Topic]]\n",
	}
	for p, s := range files {
		os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644)
	}
	e, err := OpenEngine(dir, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	steps := []struct{ path, text string }{
		{"alpha.md", "---\ntitle: Alpha Two\n---\n# A\n"},
		{"alpha.md", "---\ntitle: Alpha Three\n---\n# A\n"},
		{"other.md", "[[Beta Topic]] and more\n"},
		{"beta.md", "---\ntitle: Beta Renamed\n---\n# B\n"},
		{"alpha.md", "---\ntitle: Alpha Topic\n---\n# A\n"},
	}
	for i, st := range steps {
		os.WriteFile(filepath.Join(dir, st.path), []byte(st.text), 0o644)
		if _, err := e.Refresh(st.path); err != nil {
			t.Fatal(err)
		}
		if i == 1 && e.Report().Plan.Stats.Renamed != 2 {
			t.Fatalf("after two retitles: %+v; want the two links by the first title renamed", e.Report().Plan.Stats)
		}
	}
	rep := e.Report()
	if rep.Plan.Stats.Renamed != 2 {
		t.Fatalf("after the steps: %+v; want the two links to Beta Topic renamed", rep.Plan.Stats)
	}
	sameAsLoad(t, e, dir, Options{}, "retitles")
}

// TestEngineFragmentAfterEdit: a note edited once, and then the heading
// its link points into renamed, is planned again: its link's heading
// finding appears, as a check run would give it.
func TestEngineFragmentAfterEdit(t *testing.T) {
	dir := t.TempDir()
	write := func(p, text string) {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("target.md", "# Steps\n")
	write("linker.md", "[[target#Steps]]\n")
	for i := range 20 {
		write(fmt.Sprintf("n%02d.md", i), fmt.Sprintf("[[n%02d]]\n", (i+1)%20))
	}
	opt := Options{SkipNames: true}
	e, err := OpenEngine(dir, EngineOptions{Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	write("linker.md", "An edit.\n\n[[target#Steps]]\n")
	if _, err := e.Refresh("linker.md"); err != nil {
		t.Fatal(err)
	}
	sameAsLoad(t, e, dir, opt, "linker edited")
	write("target.md", "# Stages\n")
	st, err := e.Refresh("target.md")
	if err != nil {
		t.Fatal(err)
	}
	sameAsLoad(t, e, dir, opt, "heading renamed")
	if !slices.ContainsFunc(st.Report.Plan.Findings, func(f plan.Finding) bool {
		return f.File == "linker.md" && f.Class == "heading"
	}) {
		t.Fatalf("findings %+v; want linker.md's link to a heading that is gone", st.Report.Plan.Findings)
	}
}
