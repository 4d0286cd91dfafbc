package markdown

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// BenchmarkKinds runs Analyze over 64 KB of one kind of block at a time, to
// show which constructs cost most per byte: headings, and the first line of
// a list or block quote, go through goldmark's full block-opening logic,
// while paragraph and table lines, further list items and quote lines
// mostly take the fast paths in parseBlocks.
func BenchmarkKinds(b *testing.B) {
	para := "Prometheus summarizes the library **carefully**. The decision is recorded in [[ svelte-모듈 ]]. In practice, the state summarizes every customer it touches. 이 출처는 타이머 단계에서 지원한다. ^bbedf1\n\n"
	kinds := map[string]string{
		"para":  para,
		"list":  "- Persistent invoice duplicates vendor\n- Eager plugin splits [[interview]]\n- Logical payload drives kernel\n\n",
		"olist": "1. Lazy rollback extends frame\n2. Dynamic topic reuses dataset\n3. Dynamic response drives encoding\n\n",
		"table": "| Item | Notes | Link |\n| --- | :-- | --- |\n| 로그 1 | Sorted encoding splits key | [[x]] |\n| 전략 2 | Scalable widget splits signature | - |\n\n",
		"fence": "```\necho done\ntimeout: 30s\nx = compute(a, b)\n```\n\n",
		"code":  "    return err\n    {\"enabled\": true}\n    make build && make test\n\n",
		"head":  "## Lessons Learned\n\n",
		"quote": "> A quoted line with [[a link]] in it.\n> And a second line.\n\n",
	}
	for _, name := range slices.Sorted(maps.Keys(kinds)) {
		k := kinds[name]
		src := []byte(strings.Repeat(k, 64<<10/len(k)))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				Analyze(src, 0)
			}
		})
	}
}
