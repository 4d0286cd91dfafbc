package note

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var binarySeeds = []string{
	"",
	"plain text, no links\n",
	"---\ntitle: x\naliases: [a, b]\nid: n1\ncanonical_id: n0\nduplicate_of: \"[[y]]\"\nparent: \"[[a]]\"\n---\n[[b|c]] `[[d]]`\n",
	"\ufeff[[a#b]]\r\n![[c]]\r\n상태 [[x]] [[y]]\n# Head {#h1}\n## Two\nline ^blk\n",
	"| [[a\\|b]] |\n[x](<a b.md>) [y](c%20d.md#e%41) [z](a\\_b.md#x%zz) [w](c:d.md)\n",
	"[[L|dendron://v/n#h]] [[dendron:///n]] [[dendron://v]]\n<a id=\"x\" name=\"y\" data-id='z'>{#q} {: #r}\n",
	"[[#only heading]] [[a#]] [[ spaced | shown ]] ![[img.png|100]]\n",
}

// roundTrip checks that a parsed note decodes from its binary form to an
// equal note, with nothing left over.
func roundTrip(t *testing.T, n Note) {
	t.Helper()
	b := n.AppendBinary([]byte("prefix"))
	got, rest, err := DecodeBinary(b[len("prefix"):])
	if err != nil {
		t.Fatalf("%s: decode: %v", n.Path, err)
	}
	if len(rest) != 0 {
		t.Fatalf("%s: %d bytes left after the note", n.Path, len(rest))
	}
	if d := cmp.Diff(n, got, cmp.AllowUnexported(Link{}), cmpopts.EquateErrors()); d != "" {
		t.Fatalf("%s: decoded note differs (-parsed +decoded):\n%s", n.Path, d)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	for _, s := range binarySeeds {
		for _, opt := range []Options{{}, {LabelFirst: true, SchemePrefix: "dendron://"}} {
			n := Parse("dir/f.md", []byte(s), opt)
			if n.Err != nil {
				t.Fatalf("%q: %v", s, n.Err)
			}
			roundTrip(t, n)
			n.Sum = sha256.Sum256([]byte(s))
			roundTrip(t, n)
		}
	}
}

// TestBinaryRoundTripCorpora round-trips every note of the real vaults in
// ../shared/corpora, when they are there.
func TestBinaryRoundTripCorpora(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no corpora beside the repository")
	}
	count := 0
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, opt := range []Options{{}, {LabelFirst: true, SchemePrefix: "dendron://"}} {
			if n := Parse(p, src, opt); n.Err == nil {
				roundTrip(t, n)
				count++
			}
		}
		return nil
	})
	if count == 0 {
		t.Fatal("no note round-tripped")
	}
}

func TestDecodeBinaryTruncated(t *testing.T) {
	n := Parse("f.md", []byte(binarySeeds[2]), Options{})
	b := n.AppendBinary(nil)
	for i := 0; i < len(b); i++ {
		if _, _, err := DecodeBinary(b[:i]); err == nil {
			t.Fatalf("decoding the first %d of %d bytes did not fail", i, len(b))
		}
	}
}

func FuzzBinaryRoundTrip(f *testing.F) {
	for _, s := range binarySeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, src []byte, dendron bool) {
		opt := Options{}
		if dendron {
			opt = Options{LabelFirst: true, SchemePrefix: "dendron://"}
		}
		n := Parse("f.md", src, opt)
		if n.Err != nil {
			return
		}
		roundTrip(t, n)
		// Arbitrary bytes must decode to an error or a note, never a panic.
		DecodeBinary(src)
	})
}
