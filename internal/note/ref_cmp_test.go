package note

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relinkmd/relink/wikilink"
)

// linkView is everything a link record tells, whatever its layout.
type linkView struct {
	Kind                         int
	Whole, Target, Frag, Display [2]int
	Embed, EscapedPipe, Angle    bool
	Line, Col                    int
	Text, TargetS, FragS, Vault  string
	HasFrag, InFrontmatter       bool
}

type noteView struct {
	Err                           string
	Links                         []linkView
	Headings, BlockIDs, AnchorIDs []string
	Title, ID                     string
	Aliases                       []string
}

func viewOf(n Note, links []linkView) noteView {
	v := noteView{Headings: n.Headings, BlockIDs: n.BlockIDs, Title: n.Title, ID: n.ID, Aliases: n.Aliases, Links: links}
	if n.Err != nil {
		v.Err = n.Err.Error()
	}
	// Anchor ids are looked up, never listed: their order is free.
	v.AnchorIDs = slices.Sorted(slices.Values(n.AnchorIDs))
	return v
}

func spanView(s wikilink.Span) [2]int { return [2]int{int(s.Start), int(s.End)} }

func linkViewOf(l wikilink.Link, line, col int, text, target, frag, vault string, hasFrag, inFM bool) linkView {
	return linkView{
		Kind:  int(l.Kind),
		Whole: spanView(l.Whole), Target: spanView(l.Target), Frag: spanView(l.Frag), Display: spanView(l.Display),
		Embed: l.Embed, EscapedPipe: l.EscapedPipe, Angle: l.Angle,
		Line: line, Col: col,
		Text: text, TargetS: target, FragS: frag, Vault: vault,
		HasFrag: hasFrag, InFrontmatter: inFM,
	}
}

func parseView(name string, src []byte, opt Options) noteView {
	n := Parse(name, src, opt)
	var links []linkView
	for _, l := range n.Links {
		links = append(links, linkViewOf(l.Link, int(l.Line), int(l.Col), l.Text, l.Target, l.Frag, l.Vault(), l.HasFrag, l.InFrontmatter))
	}
	return viewOf(n, links)
}

func refView(name string, src []byte, opt Options) noteView {
	n := refParse(name, src, opt)
	var links []linkView
	for _, l := range n.Links {
		links = append(links, linkViewOf(l.Link, l.Line, l.Col, l.Text, l.Target, l.Frag, l.Vault, l.HasFrag, l.InFrontmatter))
	}
	return viewOf(n.Note, links)
}

func checkSame(t *testing.T, name string, src []byte, opt Options) {
	t.Helper()
	want := refView(name, src, opt)
	got := parseView(name, src, opt)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: Parse differs from the reference (-want +got):\n%s", name, diff)
	}
}

// TestParseMatchesReference compares Parse with the straightforward parser
// it replaced, on generated notes and on the real corpora.
func TestParseMatchesReference(t *testing.T) {
	dendron := dendronOptions
	// The corpora and the generated bench vault are there on the
	// project's machine; elsewhere the examples alone are compared.
	for _, dir := range []string{"../../examples", "/work/shared/corpora", "/tmp/relink-bench/v10000"} {
		files := 0
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if files++; files > 3000 {
				return fs.SkipAll
			}
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			checkSame(t, p, b, Options{})
			checkSame(t, p, b, dendron)
			return nil
		})
	}
}

func FuzzParseMatchesReference(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\nparent: \"[[a]]\"\n---\n[[b|c]] `[[d]]`\n",
		"\ufeff[[a#b]]\r\n![[c]]\r\n상태 [[x]] [[y]]\n",
		"| [[a\\|b]] |\n[x](<a b.md>) [y](c%20d.md#e%41) [z](a\\_b.md#x%zz) [w](c:d.md)\n",
		"[[L|dendron://v/n#h]] [[dendron:///n]] [[dendron://v]]\n<a id=\"x\" name=\"y\" data-id='z'>{#q} {: #r}\n",
	} {
		addSyntaxSeeds(f, s)
	}
	f.Fuzz(func(t *testing.T, src []byte, dendron bool) {
		checkSame(t, "f.md", src, fuzzOptions(dendron))
	})
}

// FuzzReferenceOption holds Parse to Parse with Options.Reference, which
// takes the slow authority at each step (utf8.Valid, yaml.v3, the general
// Markdown block path): every fast path of the parser at once, on any
// input, as TestReferencePath (internal/workspace) does for whole vaults.
func FuzzReferenceOption(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: Weekly Notes\naliases: [a, b]\n---\n- [[b|c]]\n- `[[d]]`\n> [[e]]\n> lazy\n",
		"---\ntitle: &a x\nalias: *a\n---\n# H ^id\n[[a#H]] %%[[c]]%% $[[m]]$\n",
		"\ufeff[[a#b]]\r\n![[c]]\r\n상태 [[x]] [[y]]\n\xff",
		"1. a\n2. [[b]]\n   c\n\n```\n[[d]]\n```\n<a id=\"x\">\x00",
	} {
		addSyntaxSeeds(f, s)
	}
	f.Fuzz(func(t *testing.T, src []byte, dendron bool) {
		opt := fuzzOptions(dendron)
		ref := opt
		ref.Reference = true
		if diff := cmp.Diff(parseView("f.md", src, ref), parseView("f.md", src, opt)); diff != "" {
			t.Fatalf("Parse differs from its reference path (-reference +normal):\n%s", diff)
		}
	})
}
