package workspace

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/vaultgen"
)

// verifyEdits checks the invariants of every planned edit against the files
// on disk: old is exactly the bytes at start:end, the file still parses
// after the splice, and the rewritten link resolves exactly to the edit's
// target.
func verifyEdits(t *testing.T, rep *Report) {
	t.Helper()
	byFile := map[string][]plan.Edit{}
	for _, e := range rep.Plan.Edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	ix := rep.Index
	for _, f := range files {
		src, err := rep.Vault.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ses []splice.Edit
		for _, e := range byFile[f] {
			if e.Start < 0 || e.End > len(src) || string(src[e.Start:e.End]) != e.Old {
				t.Errorf("%s:%d: old %q is not the file's bytes at %d:%d", f, e.Line, e.Old, e.Start, e.End)
				continue
			}
			ses = append(ses, splice.Edit{Start: e.Start, End: e.End, Old: e.Old, New: e.New})
		}
		out, err := splice.Apply(src, ses)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Re-parse the rewritten note and resolve each new link.
		src0, ok := ix.NoteByPath(f)
		if !ok {
			t.Fatalf("%s: not in index", f)
		}
		nn := note.Parse(f, out, rep.Settings.Dialect.Syntax())
		if nn.Err != nil {
			t.Fatalf("%s: rewritten note does not parse: %v", f, nn.Err)
		}
		shift := 0
		for _, e := range byFile[f] {
			l := findNewLink(nn.Links, e.Start+shift, e.New)
			shift += len(e.New) - len(e.Old)
			if l == nil {
				t.Errorf("%s:%d:%d: new link %q not found after rewrite", f, e.Line, e.Col, e.New)
				continue
			}
			r := ix.Resolve(src0, l)
			if r.Class != index.Resolved || ix.Notes[r.Target].Path != e.Target {
				t.Errorf("%s:%d:%d: %q -> %q resolves as %v to %d, want resolved to %s", f, e.Line, e.Col, e.Old, e.New, r.Class, r.Target, e.Target)
			}
		}
	}
}

// findNewLink finds the link at byte offset start of the rewritten file.
func findNewLink(links []note.Link, start int, text string) *note.Link {
	for i := range links {
		if int(links[i].Whole.Start) == start && links[i].Text == text {
			return &links[i]
		}
	}
	return nil
}

// TestCorpora runs plan over every real vault in ../shared/corpora.
func TestCorpora(t *testing.T) {
	base := filepath.Join("..", "..", "..", "shared", "corpora")
	if _, err := os.Stat(base); err != nil {
		t.Skip("../shared/corpora not present")
	}
	vaults := map[string]string{
		"johngrib-wiki": filepath.Join(base, "johngrib-wiki", "_wiki"),
		"foam-docs":     filepath.Join(base, "foam-docs", "docs"),
		"dendron-site":  filepath.Join(base, "dendron-site"),
	}
	for name, dir := range vaults {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(dir); err != nil {
				t.Skip(dir, "absent")
			}
			rep, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Vault.Close()
			verifyEdits(t, rep)
			s := rep.Plan.Stats
			t.Logf("%s: dialect %s, %+v, %d edits, %d problems", name, rep.Settings.Dialect.Name(), s, len(rep.Plan.Edits), len(rep.Problems))
			if s.Links == 0 || s.Notes == 0 {
				t.Errorf("read nothing: %+v", s)
			}
			if rep.Doubt != nil {
				t.Errorf("detected dialect %s looks wrong on a real vault: %s", rep.Settings.Dialect.Name(), rep.Doubt)
			}
		})
	}
	// A Dendron vault whose dendron.yml is missing is read with wiki rules:
	// the guard must trip and name Dendron.
	t.Run("dendron-without-config", func(t *testing.T) {
		src := filepath.Join(vaults["dendron-site"], "vault")
		if _, err := os.Stat(src); err != nil {
			t.Skip("absent")
		}
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		rep, err := Load(dir, Options{Cache: new(bool)})
		if err != nil {
			t.Fatal(err)
		}
		defer rep.Vault.Close()
		if rep.Doubt == nil || rep.Doubt.Likely != "dendron" {
			t.Fatalf("doubt %+v, want one naming dendron (%d of %d off)", rep.Doubt, rep.Plan.NoteLinksOff, rep.Plan.NoteLinks)
		}
		t.Log(rep.Doubt)
	})
	// A Dendron vault read with wiki rules given explicitly looks mostly
	// broken, and the guard is silent: the user has decided.
	t.Run("dendron-as-wiki", func(t *testing.T) {
		dir := vaults["dendron-site"]
		if _, err := os.Stat(dir); err != nil {
			t.Skip("absent")
		}
		rep, err := Load(dir, Options{Dialect: "wiki"})
		if err != nil {
			t.Fatal(err)
		}
		defer rep.Vault.Close()
		if !mostOff(rep.Plan.NoteLinks, rep.Plan.NoteLinksOff) {
			t.Errorf("wiki rules on a Dendron vault: %d of %d off, want most", rep.Plan.NoteLinksOff, rep.Plan.NoteLinks)
		}
		// Given explicitly, the dialect is the user's decision.
		if rep.Doubt != nil || len(rep.Warnings) != 0 {
			t.Errorf("explicit dialect: doubt %+v, warnings %q", rep.Doubt, rep.Warnings)
		}
	})
}

// TestGeneratedTruth plans a generated vault and compares every edit and
// finding with the generator's ground truth: precision and recall must both
// be 1.
func TestGeneratedTruth(t *testing.T) {
	for _, dialect := range []string{"wiki", "obsidian", "foam"} {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			// RELINK_TRUTH_NOTES=10000 checks a larger vault by hand.
			notes, seed := 400, int64(7)
			if n, err := strconv.Atoi(os.Getenv("RELINK_TRUTH_NOTES")); err == nil {
				notes, seed = n, 11
			}
			truth, err := vaultgen.Generate(dir, vaultgen.Options{Notes: notes, Seed: seed, Dialect: dialect})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Vault.Close()
			verifyEdits(t, rep)
			compareTruth(t, rep, truth)
		})
	}
}

func compareTruth(t *testing.T, rep *Report, truth *vaultgen.Truth) {
	t.Helper()
	type key struct {
		file  string
		start int
	}
	edits := map[key]plan.Edit{}
	for _, e := range rep.Plan.Edits {
		edits[key{e.File, e.Start}] = e
	}
	finds := map[key]plan.Finding{}
	// Findings carry line/col; map them through the truth's positions.
	type pos struct {
		file      string
		line, col int
	}
	byPos := map[pos]plan.Finding{}
	for _, f := range rep.Plan.Findings {
		byPos[pos{f.File, f.Line, f.Col}] = f
	}
	var wantEdits, gotRight, missed int
	for _, l := range truth.Links {
		k := key{l.File, l.Start}
		e, hasEdit := edits[k]
		f, hasFinding := byPos[pos{l.File, l.Line, l.Col}]
		if hasFinding {
			finds[k] = f
		}
		switch l.Class {
		case "variant":
			wantEdits++
			if !hasEdit {
				missed++
				t.Errorf("%s:%d:%d: variant %q: no edit (finding %+v)", l.File, l.Line, l.Col, l.Text, f)
				continue
			}
			if e.New != l.New || e.Target != l.Target {
				t.Errorf("%s:%d:%d: %q -> %q (%s), want %q (%s)", l.File, l.Line, l.Col, l.Text, e.New, e.Target, l.New, l.Target)
				continue
			}
			gotRight++
		case "resolved":
			if hasEdit || hasFinding {
				t.Errorf("%s:%d:%d: resolved link %q got edit %+v / finding %+v", l.File, l.Line, l.Col, l.Text, e, f)
			}
		default: // broken, ambiguous, alias, duplicate: a finding, no edit
			if hasEdit {
				t.Errorf("%s:%d:%d: %s link %q must not be rewritten, got %q", l.File, l.Line, l.Col, l.Class, l.Text, e.New)
				continue
			}
			if !hasFinding || f.Class != l.Class {
				t.Errorf("%s:%d:%d: %s link %q: finding %+v", l.File, l.Line, l.Col, l.Class, l.Text, f)
			}
		}
	}
	// Every edit must be one the truth expects.
	truthAt := map[key]bool{}
	for _, l := range truth.Links {
		truthAt[key{l.File, l.Start}] = true
	}
	extra := 0
	for k, e := range edits {
		if !truthAt[k] {
			extra++
			if extra < 10 {
				t.Errorf("unexpected edit %s:%d:%d %q -> %q", e.File, e.Line, e.Col, e.Old, e.New)
			}
		}
	}
	t.Logf("truth: %d variant edits expected, %d right, %d missed, %d unexpected edits; stats %+v", wantEdits, gotRight, missed, extra, rep.Plan.Stats)
}
