package dialect

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestStripHeading(t *testing.T) {
	t.Parallel()
	tests := []struct{ give, want string }{
		{"What is it?", "What is it"},
		{"C# Basics", "C Basics"},
		{"C#  Basics ", "C Basics"},
		{`<font color="#ffc000">Title</font>`, "font color ffc000 Title font"},
		{"Setup_Guide-2", "Setup_Guide-2"},
		{"상태 관리!", "상태 관리"},
		{"🚀 Launch: day 1", "🚀 Launch day 1"},
		{"***", ""},
	}
	for _, tt := range tests {
		if got := StripHeading(tt.give); got != tt.want {
			t.Errorf("StripHeading(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestHeadingForLink(t *testing.T) {
	t.Parallel()
	tests := []struct{ give, want string }{
		{"What is it?", "What is it?"},
		{"C# Basics", "C Basics"},
		{"Step 1: Install", "Step 1 Install"},
		{"a [[b]] c|d^e", "a b c d e"},
		{"50% %%hidden%% done", "50% hidden done"},
		{`<font color="#ffc000">Title</font>`, `<font color=" ffc000">Title</font>`},
	}
	for _, tt := range tests {
		got := HeadingForLink(tt.give)
		if got != tt.want {
			t.Errorf("HeadingForLink(%q) = %q, want %q", tt.give, got, tt.want)
		}
		// What Obsidian writes for a heading must name that heading.
		if !(Obsidian{}).AnchorResolves(got, tt.give) {
			t.Errorf("Obsidian does not resolve %q to %q", got, tt.give)
		}
	}
}

func TestAnchorResolves(t *testing.T) {
	t.Parallel()
	nfdSlug := norm.NFD.String("café-au-lait")
	tests := []struct {
		frag, heading           string
		wiki, obsidian, dendron bool
	}{
		{"Setup Guide", "Setup Guide", true, true, true},
		{"setup guide", "Setup Guide", false, true, true},
		{"setup-guide", "Setup Guide", true, true, true}, // a site generator's slug
		{"setup-guide", "Setup Guide!", true, true, true},
		{"strasse-guide", "Straße Guide", true, true, true},
		{nfdSlug, "Café au lait", true, true, true},
		{"What is it", "What is it?", false, true, false},
		{"what is it", "What is it?", false, true, false},
		{"C Basics", "C# Basics", false, true, false},
		{"C# Basics", "C# Basics", true, true, true},
		{`<font color="ffc000">Title</font>`, `<font color="#ffc000">Title</font>`, false, true, false},
		{"Title", `<font color="#ffc000">Title</font>`, false, false, false},
		{"Setup-Guide", "Setup Guide", false, false, false}, // capitals: not a slug
		{"What", "What is it?", false, false, false},
		{"!!", "??", false, false, false},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			d    Dialect
			want bool
		}{{Wiki{}, tt.wiki}, {Obsidian{}, tt.obsidian}, {Dendron{}, tt.dendron}} {
			if got := c.d.AnchorResolves(tt.frag, tt.heading); got != c.want {
				t.Errorf("%s: AnchorResolves(%q, %q) = %v, want %v", c.d.Name(), tt.frag, tt.heading, got, c.want)
			}
		}
	}
}

func TestAnchorText(t *testing.T) {
	t.Parallel()
	tests := []struct{ heading, wiki, obsidian, dendron string }{
		{"Setup Guide", "Setup Guide", "Setup Guide", "setup-guide"},
		{"What is it?", "What is it?", "What is it?", "what-is-it"},
		{"C# Basics", "C# Basics", "C Basics", "c-basics"},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			d    Dialect
			want string
		}{{Wiki{}, tt.wiki}, {Obsidian{}, tt.obsidian}, {Dendron{}, tt.dendron}} {
			got := c.d.AnchorText(tt.heading)
			if got != c.want {
				t.Errorf("%s: AnchorText(%q) = %q, want %q", c.d.Name(), tt.heading, got, c.want)
			}
			// What a dialect writes for a heading names that heading.
			if !c.d.AnchorResolves(got, tt.heading) {
				t.Errorf("%s: AnchorText(%q) = %q does not resolve to it", c.d.Name(), tt.heading, got)
			}
		}
	}
}

func TestAnchorKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    Dialect
		want string
	}{
		{Wiki{}, "What is it?"},
		{Obsidian{}, "What is it"},
		{Strict{Obsidian{}}, "What is it"},
		{Dendron{}, "What is it?"},
	} {
		if got := AnchorKey(c.d, "What is it?"); got != c.want {
			t.Errorf("%s: AnchorKey = %q, want %q", c.d.Name(), got, c.want)
		}
	}
}

func TestSlugShaped(t *testing.T) {
	t.Parallel()
	for give, want := range map[string]bool{
		"setup-guide": true, "overview": true, "상태-관리": true,
		"Setup-Guide": false, "setup guide": false, "": false,
	} {
		if got := SlugShaped(give); got != want {
			t.Errorf("SlugShaped(%q) = %v, want %v", give, got, want)
		}
	}
}

func TestCheckAnchor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d    Dialect
		frag string
		want bool
	}{
		{Wiki{}, "a*b", true},
		{Obsidian{}, "C# Basics", true},
		{Dendron{}, "summary,1:#*", false},
		{Dendron{}, "summary", true},
	} {
		if got := c.d.CheckAnchor(c.frag); got != c.want {
			t.Errorf("%s: CheckAnchor(%q) = %v, want %v", c.d.Name(), c.frag, got, c.want)
		}
	}
}
