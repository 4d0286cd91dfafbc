package workspace

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/vault"
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
			lk := startLinkKeys(notes, "", nil, nil)
			lk.wait()
			// The keys a load files while it plans give the same index.
			v, err := vault.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			var pre [][]uint64
			rep2, _, err := load(v, Options{Dialect: d, SkipNames: true, Cache: new(bool), linkKeys: &pre})
			if err != nil {
				t.Fatal(err)
			}
			filed := 0
			for _, k := range pre {
				if k != nil {
					filed++
				}
			}
			if filed == 0 {
				t.Fatal("the load filed no note's link keys")
			}
			lk2 := startLinkKeys(rep2.Index.Notes, "", pre, nil)
			lk2.wait()
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
					if filedToo := lk2.linking(keys); !slices.Equal(got, filedToo) {
						t.Fatalf("name %q: the keys filed while planning find %v, worked out after %v", s, filedToo, got)
					}
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

// The link-key cache: a second start takes every note's keys from it and
// finds what a start without it finds; a note whose links changed since
// is worked out again; a damaged or foreign file reads as empty.
func TestLinkKeysCache(t *testing.T) {
	dir := genVault(t, 80, "obsidian")
	rep, err := Load(dir, Options{SkipNames: true, Cache: new(bool)})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	notes := rep.Index.Notes
	cache := filepath.Join(t.TempDir(), linkKeysCacheFile)
	plain := startLinkKeys(notes, "", nil, nil)
	plain.wait()
	first := startLinkKeys(notes, cache, nil, nil)
	first.wait()
	<-first.saved
	if first.fromCache != 0 {
		t.Fatalf("%d notes from a cache not yet written", first.fromCache)
	}
	// One note's links change.
	changed := *notes[5]
	changed.Links = append(changed.LinkList(nil), note.Link{Text: "[[Brand New Topic]]", Target: "Brand New Topic", Line: 900, Col: 1})
	changed = note.Note{Path: changed.Path, Links: changed.Links}
	now := slices.Clone(notes)
	now[5] = &changed
	second := startLinkKeys(now, cache, nil, nil)
	second.wait()
	<-second.saved
	if second.fromCache != len(notes)-1 {
		t.Fatalf("%d of %d notes from the cache; want all but the changed one", second.fromCache, len(notes))
	}
	// The cache now holds these notes: a third start takes its pairs as
	// they are.
	third := startLinkKeys(now, cache, nil, nil)
	third.wait()
	if third.fromCache != len(notes) {
		t.Fatalf("%d of %d notes from the cache; want all", third.fromCache, len(notes))
	}
	fresh := startLinkKeys(now, "", nil, nil)
	fresh.wait()
	for _, m := range now {
		for _, s := range append(noteNames(m), "Brand New Topic", "missing-topic") {
			keys := map[string]bool{fold.Key(fold.Compact, s): true}
			want := fresh.linking(keys)
			if got := second.linking(keys); !slices.Equal(got, want) {
				t.Fatalf("name %q: partly from the cache %v, worked out %v", s, got, want)
			}
			if got := third.linking(keys); !slices.Equal(got, want) {
				t.Fatalf("name %q: from the cache %v, worked out %v", s, got, want)
			}
		}
	}
	if got := second.linking(map[string]bool{fold.Key(fold.Compact, "Brand New Topic"): true}); !slices.Contains(got, changed.Path) {
		t.Fatalf("the changed note's new link is not found: %v", got)
	}
	b, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	for name, damaged := range map[string][]byte{
		"a byte flipped": append(append([]byte(nil), b[:len(b)/2]...), append([]byte{b[len(b)/2] ^ 1}, b[len(b)/2+1:]...)...),
		"cut short":      b[:len(b)-9],
		"empty":          nil,
	} {
		if _, ok := decodeLinkKeys(damaged, notecache.ExecutableTag()); ok {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, ok := decodeLinkKeys(b, "another build"); ok {
		t.Error("the cache of another build decoded")
	}
	if _, ok := decodeLinkKeys(b, notecache.ExecutableTag()); !ok {
		t.Error("the cache written does not decode")
	}
}
