package atomicfile_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/atomicfile"
)

func openRoot(t *testing.T) (*os.Root, string) {
	t.Helper()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root, dir
}

func mustWriteFile(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tree lists every file and directory below dir, slash-separated and sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	root, dir := openRoot(t)
	mustWriteFile(t, filepath.Join(dir, "notes", "a.md"), "old", 0o644)

	tests := []struct {
		desc, name, data string
		file             string
	}{
		{"new top-level file", "n.md", "new file\n", "n.md"},
		{"replace in subdir, slash name", "notes/a.md", "replaced\r\n", "notes/a.md"},
		{"unclean name", "./notes/../notes/b.md", "b", "notes/b.md"},
		{"empty content", "empty.md", "", "empty.md"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if err := atomicfile.Write(root, tt.name, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, filepath.Join(dir, filepath.FromSlash(tt.file))); got != tt.data {
				t.Errorf("content = %q, want %q", got, tt.data)
			}
		})
	}
	want := []string{"empty.md", "n.md", "notes/", "notes/a.md", "notes/b.md"}
	if diff := cmp.Diff(want, tree(t, dir)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
}

func TestWriteKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	root, dir := openRoot(t)
	for _, mode := range []os.FileMode{0o600, 0o640, 0o751, 0o444, 0o777} {
		t.Run(mode.String(), func(t *testing.T) {
			name := fmt.Sprintf("m%o.md", mode)
			p := filepath.Join(dir, name)
			mustWriteFile(t, p, "old", mode)
			if err := atomicfile.Write(root, name, []byte("new"), 0o600); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != mode {
				t.Errorf("mode = %v, want %v", got, mode)
			}
			if got := readFile(t, p); got != "new" {
				t.Errorf("content = %q", got)
			}
		})
	}
}

func TestWriteNewFileUsesPerm(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	root, dir := openRoot(t)
	if err := atomicfile.Write(root, "x", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "x"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode = %v, want 0600", got)
	}
}

func TestWriteRefusesSymlinks(t *testing.T) {
	root, dir := openRoot(t)
	outside := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "real.md"), "real", 0o644)
	mustWriteFile(t, filepath.Join(outside, "secret.md"), "secret", 0o644)
	for _, l := range []struct{ old, new string }{
		{"real.md", "link.md"},
		{filepath.Join(outside, "secret.md"), "out.md"},
		{outside, "outdir"},
	} {
		if err := os.Symlink(l.old, filepath.Join(dir, l.new)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}

	tests := []struct {
		desc, name string
		wantIs     error // nil: any error
	}{
		{"link inside root", "link.md", atomicfile.ErrSymlink},
		{"link out of root", "out.md", atomicfile.ErrSymlink},
		{"through a dir link out of root", "outdir/secret.md", nil},
		{"new file through a dir link", "outdir/new.md", nil},
		{"dot-dot", "../escape.md", nil},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			err := atomicfile.Write(root, tt.name, []byte("pwned"), 0o644)
			if err == nil {
				t.Fatal("Write succeeded, want error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want %v", err, tt.wantIs)
			}
		})
	}
	if got := readFile(t, filepath.Join(dir, "real.md")); got != "real" {
		t.Errorf("real.md = %q", got)
	}
	if got := readFile(t, filepath.Join(outside, "secret.md")); got != "secret" {
		t.Errorf("outside secret.md = %q", got)
	}
	if diff := cmp.Diff([]string{"secret.md"}, tree(t, outside)); diff != "" {
		t.Errorf("outside dir changed (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.md")); err == nil {
		t.Error("escape.md was written outside the root")
	}
	assertNoTemp(t, dir)
}

func TestWriteRefusesDirectory(t *testing.T) {
	root, dir := openRoot(t)
	if err := os.Mkdir(filepath.Join(dir, "d.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.Write(root, "d.md", []byte("x"), 0o644)
	if !errors.Is(err, atomicfile.ErrNotRegular) {
		t.Errorf("err = %v, want ErrNotRegular", err)
	}
	for _, name := range []string{"", ".", "/", "a/.."} {
		if err := atomicfile.Write(root, name, []byte("x"), 0o644); err == nil {
			t.Errorf("Write(%q) succeeded", name)
		}
	}
	assertNoTemp(t, dir)
}

func TestWriteMissingParent(t *testing.T) {
	root, dir := openRoot(t)
	if err := atomicfile.Write(root, "no/such/dir.md", []byte("x"), 0o644); err == nil {
		t.Fatal("Write succeeded")
	}
	if got := tree(t, dir); len(got) != 0 {
		t.Errorf("tree = %v, want empty", got)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, p := range tree(t, dir) {
		if strings.HasPrefix(filepath.Base(p), atomicfile.TempPrefix) {
			t.Errorf("temp file left behind: %s", p)
		}
	}
}

// TestFaultHook fails each step in turn and checks that the target is old
// before the rename, new after it, and that no temp file survives.
func TestFaultHook(t *testing.T) {
	root, dir := openRoot(t)
	tests := []struct {
		step, want string
	}{
		{atomicfile.StepAfterTempWrite, "old"},
		{atomicfile.StepBeforeRename, "old"},
		{atomicfile.StepAfterRename, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			p := filepath.Join(dir, "sub", "f.md")
			mustWriteFile(t, p, "old", 0o644)
			var seen []string
			restore := atomicfile.SetFaultHook(func(step, name string) error {
				seen = append(seen, step+" "+name)
				if step == tt.step {
					return atomicfile.ErrInjected
				}
				return nil
			})
			err := atomicfile.Write(root, "sub/f.md", []byte("new"), 0o644)
			restore()
			if !errors.Is(err, atomicfile.ErrInjected) {
				t.Fatalf("err = %v, want ErrInjected", err)
			}
			if got := readFile(t, p); got != tt.want {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			if last := seen[len(seen)-1]; last != tt.step+" sub/f.md" {
				t.Errorf("last hook call = %q", last)
			}
			assertNoTemp(t, dir)
		})
	}

	// With the hook restored, writes work again and see every step.
	var seen []string
	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
		seen = append(seen, step)
		return nil
	}))
	if err := atomicfile.Write(root, "ok.md", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{atomicfile.StepAfterTempWrite, atomicfile.StepBeforeRename, atomicfile.StepAfterRename}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

func TestConcurrentWriters(t *testing.T) {
	root, dir := openRoot(t)
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("d/f%02d.md", i)
			for j := range 3 {
				data := strings.Repeat(fmt.Sprintf("%d-%d;", i, j), 1000)
				if err := atomicfile.Write(root, name, []byte(data), 0o644); err != nil {
					errs <- err
				}
			}
		})
		// Many writers on one file: the result must be one of them, whole.
		wg.Go(func() {
			data := strings.Repeat(fmt.Sprintf("<%d>", i), 5000)
			if err := atomicfile.Write(root, "shared.md", []byte(data), 0o644); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range n {
		p := filepath.Join(dir, "d", fmt.Sprintf("f%02d.md", i))
		if got, want := readFile(t, p), strings.Repeat(fmt.Sprintf("%d-2;", i), 1000); got != want {
			t.Errorf("%s: wrong content (%d bytes)", p, len(got))
		}
	}
	shared := readFile(t, filepath.Join(dir, "shared.md"))
	ok := false
	for i := range n {
		ok = ok || shared == strings.Repeat(fmt.Sprintf("<%d>", i), 5000)
	}
	if !ok {
		t.Errorf("shared.md is torn (%d bytes)", len(shared))
	}
	assertNoTemp(t, dir)
}

// TestHelperProcess is not a real test: TestFaultEnv runs the test binary
// again with it selected, RELINK_FAULT set, and a directory to write into.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("ATOMICFILE_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	for _, name := range []string{"1.md", "obj", "2.md", "3.md"} {
		err := atomicfile.Write(root, name, []byte("new "+name), 0o644)
		fmt.Printf("%s: %v\n", name, err)
	}
	os.Exit(0)
}

func TestFaultEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("runs subprocesses")
	}
	tests := []struct {
		desc, env string
		wantCode  int
		wantOut   string
		wantFiles map[string]string
	}{
		{
			desc: "no faults", env: "", wantCode: 0,
			wantOut:   "1.md: <nil>\nobj: <nil>\n2.md: <nil>\n3.md: <nil>\n",
			wantFiles: map[string]string{"1.md": "new 1.md", "obj": "new obj", "2.md": "new 2.md", "3.md": "new 3.md"},
		},
		{
			desc: "fail second write", env: "before-rename:2", wantCode: 0,
			wantOut:   "1.md: <nil>\nobj: atomic write obj: injected fault at before-rename #2\n2.md: <nil>\n3.md: <nil>\n",
			wantFiles: map[string]string{"1.md": "new 1.md", "obj": "old", "2.md": "new 2.md", "3.md": "new 3.md"},
		},
		{
			desc: "glob and two rules", env: "after-temp-write:2:*.md, after-rename:1:obj", wantCode: 0,
			wantOut:   "1.md: <nil>\nobj: atomic write obj: injected fault at after-rename #1\n2.md: atomic write 2.md: injected fault at after-temp-write #2\n3.md: <nil>\n",
			wantFiles: map[string]string{"1.md": "new 1.md", "obj": "new obj", "2.md": "old", "3.md": "new 3.md"},
		},
		{
			desc: "kill after second md rename", env: "kill:after-rename:2:*.md", wantCode: 137,
			wantOut:   "1.md: <nil>\nobj: <nil>\n",
			wantFiles: map[string]string{"1.md": "new 1.md", "obj": "new obj", "2.md": "new 2.md", "3.md": "old"},
		},
		{
			desc: "kill before rename", env: "kill:before-rename:1", wantCode: 137,
			wantOut:   "",
			wantFiles: map[string]string{"1.md": "old", "obj": "old", "2.md": "old", "3.md": "old"},
		},
		{
			desc: "edit only before a rename", env: "edit:after-rename:1", wantCode: 0,
			wantOut: "1.md: atomic write 1.md: invalid RELINK_FAULT rule \"edit:after-rename:1\": edit: is for the step before-rename only\n" +
				"obj: atomic write obj: invalid RELINK_FAULT rule \"edit:after-rename:1\": edit: is for the step before-rename only\n" +
				"2.md: atomic write 2.md: invalid RELINK_FAULT rule \"edit:after-rename:1\": edit: is for the step before-rename only\n" +
				"3.md: atomic write 3.md: invalid RELINK_FAULT rule \"edit:after-rename:1\": edit: is for the step before-rename only\n",
			wantFiles: map[string]string{"1.md": "old", "obj": "old", "2.md": "old", "3.md": "old"},
		},
		{
			desc: "malformed rule fails every write", env: "before-rename:0", wantCode: 0,
			wantOut: "1.md: atomic write 1.md: invalid RELINK_FAULT rule \"before-rename:0\": N must be a positive integer\n" +
				"obj: atomic write obj: invalid RELINK_FAULT rule \"before-rename:0\": N must be a positive integer\n" +
				"2.md: atomic write 2.md: invalid RELINK_FAULT rule \"before-rename:0\": N must be a positive integer\n" +
				"3.md: atomic write 3.md: invalid RELINK_FAULT rule \"before-rename:0\": N must be a positive integer\n",
			wantFiles: map[string]string{"1.md": "old", "obj": "old", "2.md": "old", "3.md": "old"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name := range tt.wantFiles {
				mustWriteFile(t, filepath.Join(dir, name), "old", 0o644)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_DIR="+dir, atomicfile.FaultEnv+"="+tt.env)
			out, err := cmd.Output()
			code := 0
			if ee, ok := errors.AsType[*exec.ExitError](err); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantOut, string(out)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			got := map[string]string{}
			for _, name := range tree(t, dir) {
				if !strings.HasPrefix(name, atomicfile.TempPrefix) {
					got[name] = readFile(t, filepath.Join(dir, name))
				}
			}
			if diff := cmp.Diff(tt.wantFiles, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}
