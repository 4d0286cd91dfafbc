package frontmatter

import "testing"

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
