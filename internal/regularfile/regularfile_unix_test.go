//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A read of anything but a regular file returns at once with its kind;
// a named pipe without a writer would block a plain open forever.
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "note.md"), []byte("text"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Skip(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("pipe.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	// A short name: a socket's path has a small length limit.
	sockDir, err := os.MkdirTemp("", "rf")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(sockDir)
	l, err := net.Listen("unix", filepath.Join(sockDir, "s.md"))
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()

	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	sockRoot, err := os.OpenRoot(sockDir)
	if err != nil {
		t.Fatal(err)
	}
	defer sockRoot.Close()

	if b, err := Read(root, "note.md"); err != nil || string(b) != "text" {
		t.Errorf("Read(note.md) = %q, %v", b, err)
	}
	if b, err := ReadLimit(root, "note.md", 2); err != nil || string(b) != "te" {
		t.Errorf("ReadLimit(note.md, 2) = %q, %v", b, err)
	}
	for _, c := range []struct {
		root *os.Root
		name string
		kind string
	}{
		{root, "pipe.md", "a named pipe"},
		{root, "link.md", "a named pipe"},
		{root, "folder.md", "a folder"},
		{sockRoot, "s.md", "a socket"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := Read(c.root, c.name)
			done <- err
		}()
		select {
		case err := <-done:
			var pe *fs.PathError
			if !errors.Is(err, ErrNotRegular) || !errors.As(err, &pe) || pe.Path != c.name || !strings.Contains(err.Error(), c.kind) {
				t.Errorf("Read(%s) = %v, want a path error wrapping ErrNotRegular naming %s", c.name, err, c.kind)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Read(%s) blocked", c.name)
		}
	}
}
