//go:build linux

package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/uring"
)

// Reading through rings gives what reading one system call at a time gives:
// the same notes, the same problems, the same note cache keys (a cache
// filled by one is hit by the other), on a vault of plain notes mixed with
// every file the ring leaves to the calls.
func TestRingReadsAsCalls(t *testing.T) {
	if r, err := uring.NewReader(); err != nil {
		t.Skipf("io_uring: %v", err)
	} else {
		r.Close()
	}
	dir := specialVault(t) // a pipe, a socket, a symlink to the pipe
	files := map[string]string{
		"empty.md":           "",
		"bad-utf8.md":        "caf\xe9 [[x]]",
		"nul.md":             "a\x00b",
		"too-large.md":       strings.Repeat("[[big]] ", 200),
		"large/ring-max.md":  strings.Repeat("[[huge]] ", (1<<20)/9+1), // past the ring's megabyte
		"sub/linked-note.md": "",
	}
	for i := 0; i < 3*uring.MaxBatch; i++ {
		files[fmt.Sprintf("notes/%02d/n%03d.md", i%7, i)] = fmt.Sprintf("---\ntitle: N %d\n---\n# H\n[[n%03d]] [[a]] ^b%d\n", i, i+1, i)
	}
	write(t, dir, files)
	os.Remove(filepath.Join(dir, "sub/linked-note.md"))
	if err := os.Symlink("../a.md", filepath.Join(dir, "sub/linked-note.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "outside.md")); err != nil {
		t.Fatal(err)
	}
	restore := notecache.SettleForTests(0)
	defer restore()
	limit := int64(4 << 20)
	read := func(off bool, cache *notecache.Cache) *Scan {
		t.Helper()
		ringOff = off
		defer func() { ringOff = false }()
		v, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		var scan *Scan
		finish(t, "Read", func() {
			scan, err = v.Read(ReadOptions{MaxFileSize: limit, Hash: true, Cache: cache})
		})
		if err != nil {
			t.Fatal(err)
		}
		return scan
	}
	same := func(what string, a, b *Scan) {
		t.Helper()
		if d := cmp.Diff(a, b, cmp.AllowUnexported(note.Link{}), cmpopts.IgnoreUnexported(note.Note{}), cmp.Transformer("LinkList", func(n *note.Note) note.Note {
			u := *n
			u.Links = n.LinkList(nil)
			return u
		}), cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) }),
			cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" { // Folders come in no order
			t.Fatalf("%s (-calls +ring):\n%s", what, d)
		}
	}
	// Under 1,000 bytes too-large.md and ring-max.md are too large; under
	// 4 MB ring-max.md is read, past what the ring reads.
	for _, limit = range []int64{1000, 4 << 20} {
		calls, ring := read(true, nil), read(false, nil)
		same(fmt.Sprintf("limit %d", limit), calls, ring)
		if len(ring.Notes) < 3*uring.MaxBatch || len(ring.Problems) < 5 {
			t.Fatalf("%d notes, problems %v: the vault is not what the test makes", len(ring.Notes), ring.Problems)
		}
	}
	calls := read(true, nil)
	for _, first := range []bool{false, true} { // the ring fills the cache, the calls read it; and the other way
		file := filepath.Join(t.TempDir(), "notes.cache")
		c := notecache.Open(file, "test")
		filled := read(first, c)
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		c = notecache.Open(file, "test")
		again := read(!first, c)
		same(fmt.Sprintf("cache filled with the ring off %v", first), filled, again)
		same("cached against uncached", calls, again)
		if c.Hits() < 3*uring.MaxBatch {
			t.Errorf("ring off %v first: %d hits of the cache the other filled, want at least %d", first, c.Hits(), 3*uring.MaxBatch)
		}
	}
}
