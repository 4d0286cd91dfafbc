package lspserver_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// applyWorkspaceEdit carries out a WorkspaceEdit on the vault's files as
// an editor would: file operations and text edits in order.
func (c *client) applyWorkspaceEdit(e workspaceEdit) {
	c.t.Helper()
	path := func(uri string) string {
		return filepath.Join(c.vault, filepath.FromSlash(strings.TrimPrefix(uriPathOf(uri), filepath.ToSlash(c.vault)+"/")))
	}
	for _, dc := range e.DocumentChanges {
		switch dc.Kind {
		case "rename":
			if err := os.Rename(path(dc.OldURI), path(dc.NewURI)); err != nil {
				c.t.Fatal(err)
			}
		case "create":
			if err := os.WriteFile(path(dc.URI), nil, 0o644); err != nil {
				c.t.Fatal(err)
			}
		default:
			p := path(dc.TextDocument.URI)
			b, err := os.ReadFile(p)
			if err != nil {
				c.t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(applyEdits(c.t, string(b), dc.Edits)), 0o644); err != nil {
				c.t.Fatal(err)
			}
		}
	}
}

// checkClean runs relink check on the vault and returns its output.
func (c *client) check() string {
	c.t.Helper()
	out, _ := c.relink("check", c.vault)
	return out
}

// TestRenameNote: renaming at a link's target renames the note's file and
// rewrites every link to it, as relink mv does; the vault checks as
// before, with the new name.
func TestRenameNote(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	before := c.check()
	text := c.open("Ops/On-Call.md")
	line, char := positionOf(t, text, "[[runbook]]", 3)
	var prep struct {
		Range       lspRange `json:"range"`
		Placeholder string   `json:"placeholder"`
	}
	c.call("textDocument/prepareRename", textDoc(c.uri("Ops/On-Call.md"), line, char), &prep)
	if prep.Placeholder != "runbook" || prep.Range.Start.Character != char-1 || prep.Range.End.Character != char-1+len("runbook") {
		t.Errorf("prepareRename %+v", prep)
	}
	params := textDoc(c.uri("Ops/On-Call.md"), line, char)
	params["newName"] = "Playbook"
	var e workspaceEdit
	c.call("textDocument/rename", params, &e)
	if len(e.DocumentChanges) == 0 || e.DocumentChanges[0].Kind != "rename" ||
		e.DocumentChanges[0].OldURI != c.uri("Ops/Runbook.md") || e.DocumentChanges[0].NewURI != c.uri("Ops/Playbook.md") {
		t.Fatalf("rename edit %+v: want the file's rename first", e.DocumentChanges)
	}
	c.applyWorkspaceEdit(e)
	home, _ := os.ReadFile(filepath.Join(c.vault, "Home.md"))
	if !strings.Contains(string(home), "its runbook [[Ops/Playbook]]") {
		t.Errorf("Home.md after the rename:\n%s", home)
	}
	// Nothing broke: the same broken and ambiguous links as before.
	after := c.check()
	for _, class := range []string{": broken:", ": ambiguous:"} {
		if strings.Count(after, class) != strings.Count(before, class) {
			t.Errorf("check after the rename:\n%s\nbefore:\n%s", after, before)
		}
	}
}

// TestRenameHeading: renaming on a heading line renames the heading and
// every link into it.
func TestRenameHeading(t *testing.T) {
	vault := sampleVault(t)
	if err := os.WriteFile(filepath.Join(vault, "Notes/Backups.md"), []byte("See [[Disaster Recovery#Backup Strategy]].\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := start(t, vault, nil)
	backups := c.open("Notes/Backups.md")
	var prep struct {
		Placeholder string `json:"placeholder"`
	}
	line, char := positionOf(t, backups, "#Backup", 3)
	c.call("textDocument/prepareRename", textDoc(c.uri("Notes/Backups.md"), line, char), &prep)
	if prep.Placeholder != "Backup Strategy" {
		t.Errorf("prepareRename on a link's heading: %+v", prep)
	}
	text := c.open("Topics/Disaster Recovery.md")
	line, _ = positionOf(t, text, "## Backup Strategy", 0)
	params := textDoc(c.uri("Topics/Disaster Recovery.md"), line, 5)
	params["newName"] = "Backups"
	var e workspaceEdit
	c.call("textDocument/rename", params, &e)
	c.applyWorkspaceEdit(e)
	dr, _ := os.ReadFile(filepath.Join(c.vault, "Topics/Disaster Recovery.md"))
	rb, _ := os.ReadFile(filepath.Join(c.vault, "Notes/Backups.md"))
	if !strings.Contains(string(dr), "\n## Backups\n") || string(rb) != "See [[Disaster Recovery#Backups]].\n" {
		t.Errorf("after renaming the heading:\n%s\n%s", dr, rb)
	}
}

// TestRenameRefusals: a name taken is refused with mv's message; a file
// the rename would edit that has unsaved changes makes it refuse.
func TestRenameRefusals(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	text := c.open("Home.md")
	line, char := positionOf(t, text, "[[Ops/Runbook]]", 5)
	params := textDoc(c.uri("Home.md"), line, char)
	params["newName"] = "On-Call"
	err := c.tryCall("textDocument/rename", params, nil)
	if err == nil || !strings.Contains(err.Error(), "Ops/On-Call.md already exists") {
		t.Errorf("rename onto an existing note: %v", err)
	}
	c.change("Home.md", 2, text+"\nunsaved\n")
	params["newName"] = "Playbook"
	err = c.tryCall("textDocument/rename", params, nil)
	if err == nil || !strings.Contains(err.Error(), "save Home.md first") {
		t.Errorf("rename with unsaved changes: %v", err)
	}
}

// TestWillRenameFiles: a note the editor moves gets the link edits of
// relink mv, named by the files' paths before the move.
func TestWillRenameFiles(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	var e workspaceEdit
	c.call("workspace/willRenameFiles", map[string]any{"files": []any{
		map[string]any{"oldUri": c.uri("Ops/Runbook.md"), "newUri": c.uri("Ops/Playbook.md")},
	}}, &e)
	for _, dc := range e.DocumentChanges {
		if dc.Kind != "" {
			t.Errorf("a file operation %+v: the editor moves the file itself", dc)
		}
		if dc.TextDocument.URI == c.uri("Ops/Playbook.md") {
			t.Errorf("an edit names the new path, which does not exist yet")
		}
	}
	c.applyWorkspaceEdit(e)
	if err := os.Rename(filepath.Join(c.vault, "Ops/Runbook.md"), filepath.Join(c.vault, "Ops/Playbook.md")); err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{
		"Home.md":                     "its runbook [[Ops/Playbook]]",
		"Topics/Disaster Recovery.md": "Follow [[Ops/Playbook]] step by step",
		// Still the note's title, which the move does not change.
		"Ops/On-Call.md": "Escalate through [[runbook]]",
	} {
		b, _ := os.ReadFile(filepath.Join(c.vault, rel))
		if !strings.Contains(string(b), want) {
			t.Errorf("%s after the move lacks %q:\n%s", rel, want, b)
		}
	}
}
