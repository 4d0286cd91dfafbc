package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "vault")
	write(t, dir, map[string]string{
		"b.md":                  "[[a]]",
		"a.md":                  "x",
		"sub/c.markdown":        "y",
		"sub/deeper/d.md":       "z",
		"img/pic.png":           "png",
		".obsidian/app.json":    "{}",
		".git/HEAD.md":          "not a note",
		".trash/old.md":         "gone",
		"node_modules/pkg/r.md": "dep",
		"templates/t.md":        "{{date}}",
		".hidden.md":            "hidden",
		"bad.md":                "---\ntitle: [x\n---\n",
		"folder.md/inside.md":   "a folder named like a note",
	})
	write(t, base, map[string]string{"outside.md": "secret [[x]]"})
	if err := os.Symlink(filepath.Join(base, "outside.md"), filepath.Join(dir, "escape.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.md", filepath.Join(dir, "alias.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	scan, err := v.Read(ReadOptions{Exclude: []string{"templates"}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, n := range scan.Notes {
		paths = append(paths, n.Path)
	}
	want := []string{"a.md", "alias.md", "b.md", "bad.md", "escape.md", "folder.md/inside.md", "sub/c.markdown", "sub/deeper/d.md"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"img/pic.png"}, scan.Attachments); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	var probs []string
	for _, p := range scan.Problems {
		probs = append(probs, p.File+": "+p.Message)
	}
	// A folder named like a note is a folder, read like any other; a
	// symlinked folder is not followed.
	if len(probs) != 3 || !strings.HasPrefix(probs[0], "bad.md: frontmatter: yaml:") ||
		probs[1] != "escape.md: symlink points outside the vault or nowhere; links in it were not checked" ||
		probs[2] != "loop: symlink points outside the vault or nowhere; skipped" {
		t.Errorf("problems: %q", probs)
	}
	for _, n := range scan.Notes {
		if n.Path == "escape.md" && n.LinkCount() != 0 {
			t.Error("read a note outside the vault")
		}
	}
}

func TestReadSorted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for _, d := range []string{"z", "a", "m/n", "m"} {
		for _, f := range []string{"3", "1", "2"} {
			files[d+"/"+f+".md"] = ""
		}
	}
	write(t, dir, files)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for i := 0; i < 5; i++ {
		scan, err := v.Read(ReadOptions{Workers: 4})
		if err != nil {
			t.Fatal(err)
		}
		for j := 1; j < len(scan.Notes); j++ {
			if scan.Notes[j-1].Path >= scan.Notes[j].Path {
				t.Fatalf("not sorted: %s before %s", scan.Notes[j-1].Path, scan.Notes[j].Path)
			}
		}
	}
}

// TestReadTellsListed: the walk reports each listedEvery notes found, with
// the count so far, and only notes count.
func TestReadTellsListed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 2*listedEvery + 10 {
		files[fmt.Sprintf("d%d/n%d.md", i%7, i)] = ""
		files[fmt.Sprintf("d%d/a%d.png", i%7, i)] = ""
	}
	write(t, dir, files)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var mu sync.Mutex
	var told []int
	scan, err := v.Read(ReadOptions{Listed: func(n int) {
		mu.Lock()
		told = append(told, n)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(scan.Notes) != 2*listedEvery+10 {
		t.Fatalf("read %d notes, want %d", len(scan.Notes), 2*listedEvery+10)
	}
	// Each call is made after the walk's lock is let go: two may cross.
	slices.Sort(told)
	if want := []int{listedEvery, 2 * listedEvery}; !slices.Equal(told, want) {
		t.Errorf("Listed told %v, want %v", told, want)
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"a.md": ""}, "wiki"},
		{map[string]string{".obsidian/app.json": "{}"}, "obsidian"},
		{map[string]string{"dendron.yml": "version: 5\n"}, "dendron"},
		{map[string]string{".foam/templates/new-note.md": "# ${title}\n"}, "foam"},
		{map[string]string{".vscode/settings.json": "{\n  // Foam\n  \"foam.edit.linkReferenceDefinitions\": \"withExtensions\"\n}\n"}, "foam"},
		// VS Code settings without Foam's are any vault's.
		{map[string]string{".vscode/settings.json": `{"editor.lineHeight": 24}`}, "wiki"},
		{map[string]string{".vscode/extensions.json": `{"recommendations": ["foam.foam-vscode"]}`}, "wiki"},
		// Obsidian's own folder wins over shared VS Code settings.
		{map[string]string{".obsidian/app.json": "{}", ".foam/templates/a.md": ""}, "obsidian"},
	} {
		dir := t.TempDir()
		write(t, dir, tt.files)
		v, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Detect(); got != tt.want {
			t.Errorf("Detect = %q, want %q", got, tt.want)
		}
		v.Close()
	}
}

// TestReadWithCache reads a vault three times through a note cache: the
// second read takes every note from the cache, the third parses again the
// one note rewritten in between with the same size and modification time.
func TestReadWithCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.md":     "---\ntitle: A\n---\n[[b]] [[c#x]]\n",
		"sub/b.md": "# x\n[[a]] `[[code]]`\n",
	})
	// A symlinked note is read but never cached.
	if err := os.Symlink("sub/b.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	// Files younger than notecache.Settle are not recorded.
	time.Sleep(notecache.Settle + 100*time.Millisecond)
	file := filepath.Join(t.TempDir(), "notes.cache")
	read := func() (*Scan, *notecache.Cache) {
		t.Helper()
		v, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		c := notecache.Open(file, "test")
		scan, err := v.Read(ReadOptions{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return scan, c
	}
	first, c := read()
	if c.Hits() != 0 {
		t.Fatalf("first read: %d hits in an empty cache", c.Hits())
	}
	saved, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	second, c := read()
	if c.Hits() != 2 {
		t.Fatalf("second read: %d hits, want 2", c.Hits())
	}
	if again, err := os.Stat(file); err != nil || !again.ModTime().Equal(saved.ModTime()) {
		t.Fatalf("the second read, with nothing new to record, rewrote the cache (%v)", err)
	}
	if d := cmp.Diff(first, second, cmp.AllowUnexported(note.Link{}), cmpopts.IgnoreUnexported(note.Note{}), cmp.Transformer("LinkList", func(n *note.Note) note.Note {
		u := *n
		u.Links = n.LinkList(nil)
		return u
	})); d != "" {
		t.Fatalf("notes from the cache differ (-parsed +cached):\n%s", d)
	}

	a := filepath.Join(dir, "a.md")
	old, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a, []byte("---\ntitle: Z\n---\n[[q]] [[c#x]]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(a, old.ModTime(), old.ModTime()); err != nil {
		t.Fatal(err)
	}
	third, c := read()
	if c.Hits() != 1 {
		t.Fatalf("third read: %d hits, want 1 (sub/b.md)", c.Hits())
	}
	if n := third.Notes[0]; n.Path != "a.md" || n.Title != "Z" || n.LinkList(nil)[0].Target != "q" {
		t.Fatalf("a.md was not read again: %+v", n)
	}
}

// TestMergeSorted: merging any number of sorted shares gives the sorted
// whole.
func TestMergeSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k <= 9; k++ {
		var all []*note.Note
		shares := make([][]*note.Note, k)
		for i := range shares {
			for range rng.IntN(40) {
				n := &note.Note{Path: fmt.Sprintf("d%d/n%03d.md", rng.IntN(5), rng.IntN(1000))}
				shares[i] = append(shares[i], n)
				all = append(all, n)
			}
			slices.SortFunc(shares[i], byPath)
		}
		got := mergeSorted(shares)
		if len(got) != len(all) || !slices.IsSortedFunc(got, byPath) {
			t.Fatalf("%d shares: %d of %d notes, sorted %v", k, len(got), len(all), slices.IsSortedFunc(got, byPath))
		}
	}
}

func TestHasFoamSetting(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		give string
		want bool
	}{
		{`{"foam.graph.style": {}}`, true},
		{"{\n\t\"foam.files.ignore\"\t :\n [\"_site\"]}", true},
		{`{"[markdown]": {"foam.completion.label": "title"}}`, true},
		// A value, not a key.
		{`{"markdown.extension": "foam.foam-vscode"}`, false},
		{`{"editor.foam.x": 1}`, false},
		{`{"foam.`, false},
		{"{\"foam.x\n\": 1}", false},
		{``, false},
	} {
		if got := hasFoamSetting([]byte(tt.give)); got != tt.want {
			t.Errorf("hasFoamSetting(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

// FuzzHasFoamSetting checks the settings scanner against encoding/json on
// input that is plain JSON: a top-level key "foam.…" must be found, and
// nothing is found in a file without a quoted "foam." at all.
func FuzzHasFoamSetting(f *testing.F) {
	f.Add([]byte(`{"foam.graph.style": {}}`))
	f.Add([]byte(`{"editor.lineHeight": 24, "x": "foam.a"}`))
	f.Add([]byte(`{"a\"foam.b": 1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := hasFoamSetting(b)
		if got && !bytes.Contains(b, []byte(`"foam.`)) {
			t.Fatalf("found a Foam setting in %q", b)
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return
		}
		for k := range m {
			// Only keys written as they read: "\u0066oam.x" is no
			// setting a user writes.
			if strings.HasPrefix(k, "foam.") && bytes.Contains(b, []byte(`"`+k+`"`)) && !got {
				t.Fatalf("missed key %q in %q", k, b)
			}
		}
	})
}

// On a file system that records no types in its folders, each entry's type
// comes from an lstat: a folder named like a note is still walked and a
// regular file still read.
func TestWalkUnknownTypes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.md": "x", "Projects.md/b.md": "y", "pic.png": "p"})
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var got []string
	var mu sync.Mutex
	w := &walker{v: v, sem: make(chan struct{}, 8), emit: func(p string, isNote bool) {
		mu.Lock()
		got = append(got, fmt.Sprint(p, " ", isNote))
		mu.Unlock()
	}}
	w.wg.Add(1)
	w.visit(".", 0, []entry{{"a.md", typeUnknown}, {"Projects.md", typeUnknown}, {"pic.png", typeUnknown}, {"gone.md", typeUnknown}})
	w.wg.Wait()
	slices.Sort(got)
	want := []string{"Projects.md/b.md true", "a.md true", "pic.png false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
	if len(w.problems) != 1 || w.problems[0].File != "gone.md" {
		t.Errorf("problems: %v", w.problems)
	}
}
