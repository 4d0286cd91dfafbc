package index

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// TestEdgeSeparatorsAreNames: a '-' or '_' at an end of a name is part of
// it, on every level (SPEC §4): the note about an operator is never
// rewritten to the note about the language.
func TestEdgeSeparatorsAreNames(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{
		n("Home.md", ""),
		n("Haskell.md", ""),
		n("Haskell +.md", ""),
		n("Haskell -.md", ""),
		n("draft.md", ""),
		n("Cache Line.md", ""),
	}
	for _, max := range []fold.Level{fold.Separators, fold.Compact} {
		ix := Build(notes, nil, dialect.Wiki{}, max)
		tests := []struct {
			give string
			want want
		}{
			{"Haskell -", want{Class: "resolved", Target: "Haskell -.md"}},
			{"haskell -", want{Class: "variant", Level: "case", Target: "Haskell -.md"}},
			{"Haskell  -", want{Class: "variant", Level: "unicode", Target: "Haskell -.md"}},
			{"Haskell *", want{Class: "broken", Level: max.String()}},
			{"Haskell_", want{Class: "broken", Level: max.String()}},
			{"_draft", want{Class: "broken", Level: max.String()}},
			{"draft-", want{Class: "broken", Level: max.String()}},
			{"-", want{Class: "broken", Level: max.String()}},
			{"_ _", want{Class: "broken", Level: max.String()}},
			{"cache-line", want{Class: "variant", Level: "separators", Target: "Cache Line.md"}},
		}
		if max == fold.Compact {
			// Compact removes the space before the edge '-', never the '-'.
			tests = append(tests, struct {
				give string
				want want
			}{"Haskell-", want{Class: "variant", Level: "compact", Target: "Haskell -.md"}})
		} else {
			tests = append(tests, struct {
				give string
				want want
			}{"Haskell-", want{Class: "broken", Level: "separators"}})
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, resolve(ix, tt.give)); diff != "" {
				t.Errorf("level %v: Resolve(%q) (-want +got):\n%s", max, tt.give, diff)
			}
		}
	}
}

// TestAliasConfirmsName: an alias that matches closer than a name of the
// same note does not stop the climb (SPEC §4); one of another note makes
// the link ambiguous.
func TestAliasConfirmsName(t *testing.T) {
	t.Parallel()
	nonTerminal := n("Non-terminal.md", "", "Non-Terminal", "NT")
	other := n("Grammar.md", "", "Symbol Set")
	symbol := n("Symbol set.md", "")
	dupOf := n("Nonterminal symbol.md", "", "Nonterm")
	dupOf.DuplicateOf = "Non-terminal"
	onlyAlias := n("Lexer.md", "", "Tokenizer")
	// An alias on a duplicate confirms the name of its canonical note.
	parser := n("parser.md", "")
	oldParser := n("Old parser.md", "", "Parser")
	oldParser.DuplicateOf = "parser"
	notes := []*note.Note{n("Home.md", ""), nonTerminal, other, symbol, dupOf, onlyAlias, parser, oldParser}
	tests := []struct {
		give string
		want want
	}{
		// The alias matches at exact, the name at case: a variant.
		{"Non-Terminal", want{Class: "variant", Level: "case", Target: "Non-terminal.md"}},
		// An alias of a duplicate leads to the same canonical note.
		{"nonterm", want{Class: "alias", Level: "case", Target: "Non-terminal.md", Cands: []string{"Nonterminal symbol.md"}}},
		// An alias of one note, a name of another further up.
		{"Symbol Set", want{Class: "ambiguous", Level: "case", Cands: []string{"Grammar.md", "Symbol set.md"}}},
		{"Parser", want{Class: "variant", Level: "case", Target: "parser.md"}},
		// Aliases only: a suggestion, at the level where it matched.
		{"Tokenizer", want{Class: "alias", Level: "exact", Target: "Lexer.md", Cands: []string{"Lexer.md"}}},
		{"tokenizer", want{Class: "alias", Level: "case", Target: "Lexer.md", Cands: []string{"Lexer.md"}}},
		{"NT", want{Class: "alias", Level: "exact", Target: "Non-terminal.md", Cands: []string{"Non-terminal.md"}}},
	}
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Strict{Dialect: dialect.Obsidian{}}} {
		ix := Build(notes, nil, d, fold.Separators)
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, resolve(ix, tt.give)); diff != "" {
				t.Errorf("%T: Resolve(%q) (-want +got):\n%s", d, tt.give, diff)
			}
		}
	}
	// Obsidian itself opens Non-terminal.md for [[Non-Terminal]].
	ix := Build(notes, nil, dialect.Obsidian{}, fold.Separators)
	if got := resolve(ix, "Non-Terminal"); got.Class != "resolved" || got.Target != "Non-terminal.md" {
		t.Errorf("obsidian: Resolve(Non-Terminal) = %+v, want resolved", got)
	}
	// The report names the alias of an ambiguous candidate.
	r := Build(notes, nil, dialect.Wiki{}, fold.Separators).Resolve(0, link("Symbol Set"))
	if want := []AliasMatch{{Note: 2, Alias: "Symbol Set"}}; !cmp.Equal(r.Aliases, want) {
		t.Errorf("aliases of an ambiguous result = %+v, want %+v", r.Aliases, want)
	}
}

// TestExactFirstInEveryDialect: within a dialect's own forgiveness (case,
// NFC, path suffix), the name spelled closest to the link wins (SPEC §4).
func TestExactFirstInEveryDialect(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{
		n("Home.md", ""),
		n("LangChain/LangChain.md", ""),
		n("LangChain/langchain/langchain.md", ""),
		n("a/b/c.md", ""),
		n("b/c.md", ""),
		n("x/Note.md", ""),
		n("y/note.md", ""),
		n("p/Same.md", ""),
		n("q/Same.md", ""),
		n("index.md", ""),
		n("git/index.md", ""),
		n("r/Guide.md", "index page"),
		n("s/index page.md", ""),
	}
	tests := []struct {
		give string
		obs  want // obsidian
		wiki want
	}{
		// The link is one note's path byte for byte, and the other's
		// path suffix in another case.
		{"LangChain/LangChain", want{Class: "resolved", Target: "LangChain/LangChain.md"}, want{Class: "resolved", Target: "LangChain/LangChain.md"}},
		// One note's path in another case, the other's suffix byte for
		// byte: neither is closer on both counts.
		{"langchain/langchain", want{Class: "ambiguous", Level: "exact", Cands: []string{"LangChain/LangChain.md", "LangChain/langchain/langchain.md"}}, want{Class: "resolved", Target: "LangChain/langchain/langchain.md"}},
		{"langchain", want{Class: "resolved", Target: "LangChain/langchain/langchain.md"}, want{Class: "resolved", Target: "LangChain/langchain/langchain.md"}},
		// A whole path wins over a path suffix.
		{"b/c", want{Class: "resolved", Target: "b/c.md"}, want{Class: "resolved", Target: "b/c.md"}},
		// A stem byte for byte wins over a stem in another case.
		{"Note", want{Class: "resolved", Target: "x/Note.md"}, want{Class: "resolved", Target: "x/Note.md"}},
		{"note", want{Class: "resolved", Target: "y/note.md"}, want{Class: "resolved", Target: "y/note.md"}},
		{"NOTE", want{Class: "ambiguous", Level: "exact", Cands: []string{"x/Note.md", "y/note.md"}}, want{Class: "ambiguous", Level: "case", Cands: []string{"x/Note.md", "y/note.md"}}},
		// The whole path from the vault root wins over another note's
		// stem: the root's index.md, as Obsidian and vimwiki open it.
		{"index", want{Class: "resolved", Target: "index.md"}, want{Class: "resolved", Target: "index.md"}},
		{"Index", want{Class: "resolved", Target: "index.md"}, want{Class: "ambiguous", Level: "case", Cands: []string{"index.md", "git/index.md"}}},
		{"git/index", want{Class: "resolved", Target: "git/index.md"}, want{Class: "resolved", Target: "git/index.md"}},
		// A title and a stem are both whole names (wiki): neither wins.
		{"index page", want{Class: "resolved", Target: "s/index page.md"}, want{Class: "ambiguous", Level: "exact", Cands: []string{"r/Guide.md", "s/index page.md"}}},
		// The closest tier itself names two notes.
		{"Same", want{Class: "ambiguous", Level: "exact", Cands: []string{"p/Same.md", "q/Same.md"}}, want{Class: "ambiguous", Level: "exact", Cands: []string{"p/Same.md", "q/Same.md"}}},
	}
	obs := Build(notes, nil, dialect.Obsidian{}, fold.Separators)
	wiki := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	for _, tt := range tests {
		if diff := cmp.Diff(tt.obs, resolve(obs, tt.give)); diff != "" {
			t.Errorf("obsidian: Resolve(%q) (-want +got):\n%s", tt.give, diff)
		}
		if diff := cmp.Diff(tt.wiki, resolve(wiki, tt.give)); diff != "" {
			t.Errorf("wiki: Resolve(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
}

// TestExactFirstAllocatesNothing: the closest name is picked without
// allocating, for a single match (the common case) and for several; what
// the dialect's own key costs (Obsidian lower-cases "Home") is apart.
func TestExactFirstAllocatesNothing(t *testing.T) {
	notes := []*note.Note{n("Home.md", ""), n("LangChain/LangChain.md", ""), n("LangChain/langchain/langchain.md", ""), n("a/b/c.md", ""), n("b/c.md", "")}
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Obsidian{}} {
		ix := Build(notes, nil, d, fold.Separators)
		for _, target := range []string{"Home", "LangChain/LangChain", "b/c"} {
			l := link(target)
			key := testing.AllocsPerRun(50, func() { d.ExactKey(target) })
			if got := testing.AllocsPerRun(50, func() { ix.Resolve(0, l) }); got > key {
				t.Errorf("%s: Resolve(%q) allocates %v times, its key %v", d.Name(), target, got, key)
			}
		}
	}
}

// TestNameEndingInNoteExtension: a target that ends in a note extension may
// be a note's own name (Dendron's dendron.topic.markdown, the file
// Topic.markdown.md that Obsidian and vimwiki open for [[Topic.markdown]]);
// the extension is dropped only when the name as written is no closer.
func TestNameEndingInNoteExtension(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{
		n("Topic.md", ""),
		n("Topic.markdown.md", ""),
		n("dendron.topic.md", ""),
		n("dendron.topic.markdown.md", ""),
		n("Solo.md", ""),
		n("Pair.md", ""),
		n("pair.md.md", ""),
	}
	tests := []struct {
		give string
		want want
	}{
		{"Topic.markdown", want{Class: "resolved", Target: "Topic.markdown.md"}},
		{"Topic.md", want{Class: "resolved", Target: "Topic.md"}},
		// Both readings match in another case: either note is meant.
		{"topic.markdown", want{Class: "ambiguous", Level: "case", Cands: []string{"Topic.md", "Topic.markdown.md"}}},
		{"dendron.Topic.Markdown", want{Class: "ambiguous", Level: "case", Cands: []string{"dendron.topic.md", "dendron.topic.markdown.md"}}},
		{"dendron.topic.markdown", want{Class: "resolved", Target: "dendron.topic.markdown.md"}},
		{"Topic.markdown.md", want{Class: "resolved", Target: "Topic.markdown.md"}},
		// Only the bare name is a note: the extension is dropped.
		{"Solo.md", want{Class: "resolved", Target: "Solo.md"}},
		{"solo.markdown", want{Class: "variant", Level: "case", Target: "Solo.md"}},
		// "pair.md" is one note's stem and, without ".md", another's in
		// another case: both are as close, at the same level.
		{"PAIR.md", want{Class: "ambiguous", Level: "case", Cands: []string{"Pair.md", "pair.md.md"}}},
	}
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Dendron{}} {
		ix := Build(notes, nil, d, fold.Separators)
		for _, tt := range tests {
			if d.Name() == "dendron" && strings.Contains(tt.want.Level, "case") {
				continue // Dendron's names are case-insensitive: no case level
			}
			if diff := cmp.Diff(tt.want, resolve(ix, tt.give)); diff != "" {
				t.Errorf("%s: Resolve(%q) (-want +got):\n%s", d.Name(), tt.give, diff)
			}
		}
	}
}
