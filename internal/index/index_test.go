package index

import (
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// n builds a note; fields are title, then aliases.
func n(p, title string, aliases ...string) *note.Note {
	return &note.Note{Path: p, Fields: frontmatter.Fields{Title: title, Aliases: aliases}}
}

func link(target string) *note.Link {
	l := &note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, Target: target}
	if i := indexByte(target, '#'); i >= 0 {
		l.Target, l.Frag, l.HasFrag = target[:i], target[i+1:], true
	}
	return l
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

type want struct {
	Class  string
	Level  string
	Target string   // path of the target note
	Cands  []string // candidate paths
}

func resolve(ix *Index, target string) want {
	r := ix.Resolve(0, link(target))
	w := want{Class: r.Class.String()}
	if r.Class != Resolved && r.Class != Duplicate && r.Class != Heading {
		w.Level = r.Level.String()
	}
	if r.Target >= 0 {
		w.Target = ix.Notes[r.Target].Path
	}
	for _, c := range r.Candidates {
		w.Cands = append(w.Cands, ix.Notes[c].Path)
	}
	return w
}

func TestLadder(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{
		n("Home.md", "Home"),
		n("Topics/Cache Line.md", "Cache Line"),
		n("Topics/Cache-Line.md", "Cache-Line"),
		n("Ops/Cache_Line.md", "Cache_Line"),
		n("Ops/Cache-Lines.md", ""),
		n("Topics/Disaster Recovery.md", "Disaster Recovery", "DR", "재해 복구"),
		n("Topics/상태 관리.md", "상태 관리"),
		n("Topics/Snap.md", "Snap"),
		n("Notes/Heap Snapshot.md", "Heap Snapshot"),
		n("Notes/Alpha.md", "Alpha", "Shared"),
		n("Notes/Beta.md", "Beta", "Shared", "alpha two"),
		n("Notes/Alpha Two.md", ""),
		n("a/Same.md", ""),
		n("b/Same.md", ""),
	}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	tests := []struct {
		give string
		want want
	}{
		{"Home", want{Class: "resolved", Target: "Home.md"}},
		{" Home ", want{Class: "resolved", Target: "Home.md"}},
		{"Topics/Cache Line", want{Class: "resolved", Target: "Topics/Cache Line.md"}},
		{"Cache Line", want{Class: "resolved", Target: "Topics/Cache Line.md"}},
		// The closest spelling wins: Cache Line matches at case already.
		{"cache line", want{Class: "variant", Level: "case", Target: "Topics/Cache Line.md"}},
		{"cache-line", want{Class: "variant", Level: "case", Target: "Topics/Cache-Line.md"}},
		{"CACHE_LINES", want{Class: "variant", Level: "separators", Target: "Ops/Cache-Lines.md"}},
		{"disaster-recovery", want{Class: "variant", Level: "separators", Target: "Topics/Disaster Recovery.md"}},
		{"Disaster  Recovery", want{Class: "variant", Level: "unicode", Target: "Topics/Disaster Recovery.md"}},
		{norm.NFD.String("상태 관리"), want{Class: "variant", Level: "unicode", Target: "Topics/상태 관리.md"}},
		{"Ｓｎａｐ", want{Class: "variant", Level: "width", Target: "Topics/Snap.md"}},
		{"상태관리", want{Class: "broken", Level: "separators"}},
		{"HeapSnapshot", want{Class: "broken", Level: "separators"}},
		{"DR", want{Class: "alias", Level: "exact", Target: "Topics/Disaster Recovery.md", Cands: []string{"Topics/Disaster Recovery.md"}}},
		{"dr", want{Class: "alias", Level: "case", Target: "Topics/Disaster Recovery.md", Cands: []string{"Topics/Disaster Recovery.md"}}},
		{"shared", want{Class: "ambiguous", Level: "case", Cands: []string{"Notes/Alpha.md", "Notes/Beta.md"}}},
		// A name of one note and an alias of another at the same level.
		{"alpha-two", want{Class: "ambiguous", Level: "separators", Cands: []string{"Notes/Beta.md", "Notes/Alpha Two.md"}}},
		{"Same", want{Class: "ambiguous", Level: "exact", Cands: []string{"a/Same.md", "b/Same.md"}}},
		{"a/Same", want{Class: "resolved", Target: "a/Same.md"}},
		{"/a/Same", want{Class: "resolved", Target: "a/Same.md"}},
		{"/a/same", want{Class: "variant", Level: "case", Target: "a/Same.md"}},
		{"Home.md", want{Class: "resolved", Target: "Home.md"}},
		{"Nonexistent", want{Class: "broken", Level: "separators"}},
		{"Home#Nope", want{Class: "heading", Target: "Home.md"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := resolve(ix, tt.give)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve(%q) (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestCompactLevel(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{n("Home.md", ""), n("상태 관리.md", "상태 관리"), n("Heap Snapshot.md", "")}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Compact)
	for give, wantPath := range map[string]string{"상태관리": "상태 관리.md", "HeapSnapshot": "Heap Snapshot.md"} {
		got := resolve(ix, give)
		if got.Class != "variant" || got.Level != "compact" || got.Target != wantPath {
			t.Errorf("Resolve(%q) = %+v, want variant at compact to %s", give, got, wantPath)
		}
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	dup := n("Old.md", "Old")
	dup.DuplicateOf = "[[New]]"
	chain := n("Older.md", "Older")
	chain.DuplicateOf = "Old"
	byID := n("Copy.md", "Copy")
	byID.CanonicalID = "n-new"
	newer := n("New.md", "New")
	newer.ID = "n-new"
	loopA, loopB := n("A.md", "A"), n("B.md", "B")
	loopA.DuplicateOf, loopB.DuplicateOf = "B", "A"
	notes := []*note.Note{n("Home.md", ""), dup, chain, byID, newer, loopA, loopB}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	tests := []struct {
		give string
		want want
	}{
		{"Old", want{Class: "duplicate", Target: "New.md", Cands: []string{"Old.md"}}},
		{"Older", want{Class: "duplicate", Target: "New.md", Cands: []string{"Older.md"}}},
		{"Copy", want{Class: "duplicate", Target: "New.md", Cands: []string{"Copy.md"}}},
		{"old", want{Class: "variant", Level: "case", Target: "New.md"}},
		{"New", want{Class: "resolved", Target: "New.md"}},
		{"A", want{Class: "resolved", Target: "A.md"}},
	}
	for _, tt := range tests {
		got := resolve(ix, tt.give)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Resolve(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
	if len(ix.Problems) != 2 {
		t.Errorf("want 2 cycle problems, got %v", ix.Problems)
	}
}

func TestObsidianDialect(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{n("Home.md", ""), n("Graph Analysis.md", "Some Title"), n("x/Note.md", ""), n("y/Note.md", "")}
	ix := Build(notes, nil, dialect.Obsidian{}, fold.Separators)
	tests := []struct {
		give string
		want want
	}{
		{"graph analysis", want{Class: "resolved", Target: "Graph Analysis.md"}},
		{"graph-analysis", want{Class: "variant", Level: "separators", Target: "Graph Analysis.md"}},
		// A title does not resolve in Obsidian, but it is a name on the ladder.
		{"Some Title", want{Class: "variant", Level: "exact", Target: "Graph Analysis.md"}},
		{"x/note", want{Class: "resolved", Target: "x/Note.md"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, resolve(ix, tt.give)); diff != "" {
			t.Errorf("Resolve(%q) (-want +got):\n%s", tt.give, diff)
		}
	}
	strict := Build(notes, nil, dialect.Strict{Dialect: dialect.Obsidian{}}, fold.Separators)
	if got := resolve(strict, "graph analysis"); got.Class != "variant" || got.Level != "case" {
		t.Errorf("strict: got %+v, want variant at case", got)
	}
}

func TestAnchors(t *testing.T) {
	t.Parallel()
	target := n("Guide.md", "Guide")
	target.Headings = []string{"Guide", "Setup Guide", "설정 방법", "Setup-Guide!"}
	target.BlockIDs = []string{"abc"}
	notes := []*note.Note{n("Home.md", ""), target}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	tests := []struct {
		give  string
		state AnchorState
		head  string
	}{
		{"Guide#Setup Guide", AnchorOK, ""},
		{"Guide#setup-guide", AnchorOK, ""}, // a slug written by a site generator
		{"Guide#설정-방법", AnchorOK, ""},
		{"Guide#^abc", AnchorOK, ""},
		{"Guide#^abd", AnchorBroken, ""},
		{"Guide#설정  방법", AnchorRepair, "설정 방법"},
		{"Guide#Nope", AnchorBroken, ""},
		{"Guide#Guide#Setup Guide", AnchorOK, ""},
	}
	for _, tt := range tests {
		r := ix.Resolve(0, link(tt.give))
		if r.Anchor.State != tt.state || r.Anchor.Heading != tt.head {
			t.Errorf("%q: anchor %+v, want state %d heading %q", tt.give, r.Anchor, tt.state, tt.head)
		}
	}
}

func TestInVault(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		dir, p, want string
		ok           bool
	}{
		{"a", "b.md", "a/b.md", true},
		{"a", "../b.md", "b.md", true},
		{"a", "../../b.md", "", false},
		{".", "/x/y.md", "x/y.md", true},
		{"", "/../x.md", "", false},
	} {
		got, ok := inVault(tt.dir, tt.p)
		if got != tt.want || ok != tt.ok {
			t.Errorf("inVault(%q, %q) = %q, %v; want %q, %v", tt.dir, tt.p, got, ok, tt.want, tt.ok)
		}
	}
}

// TestAnchorsPerDialect: each dialect compares headings the way its tool
// does; a heading may contain '#'; "A#B" is also read as B under A; a
// slug-shaped fragment is never repaired.
func TestAnchorsPerDialect(t *testing.T) {
	t.Parallel()
	target := n("Note.md", "Note")
	target.Headings = []string{
		"What is it?", "C# Basics", `<font color="#ffc000">Title</font>`, "Setup Guide",
		"Parent", "Child", "Straße Guide", norm.NFC.String("Café au lait"), "Twin", "twin",
	}
	notes := []*note.Note{n("Home.md", ""), target}
	type tc struct {
		give  string
		state AnchorState
		head  string // the heading to write, for AnchorRepair
	}
	nfd := norm.NFD.String("café-au-lait")
	tests := []struct {
		d     dialect.Dialect
		cases []tc
	}{
		{dialect.Wiki{}, []tc{
			{"Note#C# Basics", AnchorOK, ""},
			{"Note#c# basics", AnchorRepair, "C# Basics"},
			{`Note#<font color="#ffc000">Title</font>`, AnchorOK, ""},
			{"Note#What is it", AnchorBroken, ""}, // only Obsidian drops the '?'
			{"Note#Parent#Child", AnchorOK, ""},
			{"Note#Child#Parent", AnchorBroken, ""}, // a path goes down the note
			{"Note#Parent##Child", AnchorOK, ""},
			{"Note#Parent#Nope", AnchorBroken, ""},
			{"Note#setup-guide", AnchorOK, ""},
			{"Note#strasse-guide", AnchorOK, ""}, // a slug: never repaired
			{"Note#" + nfd, AnchorOK, ""},
			{"Note#setup-guid", AnchorBroken, ""},
			{"Note#Setup_Guide", AnchorRepair, "Setup Guide"},
			{"Note#TWIN", AnchorAmbiguous, ""},
		}},
		{dialect.Obsidian{}, []tc{
			{"Note#What is it", AnchorOK, ""},
			{"Note#what is it", AnchorOK, ""},
			{"Note#C# Basics", AnchorOK, ""},
			{"Note#C Basics", AnchorOK, ""}, // what Obsidian writes for it
			{`Note#<font color="#ffc000">Title</font>`, AnchorOK, ""},
			{`Note#<font color="ffc000">Title</font>`, AnchorOK, ""},
			{"Note#Parent#Child", AnchorOK, ""},
			{"Note#Child#Parent", AnchorBroken, ""},
			{"Note#C# Basics#Child", AnchorOK, ""},
			{"Note#C#Child", AnchorBroken, ""},
			{"Note#What-is-it", AnchorRepair, "What is it?"},
			{"Note#Setup_Guide", AnchorRepair, "Setup Guide"},
			{"Note#TWIN", AnchorOK, ""},
			{"Note#setup-guide", AnchorOK, ""},
			{"Note#strasse-guide", AnchorOK, ""},
			{"Note#Nope", AnchorBroken, ""},
		}},
		{dialect.Dendron{}, []tc{
			{"Note#setup-guide", AnchorOK, ""},
			{"Note#setup guide", AnchorOK, ""},
			{"Note#c-basics", AnchorOK, ""},
			{"Note#Setup_Guide", AnchorRepair, "Setup Guide"},
			{"Note#strasse-guide", AnchorOK, ""},
		}},
	}
	for _, tt := range tests {
		ix := Build(notes, nil, tt.d, fold.Separators)
		for _, c := range tt.cases {
			r := ix.Resolve(0, link(c.give))
			if r.Anchor.State != c.state || r.Anchor.Heading != c.head {
				t.Errorf("%s %q: anchor %+v, want state %d heading %q", tt.d.Name(), c.give, r.Anchor, c.state, c.head)
			}
		}
	}
	// Same-note links read the fragment the same way.
	ix := Build([]*note.Note{target}, nil, dialect.Obsidian{}, fold.Separators)
	for _, give := range []string{"#What is it", "#C# Basics"} {
		if r := ix.Resolve(0, link(give)); r.Class != Resolved || r.Anchor.State != AnchorOK {
			t.Errorf("%q: %+v, want resolved", give, r)
		}
	}
}

// TestNotesSharingKey: the notes with a name or an alias under the same
// key at the index's highest level, and no others.
func TestNotesSharingKey(t *testing.T) {
	t.Parallel()
	notes := []*note.Note{n("a/Cache-Line.md", ""), n("b/Cache_Line.md", ""), n("c.md", "C", "cache line"), n("Cache.md", "Line Cache")}
	ix := Build(notes, nil, dialect.Wiki{}, fold.Separators)
	for give, want := range map[string][]int32{
		"Cache Line": {0, 1, 2},
		"line cache": {3},
		"cacheline":  nil, // compact is above this index's highest level
		"Nothing":    nil,
	} {
		if got := ix.NotesSharingKey(give); !cmp.Equal(got, want) {
			t.Errorf("NotesSharingKey(%q) = %v, want %v", give, got, want)
		}
	}
}

// namesAttachment, given path.Ext(t) as resolveWiki has it, decides as
// the base name's own extension would: trailing slashes, dots in folder
// names and case included.
func TestNamesAttachmentTakesTheTargetsExtension(t *testing.T) {
	ix := Build(nil, []string{"img/Photo.PNG", "a.b/notes", "x/y.tar.gz", "plain"}, dialect.Obsidian{}, fold.Separators)
	want := func(t string) bool {
		base := path.Base(t)
		return ix.attachExt[strings.ToLower(path.Ext(base))] && ix.attachBy[strings.ToLower(base)] != nil
	}
	for _, target := range []string{"photo.png", "Photo.PNG", "img/photo.png", "photo.png/", "photo.png//", "photo", "a.b/notes", "notes", "notes/", "a.b/", "y.tar.gz", "y.TAR.GZ/", "plain", "plain/", "PLAIN", ".png", "x/.", "x/..", "/", "photo.png/."} {
		if got := ix.namesAttachment(target, path.Ext(target)); got != want(target) {
			t.Errorf("namesAttachment(%q) = %v, want %v", target, got, want(target))
		}
	}
}
