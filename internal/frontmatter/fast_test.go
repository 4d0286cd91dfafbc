package frontmatter

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
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

// fromTokens reads b as choices in a small grammar of frontmatter lines, so
// that fuzzed bytes become frontmatter that is mostly within the fast path
// and often just outside it.
func fromTokens(b []byte) []byte {
	g := gen{b: b}
	for len(g.b) > 0 {
		g.line()
	}
	return g.out
}

type gen struct {
	b    []byte
	out  []byte
	open bool // the last key had no value: sequence items may follow
}

func (g *gen) next() int {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return int(c)
}

func (g *gen) pick(list []string) {
	g.out = append(g.out, list[g.next()%len(list)]...)
}

var (
	genKeys      = []string{"title", "id", "aliases", "alias", "canonical_id", "duplicate_of", "title", "id", "aliases", "alias", "canonical_id", "duplicate_of", "tags", "status", "a b", "x.y", "제목", "layout", "desc", "updated", "created", "parent", "date", "summary", "toc", "public", "cssclasses", "publish", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"}
	genOddKeys   = []string{"k-", "-k", "1", "null", "true", "title ", "Title", "<<", "? k", "'title'", "\"id\"", "title#", "a #b", "[a]"}
	genColons    = []string{": ", ": ", ": ", ": ", "   : ", ":  ", " : "}
	genOddColons = []string{": \t", "\t: ", ":", " :", "::", ": :"}
	genIndents   = []string{"", "  ", "    ", " ", "\t"}
	genEnds      = []string{"\n", "\n", "\n", "\n", "\n", "\n", "\r\n", " \n", "  # c\n"}
	genOddEnds   = []string{"", "#c\n", "\r", "\u2028", "\u0085", "\n---\n", "\n...\n", "\n\t", ":\n"}
	genAtoms     = []string{
		"x", "Disaster Recovery", "재해 복구", "n000123", "a b", "C#", "a#b", "http://x", "a:b", "(책)", "self", "none",
		"0", "1", "012", "0x1F", "1e3", "1_0", ".5", "1.", "0.8", "-1", "~", "null", "true", "False", "yes", "on",
		"2021-01-01", "2018-01-26 21:35:22 +0900", "1636035539429", "[[x]]", "[a, b]", "[]",
	}
	genOddAtoms = []string{
		"a  b", "a: b", "a:", "a,b", "a]", "a[b", "{a", "a}", "?a", ":a", "-a", "-", "--", "---", "...", "a'b", "a\"b", "'", "\"", "''", "\\",
		"0b1", "-0b1", "0o7", "-0o7", "_1", "1.5e", "+1", "+.inf", ".inf", "-.Inf", ".nan", "Null", "NULL", "nil",
		"no", "off", "y", "n", "2021-01-01 10:00:00", "2021-01-01T10:00:00Z", "2021-1-1", "9223372036854775807", "9223372036854775808",
		"-9223372036854775809", "18446744073709551615", "18446744073709551616", "<<", ".", "[x]", "[ ]", "[a,b,]", "[a,,b]", "{}", "&a", "*a", "!a", "!!str 1", "|", ">-", "%a", "@a", "`a`",
		" ", "  ", "#", " #", " # c", "\t", "\u00a0", "\ufeff", "\u3000", "😀", "\x00", "\xff", "\x7f",
	}
)

// odd picks from odd one time in n, else from common.
func (g *gen) odd(n int, common, odd []string) {
	if g.next()%n == 0 {
		g.pick(odd)
	} else {
		g.pick(common)
	}
}

// value writes a value: plain atoms, quoted, or a flow sequence.
func (g *gen) value(depth int) {
	switch g.next() % 8 {
	case 0: // empty
		g.open = true
	case 1:
		g.out = append(g.out, '\'')
		g.atoms()
		g.out = append(g.out, '\'')
	case 2:
		g.out = append(g.out, '"')
		g.atoms()
		g.out = append(g.out, '"')
	case 3:
		if depth > 3 {
			g.atoms()
			return
		}
		g.out = append(g.out, '[')
		for n := g.next() % 4; n > 0; n-- {
			g.value(depth + 1)
			g.odd(8, []string{", ", ","}, []string{" , ", "", ",,", " ,"})
		}
		g.value(depth + 1)
		g.odd(8, []string{"]"}, []string{" ]", "", "],", "]x", "] #c", "]#c"})
	default:
		g.atoms()
	}
}

func (g *gen) atoms() {
	for n := 1 + g.next()%2; n > 0; n-- {
		g.odd(10, genAtoms, genOddAtoms)
		if n > 1 {
			g.out = append(g.out, ' ')
		}
	}
}

func (g *gen) line() {
	c := g.next() % 16
	if g.open && c < 8 {
		c = 0
	}
	switch c {
	case 0: // sequence item
		g.odd(8, []string{"", "  "}, genIndents)
		g.odd(8, []string{"- "}, []string{"-", "-  ", "- - ", "-\t"})
		g.value(1)
	case 1: // comment or blank
		g.pick(genIndents)
		g.pick([]string{"# c", "", "#", " "})
	case 2: // something odd
		g.pick(genIndents)
		g.atoms()
	default: // key: value
		g.open = false
		if g.next()%16 == 0 {
			g.pick(genIndents)
		}
		g.odd(8, genKeys, genOddKeys)
		g.odd(8, genColons, genOddColons)
		g.value(1)
	}
	g.odd(16, genEnds, genOddEnds)
}

// TestDecodeFastRandom runs the differential over generated frontmatter.
func TestDecodeFastRandom(t *testing.T) {
	n := 50000
	if testing.Short() {
		n = 2000
	}
	r := rand.New(rand.NewPCG(1, 2))
	var fast, vals, errs int
	b := make([]byte, 64)
	for range n {
		b := b[:4+r.IntN(60)]
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		src := fromTokens(b)
		checkSame(t, src)
		if _, err := decodeYAML(src); err != nil {
			errs++
		}
		if f, ok := decodeFast(src); ok {
			fast++
			if !reflect.DeepEqual(f, Fields{}) {
				vals++
			}
		}
	}
	t.Logf("%d cases: %d on the fast path (%d with fields set), %d rejected by yaml.v3", n, fast, vals, errs)
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

// Beyond the keys a scan checks, duplicates are still found (and left to
// yaml.v3 to report), and distinct keys still decode fast.
func TestDecodeFastManyKeys(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	b.WriteString("title: T\n")
	distinct := b.String()
	if f, ok := decodeFast([]byte(distinct)); !ok || f.Title != "T" {
		t.Errorf("100 distinct keys: %#v, fast %v", f, ok)
	}
	checkSame(t, []byte(distinct))
	for _, dup := range []string{"k3: again\n", "k99: again\n", "title: again\n"} {
		src := []byte(distinct + dup)
		if _, ok := decodeFast(src); ok {
			t.Errorf("%q after 100 keys: decoded fast, want yaml.v3's duplicate key error", dup)
		}
		checkSame(t, src)
	}
}

// Frontmatter with 500,000 keys decodes in time linear in them; checking
// each key against all earlier ones took minutes.
func TestDecodeFastManyKeysLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("500,000 keys")
	}
	var b bytes.Buffer
	for i := range 500_000 {
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	done := make(chan bool)
	go func() {
		_, ok := decodeFast(b.Bytes())
		done <- ok
	}()
	select {
	case ok := <-done:
		if !ok {
			t.Error("fell back")
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("decoding 500,000 keys did not finish")
	}
}
