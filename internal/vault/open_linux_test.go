//go:build linux

package vault

import (
	"os"
	"path/filepath"
	"testing"
)

// The one-call opener opens plain notes itself and hands everything that
// involves a symlink or leaves the vault back to os.Root.
func TestBeneathOpen(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dir := filepath.Join(base, "vault")
	write(t, dir, map[string]string{"a.md": "x", "sub/b.md": "yy"})
	write(t, base, map[string]string{"outside.md": "secret"})
	if err := os.Symlink("a.md", filepath.Join(dir, "alias.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub", filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.notes == nil {
		t.Skip("the vault folder could not be opened for openat2")
	}
	f, ok := v.notes.open("sub/b.md")
	if !ok {
		if v.notes.off.Load() {
			t.Skip("openat2 unavailable")
		}
		t.Fatal("sub/b.md: not opened")
	}
	size, typ, _, err := f.stat()
	buf := make([]byte, size)
	if err == nil {
		err = f.readFull(buf)
	}
	f.close()
	if err != nil || !typ.IsRegular() || string(buf) != "yy" {
		t.Errorf("sub/b.md: %q, type %v, %v", buf, typ, err)
	}
	for _, p := range []string{"alias.md", "linked/b.md", "../outside.md", "missing.md", "/etc/passwd"} {
		if f, ok := v.notes.open(p); ok {
			f.close()
			t.Errorf("%s: opened, want a fallback to os.Root", p)
		}
	}
}
