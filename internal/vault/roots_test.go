package vault

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Reading some roots finds exactly what the whole walk finds at or under
// them: hidden, excluded and never-entered folders stay out, a gone root
// gives nothing, a folder gives its tree.
func TestReadRoots(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.md":                      "[[b]]",
		"img.png":                   "png",
		"sub/b.md":                  "# B",
		"sub/deep/c.markdown":       "[[a]]",
		"sub/deep/pic.jpg":          "jpg",
		"sub/bad.md":                "\xff",
		"drafts/d.md":               "draft",
		"sub/drafts/e.md":           "draft",
		".hidden/h.md":              "hidden",
		"node_modules/x.md":         "module",
		"sub/node_modules/y.md":     "module",
		"sub/.obsidian/config.md":   "config",
		"other/f.md":                "[[a]]",
		"other/ignored.md.bak/g.md": "folder named like a note",
	})
	if err := os.Symlink(filepath.Join(dir, "a.md"), filepath.Join(dir, "sub", "link.md")); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	exclude := []string{"drafts"}
	full, err := v.Read(ReadOptions{Exclude: exclude})
	if err != nil {
		t.Fatal(err)
	}
	under := func(p string, roots []string) bool {
		for _, r := range roots {
			if p == r || strings.HasPrefix(p, r+"/") {
				return true
			}
		}
		return false
	}
	for _, roots := range [][]string{
		{"a.md"}, {"sub"}, {"sub/deep"}, {"sub/deep/c.markdown", "img.png"}, {"gone.md"}, {"gone"},
		{"drafts/d.md"}, {".hidden"}, {".hidden/h.md"}, {"node_modules/x.md"}, {"sub/node_modules"},
		{"sub/bad.md"}, {"sub/link.md"}, {"other"}, {"a.md", "sub", "other"},
	} {
		got, err := v.Read(ReadOptions{Exclude: exclude, Roots: roots})
		if err != nil {
			t.Fatal(err)
		}
		var wantNotes, gotNotes, wantFiles []string
		for _, n := range full.Notes {
			if under(n.Path, roots) {
				wantNotes = append(wantNotes, n.Path)
			}
		}
		for _, n := range got.Notes {
			gotNotes = append(gotNotes, n.Path)
		}
		for _, a := range full.Attachments {
			if under(a, roots) {
				wantFiles = append(wantFiles, a)
			}
		}
		var wantProblems []Problem
		for _, p := range full.Problems {
			if under(p.File, roots) {
				wantProblems = append(wantProblems, p)
			}
		}
		if d := cmp.Diff(wantNotes, gotNotes); d != "" {
			t.Errorf("roots %v: notes (-whole walk +roots):\n%s", roots, d)
		}
		if d := cmp.Diff(wantFiles, got.Attachments); d != "" {
			t.Errorf("roots %v: other files (-whole walk +roots):\n%s", roots, d)
		}
		if d := cmp.Diff(wantProblems, got.Problems); d != "" {
			t.Errorf("roots %v: problems (-whole walk +roots):\n%s", roots, d)
		}
	}
}
