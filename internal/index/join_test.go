package index

import (
	"math/rand/v2"
	"path"
	"testing"
)

// joinPath and isNoteExtBytes must agree with the standard library on
// every input, odd ones included.
func TestJoinPathMatchesPathJoin(t *testing.T) {
	parts := []string{"", ".", "..", "/", "//", "a", "b.md", "c.MD", "d.markdown", "e.mar\u212Adown", "é", "x.png", " ", "a.", ".md", "..."}
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		s := ""
		for k := rng.IntN(6); k > 0; k-- {
			s += parts[rng.IntN(len(parts))]
			if rng.IntN(2) == 0 {
				s += "/"
			}
		}
		return s
	}
	for range 50000 {
		dir, p := gen(), gen()
		got := string(joinPath(nil, dir, p))
		if want := path.Join(dir, p); got != want {
			t.Fatalf("joinPath(%q, %q) = %q, want %q", dir, p, got, want)
		}
		for _, d := range []string{dir, ""} { // from a folder, and from the root
			if got, want := joinClean(d, p), path.Join(d, p); got != want {
				t.Fatalf("joinClean(%q, %q) = %q, want %q", d, p, got, want)
			}
		}
		if got, want := isNoteExtBytes([]byte(p)), IsNoteExt(path.Ext(p)); got != want {
			t.Fatalf("isNoteExtBytes(%q) = %v, want %v", p, got, want)
		}
		c := path.Join(dir, p)
		if got, want := insideVault([]byte(c)), !(c == "." || c == ".." || len(c) >= 3 && c[:3] == "../"); got != want {
			t.Fatalf("insideVault(%q) = %v", c, got)
		}
	}
}

// A link from the vault's root to a clean path costs no allocation: there
// are tens of thousands in a large vault, planned when no collection runs.
func TestInVaultRootedCleanAllocatesNothing(t *testing.T) {
	var got string
	var ok bool
	if n := testing.AllocsPerRun(100, func() { got, ok = inVault("", "/Projects/운영/Drafts/변경 Support") }); n != 0 {
		t.Errorf("inVault allocated %v times a call", n)
	}
	if got != "Projects/운영/Drafts/변경 Support" || !ok {
		t.Errorf("inVault = %q, %v", got, ok)
	}
}

// FuzzJoinPath holds joinPath, a fast path, to path.Join on any input.
func FuzzJoinPath(f *testing.F) {
	for _, s := range [][2]string{{"a/b", "../c.md"}, {"", "/x//y/./z"}, {"/r", "../../q"}, {"a", "b/../../../c"}, {"é/.", "..."}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, dir, p string) {
		if got, want := string(joinPath([]byte("keep"), dir, p)[4:]), path.Join(dir, p); got != want {
			t.Fatalf("joinPath(%q, %q) = %q, want %q", dir, p, got, want)
		}
	})
}
