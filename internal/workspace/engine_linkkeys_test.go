package workspace

import (
	"slices"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// linkKeys finds every note that a scan of all links with affected.mayName
// finds, for the keys of each name of each note; a note removed from it
// is found no more, and found again once filed again.
func TestLinkKeysFindWhatMayNameFinds(t *testing.T) {
	for _, d := range dialect.Names {
		t.Run(d, func(t *testing.T) {
			dir := genVault(t, 60, d)
			rep, err := Load(dir, Options{Dialect: d, SkipNames: true, Cache: new(bool)})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Vault.Close()
			notes := rep.Index.Notes
			lk := startLinkKeys(notes)
			lk.wait()
			scan := func(keys map[string]bool) []string {
				a := newAffected(keys)
				var out []string
				var links []note.Link
				for _, n := range notes {
					links = n.LinkList(links[:0])
					if slices.ContainsFunc(links, func(l note.Link) bool { return a.mayName(l.Target) }) {
						out = append(out, n.Path)
					}
				}
				return out
			}
			found := 0
			for _, m := range notes {
				for _, s := range append(noteNames(m), "배운 점", "Ｆｕｌｌ Ｗｉｄｔｈ", "missing-topic") {
					keys := map[string]bool{fold.Key(fold.Compact, s): true}
					want, got := scan(keys), lk.linking(keys)
					found += len(want)
					for _, p := range want {
						if !slices.Contains(got, p) {
							t.Fatalf("name %q of %s: %s has a link that may name it, linkKeys finds %v", s, m.Path, p, got)
						}
					}
				}
			}
			if found == 0 {
				t.Fatal("no link may name any note: the test compares nothing")
			}
			n := notes[len(notes)/2]
			all := map[string]bool{}
			var links []note.Link
			for _, l := range n.LinkList(links) {
				all[fold.Key(fold.Compact, l.Target)] = true
			}
			if len(all) == 0 {
				t.Skip("the note has no link")
			}
			lk.update([]*note.Note{n}, nil)
			if slices.Contains(lk.linking(all), n.Path) {
				t.Fatalf("%s found after it was removed", n.Path)
			}
			lk.update(nil, []*note.Note{n})
			if !slices.Contains(lk.linking(all), n.Path) {
				t.Fatalf("%s not found after it was filed again", n.Path)
			}
		})
	}
}
