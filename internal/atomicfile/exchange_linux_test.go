package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// exchange swaps two names in one step; where the file system cannot,
// PublishOver falls back to a check and a rename (the tests of
// PublishOver cover both outcomes the same way).
func TestExchange(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	os.WriteFile(filepath.Join(dir, "a"), []byte("A"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("B"), 0o644)
	d, err := OpenDir(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.sys.exchange("a", "b")
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("the file system of %s cannot exchange names: %v", dir, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a"))
	b, _ := os.ReadFile(filepath.Join(dir, "b"))
	if string(a) != "B" || string(b) != "A" {
		t.Errorf("a = %q, b = %q", a, b)
	}
	if err := d.sys.exchange("a", "missing"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("exchange with a missing name: %v", err)
	}
}
