//go:build unix

package vault

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
)

// specialVault makes a vault whose *.md names include a named pipe, a unix
// socket and a symlink to the pipe, beside one real note.
func specialVault(t *testing.T) string {
	t.Helper()
	// A socket's path must be short (108 bytes): t.TempDir can be longer.
	dir, err := os.MkdirTemp("", "rl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	write(t, dir, map[string]string{"a.md": "[[b]]", "sub/c.md": "x"})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "sock.md"))
	if err != nil {
		t.Skipf("unix socket: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	if err := os.Symlink("../pipe.md", filepath.Join(dir, "sub", "linked.md")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// finish runs f and fails the test, instead of hanging it, when f does not
// return: an open of a named pipe blocks until a writer comes.
func finish(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not finish: blocked on a special file", what)
	}
}

// Only regular files are notes: a pipe, a socket or a symlink to a pipe
// named *.md is reported with its path and skipped, and never blocks the
// run, with or without the note cache.
func TestReadSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := specialVault(t)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	wantProblems := []string{
		"pipe.md: not a regular file (a named pipe); skipped",
		"sock.md: not a regular file (a socket); skipped",
		"sub/linked.md: not a regular file (a named pipe); skipped",
	}
	for _, cache := range []bool{false, true} {
		opt := ReadOptions{}
		if cache {
			opt.Cache = notecache.Open(filepath.Join(t.TempDir(), "notes.cache"), "test")
		}
		var scan *Scan
		finish(t, "Read", func() { scan, err = v.Read(opt) })
		if err != nil {
			t.Fatal(err)
		}
		var paths, probs []string
		for _, n := range scan.Notes {
			paths = append(paths, n.Path)
		}
		for _, p := range scan.Problems {
			probs = append(probs, p.File+": "+p.Message)
		}
		if strings.Join(paths, " ") != "a.md sub/c.md" {
			t.Errorf("cache %v: notes %q", cache, paths)
		}
		if strings.Join(probs, "\n") != strings.Join(wantProblems, "\n") {
			t.Errorf("cache %v: problems\n%s\nwant\n%s", cache, strings.Join(probs, "\n"), strings.Join(wantProblems, "\n"))
		}
	}
	var notes []string
	var probs []Problem
	finish(t, "Files", func() { notes, _, probs, err = v.Files(nil) })
	if err != nil || strings.Join(notes, " ") != "a.md sub/c.md" || len(probs) != 3 {
		t.Errorf("Files: %q, %v, %v", notes, probs, err)
	}
}

// A pipe put where a note was after the walk saw a regular file is caught
// by the check of the opened file: a read, one call at a time or through a
// ring, neither blocks nor reads it.
func TestReadNoteSwappedForPipe(t *testing.T) {
	t.Parallel()
	dir := specialVault(t)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	opt := ReadOptions{MaxFileSize: DefaultMaxFileSize}
	paths := []string{"pipe.md", "sock.md", "sub/linked.md"}
	for _, p := range paths {
		var n *note.Note
		var skipped string
		finish(t, "readUncached "+p, func() {
			n, skipped, _ = v.readUncached(p, opt, false, nil, nil)
		})
		if n != nil || !strings.HasPrefix(skipped, "not a regular file") {
			t.Errorf("%s: note %v, skipped %q; want no note, not a regular file", p, n, skipped)
		}
	}
	ring := v.newNoteRing()
	if ring == nil {
		return // no ring here: every read is the one above
	}
	defer ring.close()
	var misses []miss
	for _, p := range paths {
		misses = append(misses, miss{path: p})
	}
	got := map[string]string{}
	finish(t, "a ring's batch", func() {
		ring.readBatch(v, misses, opt, nil, nil, func(p string, n *note.Note, why string) {
			if n != nil {
				why = "a note"
			}
			got[p] = why
		})
	})
	for _, p := range paths {
		if !strings.HasPrefix(got[p], "not a regular file") {
			t.Errorf("%s through a ring: %q; want not a regular file", p, got[p])
		}
	}
}

// ReadFile, apply's and the previews' read of one file, refuses a named
// pipe that stands where a note was, naming it, instead of blocking.
func TestReadFileSpecial(t *testing.T) {
	dir := specialVault(t)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, p := range []string{"pipe.md", "sub/linked.md"} {
		finish(t, "ReadFile("+p+")", func() {
			_, err := v.ReadFile(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("ReadFile(%s) = %v, want an error naming it a named pipe", p, err)
			}
		})
	}
	if b, err := v.ReadFile("a.md"); err != nil || string(b) != "[[b]]" {
		t.Errorf("ReadFile(a.md) = %q, %v", b, err)
	}
}
