package markdown

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fast paths in parseBlocks skip goldmark's general block logic on
// lines where its outcome is known; these tests hold them to the general
// path, which the goldmark differential test holds to goldmark.

// sameSlowPath reports how src's result with the fast paths differs from
// its result on the general path alone, with and without the extensions.
func sameSlowPath(src []byte, start int) string {
	for _, ext := range []bool{true, false} {
		fast := newScanner().analyze(src, start, ext)
		slow := newScanner()
		slow.noFast = true
		want := slow.analyze(src, start, ext)
		if fmt.Sprint(fast) != fmt.Sprint(want) {
			return fmt.Sprintf("ext=%v: fast paths differ from the general path:\n%+v\n%+v", ext, fast, want)
		}
	}
	return ""
}

// fastSeeds are shapes near the edges of the fast paths' conditions.
var fastSeeds = []string{
	"- a\n- b [[x]]\n- c\n",
	"- a\n- b\n\n- c `[[x]]`\n",
	"- a\n-b\n- c\n",
	"- a\n-  b\n-\tc\n- \td\n",
	"- a\n- - b\n- * c\n- 1. d\n- > e\n- # f\n- `[[x]]`\n",
	"- a\n-\n- b\n",
	"- a\n* b\n+ c\n- d\n",
	"1. a\n2. b\n3) c\n10. d\n1234567890. e\n",
	"- a\n  b\n- c\n",
	"- a\n\n  b\n- c\n",
	"- a\n- b\n---\n- c\n",
	"- a\n- b\n- - -\n",
	"- a\n - b\n  - c\n   - d\n    - e\n",
	"> - a\n> - b\n- c\n",
	"- a\n  - b\n  - c\n- d\n",
	"- [a]: /u\n- [b]: /v\n- [a]\n",
	"- a %%\n- b %%\n- c\n",
	"- a $$\n- b\n- $$ c\n",
	"- a\r\n- b\r\n- \rc\n",
	"- a\n- b",
	"- a\n- b\n- ",
	"* a\n* b\n* * *\n",
	"- a `x\n- b` [[y]]\n",
	"- <!-- a\n- b --> [[y]]\n",
	"- a\n- b\n===\n",
	"- a\n- b\n    code\n",
	"\t- a\n- b\n",
	"- a\nb [[x]]\nc\n",
	"- a\n  - b\nc `[[x]]`\n",
	"> a\nb\n> c\nd\n",
	"> - a\nb\n",
	"- > a\nb\n",
	"- a\n\nb\n",
	"-\nb\n",
	"- a\n  ```\nb\n",
	"1. a\nb\n2. c\n",
	"- a\nb\n===\n",
	"- a\n<!--\nb\n",
	"> a\n    b\n",
	"- a\n\n- b\n\n- c\n",
	"- a\n\n\n- b\n",
	"-\n\n- b\n",
	"- a\n\n  b\n\n- c\n",
	"- ```\n  a\n  ```\n- b\n",
	"- # a\n- b\n",
	"- a\n  ---\n- b\n",
	"- [a]: /u\n\n- b [a]\n",
	"- a\n  > b\n- c\n",
	"- a\n\n      code\n- c\n",
	"- a\n\n<!-- x -->\n- b\n",
	"> a\n> b [[x]]\n> c\n",
	"> a\n>b\n>  c\n> \td\n>\te\n",
	"> a\n> - b\n> # c\n> > d\n> `e\n> f` [[x]]\n",
	"> a\n> \n> b\n",
	"> a\n>\n> b\n",
	"> a\n> ---\n> ===\n",
	"> a\nlazy\n> b\n",
	"> a\n> b",
	"> a\n> ",
	"> a\n> b\r\n> \rc\n",
	"- > a\n  > b\n",
	"> - a\n> - b\n",
	"> [a]: /u\n> [a]\n",
	"> a %%\n> b %%\n> c\n",
	"> ```\n> a\n> ```\n> b\n",
	"    > a\n> b\n",
	"> a\n> <!--\n> b --> [[x]]\n",
}

func TestFastPaths(t *testing.T) {
	check := func(name string, src []byte, start int) {
		t.Helper()
		if msg := sameSlowPath(src, start); msg != "" {
			t.Errorf("%s %q:\n%s", name, src, msg)
		}
	}
	for i, src := range fastSeeds {
		check(fmt.Sprint("seed ", i), []byte(src), 0)
	}
	for i, src := range diffCorpus {
		check(fmt.Sprint("corpus ", i), []byte(src), 0)
	}
	rng := rand.New(rand.NewPCG(11, 13))
	for i := range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(fastSeeds[rng.IntN(len(fastSeeds))])
			b.WriteString(genDoc(rng))
		}
		check(fmt.Sprint("generated ", i), []byte(b.String()), 0)
	}
	root := os.Getenv("RELINK_CORPORA")
	if root == "" {
		root = "/work/shared/corpora"
	}
	if _, err := os.Stat(root); err != nil {
		return
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(path, src, frontmatterEnd(src))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, src := range fastSeeds {
		f.Add([]byte(src))
	}
	for _, src := range diffCorpus {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if msg := sameSlowPath(src, 0); msg != "" {
			t.Errorf("%q:\n%s", src, msg)
		}
	})
}
