package markdown

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"
)

var (
	genN    = flag.Int("gen", 20000, "documents for TestGoldmarkGenerated")
	genSeed = flag.Uint64("genseed", 7, "seed for TestGoldmarkGenerated")
)

// genDoc builds a random document from pieces that exercise block
// structure: container prefixes, indentation with spaces and tabs, fences,
// HTML, link syntax and code spans, all sprinkled with "[[x]]".
func genDoc(rng *rand.Rand) string {
	prefixes := []string{"", "", "", "> ", ">", "- ", "-   ", "* ", "1. ", "2) ", "  ", "   ", "    ", "\t", " \t", "  - ", "> - ", "- > ", "10. "}
	bodies := []string{
		"text [[x]]", "`[[x]]`", "``a ` [[x]]``", "`open [[x]]", "close` [[x]]", "```", "~~~", "````", "```js",
		"``` a`b", "<!--", "-->", "<!-- [[x]] -->", "<div>", "</div>", "<span>", "<a href=\"`\">", "[a](`x`)",
		"[a]: /u", "[a]: /u \"`", "\"` [[x]]", "# [[x]]", "## h ##", "===", "---", "- - -", "* * *", "",
		"", "", "\\`[[x]]`", "<?x", "?>", "<![CDATA[", "]]>", "<script>", "</script>", "[[x]] `", "`` [[x]] ``",
		"<http://a.b/`>", "[`a](b)`", "![a](`b`)", "a\\", "    [[x]]", "\t[[x]]", "<!-->", "^id",
	}
	var b strings.Builder
	n := 1 + rng.IntN(8)
	for range n {
		p := prefixes[rng.IntN(len(prefixes))]
		if rng.IntN(4) == 0 {
			p += prefixes[rng.IntN(len(prefixes))]
		}
		b.WriteString(p)
		b.WriteString(bodies[rng.IntN(len(bodies))])
		if rng.IntN(3) == 0 {
			b.WriteString(" ")
			b.WriteString(bodies[rng.IntN(len(bodies))])
		}
		if rng.IntN(10) == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestGoldmarkGenerated runs the differential check over generated
// documents; -gen sets how many.
func TestGoldmarkGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(*genSeed, 11))
	fails := 0
	for range *genN {
		src := genDoc(rng)
		if excluded([]byte(src)) {
			continue
		}
		msg := diffGoldmark([]byte(src))
		if msg == "" {
			msg = samePooled([]byte(src))
		}
		if msg != "" {
			t.Errorf("%q:\n%s", src, msg)
			if fails++; fails > 5 {
				t.FailNow()
			}
		}
	}
}
