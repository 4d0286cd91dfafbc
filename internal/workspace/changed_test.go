package workspace

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/plan"
)

// needGit skips a test where git is not installed.
func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// runGit runs git in dir with a fixed identity and fails the test on an
// error.
func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=relink", "-c", "user.email=relink@example.com", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", "-c", "gc.auto=0"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// gitVault writes files into a new repository at dir and commits them.
func gitVault(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, dir, "init", "-q")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "vault")
}

func noCache() *bool { off := false; return &off }

// fullPlan is a full check of the vault at dir: no caches, a store folder
// of its own (so no names of an earlier run), git's renames since since.
func fullPlan(t testing.TB, dir, since string) *plan.Plan {
	t.Helper()
	rep, err := Load(dir, Options{Cache: noCache(), Store: filepath.Join(t.TempDir(), "store"), Since: since, Once: true})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	return rep.Plan
}

// referenceChanged is what check --changed ref must report for the vault
// at dir, the top of its repository, computed the long way: a full check
// of the work tree, restricted to the files that differ from a checkout of
// ref (compared byte for byte, the files git ignores kept on both sides)
// and to the links of the other files whose outcome differs in a full
// check of that checkout.
func referenceChanged(t testing.TB, dir, ref string) (edits []plan.Edit, findings []plan.Finding) {
	t.Helper()
	before := filepath.Join(t.TempDir(), "before")
	if out, err := exec.Command("cp", "-a", dir, before).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	runGit(t, before, "reset", "-q", "--hard", ref)
	runGit(t, before, "clean", "-q", "-f", "-d")
	changed := differingFiles(t, dir, before)
	now := fullPlan(t, dir, ref)
	was := fullPlan(t, before, "")
	keys := map[string]bool{}
	for i := range was.Edits {
		keys[editKey(&was.Edits[i])] = true
	}
	for i := range was.Findings {
		keys[findingKey(&was.Findings[i])] = true
	}
	for _, e := range now.Edits {
		if changed[e.File] || !keys[editKey(&e)] {
			edits = append(edits, e)
		}
	}
	for _, f := range now.Findings {
		if changed[f.File] || !keys[findingKey(&f)] {
			findings = append(findings, f)
		}
	}
	return edits, findings
}

// differingFiles are the files, outside .git, that are in one tree and
// not the other or differ in their bytes.
func differingFiles(t testing.TB, a, b string) map[string]bool {
	t.Helper()
	read := func(root string) map[string]string {
		files := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				files[filepath.ToSlash(rel)] = string(b)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	fa, fb := read(a), read(b)
	out := map[string]bool{}
	for p, s := range fa {
		if t, ok := fb[p]; !ok || t != s {
			out[p] = true
		}
	}
	for p := range fb {
		if _, ok := fa[p]; !ok {
			out[p] = true
		}
	}
	return out
}

// checkChanged compares LoadChanged with the reference, and returns its
// plan.
func checkChanged(t testing.TB, dir, ref string) *plan.Plan {
	t.Helper()
	rep, _, err := LoadChanged(dir, ref, Options{Store: filepath.Join(t.TempDir(), "store"), Once: true})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	if ref == "" {
		ref = "HEAD"
	}
	wantEdits, wantFindings := referenceChanged(t, dir, ref)
	if !reflect.DeepEqual(nonNil(rep.Plan.Edits), nonNil(wantEdits)) {
		t.Errorf("edits:\n got %+v\nwant %+v", rep.Plan.Edits, wantEdits)
	}
	if !reflect.DeepEqual(nonNil(rep.Plan.Findings), nonNil(wantFindings)) {
		t.Errorf("findings:\n got %+v\nwant %+v", rep.Plan.Findings, wantFindings)
	}
	return rep.Plan
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// reported lists a plan's edits and findings as "file class link".
func reported(p *plan.Plan) []string {
	var out []string
	for _, e := range p.Edits {
		out = append(out, e.File+" "+e.Class+" "+e.Old)
	}
	for _, f := range p.Findings {
		out = append(out, f.File+" "+f.Class+" "+f.Link)
	}
	slices.Sort(out)
	return out
}

// base is a vault with one broken link nobody changes (other.md), which
// no check of a change may report.
var changedBase = map[string]string{
	"a.md":              "# A\n\n[[B]] [[Beta]] [[BB]] [[B#Setup]] ![[img.png]]\n",
	"B.md":              "---\ntitle: Beta\naliases: [BB]\n---\n# B\n\n## Setup\n",
	"img.png":           "png",
	"other.md":          "[[Nowhere]]\n",
	"x/Cache-Line.md":   "cache\n",
	"c.md":              "[[cache line]]\n",
	"Old.md":            "old\n",
	"d.md":              "[[Old]]\n",
	"Dup.md":            "---\nduplicate_of: Canon\n---\n",
	"Canon.md":          "canon\n",
	"e.md":              "[[Dup]]\n",
	".gitignore":        "ignored.md\n",
	"sub/nested/Far.md": "far\n",
	"f.md":              "[[nested/Far]]\n",
	"folder/x-path.md":  "---\ntitle: X Title\n---\n",
	"g.md":              "[[folder/x path]]\n",
}

// TestChangedMatchesReference: for each kind of change, check --changed
// reports exactly the reference, and the reports named.
func TestChangedMatchesReference(t *testing.T) {
	needGit(t)
	cases := []struct {
		name   string
		change func(t *testing.T, dir string)
		ref    string
		want   []string
	}{
		{"nothing", func(t *testing.T, dir string) {}, "", nil},
		{"delete", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "B.md"))
		}, "", []string{"a.md broken [[B#Setup]]", "a.md broken [[BB]]", "a.md broken [[B]]", "a.md broken [[Beta]]"}},
		{"rename untracked", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "Old.md"), filepath.Join(dir, "New.md"))
		}, "", []string{"d.md renamed [[Old]]"}},
		{"rename in git", func(t *testing.T, dir string) {
			runGit(t, dir, "mv", "Old.md", "Newer.md")
			runGit(t, dir, "commit", "-q", "-m", "rename")
		}, "HEAD~1", []string{"d.md renamed [[Old]]"}},
		{"retitle", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"B.md": "---\ntitle: Gamma\naliases: [BB]\n---\n# B\n\n## Setup\n"})
		}, "", []string{"a.md broken [[Beta]]"}},
		{"alias removed", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"B.md": "---\ntitle: Beta\n---\n# B\n\n## Setup\n"})
		}, "", []string{"a.md broken [[BB]]"}},
		{"heading renamed", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"B.md": "---\ntitle: Beta\naliases: [BB]\n---\n# B\n\n## Install\n"})
		}, "", []string{"a.md heading [[B#Setup]]"}},
		{"edit", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"c.md": "[[cache line]] [[Nope]]\n"})
		}, "", []string{"c.md broken [[Nope]]", "c.md variant [[cache line]]"}},
		{"new note makes a link ambiguous", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"y/Cache_Line.md": "other cache\n"})
		}, "", []string{"c.md ambiguous [[cache line]]"}},
		{"staged new note takes a name", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"Nowhere.md": "here\n"})
			runGit(t, dir, "add", "Nowhere.md")
		}, "", nil},
		{"attachment deleted", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "img.png"))
		}, "", []string{"a.md broken ![[img.png]]"}},
		{"canonical moved away", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "Canon.md"), filepath.Join(dir, "sub", "Canon2.md"))
		}, "", nil},
		{"duplicate marked", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"Old.md": "---\nduplicate_of: Canon\n---\n"})
		}, "", []string{"d.md duplicate [[Old]]"}},
		{"folder moved", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "sub", "nested"), filepath.Join(dir, "sub", "deep"))
		}, "", []string{"f.md renamed [[nested/Far]]"}},
		{"new note takes the name an edit writes", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"X Title.md": "another note\n"})
		}, "", []string{"g.md variant [[folder/x path]]"}},
		{"ignored note", func(t *testing.T, dir string) {
			writeTree(t, dir, map[string]string{"ignored.md": "[[Ignored Link]]\n"})
		}, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "vault")
			gitVault(t, dir, changedBase)
			c.change(t, dir)
			p := checkChanged(t, dir, c.ref)
			if got := reported(p); !reflect.DeepEqual(got, c.want) {
				t.Errorf("reported %q, want %q", got, c.want)
			}
		})
	}
}

// TestChangedNotGit: outside a git work tree, the error names the folder.
func TestChangedNotGit(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.md": "x\n"})
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	_, _, err := LoadChanged(dir, "", Options{})
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "not in a git work tree") {
		t.Fatalf("err = %v, want one naming %s as not in a git work tree", err, dir)
	}
}

// TestChangedUnbornHead: a repository without a commit yet: everything is
// new, so --changed reports what a full check does.
func TestChangedUnbornHead(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "vault")
	writeTree(t, dir, map[string]string{"a.md": "[[Nope]]\n", "b.md": "[[a]]\n"})
	runGit(t, dir, "init", "-q")
	rep, _, err := LoadChanged(dir, "", Options{Store: filepath.Join(t.TempDir(), "store")})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	if got, want := reported(rep.Plan), []string{"a.md broken [[Nope]]"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reported %q, want %q", got, want)
	}
}

// corporaDir finds the shared corpora beside the repository, or skips.
func corporaDir(t testing.TB) string {
	for _, d := range []string{filepath.Join("..", "..", "..", "shared", "corpora"), filepath.Join("..", "..", "..", "..", "shared", "corpora"), "/work/shared/corpora"} {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	t.Skip("shared/corpora not present")
	return ""
}

// TestChangedCorpora makes random changes to real vaults (notes deleted,
// moved, retitled, re-aliased, edited, added under a taken name) and
// compares check --changed with the reference each time.
func TestChangedCorpora(t *testing.T) {
	needGit(t)
	if testing.Short() {
		t.Skip("copies and commits real vaults")
	}
	base := corporaDir(t)
	for _, name := range []string{"foam-docs", "johngrib-wiki", "dendron-site"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(base, name)
			if _, err := os.Stat(src); err != nil {
				t.Skip(src, " absent")
			}
			for seed := int64(1); seed <= 2; seed++ {
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					dir := filepath.Join(t.TempDir(), "vault")
					if out, err := exec.Command("cp", "-a", src, dir).CombinedOutput(); err != nil {
						t.Fatalf("cp: %v\n%s", err, out)
					}
					os.RemoveAll(filepath.Join(dir, ".git"))
					gitVault(t, dir, nil)
					randomChanges(t, dir, rand.New(rand.NewSource(seed)))
					checkChanged(t, dir, "")
				})
			}
		})
	}
}

// randomChanges makes a dozen changes of every kind to the notes at dir.
func randomChanges(t *testing.T, dir string, r *rand.Rand) {
	t.Helper()
	var notes []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != dir {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			notes = append(notes, p)
		}
		return nil
	})
	if len(notes) < 20 {
		t.Skip("too few notes")
	}
	r.Shuffle(len(notes), func(i, j int) { notes[i], notes[j] = notes[j], notes[i] })
	pick := func() string {
		p := notes[0]
		notes = notes[1:]
		return p
	}
	stem := func(p string) string { return strings.TrimSuffix(filepath.Base(p), ".md") }
	for k := 0; k < 3; k++ {
		os.Remove(pick())
	}
	for k := 0; k < 3; k++ {
		p := pick()
		os.Rename(p, filepath.Join(filepath.Dir(p), "moved "+filepath.Base(p)))
	}
	for k := 0; k < 3; k++ {
		p := pick()
		b, _ := os.ReadFile(p)
		s := string(b)
		if strings.HasPrefix(s, "---\n") {
			// A new title and no aliases: the frontmatter's first field
			// lines give way to these.
			s = "---\ntitle: Retitled " + stem(p) + "\n" + strings.NewReplacer("aliases:", "former_aliases:", "title:", "old_title:").Replace(s[4:])
		} else {
			s = "---\ntitle: Retitled " + stem(p) + "\n---\n" + s
		}
		os.WriteFile(p, []byte(s), 0o644)
	}
	for k := 0; k < 3; k++ {
		p, other := pick(), pick()
		b, _ := os.ReadFile(p)
		b = append(b, fmt.Sprintf("\n[[%s]] [[%s]] [[Missing %d]]\n", strings.ToLower(stem(other)), strings.ReplaceAll(stem(other), " ", "-"), k)...)
		os.WriteFile(p, b, 0o644)
	}
	for k := 0; k < 2; k++ {
		p := pick()
		os.MkdirAll(filepath.Join(dir, "taken"), 0o755)
		os.WriteFile(filepath.Join(dir, "taken", filepath.Base(p)), []byte("a note under a taken name\n"), 0o644)
	}
	for k := 0; k < 2; k++ {
		// Headings renamed: every "## " becomes "## Renamed ".
		p := pick()
		b, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.ReplaceAll(string(b), "\n## ", "\n## Renamed ")), 0o644)
	}
}

// TestChangedProblems: a problem the change caused in an untouched note
// (its duplicate_of names a note moved away) is reported; those that were
// there before (a duplicate_of that matched nothing, a note whose YAML is
// broken) are not.
func TestChangedProblems(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "vault")
	gitVault(t, dir, map[string]string{
		"Dup.md":   "---\nduplicate_of: Canon\n---\n",
		"Canon.md": "canon\n",
		"Old.md":   "---\nduplicate_of: Gone\n---\n",
		"bad.md":   "---\ntitle: [unclosed\n---\n",
	})
	os.Rename(filepath.Join(dir, "Canon.md"), filepath.Join(dir, "Canon2.md"))
	rep, _, err := LoadChanged(dir, "", Options{Store: filepath.Join(t.TempDir(), "store")})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	var files []string
	for _, p := range rep.Problems {
		files = append(files, p.File)
	}
	if want := []string{"Dup.md"}; !reflect.DeepEqual(files, want) {
		t.Errorf("problems in %q, want %q (%+v)", files, want, rep.Problems)
	}
}

// TestChangedWithoutGit: where git is not installed, the error says so and
// names the folder.
func TestChangedWithoutGit(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.md": "x\n"})
	t.Setenv("PATH", t.TempDir())
	_, _, err := LoadChanged(dir, "", Options{})
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "git is needed") {
		t.Fatalf("err = %v, want one naming %s and saying git is needed", err, dir)
	}
}

// TestChangedVaultInSubfolder: a vault below the top of its repository
// gets paths relative to itself, and a note moved there but not yet added
// to git is found renamed.
func TestChangedVaultInSubfolder(t *testing.T) {
	needGit(t)
	repo := filepath.Join(t.TempDir(), "repo")
	gitVault(t, repo, map[string]string{
		"notes/Old.md":   "old\n",
		"notes/d.md":     "[[Old]]\n",
		"notes/e.md":     "[[Nowhere]]\n",
		"outside/x.md":   "[[Elsewhere]]\n",
		"README.md":      "[[Not a vault note]]\n",
		"notes/sub/f.md": "[[Old]]\n",
	})
	dir := filepath.Join(repo, "notes")
	os.Rename(filepath.Join(dir, "Old.md"), filepath.Join(dir, "sub", "New.md"))
	writeTree(t, repo, map[string]string{"outside/x.md": "[[Elsewhere again]]\n"})
	rep, ch, err := LoadChanged(dir, "", Options{Store: filepath.Join(t.TempDir(), "store")})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	if want := []string{"Old.md", "sub/New.md"}; !reflect.DeepEqual(ch.Files, want) {
		t.Errorf("changed files %q, want %q", ch.Files, want)
	}
	if got, want := reported(rep.Plan), []string{"d.md renamed [[Old]]", "sub/f.md renamed [[Old]]"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reported %q, want %q", got, want)
	}
}

// TestAffectedMayName: the test of a link's target against what a change
// touched finds every spelling the ladder folds to an affected name (by
// itself, without extension, by its last path element), ASCII or not, and
// nothing else.
func TestAffectedMayName(t *testing.T) {
	keys := map[string]bool{}
	for _, n := range []string{"Disaster Recovery", "상태 관리", "Ｓｎａｐ", "V8-Snapshot"} {
		keys[fold.Key(fold.Compact, n)] = true
	}
	a := newAffected(keys)
	for target, want := range map[string]bool{
		"disaster_recovery":         true,
		"DISASTER-RECOVERY":         true,
		"DisasterRecovery":          true,
		"sub/Disaster Recovery.md":  true,
		"../x/disaster recovery.md": true,
		"/Disaster Recovery":        true,
		"상태관리":                      true,
		"snap":                      true,
		"SNAP.md":                   true,
		"v8 snapshot":               true,
		"V8Snapshot":                true,
		"other":                     false,
		"disaster recover":          false,
		"상태":                        false,
		"Disaster Recovery Plan":    false,
		"":                          false,
	} {
		if got := a.mayName(target); got != want {
			t.Errorf("mayName(%q) = %v, want %v", target, got, want)
		}
	}
}

// TestChangedReadsNames: a note retitled, which git knows nothing of, is
// found renamed by the names of the last full check, as the next full
// check finds it; the check of the change leaves the names file as it was.
func TestChangedReadsNames(t *testing.T) {
	needGit(t)
	dir := filepath.Join(t.TempDir(), "vault")
	gitVault(t, dir, map[string]string{"b.md": "---\ntitle: Beta\n---\n", "d.md": "[[Beta]]\n"})
	store := filepath.Join(t.TempDir(), "store")
	loadClosed(t, dir, Options{Store: store, Cache: noCache()})
	writeTree(t, dir, map[string]string{"b.md": "---\ntitle: Gamma\n---\n"})
	files, _ := filepath.Glob(filepath.Join(store, "*", "*"))
	before := map[string]string{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		before[f] = string(b)
	}
	if len(before) == 0 {
		t.Fatal("the full check left no names file to read")
	}
	rep, _, err := LoadChanged(dir, "", Options{Store: store, Cache: noCache()})
	if err != nil {
		t.Fatal(err)
	}
	rep.Vault.Close()
	want := []string{"d.md renamed [[Beta]]"}
	if got := reported(rep.Plan); !reflect.DeepEqual(got, want) {
		t.Errorf("reported %q, want %q", got, want)
	}
	for f, s := range before {
		if b, _ := os.ReadFile(f); string(b) != s {
			t.Errorf("%s changed", f)
		}
	}
	if got := reported(loadClosed(t, dir, Options{Store: store, Cache: noCache()}).Plan); !reflect.DeepEqual(got, want) {
		t.Errorf("the full check reported %q, want %q", got, want)
	}
}
