package note

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type linkPos struct {
	Text        string
	Target      string
	Frag        string
	Line, Col   int
	Frontmatter bool
}

func positions(n Note) []linkPos {
	var out []linkPos
	for _, l := range n.Links {
		out = append(out, linkPos{l.Text, l.Target, l.Frag, int(l.Line), int(l.Col), l.InFrontmatter})
	}
	return out
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc string
		give string
		want []linkPos
	}{
		{"body", "a [[T]] b\n", []linkPos{{"[[T]]", "T", "", 1, 3, false}}},
		{"korean columns count characters", "상태 [[T]]\n", []linkPos{{"[[T]]", "T", "", 1, 4, false}}},
		{"frontmatter link", "---\ntitle: X\nparent: \"[[Home]]\"\n---\nbody [[B#H]]\n",
			[]linkPos{{"[[Home]]", "Home", "", 3, 10, true}, {"[[B#H]]", "B", "H", 5, 6, false}}},
		{"unquoted frontmatter link", "---\nparent : [[/vim]]\n---\n", []linkPos{{"[[/vim]]", "/vim", "", 2, 10, true}}},
		{"yaml comment is not a link", "---\n# [[no]]\ntitle: x\n---\n", nil},
		{"bom", "\ufeff---\ntitle: X\n---\n[[A]]\n", []linkPos{{"[[A]]", "A", "", 4, 1, false}}},
		{"bom without frontmatter", "\ufeff[[A]]", []linkPos{{"[[A]]", "A", "", 1, 1, false}}},
		{"crlf", "---\r\ntitle: X\r\n---\r\nx\r\n[[A]] [[B]]\r\n", []linkPos{{"[[A]]", "A", "", 5, 1, false}, {"[[B]]", "B", "", 5, 7, false}}},
		{"code is not a link", "```\n[[no]]\n```\n`[[no]]` [[yes]]\n", []linkPos{{"[[yes]]", "yes", "", 4, 10, false}}},
		{"markdown note link", "[x](Some%20Note.md#Part) [y](https://e.com/a.md) [z](#local) [w](about)\n",
			[]linkPos{{"[x](Some%20Note.md#Part)", "Some Note.md", "Part", 1, 1, false}}},
		{"image", "![a](img/x.png)\n", []linkPos{{"![a](img/x.png)", "img/x.png", "", 1, 1, false}}},
		// "\[" is text in Markdown; in YAML a backslash escapes no bracket.
		{"escaped bracket", "---\nsig: List\\[[[Config]]\\]\nfm: \\[[Front]]\n---\nList\\[[[Config]]\\] \\[[no]] Union[[[X]]]\n",
			[]linkPos{{"[[Config]]", "Config", "", 2, 12, true}, {"[[Front]]", "Front", "", 3, 6, true}, {"[[Config]]", "Config", "", 5, 7, false}, {"[[X]]", "X", "", 5, 34, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			n := Parse("n.md", []byte(tt.give), Options{})
			if n.Err != nil {
				t.Fatal(n.Err)
			}
			if diff := cmp.Diff(tt.want, positions(n)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	t.Parallel()
	src := "---\ntitle: Disaster Recovery\naliases: [DR, 재해 복구]\nid: n-1\ncanonical_id: self\nduplicate_of: none\ntags: [a]\n---\n# Disaster Recovery\n\n## Backup Strategy\n\ntext ^blk\n"
	n := Parse("a.md", []byte(src), Options{})
	if n.Err != nil {
		t.Fatal(n.Err)
	}
	if n.Title != "Disaster Recovery" || n.ID != "n-1" || n.CanonicalID != "self" || n.DuplicateOf != "none" {
		t.Errorf("fields: %+v", n.Fields)
	}
	if diff := cmp.Diff([]string{"DR", "재해 복구"}, n.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Disaster Recovery", "Backup Strategy"}, n.Headings); diff != "" {
		t.Errorf("headings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"blk"}, n.BlockIDs); diff != "" {
		t.Errorf("block ids (-want +got):\n%s", diff)
	}
	// Obsidian's singular alias, a scalar.
	n = Parse("b.md", []byte("---\nalias: Only\nduplicate_of: [[Target]]\n---\n"), Options{})
	if diff := cmp.Diff([]string{"Only"}, n.Aliases); diff != "" || n.DuplicateOf != "[[Target]]" {
		t.Errorf("alias %v duplicate_of %q", n.Aliases, n.DuplicateOf)
	}
}

func TestParseBadInput(t *testing.T) {
	t.Parallel()
	for desc, src := range map[string]string{
		"nul":          "a\x00b [[x]]",
		"invalid utf8": "a \xff [[x]]",
		"broken yaml":  "---\ntitle: [unclosed\n---\n[[x]]",
	} {
		n := Parse("bad.md", []byte(src), Options{})
		if n.Err == nil {
			t.Errorf("%s: no error", desc)
		}
		if len(n.Links) != 0 {
			t.Errorf("%s: links read from a bad file", desc)
		}
	}
}

func TestParseDendron(t *testing.T) {
	t.Parallel()
	src := "[[Lookup|dendron://my.vault/dendron.topic.lookup#usage]] [[dendron.topic]]\n"
	n := Parse("a.md", []byte(src), Options{LabelFirst: true, SchemePrefix: "dendron://"})
	got := positions(n)
	want := []linkPos{
		{"[[Lookup|dendron://my.vault/dendron.topic.lookup#usage]]", "dendron.topic.lookup", "usage", 1, 1, false},
		{"[[dendron.topic]]", "dendron.topic", "", 1, 58, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if v := n.Links[0].Vault(); v != "my.vault" {
		t.Errorf("vault = %q", v)
	}
	if v := n.Links[1].Vault(); v != "" {
		t.Errorf("vault of a plain link = %q", v)
	}
	// The target span excludes the prefix, so an edit keeps it.
	l := n.Links[0]
	if got := src[l.Link.Target.Start:l.Link.Target.End]; got != "dendron.topic.lookup" {
		t.Errorf("target span = %q", got)
	}
}

// FuzzParse: never panics; every link's spans slice back to its text, in
// order, and a link never starts inside frontmatter's YAML comments or
// code.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\nparent: \"[[a]]\"\n---\n[[b|c]] `[[d]]`\n",
		"\ufeff[[a#b]]\r\n![[c]]\r\n",
		"```\n[[x]]\n```\n    [[y]]\n<!-- [[z]] -->\n%%[[w]]%%\n$$\n[[m]]\n$$\n",
		"| [[a\\|b]] |\n[x](<a b.md>) [y](c%20d.md#e)\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, src []byte, labelFirst bool) {
		opt := Options{LabelFirst: labelFirst, SchemePrefix: "dendron://"}
		n := Parse("f.md", src, opt)
		prev := -1
		for _, l := range n.Links {
			w := l.Whole
			if int(w.Start) <= prev || int(w.End) > len(src) || string(src[w.Start:w.End]) != l.Text {
				t.Fatalf("link %q span %v does not slice back (prev %d)", l.Text, w, prev)
			}
			prev = int(w.Start)
			if l.Link.Target.Valid() && (l.Link.Target.Start < w.Start || l.Link.Target.End > w.End) {
				t.Fatalf("target span outside link")
			}
			if l.Line < 1 || l.Col < 1 {
				t.Fatalf("bad position %d:%d", l.Line, l.Col)
			}
			if want := strings.Count(string(src[:w.Start]), "\n") + 1; int(l.Line) != want {
				t.Fatalf("line %d, want %d", l.Line, want)
			}
		}
	})
}

func TestAnchorIDs(t *testing.T) {
	t.Parallel()
	src := "# T\n\n1. <span id=\"book-grunt\"/> text\n{:id=\"more-significant\"}\n## CR, LF {#cr-lf}\n<a name=\"old-anchor\"></a> <div data-id=\"no\">\n"
	n := Parse("a.md", []byte(src), Options{})
	want := []string{"book-grunt", "more-significant", "old-anchor", "cr-lf"}
	if diff := cmp.Diff(want, n.AnchorIDs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A note with more links than the limit is not read: it gets no link
// records (what would cost ~1 KB each) but an error naming the count; a
// note at the limit is read. Frontmatter links count too.
func TestParseMaxLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give  string
		limit int
		err   string
		links int
	}{
		{"[[a]] [[b]]", 2, "", 2},
		{"[[a]] [[b]] [x](c.md)", 2, "too many links (3, limit 2)", 0},
		{"---\nup: \"[[a]]\"\n---\n[[b]] [[c]]", 2, "too many links (3, limit 2)", 0},
		{strings.Repeat("[[a]] ", DefaultMaxLinks), 0, "", DefaultMaxLinks},
		{strings.Repeat("[[a]] ", DefaultMaxLinks+1), 0, "too many links (100001, limit 100000)", 0},
	}
	for _, tt := range tests {
		for _, packed := range []bool{false, true} {
			opt := Options{MaxLinks: tt.limit}
			var n Note
			if packed {
				n, _ = ParsePacked("a.md", []byte(tt.give), opt, false, false)
			} else {
				n = Parse("a.md", []byte(tt.give), opt)
			}
			got := ""
			if n.Err != nil {
				got = n.Err.Error()
				if !errors.Is(n.Err, ErrTooManyLinks) {
					t.Errorf("%.30q: %v is not ErrTooManyLinks", tt.give, n.Err)
				}
			}
			if got != tt.err || n.LinkCount() != tt.links {
				t.Errorf("%.30q limit %d packed %v: error %q, %d links; want %q, %d", tt.give, tt.limit, packed, got, n.LinkCount(), tt.err, tt.links)
			}
		}
	}
}
