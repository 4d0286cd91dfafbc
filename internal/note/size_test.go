package note

import (
	"testing"
	"unsafe"

	"github.com/relinkmd/relink/wikilink"
)

// TestLinkSize keeps the link records small: a large vault holds millions.
func TestLinkSize(t *testing.T) {
	if s := unsafe.Sizeof(wikilink.Link{}); s != 36 {
		t.Errorf("wikilink.Link is %d bytes, want 36", s)
	}
	if s := unsafe.Sizeof(Link{}); s > 96 {
		t.Errorf("note.Link is %d bytes, want at most 96", s)
	}
}
