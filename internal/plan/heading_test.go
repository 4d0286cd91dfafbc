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

func TestHeadingEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, old, new string
		want                string // the note after the edit
		err                 string
	}{
		{"atx", "# T\n\n## Old one\n", "Old one", "New one", "# T\n\n## New one\n", ""},
		{"id kept", "## Old one {#keep}\n", "Old one", "New", "## New {#keep}\n", ""},
		{"closing hashes kept", "### Old ###\ntext\n", "Old", "New", "### New ###\ntext\n", ""},
		{"frontmatter skipped", "---\ntitle: Old\n---\n# Old\n", "Old", "New", "---\ntitle: Old\n---\n# New\n", ""},
		{"code block skipped", "```\n# Old\n```\n# Old\n", "Old", "New", "```\n# Old\n```\n# New\n", ""},
		{"setext", "Old\n===\n", "Old", "New", "New\n===\n", ""},
		{"crlf", "# Old\r\nx\r\n", "Old", "New", "# New\r\nx\r\n", ""},
		{"missing", "# Other\n", "Old", "New", "", `has no heading "Old"`},
		{"twice", "# Old\n## Old\n", "Old", "New", "", `has 2 headings "Old"`},
		{"new exists", "# Old\n# New\n", "Old", "New", "", `has a heading "New" already`},
		{"new slug taken", "# Old\n# New heading!\n", "Old", "new Heading", "", `has a heading "New heading!", whose anchor #new-heading`},
		{"new empty", "# Old\n", "Old", " ", "", "cannot be a heading"},
		{"new two lines", "# Old\n", "Old", "a\nb", "", "cannot be a heading"},
		{"escape kept as written", "# Old \\#1\n", "Old \\#1", "New", "# New\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := HeadingEdit("n.md", []byte(tt.src), tt.old, tt.new)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.src[:e.Start] + e.New + tt.src[e.End:]; got != tt.want || tt.src[e.Start:e.End] != e.Old {
				t.Errorf("edit %+v gives %q, want %q", e, got, tt.want)
			}
		})
	}
}

// renameHeading indexes files and returns the edits renaming the heading
// old of note to new, as "file: old -> new", and the unfixable links.
func renameHeading(t *testing.T, d dialect.Dialect, files map[string]string, target, old, new string) ([]string, []string) {
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
	ix := index.Build(notes, nil, d, fold.Separators)
	id, ok := ix.NoteByPath(target)
	if !ok {
		t.Fatalf("no note %s", target)
	}
	es, fs := RenameHeading(ix, id, old, new)
	var got, bad []string
	for _, e := range es {
		if files[e.File][e.Start:e.End] != e.Old {
			t.Errorf("edit %+v does not cover its link's bytes", e)
		}
		got = append(got, e.File+": "+e.Old+" -> "+e.New)
	}
	for _, f := range fs {
		bad = append(bad, f.File+": "+f.Link)
	}
	return got, bad
}

func TestRenameHeading(t *testing.T) {
	t.Parallel()
	note := "# N\n\n## Old Heading\n\n## Other\n\nSee [[#Old Heading]] and [[#Other]].\n"
	tests := []struct {
		name    string
		d       dialect.Dialect
		files   map[string]string
		old     string // the heading renamed, when not the dialect's default
		new     string
		want    []string
		unfixed []string
	}{
		{
			name: "wiki: wikilinks by text, Markdown slugs, the note's own links; other headings, code and other notes stay",
			d:    dialect.Wiki{},
			files: map[string]string{
				"n.md": note,
				"a.md": "[[n#Old Heading]] [[n#Old Heading|shown]] ![[n#Old Heading]] [x](n.md#old-heading) [[n#Other]] [[m#Old Heading]] `[[n#Old Heading]]`\n",
				"m.md": "## Old Heading\n",
			},
			new: "New Heading",
			want: []string{
				"a.md: [[n#Old Heading]] -> [[n#New Heading]]",
				"a.md: [[n#Old Heading|shown]] -> [[n#New Heading|shown]]",
				"a.md: ![[n#Old Heading]] -> ![[n#New Heading]]",
				"a.md: [x](n.md#old-heading) -> [x](n.md#new-heading)",
				"n.md: [[#Old Heading]] -> [[#New Heading]]",
			},
		},
		{
			name: "obsidian: a stripHeading match is written as Obsidian writes a heading into a link",
			d:    dialect.Obsidian{},
			files: map[string]string{
				"n.md": "## What is it?\n",
				"a.md": "[[n#What is it]] [[N#what is it?]] [m](n.md#what-is-it)\n",
			},
			new: "Why: it is",
			want: []string{
				"a.md: [[n#What is it]] -> [[n#Why it is]]",
				"a.md: [[N#what is it?]] -> [[N#Why it is]]",
				"a.md: [m](n.md#what-is-it) -> [m](n.md#why-it-is)",
			},
		},
		{
			name: "dendron: slugs stay slugs, text stays text, the label kept",
			d:    dialect.Dendron{},
			files: map[string]string{
				"a.b.md": "## Old Heading\n",
				"c.md":   "[[a.b#old-heading]] [[label|a.b#old-heading]] [[a.b#Old Heading]]\n",
			},
			new: "New Heading",
			want: []string{
				"c.md: [[a.b#old-heading]] -> [[a.b#new-heading]]",
				"c.md: [[label|a.b#old-heading]] -> [[label|a.b#new-heading]]",
				"c.md: [[a.b#Old Heading]] -> [[a.b#New Heading]]",
			},
		},
		{
			name: "a fragment the ladder repairs to the old heading follows it; one it repairs elsewhere, or cannot, stays",
			d:    dialect.Wiki{},
			files: map[string]string{
				"n.md": note,
				"a.md": "[[n#old heading]] [[n#Old-Heading|x]] [[n#other]] [[n#Gone]]\n",
			},
			new: "New Heading",
			want: []string{
				"a.md: [[n#old heading]] -> [[n#New Heading]]",
				"a.md: [[n#Old-Heading|x]] -> [[n#New Heading|x]]",
				"n.md: [[#Old Heading]] -> [[#New Heading]]",
			},
		},
		{
			name: "a frontmatter link YAML would read differently is unfixable",
			d:    dialect.Wiki{},
			files: map[string]string{
				"n.md": note,
				"a.md": "---\nup: \"[[n#Old Heading]]\"\n---\n",
			},
			new:     "New: Heading",
			want:    []string{"n.md: [[#Old Heading]] -> [[#New: Heading]]"},
			unfixed: []string{"a.md: [[n#Old Heading]]"},
		},
		{
			name: "a fragment that names another heading of the note too cannot tell them apart: unfixable",
			d:    dialect.Obsidian{},
			files: map[string]string{
				"n.md": "## Old!\n\n## Old\n",
				"a.md": "[[n#Old]] [s](n.md#old) [[n#old]] [[n#Old!]]\n",
			},
			old:     "Old",
			new:     "New",
			want:    []string{"a.md: [[n#Old]] -> [[n#New]]"},
			unfixed: []string{"a.md: [s](n.md#old)", "a.md: [[n#old]]"},
		},
		{
			name: "a Markdown fragment is encoded as its destination's style needs: a bare one escapes spaces and parentheses, <...> keeps spaces",
			d:    dialect.Obsidian{},
			files: map[string]string{
				"n.md": "## What is it\n",
				"a.md": "[b](n.md#What%20is%20it) [c](<n.md#What is it>)\n",
			},
			old: "What is it",
			new: "Step 1) 100% <x>",
			want: []string{
				"a.md: [b](n.md#What%20is%20it) -> [b](n.md#Step%201%29%20100%25%20%3Cx%3E)",
				"a.md: [c](<n.md#What is it>) -> [c](<n.md#Step 1) 100%25 %3Cx%3E>)",
			},
		},
		{
			name: "wiki: a slug two headings share is unfixable",
			d:    dialect.Wiki{},
			files: map[string]string{
				"n.md": "## Old Heading?\n\n## Old Heading\n",
				"a.md": "[x](n.md#old-heading) [[n#Old Heading]]\n",
			},
			new:     "New Heading",
			want:    []string{"a.md: [[n#Old Heading]] -> [[n#New Heading]]"},
			unfixed: []string{"a.md: [x](n.md#old-heading)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "n.md"
			if tt.d.Name() == "dendron" {
				target = "a.b.md"
			}
			old := "Old Heading"
			if tt.d.Name() == "obsidian" {
				old = "What is it?"
			}
			if tt.old != "" {
				old = tt.old
			}
			got, bad := renameHeading(t, tt.d, tt.files, target, old, tt.new)
			sort.Strings(got)
			sort.Strings(tt.want)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("edits (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.unfixed, bad); d != "" {
				t.Errorf("unfixable (-want +got):\n%s", d)
			}
		})
	}
}
