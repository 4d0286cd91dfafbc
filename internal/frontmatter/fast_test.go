package frontmatter

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fastSeeds are realistic frontmatters (and some hostile ones) for the
// differential tests. The ones in fastHits must take the fast path.
var fastSeeds = []string{
	// SPEC §2 style.
	string(sampleFM),
	"title: Disaster Recovery\naliases:\n  - DR\n  - 재해 복구\nid: n000123\ncanonical_id: n000001\nduplicate_of: \"[[Disaster Recovery Plan]]\"\ntags: [ops, generated]\nstatus: draft\nconfidence_score: 0.8\n",
	"title: Cache Line\naliases: [cache-line, CacheLine]\nid: 20210101120000\n",
	"title: V8 Snapshot\nalias: v8snap\n",
	"title: 상태 관리\naliases: [상태관리, State Management]\n",
	"duplicate_of: [[Heap Snapshot]]\n",
	"canonical_id: 0x1F\nid: 012\nduplicate_of: 1e3\ntitle: 1_000\n",
	"title: yes\nid: no\ncanonical_id: on\nduplicate_of: off\n",
	"title: .inf\nid: -.inf\ncanonical_id: .nan\nduplicate_of: ~\n",
	"title: true\nid: null\ncanonical_id: False\nduplicate_of: NULL\n",
	"title: 2021-01-01\nid: 2021-01-01 10:00:00\n",
	"id: 0b101\ntitle: -0b11\ncanonical_id: 0o17\nduplicate_of: -0o7\n",
	"id: 99999999999999999999\ntitle: 18446744073709551615\ncanonical_id: -9223372036854775809\n",
	"id: +12\ntitle: -3.5e2\ncanonical_id: .5\nduplicate_of: 1.\n",
	"aliases: [1, 2.5, true, ~, null, x]\n",
	"aliases: []\nalias: \n",
	"aliases:\n- a\n- b\ntitle: t\n",
	"aliases:\n  -\n  - ~\n  - x\n",
	"aliases:\n  - [[A]]\n  - [B, C]\n",
	"title: <<\nid: '<<'\n",
	// Obsidian.
	"---\ntitle: x\n---\n",
	"aliases:\n  - Heap Snapshot\n  - heap snapshot\ntags:\n  - v8\n  - memory\ncreated: 2023-04-01T10:00:00+09:00\ncssclasses: []\npublish: true\n",
	"tags: [a, b]\nTitle: Upper\ntitle: lower\n",
	"Date Created: 2022-01-01\nstatus: 🌱 seedling\ntitle: Notes on Go\n",
	"up: \"[[Index]]\"\nrelated: [[Other]]\n",
	"title: \"Quoted: with colon\"\naliases: ['it''s', \"double\"]\n",
	"title: 'single'  # comment\nid: abc # trailing\n",
	"title: a # b\n# full line\n  # indented comment\nid: x\n",
	// Jekyll (johngrib).
	"layout  : wiki\ntitle   : (책) 알고리즘, 인생을 계산하다\nsummary :\ndate    : 2018-01-26 21:35:22 +0900\nupdated : 2018-04-12 12:30:46 +0900\ntag     : book algirithm\nresource: 12/70013D-D362-4D51-AE8D-9B0BC081E9E8\ntoc     : true\npublic  : true\nparent  : [[book]]\nlatex   : false\n",
	"layout: post\ntitle: \"Hello, World\"\ncategories: [blog, go]\npermalink: /hello/\n",
	// Dendron.
	"id: abc123\ntitle: X\ndesc: ''\nupdated: 1636035539429\ncreated: 1636035539429\n",
	"id: 8L4Qrg3PcSIFiYZBqCU6n\ntitle: Link to Files\ndesc: ''\nupdated: 1642564062835\ncreated: 1642564062835\npods:\n  airtable:\n    dendron.features: recAuJ7JgBtNuPZ3n\n",
	// CRLF, whitespace, comments only, empty.
	"title: Windows\r\naliases: [a, b]\r\n",
	"title: lone\rcr\n",
	"",
	"\n\n",
	"# only a comment\n",
	"title:    spaced   \n",
	// Things yaml.v3 rejects or reads differently: they must fall back.
	"title: a\ntitle: b\n",
	"title: a: b\n",
	"title: a:\n",
	"title: foo\n  bar\n",
	"title: |\n  block\n",
	"title: >\n  folded\n",
	"title: &a x\nid: *a\n",
	"title: !!str 12\n",
	"title: \"esc\\u0041\"\n",
	"title:\tx\n",
	"title: x\t\n",
	"\ttitle: x\n",
	"  title: x\n",
	"title: [a, b\n",
	"title: [a,, b]\n",
	"title: [a, b,]\n",
	"title: [a]b\n",
	"title: {a: b}\n",
	"meta:\n  a: b\ntitle: t\n",
	"aliases:\n  - a\n - b\n",
	"aliases:\n  - a\n    - b\n",
	"- a\n- b\n",
	"just a string\n",
	"title: x\n...\n",
	"title: x\n---\nid: y\n",
	"%YAML 1.2\n---\ntitle: x\n",
	"\ufefftitle: x\n",
	"title: a\u2028b\n",
	"title: a\u0085b\n",
	"title: \x01\n",
	"title: \xff\n",
	"? complex\n: key\n",
	"title: - x\n",
	"title: -x\nid: ?y\ncanonical_id: :z\n",
	"title: @x\n",
	"title: `x`\n",
	"title: 'unterminated\n",
	"title: \"a\"b\n",
	"title: 'a'#b\n",
	"title: [a]#b\n",
	"aliases: [a #b]\n",
	"aliases: [a?b, c]\n",
	"aliases: [-a, -]\n",
	"aliases: [\"x\", 'y' , z ]\n",
	"aliases: [ ]\n",
	"<<: {a: b}\n",
	"1: a\n01: b\n",
	"null: a\n~: b\n",
	"title: a\n\"title\": b\n",
}

// fastHits are seeds that must not fall back.
var fastHits = []string{
	string(sampleFM),
	"title: Disaster Recovery\naliases:\n  - DR\n  - 재해 복구\nid: n000123\ncanonical_id: n000001\nduplicate_of: \"[[Disaster Recovery Plan]]\"\ntags: [ops, generated]\nstatus: draft\nconfidence_score: 0.8\n",
	"id: abc123\ntitle: X\ndesc: ''\nupdated: 1636035539429\ncreated: 1636035539429\n",
	"layout  : wiki\ntitle   : (책) 알고리즘, 인생을 계산하다\nsummary :\ndate    : 2018-01-26 21:35:22 +0900\nupdated : 2018-04-12 12:30:46 +0900\ntag     : book algirithm\nresource: 12/70013D-D362-4D51-AE8D-9B0BC081E9E8\ntoc     : true\npublic  : true\nparent  : [[book]]\nlatex   : false\n",
	"aliases:\n  - Heap Snapshot\n  - heap snapshot\ntags:\n  - v8\n  - memory\ncreated: 2023-04-01T10:00:00+09:00\ncssclasses: []\npublish: true\n",
	"title: Windows\r\naliases: [a, b]\r\n",
	"canonical_id: 0x1F\nid: 012\nduplicate_of: 1e3\ntitle: 1_000\n",
}

// checkSame fails if Decode and decodeYAML disagree on src.
func checkSame(t *testing.T, src []byte) {
	t.Helper()
	want, wantErr := decodeYAML(src)
	got, gotErr := Decode(src)
	if (gotErr != nil) != (wantErr != nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("Decode(%q) error = %v, yaml.v3 error = %v", src, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %#v, yaml.v3 gives %#v", src, got, want)
	}
	if _, ok := decodeFast(src); ok && wantErr != nil {
		t.Fatalf("decodeFast accepted %q, which yaml.v3 rejects: %v", src, wantErr)
	}
}

func TestDecodeFastSeeds(t *testing.T) {
	for _, s := range fastSeeds {
		checkSame(t, []byte(s))
	}
}

func TestDecodeFastHits(t *testing.T) {
	for _, s := range fastHits {
		if _, ok := decodeFast([]byte(s)); !ok {
			t.Errorf("decodeFast(%q) fell back", s)
		}
	}
}

func TestDecodeFastValues(t *testing.T) {
	f, err := Decode([]byte("canonical_id: 0x1F\nid: 012\nduplicate_of: 1e3\ntitle: 1_000\naliases: [yes, .inf, 2021-01-01, ~]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Fields{Title: "1000", ID: "10", CanonicalID: "31", DuplicateOf: "1000", Aliases: []string{"yes", "+Inf"}}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %#v, want %#v", f, want)
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkSame(t, src)
		// Random bytes mostly fall back on the first line; the same bytes
		// read as fragments build frontmatter that often does not.
		checkSame(t, fromTokens(src))
	})
}

// fuzzTokens are fragments of frontmatter, chosen to hit the edges of the
// fast path: keys it reads, indicators, quotes, comments, indentation and
// scalars that yaml.v3 resolves to something other than a string.
var fuzzTokens = []string{
	"title", "id", "aliases", "alias", "canonical_id", "duplicate_of", "tags", "a b", "x.y", "k-",
	": ", ":", " :", "\n", "\r\n", "\r", "\n  ", "  ", " ", "- ", "-", "  - ", "#", " # c", "\n# c\n",
	"[", "]", ", ", ",", "'", "''", "\"", "\\", "?", "{", "}", "---", "...", "\t", "&", "*", "!", "|", ">", "%", "@", "`",
	"0", "1", "012", "0x1F", "0b1", "-0b1", "0o7", "1e3", "1_0", ".5", "1.", ".inf", "-.Inf", ".nan", "+", "~", "null",
	"true", "False", "yes", "on", "2021-01-01", " 10:00:00", "T10:00:00Z", "9223372036854775808", "-9223372036854775809",
	"18446744073709551616", "n0", "값", "\u00a0", "\u2028", "\u0085", "\ufeff", "<<", ".", "[[x]]", "x", "y",
}

func fromTokens(b []byte) []byte {
	var out []byte
	for _, c := range b {
		out = append(out, fuzzTokens[int(c)%len(fuzzTokens)]...)
	}
	return out
}

// TestDecodeFastCorpora runs the differential over every frontmatter in the
// shared corpora.
func TestDecodeFastCorpora(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("no corpora: %v", err)
	}
	var notes, blocks, fast int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".md") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		notes++
		b, ok := Split(src)
		if !ok {
			return nil
		}
		blocks++
		y := src[b.Start:b.End]
		if _, ok := decodeFast(y); ok {
			fast++
		}
		t.Run(path, func(t *testing.T) { checkSame(t, y) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d notes, %d frontmatters, %d on the fast path", notes, blocks, fast)
}
