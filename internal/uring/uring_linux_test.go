//go:build linux

package uring

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var beneath = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK | unix.O_NOCTTY,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS,
}

func newReader(t *testing.T) *Reader {
	t.Helper()
	r, err := NewReader()
	if err != nil {
		t.Skipf("io_uring: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// A Reader reads what plain system calls read, and gives back to the
// caller every path that is not a plain regular file it could read whole.
func TestReadMatchesSystemCalls(t *testing.T) {
	r := newReader(t)
	dir := t.TempDir()
	files := map[string][]byte{
		"empty.md":      nil,
		"one.md":        []byte("x"),
		"page.md":       bytes.Repeat([]byte("a"), 4096),
		"sub/deep.md":   bytes.Repeat([]byte("한글 "), 3000),
		"limit.md":      bytes.Repeat([]byte("b"), maxRead),
		"too-large.md":  bytes.Repeat([]byte("c"), maxRead+1),
		"over-asked.md": bytes.Repeat([]byte("d"), 2000),
	}
	for p, b := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "folder.md"), 0o755)
	if err := unix.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("one.md", filepath.Join(dir, "link.md"))
	os.Symlink("..", filepath.Join(dir, "up"))
	root := openFolder(t, dir)
	paths := []string{"empty.md", "one.md", "page.md", "sub/deep.md", "limit.md", "too-large.md", "over-asked.md",
		"folder.md", "pipe.md", "link.md", "up/x.md", "../x.md", "missing.md", "/etc/hostname"}
	const maxSize = maxRead
	var got []File
	for round := 0; round < 2; round++ { // the second reuses the buffers
		got = r.Read(root, &beneath, paths, maxSize, got)
		for k, p := range paths {
			want, plain := files[p]
			if p == "too-large.md" {
				plain = false
			}
			f := got[k]
			if f.OK != plain {
				t.Fatalf("%s: OK %v, want %v", p, f.OK, plain)
			}
			if !plain {
				continue
			}
			if !bytes.Equal(f.Data, want) {
				t.Errorf("%s: read %d bytes, want %d", p, len(f.Data), len(want))
			}
			var st unix.Stat_t
			if err := unix.Stat(filepath.Join(dir, p), &st); err != nil {
				t.Fatal(err)
			}
			if f.Size != st.Size || f.Ino != st.Ino || f.Dev != st.Dev || f.Mtime != st.Mtim.Nano() || f.Ctime != st.Ctim.Nano() {
				t.Errorf("%s: read with %+v, stat size %d ino %d dev %d mtime %d ctime %d", p,
					File{Size: f.Size, Ino: f.Ino, Dev: f.Dev, Mtime: f.Mtime, Ctime: f.Ctime}, st.Size, st.Ino, st.Dev, st.Mtim.Nano(), st.Ctim.Nano())
			}
		}
	}
	// The size limit is the caller's.
	got = r.Read(root, &beneath, []string{"over-asked.md", "one.md"}, 1999, got)
	if got[0].OK || !got[1].OK {
		t.Errorf("limit 1999: OK %v %v, want false true", got[0].OK, got[1].OK)
	}
	// Nothing is left open.
	before := openFDs(t)
	for i := 0; i < 5; i++ {
		got = r.Read(root, &beneath, paths, maxSize, got)
	}
	if after := openFDs(t); after != before {
		t.Errorf("open descriptors: %d before, %d after", before, after)
	}
}

// A batch as large as the ring, read many times over.
func TestReadFullBatches(t *testing.T) {
	r := newReader(t)
	dir := t.TempDir()
	paths := numberedNotes(t, dir, 3*MaxBatch)
	root := openFolder(t, dir)
	var got []File
	for lo := 0; lo < len(paths); lo += MaxBatch {
		batch := paths[lo : lo+MaxBatch]
		got = r.Read(root, &beneath, batch, 100, got)
		for k, p := range batch {
			if !got[k].OK || string(got[k].Data) != p {
				t.Errorf("%s: OK %v, %q", p, got[k].OK, got[k].Data)
			}
		}
	}
	// More than a batch is refused whole.
	got = r.Read(root, &beneath, paths, 100, got)
	for k := range got {
		if got[k].OK {
			t.Fatalf("%d paths: read, want every one left to the caller", len(paths))
		}
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(es)
}

// Stat gives what fstatat with AT_SYMLINK_NOFOLLOW gives, for regular
// files, and leaves everything else to the caller.
func TestStatMatchesFstatat(t *testing.T) {
	r := newReader(t)
	dir := t.TempDir()
	writeNotes(t, dir, map[string]string{"a.md": "x", "sub/b.md": "yy", "empty.md": ""})
	os.Mkdir(filepath.Join(dir, "folder.md"), 0o755)
	unix.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644)
	os.Symlink("a.md", filepath.Join(dir, "link.md"))
	root := openFolder(t, dir)
	paths := []string{"a.md", "sub/b.md", "empty.md", "folder.md", "pipe.md", "link.md", "missing.md"}
	var got []File
	for round := 0; round < 2; round++ {
		got = r.Stat(root, paths, got)
		for k, p := range paths {
			var st unix.Stat_t
			err := unix.Fstatat(root, p, &st, unix.AT_SYMLINK_NOFOLLOW)
			regular := err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG
			f := got[k]
			if f.OK != regular {
				t.Fatalf("%s: OK %v, want %v", p, f.OK, regular)
			}
			if regular && (f.Size != st.Size || f.Ino != st.Ino || f.Dev != st.Dev || f.Mtime != st.Mtim.Nano() || f.Ctime != st.Ctim.Nano() || f.Data != nil) {
				t.Errorf("%s: %+v, fstatat size %d ino %d dev %d mtime %d ctime %d", p, f, st.Size, st.Ino, st.Dev, st.Mtim.Nano(), st.Ctim.Nano())
			}
		}
	}
	// Reads and stats share the ring's slots: a read after a stat is whole.
	files := r.Read(root, &beneath, paths[:2], 100, nil)
	if !files[0].OK || string(files[0].Data) != "x" || !files[1].OK || string(files[1].Data) != "yy" {
		t.Errorf("read after stat: %+v", files)
	}
}

// A ring the kernel keeps answering "try again" is given up, not spun on:
// the batch is left to the caller, and so is every later one.
func TestStalledRingGivesUp(t *testing.T) {
	r := newReader(t)
	dir := t.TempDir()
	writeNotes(t, dir, map[string]string{"a.md": "x"})
	root := openFolder(t, dir)
	if got := r.Read(root, &beneath, []string{"a.md"}, 10, nil); !got[0].OK {
		t.Fatal("a.md not read by a working ring")
	}
	calls := 0
	r.enter = func(int, bool) (int, unix.Errno) { calls++; return 0, unix.EAGAIN }
	start := time.Now()
	got := r.Read(root, &beneath, []string{"a.md"}, 10, nil)
	if got[0].OK || calls != maxStalls+1 {
		t.Fatalf("stalled ring: OK %v after %d calls, want false after %d", got[0].OK, calls, maxStalls+1)
	}
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("gave up after %v", waited)
	}
	calls = 0
	if got := r.Stat(root, []string{"a.md"}, nil); got[0].OK || calls != 0 {
		t.Errorf("a ring given up is asked again (%d calls)", calls)
	}
}

// A ring that fails after it opened the batch's files closes them: none
// is left open, and none of what it read is handed out.
func TestRingFailingMidBatchClosesWhatItOpened(t *testing.T) {
	r := newReader(t)
	dir := t.TempDir()
	paths := numberedNotes(t, dir, 8)
	root := openFolder(t, dir)
	real := r.enter
	calls := 0
	r.enter = func(n int, wait bool) (int, unix.Errno) {
		if calls++; calls == 1 {
			return real(n, wait) // the opens
		}
		return 0, unix.EBADF
	}
	before := openFDs(t)
	got := r.Read(root, &beneath, paths, 100, nil)
	for k := range got {
		if got[k].OK {
			t.Errorf("%s: handed out by a ring that failed", paths[k])
		}
	}
	if after := openFDs(t); after != before {
		t.Errorf("open descriptors: %d before, %d after", before, after)
	}
}

// writeNotes writes files (path -> content) under dir.
func writeNotes(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, b := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// numberedNotes writes n notes under dir, each holding its own path, and
// returns their paths in order.
func numberedNotes(t *testing.T, dir string, n int) []string {
	t.Helper()
	var paths []string
	files := map[string]string{}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("n%03d.md", i)
		files[p] = p
		paths = append(paths, p)
	}
	writeNotes(t, dir, files)
	return paths
}

// openFolder opens dir for paths relative to it, until the test ends.
func openFolder(t *testing.T, dir string) int {
	t.Helper()
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}
