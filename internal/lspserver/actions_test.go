package lspserver_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// actionsAt asks for the code actions at the first occurrence of sub in
// the open note rel, whose text is text.
func (c *client) actionsAt(rel, text, sub string, only ...string) []codeAction {
	c.t.Helper()
	line, char := positionOf(c.t, text, sub, 2)
	ctx := map[string]any{"diagnostics": []any{}}
	if len(only) > 0 {
		ctx["only"] = only
	}
	var out []codeAction
	c.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": c.uri(rel)},
		"range":        map[string]any{"start": map[string]any{"line": line, "character": char}, "end": map[string]any{"line": line, "character": char}},
		"context":      ctx,
	}, &out)
	return out
}

func titles(as []codeAction) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

func action(t *testing.T, as []codeAction, title string) codeAction {
	t.Helper()
	for _, a := range as {
		if a.Title == title {
			return a
		}
	}
	t.Fatalf("no action %q in %q", title, titles(as))
	return codeAction{}
}

// TestCodeActionsFixLinks: each class gets its fixes, each edit rewrites
// just the link, and the canonical-name fix is the preferred one.
func TestCodeActionsFixLinks(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	text := c.open("Home.md")
	uri := c.uri("Home.md")
	quick := []string{"quickfix"}

	a := action(t, c.actionsAt("Home.md", text, "[[disaster-recovery]]", quick...), "Change to [[Disaster Recovery]]")
	if !a.IsPreferred || a.Kind != "quickfix" {
		t.Errorf("canonical-name action %+v: want a preferred quickfix", a)
	}
	got := applyEdits(t, text, a.Edit.Changes[uri])
	if want := strings.Replace(text, "[[disaster-recovery]]", "[[Disaster Recovery]]", 1); got != want {
		t.Errorf("canonical-name edit gives\n%s", got)
	}

	as := c.actionsAt("Home.md", text, "[[cache line]]", quick...)
	for _, title := range []string{"Pick [[Cache-Line]] (Topics/Cache-Line.md)", "Pick [[Cache_Line]] (Topics/Cache_Line.md)"} {
		a := action(t, as, title)
		if a.IsPreferred {
			t.Errorf("%s is preferred: an ambiguous link is a person's choice", title)
		}
	}

	a = action(t, c.actionsAt("Home.md", text, "[[DR]]", quick...), "Accept the alias: [[Disaster Recovery]] (Topics/Disaster Recovery.md)")
	if got := applyEdits(t, text, a.Edit.Changes[uri]); !strings.Contains(got, "- [[Disaster Recovery]] only matches an alias") {
		t.Errorf("alias edit gives\n%s", got)
	}

	a = action(t, c.actionsAt("Home.md", text, "[[Disaster Recovry]]", quick...), "Did you mean [[Disaster Recovery]]? (Topics/Disaster Recovery.md)")
	if got := applyEdits(t, text, a.Edit.Changes[uri]); !strings.Contains(got, "so is [[Disaster Recovery]]") {
		t.Errorf("near-name edit gives\n%s", got)
	}

	a = action(t, c.actionsAt("Home.md", text, "[[Nonexistent Topic]]", quick...), "Create note Nonexistent Topic.md")
	dc := a.Edit.DocumentChanges
	if len(dc) != 2 || dc[0].Kind != "create" || dc[0].URI != c.uri("Nonexistent Topic.md") ||
		dc[1].TextDocument.URI != dc[0].URI || len(dc[1].Edits) != 1 || dc[1].Edits[0].NewText != "# Nonexistent Topic\n" {
		t.Errorf("create-note action %+v", dc)
	}
	// A broken heading of a note that exists creates nothing.
	heads := c.open("Ops/Runbook.md")
	for _, a := range c.actionsAt("Ops/Runbook.md", heads, "[[Disaster Recovery#Restore Drill]]", quick...) {
		if strings.HasPrefix(a.Title, "Create note") {
			t.Errorf("create-note offered for a broken heading: %+v", a)
		}
	}

	dup := c.open("Notes/Canonical Ids.md")
	a = action(t, c.actionsAt("Notes/Canonical Ids.md", dup, "[[Canonical Ids Copy]]", quick...), "Follow the duplicate to [[Canonical Ids]] (Notes/Canonical Ids.md)")
	if got := applyEdits(t, dup, a.Edit.Changes[c.uri("Notes/Canonical Ids.md")]); !strings.Contains(got, "see [[Canonical Ids]].") {
		t.Errorf("duplicate edit gives\n%s", got)
	}
}

// TestFixAllInFile: the source action holds every edit of the note's plan
// and leaves the rest of the text alone.
func TestFixAllInFile(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	text := c.open("Home.md")
	a := action(t, c.actionsAt("Home.md", text, "## Topics", "source.fixAll"), "Fix all in this file (4 links)")
	got := applyEdits(t, text, a.Edit.Changes[c.uri("Home.md")])
	want := text
	for _, r := range [][2]string{
		{"[[disaster-recovery]]", "[[Disaster Recovery]]"},
		{"[[v8_snapshot|the snapshot note]]", "[[V8 Snapshot|the snapshot note]]"},
		{"![[v8 snapshot]]", "![[V8 Snapshot]]"},
		{`[[v8-snapshot\|V8]]`, `[[V8 Snapshot\|V8]]`},
	} {
		want = strings.Replace(want, r[0], r[1], 1)
	}
	if got != want {
		t.Errorf("fix all in this file gives\n%s\nwant\n%s", got, want)
	}
}

// TestFixAllInVault: the command writes the vault's plan through apply's
// path, names the snapshot in a message, leaves a note with unsaved
// changes alone, and relink undo reverts it.
func TestFixAllInVault(t *testing.T) {
	vault := sampleVault(t)
	c := start(t, vault, nil)
	text := c.open("Home.md")
	onCall := c.open("Ops/On-Call.md")
	c.change("Ops/On-Call.md", 2, onCall+"\nunsaved\n")
	a := action(t, c.actionsAt("Home.md", text, "## Topics", "source"), "Fix all in the vault (22 links, with a snapshot)")
	if a.Command == nil || a.Command.Command != "relink.fixVault" {
		t.Fatalf("fix-all-in-vault action %+v", a)
	}
	c.call("workspace/executeCommand", map[string]any{"command": a.Command.Command}, nil)
	m := c.waitMessage()
	if !strings.HasPrefix(m.Message, "relink: fixed 19 links in 12 files; snapshot ") || !strings.Contains(m.Message, "(relink undo reverts it); left alone with unsaved changes: Ops/On-Call.md") {
		t.Errorf("message %q", m.Message)
	}
	home, _ := os.ReadFile(filepath.Join(vault, "Home.md"))
	if !strings.Contains(string(home), "- [[Disaster Recovery]] — a case and separator variant") {
		t.Errorf("Home.md not fixed on disk:\n%s", home)
	}
	if b, _ := os.ReadFile(filepath.Join(vault, "Ops/On-Call.md")); string(b) != onCall {
		t.Errorf("Ops/On-Call.md written though the editor holds unsaved changes")
	}
	// The editor reloads the note it holds unchanged from its file, and
	// the diagnostics follow.
	c.change("Home.md", 2, string(home))
	c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, still := find(ds, "variant", "")
		return !still
	})
	undo := exec.Command(relinkBin, "undo", vault)
	undo.Env = append(os.Environ(), "XDG_STATE_HOME="+c.state, "HOME="+c.state)
	if out, err := undo.CombinedOutput(); err != nil {
		t.Fatalf("relink undo: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(vault, "Home.md")); string(b) != text {
		t.Errorf("relink undo did not restore Home.md:\n%s", b)
	}
}
