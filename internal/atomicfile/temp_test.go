package atomicfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// tempFiles lists the temp files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestTempWriter(t *testing.T) {
	root, dir := openRoot(t)
	w, err := atomicfile.Create(root, "big.pack", 0o400)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"one ", "two ", "three"} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if w.Size() != 13 {
		t.Errorf("Size = %d, want 13", w.Size())
	}
	if _, err := os.Stat(filepath.Join(dir, "big.pack")); !os.IsNotExist(err) {
		t.Fatalf("target visible before publish: %v", err)
	}
	st, err := w.Stage(true)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "big.pack"))
	if err != nil || string(b) != "one two three" {
		t.Fatalf("content %q, %v", b, err)
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
	if _, err := w.Stage(false); err == nil {
		t.Error("second Stage succeeded")
	}

	d, err := atomicfile.Create(root, "dropped.pack", 0o400)
	if err != nil {
		t.Fatal(err)
	}
	d.Write([]byte("partial"))
	if err := d.Discard(); err != nil {
		t.Fatal(err)
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("temp files left after Discard: %v", left)
	}
}

// A fault inside the stream (temp-write) or after it fails the write, and
// Stage then removes the temp file; the target never appears.
func TestTempWriterFaults(t *testing.T) {
	for _, step := range []string{atomicfile.StepTempWrite, atomicfile.StepAfterTempWrite} {
		t.Run(step, func(t *testing.T) {
			root, dir := openRoot(t)
			t.Cleanup(atomicfile.SetFaultHook(func(s, name string) error {
				if s == step && name == "x.pack" {
					return atomicfile.ErrInjected
				}
				return nil
			}))
			w, err := atomicfile.Create(root, "x.pack", 0o400)
			if err != nil {
				t.Fatal(err)
			}
			_, werr := w.Write([]byte("data"))
			_, werr2 := w.Write([]byte("more"))
			_, serr := w.Stage(false)
			if step == atomicfile.StepTempWrite && (!errors.Is(werr, atomicfile.ErrInjected) || !errors.Is(werr2, atomicfile.ErrInjected)) {
				t.Errorf("Write errors %v, %v", werr, werr2)
			}
			if !errors.Is(serr, atomicfile.ErrInjected) {
				t.Errorf("Stage error %v", serr)
			}
			if left := tempFiles(t, dir); len(left) != 0 {
				t.Errorf("temp files left: %v", left)
			}
			if _, err := os.Stat(filepath.Join(dir, "x.pack")); !os.IsNotExist(err) {
				t.Errorf("target exists: %v", err)
			}
		})
	}
}
