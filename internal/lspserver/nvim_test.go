package lspserver_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNeovim: a real editor — Neovim 0.7, headless, through
// vim.lsp.start_client — opens a note of the sample vault, gets relink's
// diagnostics, applies the canonical-name code action, and its buffer
// holds exactly the note with that one link rewritten. Skipped without
// nvim (.ci/run installs Debian's neovim).
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim not found; .ci/run installs neovim")
	}
	vault := sampleVault(t)
	before, err := os.ReadFile(filepath.Join(vault, "Home.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "nvim_fix.lua"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "buffer")
	state := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "RELINK_VAULT="+vault, "RELINK_BIN="+relinkBin, "RELINK_OUT="+out,
		"XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state, "XDG_DATA_HOME="+state, "HOME="+state)
	cmd.Dir = vault
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote no result: %v", err)
	}
	want := strings.Replace(string(before), "[[disaster-recovery]]", "[[Disaster Recovery]]", 1)
	if string(got) != want {
		t.Errorf("buffer after the code action:\n%s\nwant:\n%s", got, want)
	}
	// The file itself is the editor's to save: relink wrote nothing.
	if after, _ := os.ReadFile(filepath.Join(vault, "Home.md")); string(after) != string(before) {
		t.Errorf("Home.md changed on disk")
	}
}
