package vaultgen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const testNotes = 200

func generate(t *testing.T, o Options) (string, *Truth) {
	t.Helper()
	dir := t.TempDir()
	tr, err := Generate(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return dir, tr
}

// hashTree hashes every path and file of dir, in lexical order.
func hashTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
			h.Write([]byte{0})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	d1, t1 := generate(t, Options{Notes: testNotes, Seed: 7, Workers: 1})
	d2, t2 := generate(t, Options{Notes: testNotes, Seed: 7, Workers: 8})
	d3, _ := generate(t, Options{Notes: testNotes, Seed: 8})
	h1, h2, h3 := hashTree(t, d1), hashTree(t, d2), hashTree(t, d3)
	if h1 != h2 {
		t.Errorf("same seed, different trees: %s vs %s", h1, h2)
	}
	if h1 == h3 {
		t.Errorf("different seeds, same tree %s", h1)
	}
	p1, p2 := filepath.Join(t.TempDir(), "a.json"), filepath.Join(t.TempDir(), "b.json")
	if err := t1.WriteFile(p1); err != nil {
		t.Fatal(err)
	}
	if err := t2.WriteFile(p2); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(p1)
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) {
		t.Error("same seed, different truth")
	}
	back, err := ReadTruth(p1)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Links) != len(t1.Links) || back.Stats.Links != t1.Stats.Links || len(back.Notes) != testNotes {
		t.Errorf("truth does not read back: %d links, %d notes", len(back.Links), len(back.Notes))
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Notes: 0}); err == nil {
		t.Error("0 notes: want error")
	}
	if _, err := Generate(dir, Options{Notes: 5, Dialect: "dendron"}); err == nil {
		t.Error("unknown dialect: want error")
	}
	if _, err := Generate(dir, Options{Notes: 5, TruthPath: filepath.Join(dir, "sub", "t.json")}); err == nil {
		t.Error("truth inside the vault: want error")
	}
	// Tiny vaults work too.
	for _, n := range []int{1, 2, 19} {
		d := t.TempDir()
		tr, err := Generate(d, Options{Notes: n, Seed: 3})
		if err != nil {
			t.Fatalf("%d notes: %v", n, err)
		}
		if got := len(mdFiles(t, d)); got != n {
			t.Errorf("%d notes: wrote %d", n, got)
		}
		if tr.Stats.Classes[cResolved] == 0 {
			t.Errorf("%d notes: no resolved link", n)
		}
	}
}

func TestObsidian(t *testing.T) {
	t.Parallel()
	dir, tr := generate(t, Options{Notes: testNotes, Seed: 1, Dialect: "obsidian"})
	if fi, err := os.Stat(filepath.Join(dir, ".obsidian")); err != nil || !fi.IsDir() {
		t.Fatalf(".obsidian/ missing: %v", err)
	}
	if tr.Dialect != "obsidian" {
		t.Errorf("dialect %q", tr.Dialect)
	}
	forgiven := 0
	for _, l := range tr.Links {
		if l.StrictClass == cVariant {
			forgiven++
			if l.Class != cResolved || !obsidianForgives(strings.Split(l.Kind, "+")) {
				t.Errorf("%s: class %s kind %s", l.Text, l.Class, l.Kind)
			}
		}
	}
	if forgiven == 0 || tr.Stats.StrictClasses[cVariant] != tr.Stats.Classes[cVariant]+forgiven {
		t.Errorf("obsidian: %d forgiven variants, stats %v / strict %v", forgiven, tr.Stats.Classes, tr.Stats.StrictClasses)
	}
}

func mdFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	vaultOnce sync.Once
	vaultDir  string
	vaultTr   *Truth
	vaultErr  error
)

// sharedVault is one wiki vault for the read-only checks below.
func sharedVault(t *testing.T) (string, *Truth) {
	t.Helper()
	vaultOnce.Do(func() {
		vaultDir, vaultErr = os.MkdirTemp("", "vaultgen-test-")
		if vaultErr == nil {
			vaultTr, vaultErr = Generate(vaultDir, Options{Notes: testNotes, Seed: 1})
		}
	})
	if vaultErr != nil {
		t.Fatal(vaultErr)
	}
	return vaultDir, vaultTr
}

func TestMain(m *testing.M) {
	code := m.Run()
	if vaultDir != "" {
		os.RemoveAll(vaultDir)
	}
	os.Exit(code)
}

// A scanner independent of the generator: it knows only the constructs the
// generator writes, and strips code the way SPEC §3 says.
var (
	reWiki    = regexp.MustCompile(`!?\[\[[^\]\n]*\]\]`)
	reMD      = regexp.MustCompile(`\[[^\]\n]*\]\((<[^>\n]*>|[^)\s]*)\)`)
	reInline  = regexp.MustCompile("`[^`\n]*`|<!--.*?-->|%%.*?%%")
	reHeading = regexp.MustCompile(`(?m)^## (.+)$`)
)

func countLinks(s string) int {
	n := len(reWiki.FindAllString(s, -1))
	for _, m := range reMD.FindAllStringSubmatch(s, -1) {
		if !strings.Contains(m[1], "://") {
			n++
		}
	}
	return n
}

// scan returns the number of links in frontmatter, in the body outside code,
// and inside code.
func scan(src string) (fm, links, code int) {
	end := strings.Index(src, "\n---\n")
	fm = countLinks(src[:end])
	body := src[end+5:]
	fence, block := "", ""
	for _, line := range strings.Split(body, "\n") {
		switch {
		case fence != "":
			if line == fence {
				fence = ""
			} else {
				code += countLinks(line)
			}
		case block != "":
			if line == block {
				block = ""
			} else {
				code += countLinks(line)
			}
		case strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~"):
			fence = line[:3]
		case line == "%%":
			block = "%%"
		case line == "<!--":
			block = "-->"
		case strings.HasPrefix(line, "    "):
			code += countLinks(line)
		default:
			for _, c := range reInline.FindAllString(line, -1) {
				code += countLinks(c)
			}
			links += countLinks(reInline.ReplaceAllString(line, " "))
		}
	}
	return fm, links, code
}

func TestStructure(t *testing.T) {
	t.Parallel()
	dir, tr := sharedVault(t)
	files := mdFiles(t, dir)
	if len(files) != testNotes || len(tr.Notes) != testNotes || tr.Stats.Notes != testNotes {
		t.Fatalf("%d files, %d notes in truth", len(files), len(tr.Notes))
	}
	depth := map[int]int{}
	var sumLinks, sumCode, sumFM int
	for _, n := range tr.Notes {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n.Path)))
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		depth[strings.Count(n.Path, "/")]++
		if path.Base(n.Path) != n.Title+".md" {
			t.Errorf("%s: title %q is not the file name", n.Path, n.Title)
		}
		if !strings.HasPrefix(src, "---\ntitle: "+n.Title+"\n") || !strings.Contains(src, "\nid: "+n.ID+"\n") {
			t.Errorf("%s: frontmatter:\n%.200s", n.Path, src)
		}
		if len(b) < 1024 || len(b) > 8192 || len(b) != n.Bytes {
			t.Errorf("%s: %d bytes (truth %d)", n.Path, len(b), n.Bytes)
		}
		if n.Links < 5 || n.Links > 30 {
			t.Errorf("%s: %d links", n.Path, n.Links)
		}
		fm, links, code := scan(src)
		if links != n.Links || code != n.CodeLinks {
			t.Errorf("%s: scanner finds %d links, %d in code; truth %d, %d", n.Path, links, code, n.Links, n.CodeLinks)
		}
		if want := n.DuplicateOf != ""; (fm == 1) != want || fm > 1 {
			t.Errorf("%s: %d frontmatter links, duplicate_of %q", n.Path, fm, n.DuplicateOf)
		}
		for _, h := range n.Headings {
			if !strings.Contains(src, "\n## "+h+"\n") {
				t.Errorf("%s: heading %q missing", n.Path, h)
			}
		}
		for _, id := range n.Blocks {
			if !strings.Contains(src, " ^"+id+"\n") {
				t.Errorf("%s: block ^%s missing", n.Path, id)
			}
		}
		sumLinks += links
		sumCode += code
		sumFM += fm
	}
	if depth[2] == 0 || depth[3] == 0 {
		t.Errorf("folder depths: %v", depth)
	}
	st := tr.Stats
	if sumLinks != st.Links || sumCode != st.CodeLinks || sumFM != st.FrontmatterLinks {
		t.Errorf("stats %d/%d/%d, scanned %d/%d/%d", st.Links, st.CodeLinks, st.FrontmatterLinks, sumLinks, sumCode, sumFM)
	}
	total := 0
	for _, c := range classNames {
		total += st.Classes[c]
		if st.Classes[c] == 0 {
			t.Errorf("no %s link planted", c)
		}
	}
	if total != st.Links {
		t.Errorf("classes sum to %d, links %d", total, st.Links)
	}
	if r := float64(st.CodeLinks) / float64(st.Links+st.CodeLinks); r < 0.02 || r > 0.09 {
		t.Errorf("%.3f of links in code", r)
	}
	for _, c := range []string{cBroken, cVariant} {
		if r := float64(st.Classes[c]) / float64(st.Links); r < 0.015 || r > 0.05 {
			t.Errorf("%.3f of links are %s", r, c)
		}
	}
	for _, f := range []string{fWiki, fDisplay, fHeading, fHeadingDisplay, fBlock, fEmbed, fPath, fRootPath, fExt, fTable, fSelfHeading, fMD, fMDAngle} {
		if st.Forms[f] == 0 {
			t.Errorf("no link of form %s", f)
		}
	}
}

// index maps the keys, at every level, of every name of every note (title,
// stem, path, id) and of every alias to the notes that have them.
type index struct {
	nz      *normalizer
	byPath  map[string]*Note
	names   map[string]bool // exact names
	titles  map[string]*Note
	aliases map[string][]*Note
	nameKey [lvlCompact + 1]map[string][]*Note
	akaKey  [lvlCompact + 1]map[string][]*Note
}

func newIndex(tr *Truth) *index {
	ix := &index{nz: newNormalizer(), byPath: map[string]*Note{}, names: map[string]bool{},
		titles: map[string]*Note{}, aliases: map[string][]*Note{}}
	for l := range ix.nameKey {
		ix.nameKey[l], ix.akaKey[l] = map[string][]*Note{}, map[string][]*Note{}
	}
	add := func(m map[string][]*Note, k string, n *Note) {
		for _, o := range m[k] {
			if o == n {
				return
			}
		}
		m[k] = append(m[k], n)
	}
	for i := range tr.Notes {
		n := &tr.Notes[i]
		ix.byPath[n.Path] = n
		ix.titles[n.Title] = n
		stem := strings.TrimSuffix(path.Base(n.Path), ".md")
		for _, name := range []string{n.Title, stem, strings.TrimSuffix(n.Path, ".md"), n.ID} {
			ix.names[name] = true
			for l := range ix.nameKey {
				add(ix.nameKey[l], ix.nz.key(name, level(l)), n)
			}
		}
		for _, a := range n.Aliases {
			ix.aliases[a] = append(ix.aliases[a], n)
			for l := range ix.akaKey {
				add(ix.akaKey[l], ix.nz.key(a, level(l)), n)
			}
		}
	}
	return ix
}

// matches returns the notes one of whose names (or, with aliases, aliases)
// equals s at level l.
func (ix *index) matches(s string, l level, aliases bool) []*Note {
	k := ix.nz.key(s, l)
	out := append([]*Note(nil), ix.nameKey[l][k]...)
	if aliases {
		for _, n := range ix.akaKey[l][k] {
			dup := false
			for _, o := range out {
				dup = dup || o == n
			}
			if !dup {
				out = append(out, n)
			}
		}
	}
	return out
}

// rawTarget reads the target part of a wikilink as written, before
// trimming, to check that no variant is a name byte for byte.
func rawTarget(link string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(link, "!"), "[[")
	s = strings.TrimSuffix(s, "]]")
	if i := strings.IndexAny(s, "#|"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "\\")
}

func TestPlantedLinks(t *testing.T) {
	t.Parallel()
	dir, tr := sharedVault(t)
	ix := newIndex(tr)
	files := map[string]string{}
	read := func(p string) string {
		if s, ok := files[p]; ok {
			return s
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		files[p] = string(b)
		return files[p]
	}
	seen := map[string]int{}
	for _, l := range append(append([]Link{}, tr.Links...), tr.Code...) {
		src := read(l.File)
		if src[l.Start:l.End] != l.Text {
			t.Fatalf("%s:%d: bytes %q, truth %q", l.File, l.Start, src[l.Start:l.End], l.Text)
		}
		line := strings.Count(src[:l.Start], "\n") + 1
		col := len([]rune(src[strings.LastIndex(src[:l.Start], "\n")+1:l.Start])) + 1
		if line != l.Line || col != l.Col {
			t.Errorf("%s: %s at %d:%d, truth %d:%d", l.File, l.Text, line, col, l.Line, l.Col)
		}
	}
	for _, l := range tr.Links {
		seen[l.Class]++
		target := targetPart(l.Text)
		switch l.Class {
		case cVariant:
			raw := rawTarget(l.Text)
			if ix.names[raw] || ix.names[target] || ix.names[strings.TrimSpace(raw)] {
				t.Errorf("variant %q is a note name byte for byte", l.Text)
			}
			want := ix.byPath[l.Target]
			if got := ix.matches(target, lvlSeparators, true); len(got) != 1 || got[0] != want {
				t.Errorf("variant %q: matches %d notes at separators, want only %s", l.Text, len(got), l.Target)
			}
			lvl := ix.nz.firstLevel(target, want.Title)
			if lvl.String() != l.Level || lvl < lvlUnicode || lvl > lvlSeparators {
				t.Errorf("variant %q: first level %v, truth %s", l.Text, lvl, l.Level)
			}
			for below := lvlExact; below < lvl; below++ {
				if got := ix.matches(target, below, true); len(got) > 0 {
					t.Errorf("variant %q already matches %s at %v", l.Text, got[0].Path, below)
				}
			}
			// The repair puts the title in place of the target, nothing else.
			if targetPart(l.New) != want.Title || !ix.names[targetPart(l.New)] {
				t.Errorf("variant %q: new %q", l.Text, l.New)
			}
			core := strings.TrimSuffix(strings.TrimSpace(raw), ".md")
			i := strings.Index(l.Text, core)
			if l.Text[:i]+want.Title+l.Text[i+len(core):] != l.New {
				t.Errorf("variant %q: new %q changes more than the target", l.Text, l.New)
			}
		case cBroken:
			for _, l2 := range []level{lvlExact, lvlCompact} {
				if got := ix.matches(target, l2, true); len(got) > 0 {
					t.Errorf("broken %q matches %s at %v", l.Text, got[0].Path, l2)
				}
			}
		case cAlias:
			if n := ix.aliases[target]; len(n) != 1 || n[0].Path != l.Target {
				t.Errorf("alias %q: notes %v", l.Text, n)
			}
			if got := ix.matches(target, lvlCompact, false); len(got) > 0 {
				t.Errorf("alias %q matches the name of %s", l.Text, got[0].Path)
			}
			if got := ix.matches(target, lvlCompact, true); len(got) != 1 {
				t.Errorf("alias %q matches %d notes with aliases", l.Text, len(got))
			}
		case cAmbiguous:
			for below := lvlExact; below < lvlSeparators; below++ {
				if got := ix.matches(target, below, true); len(got) > 0 {
					t.Errorf("ambiguous %q matches %s at %v", l.Text, got[0].Path, below)
				}
			}
			got := ix.matches(target, lvlSeparators, true)
			if len(got) != 2 || len(l.Candidates) != 2 {
				t.Fatalf("ambiguous %q: %d matches, %d candidates", l.Text, len(got), len(l.Candidates))
			}
			for _, n := range got {
				if n.Path != l.Candidates[0] && n.Path != l.Candidates[1] {
					t.Errorf("ambiguous %q: %s not a candidate", l.Text, n.Path)
				}
			}
		case cDuplicate:
			n := ix.titles[target]
			if n == nil || n.Path != l.Target || n.DuplicateOf != l.Canonical || l.Canonical == "" {
				t.Errorf("duplicate %q: note %v", l.Text, n)
			}
		case cResolved:
			checkResolved(t, ix, l, read)
		default:
			t.Errorf("%q: class %q", l.Text, l.Class)
		}
	}
	for _, c := range classNames {
		if seen[c] == 0 {
			t.Errorf("truth has no %s link", c)
		}
	}
	for _, l := range tr.Code {
		if l.Class != "" {
			t.Errorf("code link %q has class %s", l.Text, l.Class)
		}
	}
}

// checkResolved checks that a resolved link reaches its target exactly, and
// its anchor exists there.
func checkResolved(t *testing.T, ix *index, l Link, read func(string) string) {
	t.Helper()
	target := ix.byPath[l.Target]
	if target == nil {
		t.Errorf("resolved %q: no note %s", l.Text, l.Target)
		return
	}
	if l.Form == fMD || l.Form == fMDAngle {
		u := reMD.FindStringSubmatch(l.Text)[1]
		u = strings.TrimSuffix(strings.TrimPrefix(u, "<"), ">")
		if l.Form == fMD {
			var err error
			if u, err = url.PathUnescape(u); err != nil {
				t.Error(err)
			}
		}
		if got := path.Join(path.Dir(l.File), u); got != l.Target {
			t.Errorf("resolved %q from %s reaches %s, want %s", l.Text, l.File, got, l.Target)
		}
		return
	}
	name := strings.TrimPrefix(targetPart(l.Text), "/")
	if l.Form == fSelfHeading {
		name = strings.TrimSuffix(path.Base(l.File), ".md")
	}
	if name != target.Title && name != strings.TrimSuffix(l.Target, ".md") {
		t.Errorf("resolved %q: target %q is not a name of %s", l.Text, name, l.Target)
	}
	if i := strings.IndexByte(l.Text, '#'); i >= 0 {
		anchor := strings.TrimRight(l.Text[i+1:], "]")
		if j := strings.IndexAny(anchor, "|\\"); j >= 0 {
			anchor = anchor[:j]
		}
		src := read(l.Target)
		if id, ok := strings.CutPrefix(anchor, "^"); ok {
			if !strings.Contains(src, " ^"+id+"\n") {
				t.Errorf("resolved %q: no block ^%s in %s", l.Text, id, l.Target)
			}
		} else {
			found := false
			for _, m := range reHeading.FindAllStringSubmatch(src, -1) {
				found = found || m[1] == anchor
			}
			if !found {
				t.Errorf("resolved %q: no heading %q in %s", l.Text, anchor, l.Target)
			}
		}
	}
}

// TestNames checks the uniqueness that makes the truth certain: no two
// titles, ids or aliases share a compact key, except each ambiguous pair.
func TestNames(t *testing.T) {
	t.Parallel()
	_, tr := sharedVault(t)
	nz := newNormalizer()
	owner := map[string]string{}
	pairs := 0
	for _, n := range tr.Notes {
		if n.Ambiguous != "" {
			pairs++
		}
		names := append([]string{n.Title, n.ID}, n.Aliases...)
		for _, s := range names {
			k := nz.key(s, lvlCompact)
			if o, ok := owner[k]; ok && !(n.Ambiguous != "" && o == n.Ambiguous) {
				t.Errorf("%q of %s collides with %s", s, n.Path, o)
			}
			owner[k] = n.Path
		}
	}
	if pairs == 0 {
		t.Error("no ambiguous pair")
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	nz := newNormalizer()
	for _, tt := range []struct {
		a, b string
		want level
	}{
		{" Cache Line ", "Cache Line", lvlExact},
		{"상태 관리", "\u1109\u1161\u11bc\u1110\u1162 \u1100\u116a\u11ab\u1105\u1175", lvlUnicode},
		{"Cache  Line", "Cache Line", lvlUnicode},
		{"cache line", "Cache Line", lvlCase},
		{"Ｓｎａｐ", "snap", lvlWidth},
		{"Cache-Line", "cache_line", lvlSeparators},
		{"상태관리", "상태 관리", lvlCompact},
		{"Cache Lines", "Cache Line", -1},
	} {
		if got := nz.firstLevel(tt.a, tt.b); got != tt.want {
			t.Errorf("%q vs %q: %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func BenchmarkGenerate10k(b *testing.B) {
	if testing.Short() {
		b.Skip("writes 10,000 files; skipped with -short")
	}
	for b.Loop() {
		dir := b.TempDir()
		if _, err := Generate(dir, Options{Notes: 10000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlan100k(b *testing.B) {
	if testing.Short() {
		b.Skip("plans 100,000 notes; skipped with -short")
	}
	for b.Loop() {
		newPlan(Options{Notes: 100000, Seed: 1, Dialect: "wiki"})
	}
}
