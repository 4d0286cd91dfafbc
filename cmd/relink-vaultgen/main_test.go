package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "vault")
	truth := filepath.Join(t.TempDir(), "truth.json")
	args := []string{"-n", "30", "-seed", "2", "-o", dir, "-dialect", "obsidian", "-truth", truth, "-q"}
	if err := run(args, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".obsidian")); err != nil {
		t.Error(err)
	}
	if fi, err := os.Stat(truth); err != nil || fi.Size() == 0 {
		t.Errorf("truth: %v", err)
	}
	err := run(args, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second run into the same dir: %v, want refusal", err)
	}
	if err := run(append(args, "-force"), io.Discard); err != nil {
		t.Errorf("-force: %v", err)
	}
	if err := run([]string{"-n", "5"}, io.Discard); err == nil {
		t.Error("no -o: want error")
	}
	empty := t.TempDir()
	if err := run([]string{"-n", "5", "-o", empty, "-truth", filepath.Join(empty, "t.json")}, io.Discard); err == nil {
		t.Error("truth inside vault: want error")
	}
}
