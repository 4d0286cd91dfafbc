package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		toml string
		err  string // "" for no error
	}{
		{"", ""},
		{"max_file_size = 1", ""},
		{"max_file_size = 16777216", ""},
		{"max_file_size = -1", ".relink.toml: max_file_size = -1: want a size in bytes above 0"},
		{"max_file_size = 0", ".relink.toml: max_file_size = 0: want a size in bytes above 0"},
		{"[snapshot]\nkeep_last = 0\nkeep_daily = 7", ""},
		{"max_links_per_note = 500000", ""},
		{"max_links_per_note = 0", ".relink.toml: max_links_per_note = 0: want a count above 0"},
		{"max_links_per_note = -5", ".relink.toml: max_links_per_note = -5: want a count above 0"},
		{"[snapshot]\nkeep_last = -1", ".relink.toml: [snapshot] keep_last = -1: want a count of 0 or more (0 turns the rule off)"},
		{"[snapshot]\nkeep_yearly = -3", ".relink.toml: [snapshot] keep_yearly = -3: want a count of 0 or more (0 turns the rule off)"},
		{"[snapshot]\nkeep_hourly = -2", ".relink.toml: [snapshot] keep_hourly = -2: want a count of 0 or more (0 turns the rule off)"},
		{"[lsp.severity]\nbroken = \"error\"\nalias = \"off\"", ""},
		{"[lsp.severity]\nbroken = \"fatal\"", `.relink.toml: [lsp.severity] broken = "fatal": want one of error, warning, information, hint, off`},
		{"[lsp.severity]\nbroke = \"error\"", `.relink.toml: [lsp.severity] unknown class "broke" (want one of variant, renamed, heading, ambiguous, alias, broken, duplicate)`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(tt.toml), 0o644); err != nil {
			t.Fatal(err)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(root)
		root.Close()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("%q: error %q, want %q", tt.toml, got, tt.err)
		}
	}
}
