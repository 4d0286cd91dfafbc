package note

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	if d := cmp.Diff(n, unpacked(got), cmp.AllowUnexported(Link{}, Note{}), cmpopts.EquateErrors()); d != "" {
		t.Fatalf("%s: decoded note differs (-parsed +decoded):\n%s", n.Path, d)
	}
	// The digest a decoded note carries is its links' digest.
	if u := unpacked(got); got.LinksDigest() != u.LinksDigest() || got.LinksDigest() != n.LinksDigest() {
		t.Fatalf("%s: the decoded note's links digest is not its links'", n.Path)
	}
	// Packing keeps the same note and the same binary form, and a packed
	// note encodes as the unpacked one did.
	packed := n
	enc := packed.Pack()
	if !bytes.Equal(enc, b[len("prefix"):]) {
		t.Fatalf("%s: Pack's binary form differs from AppendBinary's", n.Path)
	}
	if n.Links != nil && packed.Links != nil {
		t.Fatalf("%s: Pack kept the link records", n.Path)
	}
	if again := packed.AppendBinary(nil); !bytes.Equal(again, enc) {
		t.Fatalf("%s: a packed note encodes differently", n.Path)
	}
	if packed.LinkCount() != len(n.Links) {
		t.Fatalf("%s: LinkCount %d, want %d", n.Path, packed.LinkCount(), len(n.Links))
	}
	if d := cmp.Diff(n, unpacked(packed), cmp.AllowUnexported(Link{}, Note{}), cmpopts.EquateErrors()); d != "" {
		t.Fatalf("%s: packed note differs (-parsed +packed):\n%s", n.Path, d)
	}
	// LinkList reuses the buffer it is given.
	buf := make([]Link, 0, len(n.Links)+1)
	if ls := packed.LinkList(buf); len(ls) > 0 && &ls[0] != &buf[:1][0] {
		t.Fatalf("%s: LinkList did not decode into the buffer given", n.Path)
	}
}

// unpacked returns n with its links decoded into Links, as parsed.
func unpacked(n Note) Note {
	n.Links = n.LinkList(nil)
	n.packed, n.packedCount, n.hasPacked, n.linksDigest, n.hasDigest = nil, 0, false, [32]byte{}, false
	return n
}

func TestBinaryRoundTrip(t *testing.T) {
	for _, s := range binarySeeds {
		for _, opt := range []Options{{}, dendronOptions} {
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
// ../shared/corpora, when they are there, and holds ParsePacked to Parse
// on each (checkPackedAsParsed).
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
		for _, opt := range []Options{{}, dendronOptions} {
			if n := Parse(p, src, opt); n.Err == nil {
				roundTrip(t, n)
				count++
			}
			checkPackedAsParsed(t, src, opt)
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
	addSyntaxSeeds(f, binarySeeds...)
	f.Fuzz(func(t *testing.T, src []byte, dendron bool) {
		opt := fuzzOptions(dendron)
		n := Parse("f.md", src, opt)
		if n.Err != nil {
			return
		}
		roundTrip(t, n)
		for _, withDigest := range []bool{false, true} {
			packed, enc := ParsePacked("f.md", src, opt, false, withDigest)
			if d := cmp.Diff(n, unpacked(packed), cmp.AllowUnexported(Link{}, Note{}), cmpopts.EquateErrors()); d != "" {
				t.Fatalf("ParsePacked differs (-Parse +ParsePacked):\n%s", d)
			}
			if packed.LinksDigest() != n.LinksDigest() {
				t.Fatalf("withDigest %v: the packed note's links digest differs", withDigest)
			}
			if !withDigest {
				if enc != nil {
					t.Fatalf("a binary form (%d bytes) for a note that will not be cached", len(enc))
				}
			} else if got, _, err := DecodeBinary(enc); err != nil || got.LinksDigest() != n.LinksDigest() {
				t.Fatalf("withDigest %v: decoded: %v, or its links digest differs", withDigest, err)
			}
			// AppendBinary (what the cache writes) always carries it.
			if got, _, err := DecodeBinary(packed.AppendBinary(nil)); err != nil || got.hasPacked && (!got.hasDigest || got.linksDigest != n.LinksDigest()) {
				t.Fatalf("withDigest %v: AppendBinary of the packed note: %v, or no right digest", withDigest, err)
			}
		}
		// Arbitrary bytes must decode to an error or a note, never a panic;
		// so must arbitrary packed links (LinkList reports them by a panic,
		// but only the decoder's error can tell it to).
		if got, _, err := DecodeBinary(src); err == nil && got.hasPacked {
			decodeLinks(nil, got.packed, int(got.packedCount))
		}
		decodeLinks(nil, src, len(src)/8)
	})
}

// TestParsePacked: ParsePacked gives what Parse, a hash and Pack give,
// and a note parsed later, reusing the scratch records, leaves earlier
// notes' links alone.
func TestParsePacked(t *testing.T) {
	var notes []Note
	var encs [][]byte
	for _, s := range binarySeeds {
		n, enc := ParsePacked("dir/f.md", []byte(s), Options{}, true, true)
		notes, encs = append(notes, n), append(encs, enc)
	}
	for i, s := range binarySeeds {
		want := Parse("dir/f.md", []byte(s), Options{})
		want.Sum = sha256.Sum256([]byte(s))
		if d := cmp.Diff(want, unpacked(notes[i]), cmp.AllowUnexported(Link{}, Note{}), cmpopts.EquateErrors()); d != "" {
			t.Errorf("%q: ParsePacked differs (-Parse +ParsePacked):\n%s", s, d)
		}
		if enc := want.AppendBinary(nil); !bytes.Equal(enc, encs[i]) {
			t.Errorf("%q: ParsePacked's binary form differs from AppendBinary's", s)
		}
	}
	if n, enc := ParsePacked("bad.md", []byte("a\x00b"), Options{}, true, true); n.Err == nil || enc != nil {
		t.Errorf("a binary file: %v, %d bytes", n.Err, len(enc))
	}
}

// TestLinksDigest: a note's packed and parsed forms have one digest, and
// a change to any link, or one link more, changes it.
func TestLinksDigest(t *testing.T) {
	seen := map[[32]byte]string{}
	for _, s := range binarySeeds {
		packed, _ := ParsePacked("dir/f.md", []byte(s), Options{}, false, true)
		bare, _ := ParsePacked("dir/f.md", []byte(s), Options{}, false, false)
		parsed := Parse("dir/f.md", []byte(s), Options{})
		d := packed.LinksDigest()
		if parsed.LinksDigest() != d || bare.LinksDigest() != d {
			t.Errorf("%q: packed (with and without a digest) and parsed digests differ", s)
		}
		links := fmt.Sprint(parsed.Links)
		if other, ok := seen[d]; ok && other != links {
			t.Errorf("%q: links %s and %s share a digest", s, links, other)
		}
		seen[d] = links
		for i := range parsed.Links {
			changed := parsed
			changed.Links = slices.Clone(parsed.Links)
			changed.Links[i].Col++
			if changed.LinksDigest() == d {
				t.Errorf("%q: link %d moved, same digest", s, i)
			}
			changed.Links = append(slices.Clone(parsed.Links), parsed.Links[i])
			if changed.LinksDigest() == d {
				t.Errorf("%q: link %d repeated, same digest", s, i)
			}
		}
	}
}

// An arena's copies are apart from one another: appending to one never
// writes into the next, and a form too large for a chunk is copied on its
// own, whole.
func TestArenaClone(t *testing.T) {
	var a Arena
	x := a.clone([]byte("first"))
	y := a.clone([]byte("second"))
	_ = append(x, "XXXXXXXX"...)
	if string(x) != "first" || string(y) != "second" {
		t.Fatalf("append to one copy changed another: %q %q", x, y)
	}
	big := bytes.Repeat([]byte("b"), arenaChunk)
	z := a.clone(big)
	w := a.clone([]byte("after"))
	if !bytes.Equal(z, big) || string(w) != "after" || string(y) != "second" {
		t.Fatal("a large copy or the one after it is wrong")
	}
	// Many copies across chunk boundaries keep their bytes.
	var got [][]byte
	for i := range 10_000 {
		got = append(got, a.clone(fmt.Appendf(nil, "note %d %s", i, bytes.Repeat([]byte("x"), i%300))))
	}
	for i, g := range got {
		if want := fmt.Appendf(nil, "note %d %s", i, bytes.Repeat([]byte("x"), i%300)); !bytes.Equal(g, want) {
			t.Fatalf("copy %d: %q, want %q", i, g, want)
		}
	}
}

// TestLinkListNeverLendsLinks: a loop reusing each result as the next
// buffer, over an unpacked note then a packed one, leaves the unpacked
// note's links as they were.
func TestLinkListNeverLendsLinks(t *testing.T) {
	plain := Parse("a.md", []byte("[[One]] [[Two]] [[Three]]\n"), Options{})
	packed, _ := ParsePacked("b.md", []byte("[[Four]] [[Five]]\n"), Options{}, false, false)
	var links []Link
	for _, n := range []*Note{&plain, &packed} {
		links = n.LinkList(links[:0])
	}
	var got []string
	for _, l := range plain.Links {
		got = append(got, l.Target)
	}
	if want := []string{"One", "Two", "Three"}; !slices.Equal(got, want) {
		t.Errorf("after the loop, a.md's links are %q, want %q", got, want)
	}
}

// TestDecoderVarints holds the decoder's one-byte fast paths to
// encoding/binary, for every first byte and some longer values.
func TestDecoderVarints(t *testing.T) {
	for c := range 256 {
		for _, rest := range [][]byte{nil, {0x01}, {0x80, 0x01}} {
			b := append([]byte{byte(c)}, rest...)
			wantU, ku := binary.Uvarint(b)
			d := decoder{b: b}
			if got := d.uvarint(); (ku > 0) != (d.err == nil) || ku > 0 && (got != wantU || len(d.b) != len(b)-ku) {
				t.Errorf("uvarint(% x) = %d (rest %d, err %v), want %d (%d bytes)", b, got, len(d.b), d.err, wantU, ku)
			}
			wantS, ks := binary.Varint(b)
			d = decoder{b: b}
			if got := d.varint(); (ks > 0) != (d.err == nil) || ks > 0 && (got != wantS || len(d.b) != len(b)-ks) {
				t.Errorf("varint(% x) = %d (rest %d, err %v), want %d (%d bytes)", b, got, len(d.b), d.err, wantS, ks)
			}
		}
	}
}

// checkPackedAsParsed holds ParsePacked, whose links are encoded as they
// are made (packLinks), to Parse followed by the encoding of its link
// records (pack): the same packed bytes and count, the same binary form,
// the same links back.
func checkPackedAsParsed(t *testing.T, src []byte, opt Options) {
	t.Helper()
	want := Parse("dir/f.md", src, opt)
	for _, withBinary := range []bool{false, true} {
		got, enc := ParsePacked("dir/f.md", src, opt, false, withBinary)
		if want.Err != nil || got.Err != nil {
			if (want.Err == nil) != (got.Err == nil) {
				t.Fatalf("%q: Parse: %v, ParsePacked: %v", src, want.Err, got.Err)
			}
			continue
		}
		old := want
		old.Links = slices.Clone(want.Links)
		oldEnc := old.pack(withBinary, nil)
		if !bytes.Equal(got.packed, old.packed) || got.packedCount != old.packedCount || got.hasPacked != old.hasPacked {
			t.Fatalf("%q (binary %v): packed %d links in %q, records packed %d in %q", src, withBinary, got.packedCount, got.packed, old.packedCount, old.packed)
		}
		if !bytes.Equal(enc, oldEnc) || got.hasDigest != old.hasDigest || got.linksDigest != old.linksDigest {
			t.Fatalf("%q (binary %v): binary forms or digests differ", src, withBinary)
		}
		if d := cmp.Diff(want, unpacked(got), cmp.AllowUnexported(Link{}, Note{}), cmpopts.EquateErrors()); d != "" {
			t.Fatalf("%q (binary %v): ParsePacked differs (-Parse +ParsePacked):\n%s", src, withBinary, d)
		}
	}
}

func FuzzParsePackedMatchesParse(f *testing.F) {
	addSyntaxSeeds(f, binarySeeds...)
	addSyntaxSeeds(f,
		"| [[a\\|b]] |\n[x](<a b.md>) [y](c%20d.md#e%41) [z](a\\_b.md#x%zz) [w](c:d.md)\n",
		"[[L|dendron://v/n#h]] [[dendron:///n]] [[dendron://v]]\n[a](b%2e.md) [c](d.md#%) ![e](f\\(g\\).md)\n",
		"\ufeff[[a#b]]\r\n![[c]]\r\n상태 [[x]] [[y]]\n---\n[[z#]] [[#q]] [[ sp ]]",
	)
	f.Fuzz(func(t *testing.T, src []byte, dendron bool) {
		checkPackedAsParsed(t, src, fuzzOptions(dendron))
	})
}
