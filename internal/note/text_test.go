package note

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func wantText(src []byte) error {
	switch {
	case bytes.IndexByte(src, 0) >= 0:
		return ErrBinary
	case !utf8.Valid(src):
		return ErrEncoding
	}
	return nil
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ascii text, long enough for the word steps. ", 4)
	cases := []string{
		"", "a", long, "상태 " + long + " 상태", long + "é", "é" + long,
		"\x00", long + "\x00", "\xff" + long + "\x00", long + "\xff", "\xc3", long + "\xc3",
		"\xc0\x80", "\xc1\xbf", "\xc2\x80", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xed\xa0\x80",
		"\xef\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80", "\x80", "a\xbf", "\xe2\x82", "\xe2\x82\xac", strings.Repeat("€", 40) + "\xe2\x82",
		"\xe2\x82\xac\x80", "\xf0\x9f\x98", "\xf0\x9f\x98\x80",
	}
	// Past the vector code's 32-byte steps: each case at every offset of
	// a 100-byte run of ASCII and of Korean, so that a bad sequence
	// straddles every step boundary.
	for _, c := range cases {
		for _, fill := range []string{strings.Repeat("x", 100), strings.Repeat("상", 34)} {
			for at := 0; at <= len(fill); at++ {
				src := []byte(fill[:at] + c + fill[at:])
				if got, want := checkText(src), wantText(src); got != want {
					t.Errorf("checkText(%q) = %v, want %v", src, got, want)
				}
			}
		}
	}
	for _, c := range cases {
		for pad := range 20 {
			for _, src := range [][]byte{[]byte(strings.Repeat("x", pad) + c), []byte(c + strings.Repeat("y", pad))} {
				if got, want := checkText(src), wantText(src); got != want {
					t.Errorf("checkText(%q) = %v, want %v", src, got, want)
				}
			}
		}
	}
}

func FuzzCheckText(f *testing.F) {
	f.Add([]byte("상태 [[x]] \xed\xa0\x80 and some more ASCII text"))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte("ASCII only, but longer than a word or two"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, want := checkText(src), wantText(src); got != want {
			t.Fatalf("checkText(%q) = %v, want %v", src, got, want)
		}
	})
}

func TestLastNewline(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "\n", "a", "a\nb", "\n\v\v\v\v\v\v\v\v\v", "0123456789\n0123456789abcdef", "\n" + strings.Repeat("x", 20),
		strings.Repeat("\x0b\n", 9), "상태\n상태 상태", strings.Repeat("y", 16) + "\n"} {
		for pad := range 10 {
			b := []byte(strings.Repeat("z", pad) + s)
			if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
				t.Errorf("lastNewline(%q) = %d, want %d", b, got, want)
			}
		}
	}
}
