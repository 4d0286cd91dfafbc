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

// build parses notes given as path -> content and plans them.
func build(t *testing.T, d dialect.Dialect, opt Options, files map[string]string) *Plan {
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
	return Build(ix, opt)
}

func edits(p *Plan) []string {
	var out []string
	for _, e := range p.Edits {
		out = append(out, e.File+": "+e.Old+" -> "+e.New+" ("+e.Class+"/"+e.Level+")")
	}
	return out
}

func TestRewrite(t *testing.T) {
	t.Parallel()
	vault := map[string]string{
		"Topics/V8 Snapshot.md": "---\ntitle: V8 Snapshot\n---\n# V8 Snapshot\n## Taking One\n",
		"Topics/Colon.md":       "---\ntitle: \"Colon: A Title\"\n---\n",
		"Notes/Hash#Name.md":    "",
	}
	tests := []struct {
		desc string
		give string
		opt  Options
		want []string
	}{
		{"target only", "[[v8-snapshot]]", Options{}, []string{"a.md: [[v8-snapshot]] -> [[V8 Snapshot]] (variant/separators)"}},
		{"display kept", "[[v8_snapshot|the note]]", Options{}, []string{"a.md: [[v8_snapshot|the note]] -> [[V8 Snapshot|the note]] (variant/separators)"}},
		{"embed kept", "![[v8 snapshot]]", Options{}, []string{"a.md: ![[v8 snapshot]] -> ![[V8 Snapshot]] (variant/case)"}},
		{"escaped pipe kept", `| [[v8-snapshot\|V8]] |`, Options{}, []string{`a.md: [[v8-snapshot\|V8]] -> [[V8 Snapshot\|V8]] (variant/separators)`}},
		{"good heading kept", "[[v8 snapshot#Taking One]]", Options{}, []string{"a.md: [[v8 snapshot#Taking One]] -> [[V8 Snapshot#Taking One]] (variant/case)"}},
		{"target and heading in one edit", "[[v8 snapshot#taking one]]", Options{}, []string{"a.md: [[v8 snapshot#taking one]] -> [[V8 Snapshot#Taking One]] (variant/case)"}},
		{"heading only", "[[V8 Snapshot#taking  one]]", Options{}, []string{"a.md: [[V8 Snapshot#taking  one]] -> [[V8 Snapshot#Taking One]] (heading/case)"}},
		{"padding kept", "[[ v8-snapshot ]]", Options{}, []string{"a.md: [[ v8-snapshot ]] -> [[ V8 Snapshot ]] (variant/separators)"}},
		{".md kept", "[[v8-snapshot.md]]", Options{}, []string{"a.md: [[v8-snapshot.md]] -> [[V8 Snapshot.md]] (variant/separators)"}},
		{"keep display", "[[v8-snapshot]]", Options{KeepDisplay: true}, []string{"a.md: [[v8-snapshot]] -> [[V8 Snapshot|v8-snapshot]] (variant/separators)"}},
		{"keep display leaves embeds", "![[v8-snapshot]]", Options{KeepDisplay: true}, []string{"a.md: ![[v8-snapshot]] -> ![[V8 Snapshot]] (variant/separators)"}},
		{"markdown link", "[x](topics/v8%20snapshot.md)", Options{}, []string{"a.md: [x](topics/v8%20snapshot.md) -> [x](Topics/V8%20Snapshot.md) (variant/case)"}},
		{"markdown angle", "[x](<topics/v8 snapshot.md#Taking One>)", Options{}, []string{"a.md: [x](<topics/v8 snapshot.md#Taking One>) -> [x](<Topics/V8 Snapshot.md#Taking One>) (variant/case)"}},
		{"root path stays a path", "[[/topics/v8 snapshot]]", Options{}, []string{"a.md: [[/topics/v8 snapshot]] -> [[/Topics/V8 Snapshot]] (variant/case)"}},
		{"frontmatter", "---\nrelated: \"[[v8-snapshot]]\"\n---\n", Options{}, []string{"a.md: [[v8-snapshot]] -> [[V8 Snapshot]] (variant/separators)"}},
		// A title with ':' would change YAML if written unquoted: no edit.
		{"frontmatter unsafe", "---\nrelated: [[colon-a-title]]\n---\n", Options{}, nil},
		{"body with colon title", "[[colon  a title]]", Options{}, nil},
		{"colon title variant", "[[colon: a title]]", Options{}, []string{"a.md: [[colon: a title]] -> [[Colon: A Title]] (variant/case)"}},
		// A stem with '#' cannot be written; the path can't either: no edit.
		{"unwritable name", "[[hash#name]]", Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{"a.md": tt.give}
			for k, v := range vault {
				files[k] = v
			}
			got := edits(build(t, dialect.Wiki{}, tt.opt, files))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestWriteNameUnique(t *testing.T) {
	t.Parallel()
	// The title "Shared" is carried by two notes: write the stem instead.
	p := build(t, dialect.Wiki{}, Options{}, map[string]string{
		"a.md":           "[[unique-stem]]",
		"Unique Stem.md": "---\ntitle: Shared\n---\n",
		"Other.md":       "---\ntitle: Shared\n---\n",
	})
	want := []string{"a.md: [[unique-stem]] -> [[Unique Stem]] (variant/separators)"}
	if diff := cmp.Diff(want, edits(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestObsidianShortestPath(t *testing.T) {
	t.Parallel()
	p := build(t, dialect.Obsidian{}, Options{}, map[string]string{
		"a.md":              "[[x/my-note]] [[y/My Note]]",
		"x/My Note.md":      "",
		"deep/y/My Note.md": "",
	})
	want := []string{"a.md: [[x/my-note]] -> [[x/My Note]] (variant/separators)"}
	if diff := cmp.Diff(want, edits(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDendronLabelFirst(t *testing.T) {
	t.Parallel()
	p := build(t, dialect.Dendron{}, Options{KeepDisplay: true}, map[string]string{
		"vault/root.md":                 "[[Label|dendron.topic_lookup#usage]] [[dendron.topic-lookup]]",
		"vault/dendron.topic.lookup.md": "# Lookup\n## Usage\n",
	})
	got := edits(p)
	if len(got) != 0 {
		// '.' is not a separator: hierarchy names never merge.
		t.Errorf("unexpected edits %v", got)
	}
}

func TestStatsAndFindings(t *testing.T) {
	t.Parallel()
	p := build(t, dialect.Wiki{}, Options{}, map[string]string{
		"a.md":    "[[b]] [[x]] [[b#nope]] [[Nowhere]] ![[img.png]]",
		"B.md":    "",
		"d1/X.md": "",
		"d2/X.md": "",
	})
	want := Stats{Notes: 4, Links: 5, Variant: 1, Ambiguous: 1, Broken: 2, Heading: 0, Resolved: 0}
	// [[b#nope]]: a variant whose anchor is broken counts as variant.
	want.Variant = 2
	want.Broken = 2
	if diff := cmp.Diff(want, p.Stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	var classes []string
	for _, f := range p.Findings {
		classes = append(classes, f.Class)
	}
	if diff := cmp.Diff([]string{"ambiguous", "heading", "broken", "broken"}, classes); diff != "" {
		t.Errorf("finding classes (-want +got):\n%s", diff)
	}
}
