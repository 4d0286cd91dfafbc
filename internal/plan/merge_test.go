package plan

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

func buildIndex(t *testing.T, d dialect.Dialect, files map[string]string) *index.Index {
	t.Helper()
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var notes []*note.Note
	for _, p := range paths {
		n := note.Parse(p, []byte(files[p]), d.Syntax())
		notes = append(notes, &n)
	}
	return index.Build(notes, []string{"img/pic.png"}, d, fold.Separators)
}

func TestMergeEdits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc       string
		d          dialect.Dialect
		files      map[string]string
		dup, canon string
		skipDup    bool
		want, bad  []string
	}{
		{"every form, wiki", dialect.Wiki{}, map[string]string{
			"dup.md":   "# Top\n# Only Here\n\nText ^blk\n",
			"canon.md": "---\ntitle: Canon Note\n---\n# Top\n",
			"a.md": "[[dup]] [[dup#Top]] [[dup#Only Here]] [[dup|shown]] ![[dup]] [[ dup ]] [[Dup]]\n" +
				"| x | [[dup\\|cell]] | [[dup]] |\n|---|---|---|\n\n`[[dup]]`\n\n[m](dup.md#top) [n](<dup.md>)\n",
			"f/b.md": "---\nup: \"[[dup]]\"\n---\n[up](../dup.md)\n",
		}, "dup.md", "canon.md", false, []string{
			"a.md: [[dup]] -> [[Canon Note|dup]]",
			"a.md: [[dup#Top]] -> [[Canon Note#Top|dup]]",
			"a.md: [[dup#Only Here]] -> [[Canon Note#Only Here|dup]]",
			"a.md: [[dup|shown]] -> [[Canon Note|shown]]",
			"a.md: ![[dup]] -> ![[Canon Note]]",
			"a.md: [[ dup ]] -> [[ Canon Note |dup]]",
			"a.md: [[Dup]] -> [[Canon Note|Dup]]",
			`a.md: [[dup\|cell]] -> [[Canon Note\|cell]]`,
			`a.md: [[dup]] -> [[Canon Note\|dup]]`,
			"a.md: [m](dup.md#top) -> [m](canon.md#top)",
			"a.md: [n](<dup.md>) -> [n](<canon.md>)",
			"f/b.md: [[dup]] -> [[Canon Note]]",
			"f/b.md: [up](../dup.md) -> [up](../canon.md)",
		}, []string{`a.md: [[dup#Only Here]]: heading: no heading or block "Only Here" in canon.md`}},
		{"a destination written from the vault's root stays one, obsidian", dialect.Obsidian{}, map[string]string{
			"notes/dup.md":   "",
			"notes/canon.md": "",
			"a/b.md":         "[x](notes/dup.md) [y](../notes/dup.md#h)\n",
		}, "notes/dup.md", "notes/canon.md", false, []string{
			"a/b.md: [x](notes/dup.md) -> [x](notes/canon.md)",
			"a/b.md: [y](../notes/dup.md#h) -> [y](../notes/canon.md#h)",
		}, []string{`a/b.md: [y](../notes/dup.md#h): heading: no heading or block "h" in notes/canon.md`}},
		{"path forms stay paths, obsidian", dialect.Obsidian{}, map[string]string{
			"x/dup.md":   "",
			"y/canon.md": "",
			"a.md":       "[[x/dup]] [[/x/dup]] [[dup]]\n",
		}, "x/dup.md", "y/canon.md", false, []string{
			"a.md: [[x/dup]] -> [[y/canon|x/dup]]",
			"a.md: [[/x/dup]] -> [[/y/canon|/x/dup]]",
			"a.md: [[dup]] -> [[canon|dup]]",
		}, nil},
		{"shared stems get the shortest unique path, obsidian", dialect.Obsidian{}, map[string]string{
			"dup.md":    "",
			"a/Plan.md": "",
			"b/Plan.md": "",
			"note.md":   "[[dup]]\n",
		}, "dup.md", "b/Plan.md", false, []string{
			"note.md: [[dup]] -> [[b/Plan|dup]]",
		}, nil},
		{"links inside dup, and links to a duplicate of dup", dialect.Wiki{}, map[string]string{
			"dup.md":   "[[dup#x]] [[other]]\n",
			"old.md":   "---\nduplicate_of: \"[[dup]]\"\n---\n",
			"canon.md": "# x\n",
			"other.md": "[[old]]\n",
		}, "dup.md", "canon.md", false, []string{
			"dup.md: [[dup#x]] -> [[canon#x|dup]]",
			"old.md: [[dup]] -> [[canon]]", // a duplicate of dup now is one of canon
		}, nil},
		{"skip dup", dialect.Wiki{}, map[string]string{
			"dup.md":   "[[dup]]\n",
			"canon.md": "[[dup]]\n",
		}, "dup.md", "canon.md", true, []string{
			"canon.md: [[dup]] -> [[canon|dup]]",
		}, nil},
		{"dendron writes the label first", dialect.Dendron{}, map[string]string{
			"proj.old.md":  "",
			"proj.plan.md": "",
			"a.md":         "[[proj.old]] [[shown|proj.old]] [[proj.old#x]]\n",
		}, "proj.old.md", "proj.plan.md", false, []string{
			"a.md: [[proj.old]] -> [[proj.old|proj.plan]]",
			"a.md: [[shown|proj.old]] -> [[shown|proj.plan]]",
			"a.md: [[proj.old#x]] -> [[proj.old|proj.plan#x]]",
		}, []string{`a.md: [[proj.old#x]]: heading: no heading or block "x" in proj.plan.md`}},
		{"unrelated links are left alone", dialect.Wiki{}, map[string]string{
			"dup.md":   "",
			"canon.md": "",
			"a.md":     "[[canon]] [[nothing]] [[dup-ish]] [i](img/pic.png)\n",
		}, "dup.md", "canon.md", false, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ix := buildIndex(t, tc.d, tc.files)
			dup, _ := ix.NoteByPath(tc.dup)
			canon, _ := ix.NoteByPath(tc.canon)
			tables := func(file string, start int) bool {
				src := tc.files[file]
				ls := 0
				for i := start - 1; i >= 0; i-- {
					if src[i] == '\n' {
						ls = i + 1
						break
					}
				}
				return src[ls] == '|'
			}
			es, fs := Merge(ix, dup, canon, MergeOptions{SkipDup: tc.skipDup, InTable: tables})
			var got, bad []string
			for _, e := range es {
				if e.Class != ClassRenamed || e.Target != tc.canon {
					t.Errorf("edit %+v: class %q target %q", e, e.Class, e.Target)
				}
				if tc.files[e.File][e.Start:e.End] != e.Old {
					t.Errorf("edit %+v does not cover its link's bytes", e)
				}
				got = append(got, e.File+": "+e.Old+" -> "+e.New)
			}
			for _, f := range fs {
				bad = append(bad, f.File+": "+f.Link+": "+f.Class+": "+f.Message)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("edits (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.bad, bad); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestMissingHeadings(t *testing.T) {
	t.Parallel()
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Obsidian{}} {
		ix := buildIndex(t, d, map[string]string{
			"dup.md":   "# Dup\n# Shared\n## Only in Dup\n### shared\n",
			"canon.md": "# Shared\n## Other\n",
		})
		dup, _ := ix.NoteByPath("dup.md")
		canon, _ := ix.NoteByPath("canon.md")
		got := MissingHeadings(ix, dup, canon)
		if d := cmp.Diff([]string{"Only in Dup"}, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", ix.Dialect.Name(), d)
		}
	}
}

func TestDuplicateNames(t *testing.T) {
	t.Parallel()
	ix := buildIndex(t, dialect.Obsidian{}, map[string]string{
		"dup.md": "", "a/Plan.md": "", "b/Plan.md": "", "c/solo.md": "",
	})
	dup, _ := ix.NoteByPath("dup.md")
	for p, want := range map[string][]string{"b/Plan.md": {"b/Plan"}, "c/solo.md": {"solo", "c/solo"}} {
		canon, _ := ix.NoteByPath(p)
		if d := cmp.Diff(want, DuplicateNames(ix, dup, canon)); d != "" {
			t.Errorf("%s (-want +got):\n%s", p, d)
		}
	}
}
