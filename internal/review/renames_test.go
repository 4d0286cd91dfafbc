package review

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// renamedVault is a vault whose notes Old Plan.md and Idea.md are moved
// and renamed after a first run, so that the next run finds the links
// still using their old names: renamed edits, besides a variant.
var renamedVault = map[string]string{
	"Old Plan.md": "# Plan\n\nThe plan.\n",
	"Idea.md":     "# Idea\n",
	"Topic.md":    "# Topic\n",
	"a.md":        "[[Old Plan]] and [[old plan|the plan]] and [p](Old%20Plan.md)\n",
	"b.md":        "[[Old Plan#Plan]] [[Idea]]\n\n[[Idea|an idea]] [[topic]]\n",
}

// newRenamedServer serves renamedVault after its renames: a first server
// reads it (relink remembers its notes), the notes move, and the server
// returned reads it again.
func newRenamedServer(t *testing.T) *testServer {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "vault")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for p, s := range renamedVault {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opt := Options{Store: filepath.Join(t.TempDir(), "store")}
	first, err := New(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	if err := os.MkdirAll(filepath.Join(dir, "projects"), 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{"Old Plan.md": "projects/Plan.md", "Idea.md": "Ideas.md"} {
		if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &testServer{Server: s, ts: ts, vault: dir, store: opt.Store}
}

// TestRenameGroups: the page model gives one group per renamed note,
// holding every renamed edit that follows it (whatever the spelling or
// the form of the link) with the former name the links used; edits of
// other classes are in no group.
func TestRenameGroups(t *testing.T) {
	d := newRenamedServer(t).plan(t)
	want := map[string]struct {
		former string
		links  []string
	}{
		"projects/Plan.md": {"Old Plan.md", []string{"[[Old Plan]]", "[[old plan|the plan]]", "[p](Old%20Plan.md)", "[[Old Plan#Plan]]"}},
		"Ideas.md":         {"Idea.md", []string{"[[Idea]]", "[[Idea|an idea]]"}},
	}
	if len(d.Renames) != len(want) {
		t.Fatalf("renames = %+v, want a group for each of %d notes", d.Renames, len(want))
	}
	grouped := map[int]bool{}
	for i, g := range d.Renames {
		w, ok := want[g.Note]
		if !ok || g.ID != i {
			t.Errorf("group %d: %+v", i, g)
			continue
		}
		if !slices.Equal(g.Former, []string{w.former}) {
			t.Errorf("%s: former names %q, want %q", g.Note, g.Former, w.former)
		}
		var links []string
		for _, id := range g.Edits {
			e := d.Edits[id]
			grouped[id] = true
			if e.Class != "renamed" || e.Target != g.Note {
				t.Errorf("%s holds the edit %+v", g.Note, e)
			}
			links = append(links, e.Old)
		}
		if !slices.Equal(links, w.links) {
			t.Errorf("%s: links %q, want %q", g.Note, links, w.links)
		}
	}
	variants := 0
	for _, e := range d.Edits {
		if e.Class == "renamed" && !grouped[e.ID] {
			t.Errorf("renamed edit %s in no group", e.Old)
		}
		if e.Class == "variant" {
			variants++
		}
	}
	if variants != 1 {
		t.Errorf("edits: %+v, want one variant besides the renamed", d.Edits)
	}
}
