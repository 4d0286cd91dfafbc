package note_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/note"
)

func twoPasses(src []byte) error {
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return errors.New("not text")
	}
	return nil
}

// BenchmarkCheckText compares checkText with the two passes it replaced,
// on 300 generated notes.
func BenchmarkCheckText(b *testing.B) {
	c := benchdata.Notes(b, 300)
	for _, bc := range []struct {
		name  string
		check func([]byte) error
	}{{"checkText", note.CheckText}, {"IndexByte+utf8.Valid", twoPasses}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(c.Bytes)
			for b.Loop() {
				for _, f := range c.Files {
					if bc.check(f.Data) != nil {
						b.Fatal(f.Path)
					}
				}
			}
		})
	}
}
