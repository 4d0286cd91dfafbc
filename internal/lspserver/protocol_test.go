package lspserver_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func codes(ds []diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	slices.Sort(out)
	return out
}

func find(ds []diagnostic, code, msgPart string) (diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code && strings.Contains(d.Message, msgPart) {
			return d, true
		}
	}
	return diagnostic{}, false
}

// TestDiagnostics: an open note gets check's findings and edits, each with
// its class as the code and check's line as the message, at the link's
// place; an unsaved edit is checked from the buffer; closing clears them;
// shutdown then exit ends the process with 0.
func TestDiagnostics(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	text := c.open("Home.md")
	ds := c.waitDiags("Home.md", func(ds []diagnostic) bool { return len(ds) > 0 })
	want := []string{"alias", "ambiguous", "broken", "broken", "broken", "variant", "variant", "variant", "variant"}
	if got := codes(ds); !slices.Equal(got, want) {
		t.Errorf("codes %v, want %v (check's findings of Home.md)", got, want)
	}
	d, ok := find(ds, "variant", "[[disaster-recovery]]")
	if !ok {
		t.Fatalf("no variant diagnostic for [[disaster-recovery]] in %+v", ds)
	}
	if d.Message != "variant: [[disaster-recovery]] -> [[Disaster Recovery]]" || d.Source != "relink" || d.Severity != 2 {
		t.Errorf("variant diagnostic %+v", d)
	}
	line, char := positionOf(t, text, "[[disaster-recovery]]", 0)
	if d.Range.Start != (position{line, char}) || d.Range.End != (position{line, char + len("[[disaster-recovery]]")}) {
		t.Errorf("variant range %+v, want line %d chars %d..%d", d.Range, line, char, char+21)
	}
	if d, _ := find(ds, "alias", "[[DR]]"); d.Severity != 3 {
		t.Errorf("alias severity %d, want 3 (information)", d.Severity)
	}
	if d, _ := find(ds, "ambiguous", "[[cache line]]"); !strings.Contains(d.Message, "candidates: Topics/Cache-Line.md, Topics/Cache_Line.md") {
		t.Errorf("ambiguous message %q", d.Message)
	}
	// Unsaved text: a new drifted link shows up, a fixed one goes.
	edited := strings.Replace(text, "[[disaster-recovery]]", "[[Disaster Recovery]] [[pager_rotation]]", 1)
	c.change("Home.md", 2, edited)
	ds = c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, added := find(ds, "variant", "[[pager_rotation]] -> [[Pager Rotation]]")
		_, still := find(ds, "variant", "[[disaster-recovery]]")
		return added && !still
	})
	if len(ds) != len(want) {
		t.Errorf("after the edit: %d diagnostics, want %d", len(ds), len(want))
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": c.uri("Home.md")}})
	c.waitDiags("Home.md", func(ds []diagnostic) bool { return len(ds) == 0 })
	c.shutdown()
}

// TestDiagnosticsOfANoteItCannotRead: a note with broken YAML gets one
// error diagnostic saying why its links are not checked.
func TestDiagnosticsOfANoteItCannotRead(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	c.open("Notes/Broken YAML.md")
	ds := c.waitDiags("Notes/Broken YAML.md", func(ds []diagnostic) bool { return len(ds) > 0 })
	if len(ds) != 1 || ds[0].Severity != 1 || !strings.Contains(ds[0].Message, "yaml") {
		t.Errorf("diagnostics %+v, want one error naming the YAML problem", ds)
	}
}

// TestSeverities: the config file's [lsp.severity] sets the severity of
// a class, initializationOptions override it, and "off" hides a class.
func TestSeverities(t *testing.T) {
	vault := sampleVault(t)
	conf := "[lsp.severity]\nbroken = \"error\"\nalias = \"off\"\nvariant = \"information\"\n"
	if err := os.WriteFile(filepath.Join(vault, ".relink.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	c := start(t, vault, map[string]any{"severity": map[string]string{"variant": "hint"}})
	c.open("Home.md")
	ds := c.waitDiags("Home.md", func(ds []diagnostic) bool { return len(ds) > 0 })
	for _, d := range ds {
		want := map[string]int{"broken": 1, "variant": 4, "ambiguous": 2}[d.Code]
		if d.Severity != want {
			t.Errorf("%s: severity %d, want %d", d.Code, d.Severity, want)
		}
	}
	if _, ok := find(ds, "alias", ""); ok {
		t.Errorf("alias shown though it is off: %+v", ds)
	}
}

// TestBadSeverity: a severity that is not one is refused at initialize,
// with the class and the choices named.
func TestBadSeverity(t *testing.T) {
	c := launch(t, sampleVault(t))
	err := c.initialize(map[string]any{"severity": map[string]string{"broken": "loud"}}, nil)
	if err == nil || !strings.Contains(err.Error(), `broken = "loud": want one of error, warning, information, hint, off`) {
		t.Errorf("initialize with a bad severity: %v", err)
	}
}

// TestExitWithoutShutdown: exit before shutdown ends the server with 1,
// as LSP asks.
func TestExitWithoutShutdown(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	c.notify("exit", nil)
	err := <-c.exited
	c.exited <- err
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit without shutdown: %v, want exit status 1", err)
	}
}

// TestOtherNotesFollow: a note opened in the editor but not saved, and a
// note written on disk, change the diagnostics of another open note.
func TestOtherNotesFollow(t *testing.T) {
	vault := sampleVault(t)
	c := start(t, vault, nil)
	c.open("Home.md")
	c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, ok := find(ds, "broken", "[[Nonexistent Topic]]")
		return ok
	})
	c.openText("Nonexistent Topic.md", "# Nonexistent Topic\n")
	c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, ok := find(ds, "broken", "[[Nonexistent Topic]]")
		return !ok && len(ds) > 0
	})
	if err := os.WriteFile(filepath.Join(vault, "Disaster Recovry.md"), []byte("# Disaster Recovry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, ok := find(ds, "broken", "[[Disaster Recovry]]")
		return !ok && len(ds) > 0
	})
	// Closed unsaved, the new note is gone again.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": c.uri("Nonexistent Topic.md")}})
	c.waitDiags("Home.md", func(ds []diagnostic) bool {
		_, ok := find(ds, "broken", "[[Nonexistent Topic]]")
		return ok
	})
}

// TestInitializeNewerClient: a client that sends capabilities in a newer
// protocol's shapes (an object where 3.16 has a bool) still starts it.
func TestInitializeNewerClient(t *testing.T) {
	c := launch(t, sampleVault(t))
	var res struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	err := c.tryCall("initialize", map[string]any{
		"processId": nil, "rootUri": c.uri(""),
		"capabilities": map[string]any{
			"general":      map[string]any{"positionEncodings": []string{"utf-16"}},
			"textDocument": map[string]any{"synchronization": "full", "completion": true, "diagnostic": map[string]any{"dynamicRegistration": true}},
			"workspace":    map[string]any{"workspaceFolders": map[string]any{"supported": true}, "didChangeWatchedFiles": 1},
		},
	}, &res)
	if err != nil || res.Capabilities["renameProvider"] == nil {
		t.Fatalf("initialize: %v %v", err, res.Capabilities)
	}
	c.notify("initialized", map[string]any{})
	c.open("Home.md")
	c.waitDiags("Home.md", func(ds []diagnostic) bool { return len(ds) > 0 })
}
