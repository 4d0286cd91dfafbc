package plan

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// planMove indexes files, moves from to to and returns the edits as
// "file: old -> new" and the unfixable links.
func planMove(t *testing.T, d dialect.Dialect, files map[string]string, from, to string) ([]string, []string) {
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
	before := index.Build(notes, []string{"img/pic.png"}, d, fold.Separators)
	after, ids, ok := before.WithMove(from, to)
	if !ok {
		t.Fatalf("WithMove(%s, %s) refused", from, to)
	}
	es, fs := Move(before, after, ids)
	var got, bad []string
	for _, e := range es {
		if e.Class != ClassRenamed {
			t.Errorf("edit %+v: class %q", e, e.Class)
		}
		if files[pathBefore(e.File, from, to)][e.Start:e.End] != e.Old {
			t.Errorf("edit %+v does not cover its link's bytes", e)
		}
		got = append(got, e.File+": "+e.Old+" -> "+e.New)
	}
	for _, f := range fs {
		bad = append(bad, f.File+": "+f.Link+": "+f.Message)
	}
	return got, bad
}

func pathBefore(p, from, to string) string {
	if p == to {
		return from
	}
	return p
}

func TestMoveEdits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc     string
		d        dialect.Dialect
		files    map[string]string
		from, to string
		want     []string
	}{
		{"wikilink forms follow a rename", dialect.Wiki{}, map[string]string{
			"old.md": "# Top\n\nText ^blk\n",
			"a.md": "[[old]] [[old#Top]] [[old#^blk]] [[old|shown]] ![[old]] [[ old ]] [[old.md]]\n" +
				"| x | [[old\\|cell]] |\n|---|---|\n\n`[[old]]` and\n\n```\n[[old]]\n```\n\n$$[[old]]$$ <!-- [[old]] -->\n\n$$\n[[old]]\n$$\n",
		}, "old.md", "new name.md", []string{
			"a.md: [[old]] -> [[new name]]",
			"a.md: [[old#Top]] -> [[new name#Top]]",
			"a.md: [[old#^blk]] -> [[new name#^blk]]",
			"a.md: [[old|shown]] -> [[new name|shown]]",
			"a.md: ![[old]] -> ![[new name]]",
			"a.md: [[ old ]] -> [[ new name ]]",
			"a.md: [[old.md]] -> [[new name.md]]",
			`a.md: [[old\|cell]] -> [[new name\|cell]]`,
		}},
		{"path forms stay path forms", dialect.Wiki{}, map[string]string{
			"f/t.md": "",
			"a.md":   "[[f/t]] [[/f/t]] [[t]]\n",
		}, "f/t.md", "g/h/t.md", []string{
			"a.md: [[f/t]] -> [[g/h/t]]",
			"a.md: [[/f/t]] -> [[/g/h/t]]",
		}},
		{"frontmatter values", dialect.Wiki{}, map[string]string{
			"old.md": "",
			"a.md":   "---\nup: \"[[old]]\"\nrelated: [\"[[old]]\"]\n---\nbody\n",
		}, "old.md", "fresh.md", []string{
			"a.md: [[old]] -> [[fresh]]",
			"a.md: [[old]] -> [[fresh]]",
		}},
		{"markdown links recomputed in their style", dialect.Wiki{}, map[string]string{
			"notes/my note.md": "# Part\n",
			"notes/b.md":       "[x](my%20note.md) [y](<my note.md#Part>) [z](my%20note.md#part) [w](/notes/my%20note.md)\n",
			"c.md":             "[x](notes/my%20note.md)\n",
		}, "notes/my note.md", "archive/2024/my note.md", []string{
			"c.md: [x](notes/my%20note.md) -> [x](archive/2024/my%20note.md)",
			"notes/b.md: [x](my%20note.md) -> [x](../archive/2024/my%20note.md)",
			"notes/b.md: [y](<my note.md#Part>) -> [y](<../archive/2024/my note.md#Part>)",
			"notes/b.md: [z](my%20note.md#part) -> [z](../archive/2024/my%20note.md#part)",
			"notes/b.md: [w](/notes/my%20note.md) -> [w](/archive/2024/my%20note.md)",
		}},
		{"a destination written with ./ keeps it while it stays below the linking note's folder", dialect.Wiki{}, map[string]string{
			"notes/t.md": "",
			"a.md":       "[x](./notes/t.md) [y](<./notes/t.md#h>)\n",
			"notes/b.md": "[x](./t.md)\n",
		}, "notes/t.md", "notes/sub/u.md", []string{
			"a.md: [x](./notes/t.md) -> [x](./notes/sub/u.md)",
			"a.md: [y](<./notes/t.md#h>) -> [y](<./notes/sub/u.md#h>)",
			"notes/b.md: [x](./t.md) -> [x](./sub/u.md)",
		}},
		{"a destination written with ./ that must climb out starts with ../", dialect.Wiki{}, map[string]string{
			"notes/t.md": "",
			"notes/b.md": "[x](./t.md)\n",
		}, "notes/t.md", "other/t.md", []string{
			"notes/b.md: [x](./t.md) -> [x](../other/t.md)",
		}},
		{"obsidian: a destination written from the vault's root stays one", dialect.Obsidian{}, map[string]string{
			"notes/t.md": "",
			"a/b.md":     "[x](notes/t.md) [y](../notes/t.md#h) [z](<notes/t.md>)\n",
		}, "notes/t.md", "other/u.md", []string{
			"a/b.md: [x](notes/t.md) -> [x](other/u.md)",
			"a/b.md: [y](../notes/t.md#h) -> [y](../other/u.md#h)",
			"a/b.md: [z](<notes/t.md>) -> [z](<other/u.md>)",
		}},
		{"the moved note's own relative links", dialect.Wiki{}, map[string]string{
			"a/self.md": "[s](sib.md) [p](../top.md) [i](../img/pic.png) [[sib]] [me](self.md#x)\n",
			"a/sib.md":  "",
			"top.md":    "",
		}, "a/self.md", "b/c/self.md", []string{
			"b/c/self.md: [s](sib.md) -> [s](../../a/sib.md)",
			"b/c/self.md: [p](../top.md) -> [p](../../top.md)",
		}},
		{"dendron: label first, stem names", dialect.Dendron{}, map[string]string{
			"proj.old.md": "",
			"root.md":     "[[proj.old]] [[the label|proj.old]] [[proj.old#h]]\n",
		}, "proj.old.md", "proj.fresh.md", []string{
			"root.md: [[proj.old]] -> [[proj.fresh]]",
			"root.md: [[the label|proj.old]] -> [[the label|proj.fresh]]",
			"root.md: [[proj.old#h]] -> [[proj.fresh#h]]",
		}},
		{"links that resolved elsewhere or nowhere are left", dialect.Wiki{}, map[string]string{
			"old.md":   "",
			"other.md": "",
			"a.md":     "[[other]] [[missing]] [[https://x.y]] [o](other.md)\n",
		}, "old.md", "new.md", nil},
		{"obsidian: a shared stem makes links to both notes paths", dialect.Obsidian{}, map[string]string{
			"x/Plan.md":  "",
			"y/Other.md": "",
			"a.md":       "[[Plan]] [[Other]] [[Other#h|o]]\n",
		}, "y/Other.md", "y/Plan.md", []string{
			"a.md: [[Other]] -> [[y/Plan]]",
			"a.md: [[Other#h|o]] -> [[y/Plan#h|o]]",
			"a.md: [[Plan]] -> [[x/Plan]]",
		}},
		{"foam: a shared stem makes links to both notes paths", dialect.Foam{}, map[string]string{
			"notes/x/plan.md":  "",
			"notes/y/other.md": "",
			"a.md":             "[[plan]] [[other]] [o](notes/y/other.md)\n",
		}, "notes/y/other.md", "notes/y/plan.md", []string{
			"a.md: [[plan]] -> [[x/plan]]",
			"a.md: [[other]] -> [[y/plan]]",
			"a.md: [o](notes/y/other.md) -> [o](notes/y/plan.md)",
		}},
		{"obsidian: a move to another folder keeps stem links", dialect.Obsidian{}, map[string]string{
			"x/Plan.md": "",
			"a.md":      "[[Plan]] [[x/Plan]] [p](x/Plan.md)\n",
		}, "x/Plan.md", "z/Plan.md", []string{
			"a.md: [[x/Plan]] -> [[z/Plan]]",
			"a.md: [p](x/Plan.md) -> [p](z/Plan.md)",
		}},
		{"a link to a duplicate keeps naming the duplicate", dialect.Wiki{}, map[string]string{
			"canon.md": "",
			"dup.md":   "---\nduplicate_of: \"[[canon]]\"\n---\n",
			"a.md":     "[[dup]] [[canon]]\n",
		}, "dup.md", "old/dup2.md", []string{
			"a.md: [[dup]] -> [[dup2]]",
		}},
		{"wiki: the title keeps resolving", dialect.Wiki{}, map[string]string{
			"old.md": "---\ntitle: The Note\n---\n",
			"a.md":   "[[The Note]] [[old]]\n",
		}, "old.md", "new.md", []string{
			"a.md: [[old]] -> [[The Note]]",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			got, bad := planMove(t, tt.d, tt.files, tt.from, tt.to)
			// Edits sort by file then offset: compare as sets of lines in
			// that order.
			if diff := cmp.Diff(sortedCopy(tt.want), sortedCopy(got)); diff != "" {
				t.Errorf("edits (-want +got):\n%s", diff)
			}
			if len(bad) > 0 {
				t.Errorf("unfixable: %s", strings.Join(bad, "\n"))
			}
		})
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// TestMoveUnfixable: a link whose note cannot be named safely after the
// move is reported, not rewritten, and the links that can be are still
// planned (the caller refuses the move).
func TestMoveUnfixable(t *testing.T) {
	t.Parallel()
	got, bad := planMove(t, dialect.Wiki{}, map[string]string{
		"a.md":  "",
		"fm.md": "---\nup: [[a]]\n---\n[[a]]\n",
	}, "a.md", "b: c.md")
	if diff := cmp.Diff([]string{"fm.md: [[a]] -> [[b: c]]"}, got); diff != "" {
		t.Errorf("edits (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"fm.md: [[a]]: the new link [[b: c]] is not safe to write into frontmatter"}, bad); diff != "" {
		t.Errorf("unfixable (-want +got):\n%s", diff)
	}
}

// TestMoveFilesFolder plans a folder moved at once: its notes and its
// image. Links between moved notes that still find their note stay, and
// so do links by a trailing part of the path that still find theirs
// ([[img/pic.png]]); links out of the folder and into it (the image's
// too) are rewritten.
func TestMoveFilesFolder(t *testing.T) {
	t.Parallel()
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Obsidian{}} {
		t.Run(d.Name(), func(t *testing.T) {
			files := map[string]string{
				"img/a.md":     "[[b]] [b](sub/b.md) ![i](pic.png) ![[pic.png]] [o](../o.md) [[/img/sub/b]]\n",
				"img/sub/b.md": "[a](../a.md) [[a]]\n",
				"o.md":         "[[a]] [a](img/a.md) ![p](img/pic.png) [[img/pic.png]] [[/img/pic.png]]\n",
			}
			var notes []*note.Note
			for _, p := range []string{"img/a.md", "img/sub/b.md", "o.md"} {
				n := note.Parse(p, []byte(files[p]), d.Syntax())
				notes = append(notes, &n)
			}
			before := index.Build(notes, []string{"img/pic.png"}, d, fold.Separators)
			moves := map[string]string{"img/a.md": "arch/img/a.md", "img/sub/b.md": "arch/img/sub/b.md"}
			attach := map[string]string{"img/pic.png": "arch/img/pic.png"}
			after, ids, ok := before.WithMoves(moves, attach)
			if !ok {
				t.Fatal("WithMoves refused")
			}
			es, fs := MoveFiles(before, after, ids, attach)
			var got []string
			for _, e := range es {
				old := e.File
				for from, to := range moves {
					if to == e.File {
						old = from
					}
				}
				if files[old][e.Start:e.End] != e.Old {
					t.Errorf("edit %+v does not cover its link's bytes", e)
				}
				got = append(got, e.File+": "+e.Old+" -> "+e.New)
			}
			want := []string{
				"arch/img/a.md: [o](../o.md) -> [o](../../o.md)",
				"arch/img/a.md: [[/img/sub/b]] -> [[/arch/img/sub/b]]",
				"o.md: [a](img/a.md) -> [a](arch/img/a.md)",
				"o.md: ![p](img/pic.png) -> ![p](arch/img/pic.png)",
				"o.md: [[/img/pic.png]] -> [[/arch/img/pic.png]]",
			}
			if diff := cmp.Diff(want, got); diff != "" || len(fs) > 0 {
				t.Errorf("edits (-want +got):\n%s\nunfixable: %+v", diff, fs)
			}
		})
	}
}
