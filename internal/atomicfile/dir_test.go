package atomicfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/relinkmd/relink/internal/atomicfile"
)

func regular(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return errors.New("not regular")
	}
	return nil
}

func openDir(t *testing.T, root *os.Root, name string) *atomicfile.Dir {
	t.Helper()
	d, err := atomicfile.OpenDir(root, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestDirReadFile(t *testing.T) {
	root, dir := openRoot(t)
	mustWriteFile(t, filepath.Join(dir, "sub", "a.md"), "hello, world", 0o644)
	d := openDir(t, root, "sub")
	b, fi, old, err := d.ReadFile("a.md", make([]byte, 0, 2), regular)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "hello, world" || fi.Size() != 12 {
		t.Errorf("read %q, size %d", b, fi.Size())
	}
	if err := old.Close(); err != nil {
		t.Error(err)
	}
	if err := (*atomicfile.Old)(nil).Close(); err != nil {
		t.Error(err)
	}
	if _, _, _, err := d.ReadFile("missing.md", nil, regular); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if err := os.Symlink("a.md", filepath.Join(dir, "sub", "link.md")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	// check sees the symlink itself, and refusing it is the error returned.
	_, fi, old, err = d.ReadFile("link.md", nil, regular)
	if err == nil || err.Error() != "not regular" || fi.Mode()&fs.ModeSymlink == 0 || old != nil {
		t.Errorf("symlink: fi %v, old %v, err %v", fi, old, err)
	}
	// Accepted by a careless check, the symlink is still not followed.
	if _, _, _, err := d.ReadFile("link.md", nil, func(fs.FileInfo) error { return nil }); err == nil {
		t.Error("a symlink was read through")
	}
}

// A replaced file held open by ReadFile keeps its old bytes for its
// reader, as with any rename.
func TestDirStageReplacesHeldFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no rename over an open file")
	}
	root, dir := openRoot(t)
	p := filepath.Join(dir, "n.md")
	mustWriteFile(t, p, "old", 0o640)
	d := openDir(t, root, ".")
	_, fi, old, err := d.ReadFile("n.md", nil, regular)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	var seen []string
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		seen = append(seen, step+" "+name)
		return nil
	}))
	s, err := d.Stage("n.md", []byte("new content"), 0o600, fi, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.SyncFS(root, "."); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}
	if err := s.Publish(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); got != "new content" {
		t.Errorf("content %q", got)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the old file's 0640", st.Mode().Perm())
	}
	want := []string{"after-temp-write n.md", "before-rename n.md", "after-rename n.md"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("fault steps (-want +got):\n%s", diff)
	}
	assertNoTemp(t, dir)
}

func TestDirStage(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	root, dir := openRoot(t)
	mustWriteFile(t, filepath.Join(dir, "d", "ro.md"), "old", 0o444)
	mustWriteFile(t, filepath.Join(dir, "d", "x.md"), "old", 0o751)
	d := openDir(t, root, "d")
	for _, tt := range []struct {
		name string
		perm os.FileMode
		want os.FileMode
	}{
		{"ro.md", 0o644, 0o444},  // an existing file keeps its bits
		{"x.md", 0o600, 0o751},   // even those the umask would drop
		{"new.md", 0o600, 0o600}, // a new file gets perm
	} {
		s, err := d.Stage(tt.name, []byte("new "+tt.name), tt.perm, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Publish(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "d", tt.name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tt.want || readFile(t, p) != "new "+tt.name {
			t.Errorf("%s: mode %v, content %q", tt.name, fi.Mode().Perm(), readFile(t, p))
		}
	}
	if _, err := d.Stage("../escape.md", []byte("x"), 0o644, nil, false); err == nil {
		t.Error("staged outside the folder")
	}
	if err := os.Mkdir(filepath.Join(dir, "d", "sub.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Stage("sub.md", []byte("x"), 0o644, nil, false); !errors.Is(err, atomicfile.ErrNotRegular) {
		t.Errorf("folder as target: %v", err)
	}
	// A fault after the temp file is written leaves no temp file.
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		if step == atomicfile.StepAfterTempWrite {
			return atomicfile.ErrInjected
		}
		return nil
	}))
	if _, err := d.Stage("x.md", []byte("y"), 0o644, nil, false); !errors.Is(err, atomicfile.ErrInjected) {
		t.Errorf("fault: %v", err)
	}
	if got := readFile(t, filepath.Join(dir, "d", "x.md")); got != "new x.md" {
		t.Errorf("x.md = %q after a failed stage", got)
	}
	assertNoTemp(t, dir)
}

// PublishOver replaces only the file that was read: a file another program
// put under the name since (its own atomic save), a removal, or a file
// created where none was, stop it before the rename.
func TestPublishOver(t *testing.T) {
	root, dir := openRoot(t)
	p := filepath.Join(dir, "a.md")
	for _, tc := range []struct {
		name    string
		exists  bool
		meddle  func()
		replace bool
	}{
		{"untouched", true, func() {}, true},
		{"saved by rename", true, func() {
			mustWriteFile(t, filepath.Join(dir, "editor.tmp"), "editor", 0o644)
			if err := os.Rename(filepath.Join(dir, "editor.tmp"), p); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"removed", true, func() { os.Remove(p) }, false},
		{"new, untouched", false, func() {}, true},
		{"new, created meanwhile", false, func() { mustWriteFile(t, p, "created", 0o644) }, false},
	} {
		for _, viaDir := range []bool{true, false} {
			name := tc.name + ", swapped where the file system can"
			if !viaDir {
				name = tc.name + ", checked then renamed"
			}
			t.Run(name, func(t *testing.T) {
				os.Remove(p)
				var old *atomicfile.Old
				d := openDir(t, root, ".")
				if tc.exists {
					mustWriteFile(t, p, "old", 0o644)
					var err error
					if _, _, old, err = d.ReadFile("a.md", nil, regular); err != nil {
						t.Fatal(err)
					}
					defer old.Close()
				}
				// atomicfile.Stage makes a Staged that has no folder
				// descriptor to swap names through.
				stage := d.Stage
				if !viaDir {
					stage = func(base string, data []byte, perm os.FileMode, _ fs.FileInfo, sync bool) (*atomicfile.Staged, error) {
						return atomicfile.Stage(root, base, data, perm, sync)
					}
				}
				st, err := stage("a.md", []byte("new"), 0o644, nil, true)
				if err != nil {
					t.Fatal(err)
				}
				tc.meddle()
				before, _ := os.ReadFile(p)
				err = st.PublishOver(old)
				after, _ := os.ReadFile(p)
				if tc.replace {
					if err != nil || string(after) != "new" {
						t.Errorf("err %v, file %q", err, after)
					}
					return
				}
				if !errors.Is(err, atomicfile.ErrReplaced) || string(after) != string(before) || st.Published() {
					t.Errorf("err %v, file %q (was %q)", err, after, before)
				}
				if ents, _ := os.ReadDir(dir); len(ents) > 1 {
					t.Errorf("left %v", ents)
				}
			})
		}
	}
}

// An edit written into the replaced file through a descriptor opened
// before the rename is not in the new file, but ReadAll sees it.
func TestOldReadAllAfterReplace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the replaced file is not kept open on Windows")
	}
	root, dir := openRoot(t)
	p := filepath.Join(dir, "a.md")
	mustWriteFile(t, p, "old", 0o644)
	writer, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	d := openDir(t, root, ".")
	_, _, old, err := d.ReadFile("a.md", nil, regular)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	st, err := d.Stage("a.md", []byte("new"), 0o644, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PublishOver(old); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.WriteString(" and an edit"); err != nil {
		t.Fatal(err)
	}
	got, err := old.ReadAll(make([]byte, 0, 1))
	if err != nil || string(got) != "old and an edit" {
		t.Errorf("ReadAll = %q, %v", got, err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("file = %q", b)
	}
}

// RemoveOver removes only the file that was read.
func TestRemoveOver(t *testing.T) {
	root, dir := openRoot(t)
	p := filepath.Join(dir, "a.md")
	mustWriteFile(t, p, "old", 0o644)
	d := openDir(t, root, ".")
	_, _, old, err := d.ReadFile("a.md", nil, regular)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	mustWriteFile(t, filepath.Join(dir, "editor.tmp"), "editor", 0o644)
	if err := os.Rename(filepath.Join(dir, "editor.tmp"), p); err != nil {
		t.Fatal(err)
	}
	if err := d.RemoveOver("a.md", old); !errors.Is(err, atomicfile.ErrReplaced) {
		t.Errorf("RemoveOver of a replaced file: %v", err)
	}
	_, _, old2, err := d.ReadFile("a.md", nil, regular)
	if err != nil {
		t.Fatal(err)
	}
	defer old2.Close()
	if err := d.RemoveOver("a.md", old2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("not removed: %v", err)
	}
}
