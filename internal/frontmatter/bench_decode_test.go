package frontmatter

import (
	"bytes"
	"fmt"
	"testing"
)

var sampleFM = []byte("title: Disaster Recovery\naliases: [DR, 재해 복구]\nid: n000123\ncanonical_id: self\nduplicate_of: none\ntags: [ops, generated]\nstatus: draft\nconfidence_score: 0.8\n")

func BenchmarkDecode(b *testing.B) {
	b.SetBytes(int64(len(sampleFM)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(sampleFM); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeYAML is Decode without the fast path, for comparison.
func BenchmarkDecodeYAML(b *testing.B) {
	b.SetBytes(int64(len(sampleFM)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeYAML(sampleFM); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeSizeClasses decodes frontmatter of 1,000, 10,000 and
// 100,000 keys, and of as many aliases: ns/op must grow tenfold per step.
func BenchmarkDecodeSizeClasses(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		var keys, aliases bytes.Buffer
		aliases.WriteString("aliases:\n")
		for i := range n {
			fmt.Fprintf(&keys, "k%d: v\n", i)
			fmt.Fprintf(&aliases, "  - alias %d\n", i)
		}
		for _, c := range []struct {
			name string
			src  []byte
		}{{"keys", keys.Bytes()}, {"aliases", aliases.Bytes()}} {
			b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
				skipLargeInShort(b, n)
				b.SetBytes(int64(len(c.src)))
				for b.Loop() {
					if _, err := Decode(c.src); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// skipLargeInShort keeps CI's one pass over every benchmark (-short
// -benchtime 1x) to the small sizes.
func skipLargeInShort(b *testing.B, n int) {
	if testing.Short() && n > 10_000 {
		b.Skip("large size class; run without -short")
	}
}
