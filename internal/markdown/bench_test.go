package markdown

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchBody generates about size bytes of Obsidian-style notes: English
// and Korean prose with wikilinks, headings, lists, quotes, code spans and
// blocks, comments and math, in the proportions of a real vault.
func benchBody(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	en := []string{"the", "state", "of", "recovery", "plan", "and", "notes", "about", "a", "system",
		"that", "keeps", "its", "links", "in", "order", "when", "pages", "move", "around"}
	ko := []string{"상태", "관리", "재해", "복구", "계획", "문서", "링크", "정리", "위키", "노트",
		"그리고", "하지만", "이것은", "중요한", "내용", "입니다", "에서", "으로"}
	word := func() string {
		if rng.IntN(3) == 0 {
			return ko[rng.IntN(len(ko))]
		}
		return en[rng.IntN(len(en))]
	}
	var b bytes.Buffer
	sentence := func() {
		n := 6 + rng.IntN(14)
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			switch rng.IntN(40) {
			case 0:
				fmt.Fprintf(&b, "[[%s %s]]", word(), word())
			case 1:
				fmt.Fprintf(&b, "`%s`", word())
			case 2:
				fmt.Fprintf(&b, "**%s**", word())
			case 3:
				fmt.Fprintf(&b, "[%s](%s.md)", word(), word())
			default:
				b.WriteString(word())
			}
		}
		b.WriteString(". ")
	}
	for b.Len() < size {
		switch r := rng.IntN(20); {
		case r < 2:
			fmt.Fprintf(&b, "%s %s %s\n\n", "##"[:1+rng.IntN(2)], word(), word())
		case r < 11:
			for range 1 + rng.IntN(3) {
				sentence()
				b.WriteByte('\n')
			}
			if rng.IntN(8) == 0 {
				b.WriteString("^blk-1\n")
			}
			b.WriteByte('\n')
		case r < 14:
			for range 2 + rng.IntN(4) {
				b.WriteString("- ")
				sentence()
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
		case r < 15:
			b.WriteString("> ")
			sentence()
			b.WriteString("\n> ")
			sentence()
			b.WriteString("\n\n")
		case r < 17:
			b.WriteString("```go\nfunc main() {\n\tfmt.Println(\"[[not a link]]\")\n}\n```\n\n")
		case r < 18:
			b.WriteString("    indented code [[not]]\n\n")
		case r < 19:
			b.WriteString("<!-- hidden [[not]] -->\n\n%%private [[not]]%%\n\n")
		default:
			b.WriteString("$$\nE = mc^2\n$$\n\nInline $x^2$ math.\n\n")
		}
	}
	return b.Bytes()
}

func BenchmarkAnalyze(b *testing.B) {
	src := benchBody(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Analyze(src, 0)
	}
}

func TestBenchBodyAgrees(t *testing.T) {
	if msg := diffGoldmark(benchBody(64 << 10)); msg != "" {
		t.Error(msg)
	}
}
