package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/relinkmd/relink/internal/vault"
)

// deepNote is the path of a note in a folder the walk does not enter (one
// level past vault.MaxFolderDepth): a part of the vault relink cannot
// read even as root, where a folder without permissions reads fine.
func deepNote(name string) string {
	return strings.Repeat("d/", vault.MaxFolderDepth+1) + name
}

// TestUnreadRefusesRewrites: [[Foo]] names deep/.../Foo.md, in a folder
// relink could not read, and matches foo.md only at a lower level. With
// part of the vault unread, apply, mv and merge refuse and write nothing,
// "fix all" offers nothing, and check warns; the exclude line the refusal
// prints, put in .relink.toml as printed, lets apply go on.
func TestUnreadRefusesRewrites(t *testing.T) {
	dir, store := newVault(t, map[string]string{
		"a.md":             "[[Foo]]\n",
		"foo.md":           "# foo\n",
		deepNote("Foo.md"): "# Foo\n",
	})
	rep := loadVault(t, dir)
	unread := rep.Unread()
	if len(unread) != 1 || !strings.HasPrefix(deepNote(""), unread[0].File+"/") {
		t.Fatalf("unread %+v", unread)
	}
	if len(rep.Plan.Edits) != 1 {
		t.Fatalf("edits %+v; want the guess [[Foo]] -> [[foo]] planned (and refused)", rep.Plan.Edits)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, "could not be read") && strings.Contains(w, "apply, mv and merge refuse")
	}
	if !warned {
		t.Errorf("warnings %q", rep.Warnings)
	}
	_, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if !errors.Is(err, ErrUnread) || !strings.Contains(err.Error(), "refusing to apply") {
		t.Fatalf("apply: %v, want ErrUnread", err)
	}
	if _, err := PlanMove(rep, "foo.md", "bar.md"); !errors.Is(err, ErrUnread) {
		t.Errorf("mv: %v, want ErrUnread", err)
	}
	if _, err := PlanMerge(rep, "foo.md", "a.md", MergeOptions{}); !errors.Is(err, ErrUnread) {
		t.Errorf("merge: %v, want ErrUnread", err)
	}
	if e := rep.View(nil).FixAll("a.md"); len(e) != 0 {
		t.Errorf("fix all offers %+v", e)
	}
	if n := rep.View(nil).VaultFixCount(); n != 0 {
		t.Errorf("fix all in the vault offers %d links", n)
	}
	wantTree(t, dir, map[string]string{"a.md": "[[Foo]]\n", "foo.md": "# foo\n", deepNote("Foo.md"): "# Foo\n"})
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Errorf("the store was touched: %v", err)
	}

	// The hint, as printed.
	line := regexp.MustCompile(`exclude = \[[^\]]*\]`).FindString(err.Error())
	if line == "" {
		t.Fatalf("no exclude line in %q", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".relink.toml"), []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep = loadVault(t, dir)
	if u := rep.Unread(); len(u) != 0 {
		t.Fatalf("after %s: unread %+v", line, u)
	}
	if n := rep.View(nil).VaultFixCount(); n != 1 {
		t.Errorf("after %s: fix all in the vault offers %d links", line, n)
	}
	res, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if err != nil || res.Links() != 1 {
		t.Fatalf("apply after %s: %+v, %v", line, res, err)
	}
}

// TestUnreadFolderWithoutPermission: a folder relink may not list (not as
// root, which may list any) is unread.
func TestUnreadFolderWithoutPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a folder without permissions")
	}
	dir, store := newVault(t, map[string]string{"a.md": "[[Foo]]\n", "foo.md": "# foo\n", "locked/Foo.md": "# Foo\n"})
	locked := filepath.Join(dir, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	rep := loadVault(t, dir)
	if u := rep.Unread(); len(u) != 1 || u[0].File != "locked" {
		t.Fatalf("unread %+v", u)
	}
	if _, err := Apply(context.Background(), rep, ApplyOptions{Store: store}); !errors.Is(err, ErrUnread) || !strings.Contains(err.Error(), `exclude = ["locked"]`) {
		t.Fatalf("apply: %v", err)
	}
}

// TestUnreadNoteIsABadFile: a note relink may not open (not as root) is
// a bad file, as broken frontmatter is (SPEC §7): its path names stay,
// [[Bar]] still resolves to it, and apply goes on with the other links.
func TestUnreadNoteIsABadFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root opens a file without permissions")
	}
	dir, store := newVault(t, map[string]string{"a.md": "[[Bar]] [[FOO]]\n", "foo.md": "# foo\n", "Bar.md": "# Bar\n"})
	bar := filepath.Join(dir, "Bar.md")
	if err := os.Chmod(bar, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(bar, 0o644)
	rep := loadVault(t, dir)
	if u := rep.Unread(); len(u) != 0 {
		t.Fatalf("unread %+v", u)
	}
	res, err := Apply(context.Background(), rep, ApplyOptions{Store: store})
	if err != nil || res.Links() != 1 {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a.md")); err != nil || string(b) != "[[Bar]] [[foo]]\n" {
		t.Errorf("a.md = %q, %v", b, err)
	}
}

// TestExcludeLine: each unread path is a glob that matches itself, in a
// TOML string that the config's parser reads back.
func TestExcludeLine(t *testing.T) {
	paths := []string{"locked", `a[1]*?\b.md`, "q\"\x01.md", "폴더/노트.md"}
	var ps []vault.Problem
	for _, p := range paths {
		ps = append(ps, vault.Problem{File: p})
	}
	line := excludeLine(ps)
	var cfg struct{ Exclude []string }
	if _, err := toml.Decode(line, &cfg); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if len(cfg.Exclude) != len(paths) {
		t.Fatalf("%s read as %q", line, cfg.Exclude)
	}
	for i, p := range paths {
		if ok, err := path.Match(cfg.Exclude[i], p); !ok || err != nil {
			t.Errorf("%s: pattern %q does not match %q (%v)", line, cfg.Exclude[i], p, err)
		}
		if ok, _ := path.Match(cfg.Exclude[i], p+"x"); ok {
			t.Errorf("pattern %q matches %q too", cfg.Exclude[i], p+"x")
		}
	}
}

// TestUnreadAdvice: up to five unread paths, the refusal prints the
// exclude line itself; past five (a vault that ran out of file
// descriptors), where relink check lists them.
func TestUnreadAdvice(t *testing.T) {
	var ps []vault.Problem
	for i := range 6 {
		ps = append(ps, vault.Problem{File: fmt.Sprintf("f%d", i), Message: "cannot read: too many open files", Unread: true})
		err := refuseUnread(&Report{Problems: ps}, "apply")
		line := strings.Contains(err.Error(), "exclude = [")
		if line != (len(ps) <= maxExcludeLine) || !line && !strings.Contains(err.Error(), "relink check lists") {
			t.Errorf("%d unread: %v", len(ps), err)
		}
	}
	if err := refuseUnread(&Report{Problems: []vault.Problem{{File: "bad.md", Message: "frontmatter: yaml"}}}, "apply"); err != nil {
		t.Errorf("a note read and found broken: %v", err)
	}
}
