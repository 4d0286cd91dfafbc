package notecache

import (
	"bytes"
	"os"
	"path/filepath"
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
// the cache file is replaced (Save renames a new file over it).
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
	if err := os.WriteFile(file, []byte("overwritten by someone else's rename"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ls := got.LinkList(nil); got.Title != "A" || len(ls) != 2 || ls[0].Target != "target one" || ls[1].Frag != "h" {
		t.Fatalf("a mapped note changed after its file was replaced: %q %+v", got.Title, ls)
	}
}
