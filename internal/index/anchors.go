package index

import (
	"sync"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
)

// manyAnchors is the count of headings, block ids and anchor ids above
// which a note's anchors are looked up in maps: below it a scan per link
// is cheaper; above it a note whose links name its thousands of headings
// costs the square of their number (10,000 took 40 s).
const manyAnchors = 32

// anchorTable is a note's anchors by key, built on the first fragment
// checked against the note.
type anchorTable struct {
	blocks    map[string]struct{}
	anchorIDs map[string]struct{}
	textOrID  map[string]struct{} // heading texts and explicit ids
	resolves  *dialect.AnchorSet  // heading texts, as the dialect matches them

	// byLevel[lv] maps fold.Key(lv, dialect.AnchorKey(text)) to the
	// distinct texts of the
	// headings without an explicit id, in heading order: the repairs a
	// fragment may get. Built on the first fragment that needs it.
	foldOnce sync.Once
	byLevel  []map[string][]string
}

// anchorsOf returns note n's anchor table, or nil when the note has few
// enough anchors to scan.
func (ix *Index) anchorsOf(n int32) *anchorTable {
	nt := ix.Notes[n]
	if len(nt.Headings)+len(nt.BlockIDs)+len(nt.AnchorIDs) <= manyAnchors {
		return nil
	}
	if t, ok := ix.anchors.Load(nt); ok {
		return t.(*anchorTable)
	}
	t := &anchorTable{
		blocks:    make(map[string]struct{}, len(nt.BlockIDs)),
		anchorIDs: make(map[string]struct{}, len(nt.AnchorIDs)),
		textOrID:  make(map[string]struct{}, len(nt.Headings)),
	}
	for _, b := range nt.BlockIDs {
		t.blocks[b] = struct{}{}
	}
	for _, a := range nt.AnchorIDs {
		t.anchorIDs[a] = struct{}{}
	}
	texts := make([]string, 0, len(nt.Headings))
	for _, h := range nt.Headings {
		text, id := splitHeadingID(h)
		t.textOrID[text] = struct{}{}
		if id != "" {
			t.textOrID[id] = struct{}{}
		}
		texts = append(texts, text)
	}
	t.resolves = ix.Dialect.AnchorSet(texts)
	got, _ := ix.anchors.LoadOrStore(nt, t)
	return got.(*anchorTable)
}

// repairs returns the distinct heading texts (without an explicit id) whose
// key at level lv is key, in heading order.
func (t *anchorTable) repairs(ix *Index, n int32, lv fold.Level, key string) []string {
	t.foldOnce.Do(func() {
		t.byLevel = make([]map[string][]string, int(ix.MaxLevel)+1)
		for _, l := range fold.Levels {
			if l > ix.MaxLevel {
				break
			}
			m := make(map[string][]string)
			seen := make(map[string]struct{})
			for _, h := range ix.Notes[n].Headings {
				h, id := splitHeadingID(h)
				if id != "" {
					continue
				}
				if _, dup := seen[h]; dup {
					continue
				}
				seen[h] = struct{}{}
				// Keyed as the scan climbs: from the heading as the
				// dialect compares it (Obsidian's stripHeading).
				k := fold.Key(l, dialect.AnchorKey(ix.Dialect, h))
				m[k] = append(m[k], h)
			}
			t.byLevel[l] = m
		}
	})
	return t.byLevel[lv][key]
}
