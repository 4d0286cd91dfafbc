package notecache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/note"
)

// settled opens the cache as if the run started a minute from now, so that
// files written by the test are old enough to be recorded.
func settled(file, options string) *Cache {
	c := Open(file, options)
	c.start = time.Now().Add(time.Minute).UnixNano()
	return c
}

func writeNote(t *testing.T, dir, name, body string) (Key, *note.Note) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	k, ok := KeyOf(fi)
	if !ok {
		t.Skip("no file keys on this system")
	}
	n := note.Parse(name, []byte(body), note.Options{})
	return k, &n
}

func TestHitAfterSave(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cache", "notes.cache")
	k, n := writeNote(t, dir, "a.md", "---\ntitle: A\n---\nsee [[b]] and [[c#d|e]]\n")
	c := settled(file, "opts")
	if _, ok := c.Lookup("a.md", k, false); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Put("a.md", k, n.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = settled(file, "opts")
	got, ok := c.Lookup("a.md", k, false)
	if !ok {
		t.Fatal("no hit after save")
	}
	if ls := got.LinkList(nil); got.Title != "A" || len(ls) != 2 || ls[1].Target != "c" || ls[1].Frag != "d" {
		t.Fatalf("cached note differs: %+v", got)
	}
	if _, ok := c.Lookup("a.md", k, true); ok {
		t.Fatal("hit for a hash the entry does not hold")
	}

	// Nothing changed: Save leaves the file alone.
	before, _ := os.Stat(file)
	time.Sleep(10 * time.Millisecond)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(file)
	if !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("Save rewrote an unchanged cache")
	}
}

func TestMissWhenFileChanges(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	k, n := writeNote(t, dir, "a.md", "[[b]]\n")
	c := settled(file, "opts")
	c.Put("a.md", k, n.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	// Same size, modification time put back: the change time still moves.
	old, _ := os.Stat(filepath.Join(dir, "a.md"))
	time.Sleep(20 * time.Millisecond)
	k2, _ := writeNote(t, dir, "a.md", "[[c]]\n")
	if err := os.Chtimes(filepath.Join(dir, "a.md"), old.ModTime(), old.ModTime()); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "a.md"))
	k2, _ = KeyOf(fi)
	if k2.Size != k.Size || k2.Mtime != k.Mtime {
		t.Fatalf("test setup: size or mtime differ: %+v %+v", k, k2)
	}
	c = settled(file, "opts")
	if _, ok := c.Lookup("a.md", k2, false); ok {
		t.Fatal("hit for a file rewritten with the same size and modification time")
	}
}

func TestRecentFilesAreNotRecorded(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	k, n := writeNote(t, dir, "a.md", "[[b]]\n")
	c := Open(file, "opts") // the run starts now: a.md is too fresh
	c.Put("a.md", k, n.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("a cache file was written for a racy entry only: %v", err)
	}
}

func TestOtherOptionsStartEmpty(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	k, n := writeNote(t, dir, "a.md", "[[b]]\n")
	c := settled(file, "wiki")
	c.Put("a.md", k, n.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := settled(file, "dendron").Lookup("a.md", k, false); ok {
		t.Fatal("hit under other parse options")
	}
	if _, ok := settled(file, "wiki").Lookup("a.md", k, false); !ok {
		t.Fatal("no hit under the same options")
	}
}

func TestCorruptFileIsEmpty(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	k, n := writeNote(t, dir, "a.md", "[[b]] [[c]]\n")
	c := settled(file, "opts")
	c.Put("a.md", k, n.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(file)
	for i := 0; i < len(good); i++ {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x40
		os.WriteFile(file, bad, 0o600)
		if _, ok := settled(file, "opts").Lookup("a.md", k, false); ok {
			t.Fatalf("hit from a cache with byte %d flipped", i)
		}
		os.WriteFile(file, good[:i], 0o600)
		if _, ok := settled(file, "opts").Lookup("a.md", k, false); ok {
			t.Fatalf("hit from a cache cut at %d bytes", i)
		}
	}
}

func TestGoneNotesAreDropped(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	ka, na := writeNote(t, dir, "a.md", "[[b]]\n")
	kb, nb := writeNote(t, dir, "b.md", "[[a]]\n")
	c := settled(file, "opts")
	c.Put("a.md", ka, na.Pack())
	c.Put("b.md", kb, nb.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = settled(file, "opts")
	if _, ok := c.Lookup("a.md", ka, false); !ok {
		t.Fatal("no hit for a.md")
	}
	if err := c.Save(); err != nil { // b.md was not looked up: gone
		t.Fatal(err)
	}
	c = settled(file, "opts")
	if _, ok := c.Lookup("b.md", kb, false); ok {
		t.Fatal("an entry of a note no longer read survived")
	}
	if _, ok := c.Lookup("a.md", ka, false); !ok {
		t.Fatal("a.md was dropped")
	}
}

// TestCorruptEntryAlone: an entry whose checksum fails is a miss, and the
// other entries still hit.
func TestCorruptEntryAlone(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	ka, na := writeNote(t, dir, "a.md", "[[qqqqqqqqqqqq]]\n")
	kb, nb := writeNote(t, dir, "b.md", "[[a]]\n")
	c := settled(file, "opts")
	c.Put("a.md", ka, na.Pack())
	c.Put("b.md", kb, nb.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	i := bytes.Index(b, []byte("qqqq"))
	if i < 0 {
		t.Fatal("a.md's text is not in the cache file")
	}
	b[i] = 'x'
	os.WriteFile(file, b, 0o600)
	c = settled(file, "opts")
	if _, ok := c.Lookup("a.md", ka, false); ok {
		t.Fatal("hit for an entry whose bytes changed")
	}
	if _, ok := c.Lookup("b.md", kb, false); !ok {
		t.Fatal("a corrupt entry cost another entry its hit")
	}
	// Mapped, the same.
	c = OpenMapped(file, "opts")
	if _, ok := c.Lookup("a.md", ka, false); ok {
		t.Fatal("mapped: hit for an entry whose bytes changed")
	}
	if _, ok := c.Lookup("b.md", kb, false); !ok {
		t.Fatal("mapped: no hit for an intact entry")
	}
}

// TestMappedSurvivesSave: notes from a mapped cache stay readable after
// the run appends to the cache file and after another run replaces it
// (by a rename, as Save does).
func TestMappedSurvivesSave(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	ka, na := writeNote(t, dir, "a.md", "---\ntitle: A\n---\n[[target one]] [[two#h]]\n")
	c := settled(file, "opts")
	c.Put("a.md", ka, na.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = OpenMapped(file, "opts")
	c.start = time.Now().Add(time.Minute).UnixNano()
	got, ok := c.Lookup("a.md", ka, false)
	if !ok {
		t.Fatal("no hit from the mapped cache")
	}
	kb, nb := writeNote(t, dir, "b.md", "[[a]]\n")
	c.Put("b.md", kb, nb.Pack())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if ls := got.LinkList(nil); got.Title != "A" || len(ls) != 2 || ls[0].Target != "target one" || ls[1].Frag != "h" {
		t.Fatalf("a mapped note changed when its file was appended to: %q %+v", got.Title, ls)
	}
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, []byte("written by another run"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, file); err != nil {
		t.Fatal(err)
	}
	if ls := got.LinkList(nil); got.Title != "A" || len(ls) != 2 || ls[0].Target != "target one" || ls[1].Frag != "h" {
		t.Fatalf("a mapped note changed after its file was replaced: %q %+v", got.Title, ls)
	}
}

func fileKey(t *testing.T, file string) Key {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	k, ok := KeyOf(fi)
	if !ok {
		t.Skip("no file keys on this system")
	}
	return k
}

// saveNotes records the named notes (written by the test) in a new run
// over the cache file: those in parsed as parsed again, the others looked
// up. It fails on a miss of a note not parsed.
func saveNotes(t *testing.T, file string, keys map[string]Key, notes map[string]*note.Note, parsed ...string) {
	t.Helper()
	c := settled(file, "opts")
	for p, k := range keys {
		if slices.Contains(parsed, p) {
			c.Put(p, k, notes[p].Pack())
			continue
		}
		if _, ok := c.Lookup(p, k, false); !ok {
			t.Fatalf("no hit for %s", p)
		}
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
}

// writeNotes writes n notes n0.md... into dir and records them all in a
// first run over the cache file.
func writeNotes(t *testing.T, dir, file string, n int) (map[string]Key, map[string]*note.Note) {
	t.Helper()
	keys, notes := map[string]Key{}, map[string]*note.Note{}
	var all []string
	for i := range n {
		p := fmt.Sprintf("n%d.md", i)
		keys[p], notes[p] = writeNote(t, dir, p, fmt.Sprintf("note %d [[n%d]]\n", i, i+1))
		all = append(all, p)
	}
	saveNotes(t, file, keys, notes, all...)
	return keys, notes
}

// TestAppendsAFewEntries: a run that parsed one note of eight again
// appends its entry to the file it loaded instead of writing the file
// whole, and the next run finds every note, the new version of that one.
func TestAppendsAFewEntries(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	keys, notes := writeNotes(t, dir, file, 8)
	before := fileKey(t, file)

	oldKey := keys["n3.md"]
	time.Sleep(20 * time.Millisecond)
	keys["n3.md"], notes["n3.md"] = writeNote(t, dir, "n3.md", "note three, edited [[n4]] [[n5]]\n")
	saveNotes(t, file, keys, notes, "n3.md")
	after := fileKey(t, file)
	if after.Ino != before.Ino || after.Dev != before.Dev {
		t.Fatal("the file was written whole for one note")
	}
	if after.Size <= before.Size || after.Size > before.Size+200 {
		t.Fatalf("size %d -> %d: not one entry appended", before.Size, after.Size)
	}

	c := settled(file, "opts")
	got, ok := c.Lookup("n3.md", keys["n3.md"], false)
	if !ok || len(got.LinkList(nil)) != 2 {
		t.Fatalf("the appended entry: hit %v, %+v", ok, got)
	}
	if _, ok := c.Lookup("n3.md", oldKey, false); ok {
		t.Fatal("the superseded entry still hits")
	}
	saveNotes(t, file, keys, notes) // every note hits
}

// TestWritesWholeWhenSupersededGrow: entries no run uses any more make the
// file be written whole once they are a quarter of it.
func TestWritesWholeWhenSupersededGrow(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	keys, notes := writeNotes(t, dir, file, 4)
	first := fileKey(t, file)
	rewritten := false
	for round := range 6 {
		time.Sleep(20 * time.Millisecond)
		keys["n0.md"], notes["n0.md"] = writeNote(t, dir, "n0.md", fmt.Sprintf("note 0, round %d [[n1]]\n", round))
		saveNotes(t, file, keys, notes, "n0.md")
		if k := fileKey(t, file); k.Ino != first.Ino {
			rewritten = true
			if k.Size > first.Size+10 {
				t.Fatalf("written whole at %d bytes, from %d: superseded entries kept", k.Size, first.Size)
			}
			break
		}
	}
	if !rewritten {
		t.Fatal("six superseded entries of four notes and the file was never written whole")
	}
	saveNotes(t, file, keys, notes) // every note hits
}

// TestCutAppend: a run that died mid-append leaves a cut last entry: the
// next run misses that note only, and writes the file whole.
func TestCutAppend(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	keys, notes := writeNotes(t, dir, file, 8)
	whole := fileKey(t, file).Size
	time.Sleep(20 * time.Millisecond)
	keys["n5.md"], notes["n5.md"] = writeNote(t, dir, "n5.md", "note five, edited [[n6]]\n")
	saveNotes(t, file, keys, notes, "n5.md")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) <= whole {
		t.Fatal("nothing was appended")
	}
	for cut := whole + 1; cut < int64(len(data)); cut++ {
		os.Remove(file)
		if err := os.WriteFile(file, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		before := fileKey(t, file)
		c := settled(file, "opts")
		if _, ok := c.Lookup("n5.md", keys["n5.md"], false); ok {
			t.Fatalf("cut at %d: hit for the cut entry", cut)
		}
		for p, k := range keys {
			if _, ok := c.Lookup(p, k, false); p != "n5.md" && !ok {
				t.Fatalf("cut at %d: no hit for %s", cut, p)
			}
		}
		c.Put("n5.md", keys["n5.md"], notes["n5.md"].Pack())
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		if fileKey(t, file).Ino == before.Ino {
			t.Fatalf("cut at %d: appended after a cut entry", cut)
		}
		saveNotes(t, file, keys, notes) // every note hits
	}
}

// TestNeverAppendsToAnotherFile: when another run replaced the file after
// this run loaded it, this run writes its own file whole rather than
// append entries to one it did not read (which could be of another
// build's format).
func TestNeverAppendsToAnotherFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.cache")
	keys, notes := writeNotes(t, dir, file, 8)

	mine := settled(file, "opts")
	for p, k := range keys {
		if p != "n3.md" {
			if _, ok := mine.Lookup(p, k, false); !ok {
				t.Fatalf("no hit for %s", p)
			}
		}
	}
	// Another build replaces the file meanwhile.
	theirs := settled(file, "other build")
	theirs.Put("n0.md", keys["n0.md"], notes["n0.md"].Pack())
	if err := theirs.Save(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	keys["n3.md"], notes["n3.md"] = writeNote(t, dir, "n3.md", "note three, edited [[n4]]\n")
	mine.Put("n3.md", keys["n3.md"], notes["n3.md"].Pack())
	if err := mine.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if bytes.Contains(b, []byte("other build")) {
		t.Fatal("this run appended to the other build's file")
	}
	c := settled(file, "opts")
	for p, k := range keys {
		if _, ok := c.Lookup(p, k, false); !ok {
			t.Errorf("this run's file lacks %s", p)
		}
	}
}
