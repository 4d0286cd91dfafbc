package plan

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
)

// A note named with a byte that is not UTF-8 (Latin-1 "café.md" from an
// old file system) cannot be spelled in a link: no edit writes its name
// into a note, which would make that note invalid UTF-8; the link is
// reported instead.
func TestNoEditWritesAByteName(t *testing.T) {
	t.Parallel()
	for _, d := range []dialect.Dialect{dialect.Wiki{}, dialect.Obsidian{}} {
		for _, give := range []string{"[[CAF\ufffd]]", "[[caf\ufffd]]", "[x](CAF%EF%BF%BD.md)", "[x](caf%E9.MD)"} {
			p := build(t, d, Options{}, map[string]string{"caf\xe9.md": "# x\n", "a.md": give + "\n"})
			for _, e := range p.Edits {
				if !utf8.ValidString(e.New) {
					t.Errorf("%s %s: edit writes %q", d.Name(), give, e.New)
				}
			}
			for _, f := range p.Findings {
				if f.Class == "variant" && !strings.Contains(f.Message, "can be written") {
					t.Errorf("%s %s: finding %+v", d.Name(), give, f)
				}
			}
		}
	}
}
