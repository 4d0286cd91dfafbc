package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestUnreadManyHint follows the refusal's advice for more than five
// unread folders, as printed: "an exclude line of the paths relink check
// lists". Each folder listed by check as unread, put in an exclude line,
// and apply goes on.
func TestUnreadManyHint(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "vault")
	files := map[string]string{"Topic.md": "", "x.md": "[[topic]]\n"}
	deep := strings.Repeat("d/", 256)
	for i := range 6 {
		files["f"+strconv.Itoa(i)+"/"+deep+"note.md"] = "# note\n"
	}
	writeFiles(t, dir, files)
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	code, _, stderr := run("apply", dir)
	if code != 2 || !strings.Contains(stderr, "an exclude line of the paths relink check lists") {
		t.Fatalf("apply: exit %d\n%s", code, stderr)
	}
	_, _, stderr = run("check", dir)
	listed := regexp.MustCompile(`(?m)^relink: (\S+): folder more than 256 levels deep; skipped$`).FindAllStringSubmatch(stderr, -1)
	if len(listed) != 6 {
		t.Fatalf("check lists %d unread folders:\n%s", len(listed), stderr)
	}
	var quoted []string
	for _, m := range listed {
		quoted = append(quoted, strconv.Quote(m[1]))
	}
	if err := os.WriteFile(filepath.Join(dir, ".relink.toml"), []byte("exclude = ["+strings.Join(quoted, ", ")+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("apply", "-q", dir)
	if code != 0 || !strings.Contains(stdout, "rewrote 1 link in 1 file") {
		t.Fatalf("apply after the exclude line: exit %d\n%s%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "x.md")); string(b) != "[[Topic]]\n" {
		t.Errorf("x.md = %q", b)
	}
}
