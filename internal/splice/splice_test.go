package splice

import (
	"bytes"
	"testing"
)

func TestApply(t *testing.T) {
	t.Parallel()
	src := []byte("a [[x]] b\r\n[[y|z]]")
	tests := []struct {
		desc    string
		edits   []Edit
		want    string
		wantErr bool
	}{
		{"none", nil, string(src), false},
		{"one", []Edit{{2, 7, "[[x]]", "[[X]]"}}, "a [[X]] b\r\n[[y|z]]", false},
		{"two unordered", []Edit{{11, 18, "[[y|z]]", "[[Y|z]]"}, {2, 7, "[[x]]", "[[Long X]]"}}, "a [[Long X]] b\r\n[[Y|z]]", false},
		{"stale", []Edit{{2, 7, "[[q]]", "[[X]]"}}, "", true},
		{"overlap", []Edit{{2, 7, "[[x]]", ""}, {4, 8, "x]] ", ""}}, "", true},
		{"out of bounds", []Edit{{17, 30, "", ""}}, "", true},
		{"insert at end", []Edit{{18, 18, "", "!"}}, string(src) + "!", false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := Apply(src, tt.edits)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzApply checks against a reference splice that bytes outside the edits
// never change and that the inverse edits restore the original.
func FuzzApply(f *testing.F) {
	f.Add([]byte("a [[x]] b\r\n\xef\xbb\xbf[[y]]"), uint64(12345), "[[New]]")
	f.Add([]byte(""), uint64(0), "")
	f.Fuzz(func(t *testing.T, src []byte, seed uint64, repl string) {
		orig := append([]byte(nil), src...)
		// Derive non-overlapping edits from the seed.
		var edits []Edit
		pos := 0
		for s := seed; s != 0 && pos < len(src); s >>= 8 {
			start := pos + int(s&0x0f)
			end := start + int((s>>4)&0x0f)
			if end > len(src) {
				break
			}
			edits = append(edits, Edit{start, end, string(src[start:end]), repl})
			pos = end
		}
		got, err := Apply(src, edits)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(src, orig) {
			t.Fatal("input mutated")
		}
		// Reference: rebuild piece by piece, checking untouched gaps.
		var want []byte
		prev := 0
		for _, e := range edits {
			want = append(want, src[prev:e.Start]...)
			want = append(want, e.New...)
			prev = e.End
		}
		want = append(want, src[prev:]...)
		if !bytes.Equal(got, want) {
			t.Fatalf("got %q want %q", got, want)
		}
		// Inverse edits restore the original.
		var inv []Edit
		shift := 0
		for _, e := range edits {
			s := e.Start + shift
			inv = append(inv, Edit{s, s + len(e.New), e.New, e.Old})
			shift += len(e.New) - (e.End - e.Start)
		}
		back, err := Apply(got, inv)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back, orig) {
			t.Fatalf("inverse gave %q want %q", back, orig)
		}
	})
}

func TestAppendAfterSrc(t *testing.T) {
	edits := []Edit{{Start: 6, End: 11, Old: "[[b]]", New: "[[Bee]]"}, {Start: 0, End: 5, Old: "[[a]]", New: "[[A]]"}}
	for _, c := range []int{11, 64} {
		src := append(make([]byte, 0, c), "[[a]] [[b]]"...)
		got, err := Append(src, src, edits)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "[[a]] [[b]][[A]] [[Bee]]" {
			t.Errorf("cap %d: %q", c, got)
		}
		if c == 64 && &got[0] != &src[0] {
			t.Errorf("cap %d: copied although it fitted", c)
		}
	}
	if edits[0].Start != 6 {
		t.Error("the caller's edits were reordered")
	}
}
