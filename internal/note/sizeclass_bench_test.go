package note_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/note"
)

// sizeClasses are the counts of one construct in one note that the size
// class benchmarks parse: 1×, 10× and 100×. ns/op growing tenfold per step
// is linear; a hundredfold step would be quadratic.
var sizeClasses = []int{1_000, 10_000, 100_000}

// notesOfSize builds one note per construct with n of it.
func notesOfSize(n int) map[string]string {
	var b strings.Builder
	gen := func(f func(i int)) string {
		b.Reset()
		for i := range n {
			f(i)
		}
		return b.String()
	}
	return map[string]string{
		"aliases":  "---\naliases:\n" + gen(func(i int) { fmt.Fprintf(&b, "  - alias %d\n", i) }) + "---\n",
		"keys":     "---\n" + gen(func(i int) { fmt.Fprintf(&b, "k%d: v\n", i) }) + "---\n",
		"headings": gen(func(i int) { fmt.Fprintf(&b, "## Heading %d\n\n[[#Heading %d]]\n\n", i, i) }),
		"blockids": gen(func(i int) { fmt.Fprintf(&b, "para %d ^b%d\n\n", i, i) }),
		"anchors":  gen(func(i int) { fmt.Fprintf(&b, "<a id=\"x%d\"></a> ", i) }),
		"oneline":  gen(func(i int) { fmt.Fprintf(&b, "[[n%d]] ", i) }),
		"mdlinks":  gen(func(i int) { fmt.Fprintf(&b, "[x](n%d.md#h) ", i) }),
	}
}

// BenchmarkParseSizeClasses parses one note with 1,000, 10,000 and 100,000
// aliases, frontmatter keys, headings (each linked), block ids, anchor ids,
// links on one line and Markdown links: each must cost time linear in the
// count.
func BenchmarkParseSizeClasses(b *testing.B) {
	for _, kind := range []string{"aliases", "keys", "headings", "blockids", "anchors", "oneline", "mdlinks"} {
		for _, n := range sizeClasses {
			src := []byte(notesOfSize(n)[kind])
			b.Run(fmt.Sprintf("%s/n=%d", kind, n), func(b *testing.B) {
				skipLargeInShort(b, n)
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					nt := note.Parse("a.md", src, note.Options{})
					if nt.Err != nil {
						b.Fatal(nt.Err)
					}
				}
			})
		}
	}
}

// BenchmarkLinkMemory reports what a note's links cost in memory: the
// bytes allocated while parsing per link (B/link), and the bytes the packed
// note keeps per link (kept-B/link), for one note of 1,000 to 1,000,000
// links read whole (MaxLinks raised), and for the 1,000,000-link note
// refused at the default limit ("over-limit").
func BenchmarkLinkMemory(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000, -1_000_000} {
		overLimit := n < 0
		n := max(n, -n)
		name := fmt.Sprintf("links=%d", n)
		opt := note.Options{MaxLinks: n}
		if overLimit {
			name += "/over-limit"
			opt = note.Options{}
		}
		var sb strings.Builder
		for i := range n {
			fmt.Fprintf(&sb, "[[n%d]] ", i)
			if i%10 == 9 {
				sb.WriteByte('\n')
			}
		}
		src := []byte(sb.String())
		b.Run(name, func(b *testing.B) {
			skipLargeInShort(b, n)
			var ms0, ms1 runtime.MemStats
			var kept uint64
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				nt, _ := note.ParsePacked("a.md", src, opt, false, false)
				runtime.GC()
				runtime.ReadMemStats(&after)
				if overLimit != errors.Is(nt.Err, note.ErrTooManyLinks) || !overLimit && nt.LinkCount() != n {
					b.Fatalf("%d links, %v; want %d", nt.LinkCount(), nt.Err, n)
				}
				kept = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
				runtime.KeepAlive(nt)
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/float64(n), "B/link")
			b.ReportMetric(float64(kept)/float64(n), "kept-B/link")
		})
	}
}

// skipLargeInShort keeps CI's one pass over every benchmark (-short
// -benchtime 1x) to the small sizes.
func skipLargeInShort(b *testing.B, n int) {
	if testing.Short() && n > 10_000 {
		b.Skip("large size class; run without -short")
	}
}
