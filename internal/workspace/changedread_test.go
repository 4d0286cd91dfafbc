package workspace

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// FuzzLightFilter: a note read for its names alone is passed over only
// when none of its links may name what a change touched. For a name and a
// note, whenever a link the full parse finds may name it (mayName, at the
// highest level of the ladder), the note must be one mayLink returns.
func FuzzLightFilter(f *testing.F) {
	for _, c := range [][2]string{
		{"Cache Line", "see [[cache-line]] and [x](Cache%20Line.md)"},
		{"Ｓｎａｐ", "[[snap]]"},
		{"a/b/Note", "[[b/note#h|x]] ![[NOTE.md]]"},
		{"Haskell -", "[[haskell-]]"},
		{"x", "[t](<x y.md>) [[x]]"},
		{"Straße", "[[strasse]] [a](Stra%C3%9Fe.md)"},
		{"K", "[[\u212a]]"},
		{"note", "---\nlinks: \"[[Note]]\"\n---\n"},
		{"ab", "[x](a\\_b.md)"},
		{"상태 관리", "[[상태관리]] [[상태_관리]]"},
		{"가", "[[\u1100 \u1161]]"},
		{"각", "[[가 \u11a8]]"},
		{"ǰx", "[[J\u030cx]]"},
		{"ﬀab", "[[ffab]] [[FFAB]]"},
		{"abc", "[[ａｂｃ]]"},
		{"ab", "[x](<a\\\nb.md>) [y](a\\\nb.md)"},
		{"a b", "[x]( <a b.md> ) [y](a\\ b.md) [z](a\x7fb.md \"t\")"},
		{"Café Noir", "[[cafe\u0301-noir]] [x](Caf%C3%A9.md)"},
	} {
		f.Add(c[0], c[1], "wiki")
		f.Add(c[0], c[1], "dendron")
	}
	f.Fuzz(func(t *testing.T, name, src, dial string) {
		d, err := dialect.ByName(dial)
		if err != nil {
			return
		}
		syntax := d.Syntax()
		key := fold.Key(fold.Compact, name)
		if key == "" {
			return
		}
		keys := map[string]bool{key: true}
		full, _ := note.ParsePacked("n.md", []byte(src), syntax, false, false)
		a := newAffected(keys)
		mayName := false
		for _, l := range full.LinkList(nil) {
			if a.mayName(l.Target) {
				mayName = true
				break
			}
		}
		lr := &lightReads{maxLinks: note.DefaultMaxLinks, filters: map[string]*trigramFilter{}, light: map[string]bool{}}
		ch := &Change{files: map[string]bool{}}
		if _, light := lr.read(ch)("n.md", []byte(src)); !light {
			return // parsed in full
		}
		if mayName && !lr.mayLink(keys)["n.md"] {
			t.Fatalf("a link of %q may name %q, and the note was passed over", src, name)
		}
	})
}

// TestLightFilterPassesOver: the filter does pass over what cannot
// match, or it saves nothing.
func TestLightFilterPassesOver(t *testing.T) {
	lr := &lightReads{maxLinks: note.DefaultMaxLinks, filters: map[string]*trigramFilter{}, light: map[string]bool{}}
	read := lr.read(&Change{files: map[string]bool{"changed.md": true}})
	for p, src := range map[string]string{
		"plain.md":   "no link at all",
		"other.md":   "[[Something Else]] and [x](elsewhere.md)",
		"linked.md":  "[[cache-line]]",
		"escaped.md": "[x](Cache%20Line.md)",
	} {
		if _, light := read(p, []byte(src)); !light {
			t.Errorf("%s parsed in full", p)
		}
	}
	if _, light := read("changed.md", []byte("[[x]]")); light {
		t.Error("a changed note was read for its names alone")
	}
	if _, light := read("jamo.md", []byte("[[\u1100\u1161]]")); light {
		t.Error("a note the filter cannot speak for was read for its names alone")
	}
	got := lr.mayLink(map[string]bool{fold.Key(fold.Compact, "Cache Line"): true})
	if !got["linked.md"] || !got["escaped.md"] || got["other.md"] || got["plain.md"] {
		t.Errorf("mayLink = %v", got)
	}
}

// TestChangedGenerated: on generated vaults of every dialect, random
// changes of every kind report what the reference reports, while most
// untouched notes are read for their names alone.
func TestChangedGenerated(t *testing.T) {
	needGit(t)
	for _, dial := range []string{"wiki", "obsidian", "foam"} {
		for seed := int64(1); seed <= 4; seed++ {
			t.Run(fmt.Sprint(dial, "/", seed), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "vault")
				if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 300, Seed: seed, Dialect: dial}); err != nil {
					t.Fatal(err)
				}
				gitVault(t, dir, nil)
				randomChanges(t, dir, rand.New(rand.NewSource(seed)))
				checkChanged(t, dir, "")
			})
		}
	}
}

// TestChangedParsesFew: after one note is edited, the untouched notes
// that cannot link to it are read for their names alone, not parsed.
func TestChangedParsesFew(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "vault")
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 300, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	gitVault(t, dir, nil)
	notes, _, _, _ := listNotes(dir)
	edit := filepath.Join(dir, notes[0])
	src, _ := os.ReadFile(edit)
	os.WriteFile(edit, append(src, "\n[[Nowhere at all]]\n"...), 0o644)
	rep, ch, err := LoadChanged(dir, "", Options{Cache: noCache(), Store: filepath.Join(t.TempDir(), "store"), Once: true})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	if light := len(ch.reads.light); light < len(notes)/2 {
		t.Errorf("%d of %d notes read for their names alone, want most", light, len(notes))
	}
	checkChanged(t, dir, "")
}

// TestChangedAnchorsOfUntouched: a changed note's link into an untouched
// note finds its headings, block ids and anchors, by any name of it; an
// untouched note's link into a changed one too.
func TestChangedAnchorsOfUntouched(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "vault")
	gitVault(t, dir, map[string]string{
		"B.md":     "---\ntitle: Beta\naliases: [BB]\n---\n# B\n\n## Setup\n\npara ^blk\n\n<a id=\"anchor\"></a>\n",
		"Dup.md":   "---\nduplicate_of: B\n---\n",
		"c.md":     "plain\n",
		"d.md":     "[[c#Top]]\n",
		"far/E.md": "## Deep\n",
	})
	writeTree(t, dir, map[string]string{
		"a.md": "[[B#Setup]] [[Beta#Setup]] [[bb#Setup]] [[B#^blk]] [[B#anchor]] [[Dup#Setup]] [[B#Nope]] [[far/E#Deep]] [[e#Deep]]\n",
		"c.md": "# Top\n",
	})
	p := checkChanged(t, dir, "")
	for _, f := range p.Findings {
		if f.Class == "heading" && f.Link != "[[B#Nope]]" {
			t.Errorf("%s: %s %s: the heading is there", f.File, f.Class, f.Link)
		}
	}
}
