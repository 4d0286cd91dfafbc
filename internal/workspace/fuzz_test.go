package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/dialect"
)

// The fuzz targets of this file build a small vault from the fuzz input
// (notes in folders linking to each other in every form of SPEC §3, and
// links in code, comments and math that are no links), move a note, move
// a folder or merge two notes, in every dialect, and check what the
// property tests check on generated vaults: every link that found a note
// before finds the same note after (the moved one at its new path, the
// merged one's links the note it went into), the text in code, comments
// and math is left byte for byte, and undo puts back every byte, every
// path and removes the folders the operation made.

// fuzzReader hands out the fuzz input as small choices; past its end every
// choice is the first.
type fuzzReader struct {
	b []byte
	i int
}

func (r *fuzzReader) pick(n int) int {
	if n <= 1 || r.i >= len(r.b) {
		return 0
	}
	v := int(r.b[r.i])
	r.i++
	return v % n
}

var (
	fuzzFolders = []string{"", "a", "a/b", "c d", "A"}
	fuzzStems   = []string{"T", "t", "Plan", "x y", "a.b", "été", "T2"}
)

// fuzzVault is a vault written from a fuzz input: its files, its notes'
// paths, and the text of each note that links must not touch (code,
// comments, math), each piece unique in the vault.
type fuzzVault struct {
	files     map[string]string
	notes     []string
	protected map[string][]string // note path -> pieces it holds
}

// newFuzzVault builds 2 to 7 notes from r. Each note has a heading "Part"
// and a block "^b1" for links to land on, some frontmatter, and lines
// each holding a link of one form to a note of the vault, or a link
// inside code, a comment or math.
func newFuzzVault(r *fuzzReader) *fuzzVault {
	v := &fuzzVault{files: map[string]string{}, protected: map[string][]string{}}
	n := 2 + r.pick(6)
	seen := map[string]bool{}
	for len(v.notes) < n {
		p := path.Join(fuzzFolders[r.pick(len(fuzzFolders))], fuzzStems[r.pick(len(fuzzStems))]+".md")
		if seen[strings.ToLower(p)] {
			if r.i >= len(r.b) {
				// Out of input: name the rest in order.
				p = fmt.Sprintf("n%d.md", len(v.notes))
			} else {
				continue
			}
		}
		seen[strings.ToLower(p)] = true
		v.notes = append(v.notes, p)
	}
	piece := 0
	for i, p := range v.notes {
		var b strings.Builder
		target := func() string { return v.notes[r.pick(len(v.notes))] }
		switch r.pick(5) {
		case 1:
			fmt.Fprintf(&b, "---\ntitle: Title %d\n---\n", i)
		case 2:
			fmt.Fprintf(&b, "---\nup: \"[[%s]]\"\naliases: [Alias %d]\n---\n", stemOf(target()), i)
		case 3:
			if t := target(); t != p {
				fmt.Fprintf(&b, "---\nduplicate_of: \"[[%s]]\"\n---\n", stemOf(t))
			}
		}
		b.WriteString("# Head\n\n## Part\n\nblock text ^b1\n\n")
		for range 1 + r.pick(6) {
			t := target()
			form := r.pick(20)
			if form >= 14 {
				piece++
				s := fuzzProtected(form-14, "[["+stemOf(t)+"]] ["+"x]("+relLink(p, t, false)+")", piece)
				v.protected[p] = append(v.protected[p], s)
				b.WriteString(s + "\n\n")
				continue
			}
			b.WriteString(fuzzLink(p, t, form) + "\n\n")
		}
		v.files[p] = b.String()
	}
	return v
}

// fuzzLink writes a link from the note at from to the note at to in one
// of fourteen forms.
func fuzzLink(from, to string, form int) string {
	s := stemOf(to)
	dir := path.Dir(to)
	full := strings.TrimSuffix(to, path.Ext(to))
	switch form {
	case 0:
		return "[[" + s + "]]"
	case 1:
		if dir == "." {
			return "[[" + s + "]] by path"
		}
		return "[[" + full + "]]"
	case 2:
		return "[[/" + full + "]]"
	case 3:
		return "[[" + s + "#Part]]"
	case 4:
		return "[[" + s + "#^b1]]"
	case 5:
		return "[[" + s + "|shown]]"
	case 6:
		return "![[" + s + "]]"
	case 7:
		return "| a | b |\n|---|---|\n| [[" + s + "\\|in table]] | x |"
	case 8:
		return "[x](" + relLink(from, to, false) + ")"
	case 9:
		return "[x](<" + relLink(from, to, true) + ">)"
	case 10:
		return "[x](" + relLink(from, to, false) + "#part)"
	case 11:
		return "[[" + s + ".md]]"
	case 12:
		return "[[" + s + "#Part|shown]]"
	default:
		return "[[#Part]] in " + s // into the linking note itself
	}
}

// fuzzProtected writes text holding links in a place that is no link:
// an inline code span, a fenced or indented code block, an HTML or
// Obsidian comment or a math block, marked k so that it is unique in the
// vault.
func fuzzProtected(kind int, links string, k int) string {
	switch kind {
	case 0:
		return fmt.Sprintf("`%s %d`", links, k)
	case 1:
		return fmt.Sprintf("```\n%s %d\n```", links, k)
	case 2:
		return fmt.Sprintf("<!-- %s %d -->", links, k)
	case 3:
		return fmt.Sprintf("%%%%%s %d%%%%", links, k)
	case 4:
		return fmt.Sprintf("    %s %d", links, k)
	default:
		return fmt.Sprintf("$$\n%s %d\n$$", links, k)
	}
}

func stemOf(p string) string { return strings.TrimSuffix(path.Base(p), path.Ext(p)) }

// relLink is the relative path from the note at from to the file to, as
// a Markdown link writes it: spaces as %20, or raw inside <…>.
func relLink(from, to string, raw bool) string {
	rel, err := filepath.Rel(filepath.FromSlash(path.Dir(from)), filepath.FromSlash(to))
	if err != nil {
		panic(err)
	}
	rel = filepath.ToSlash(rel)
	if raw {
		return rel
	}
	return strings.ReplaceAll(rel, " ", "%20")
}

// readDirs returns every folder under dir, the vault, but dir itself.
func readDirs(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// checkKeepsLinks fails t for each link of before (file#ordinal -> the
// note it found) that does not find, in after, the note it found before
// under its path after the operation (rename gives it).
func checkKeepsLinks(t *testing.T, name string, before, after map[string]string, rename func(string) string) {
	t.Helper()
	for k, target := range before {
		file, ord, _ := strings.Cut(k, "#")
		key := rename(file) + "#" + ord
		if got := after[key]; got != rename(target) {
			t.Errorf("%s: link %s resolves to %q, want %q", name, key, got, rename(target))
		}
	}
}

// checkProtected fails t for each piece of code, comment or math that is
// not found as it was in its note, under the note's path after the
// operation (rename gives it; "" for a note removed).
func checkProtected(t *testing.T, name, dir string, v *fuzzVault, rename func(string) string) {
	t.Helper()
	tree := readTree(t, dir)
	for p, pieces := range v.protected {
		np := rename(p)
		if np == "" {
			continue
		}
		for _, s := range pieces {
			if !strings.Contains(tree[np], s) {
				t.Errorf("%s: %s lost %q:\n%s", name, np, s, tree[np])
			}
		}
	}
}

// fuzzOp runs one operation on the vault v in the dialect d: plan and
// carry it out (op), then check the links (check), then undo it and
// compare the tree, files and folders, with the one before.
func fuzzOp(t *testing.T, d string, v *fuzzVault, op func(dir, store string) (done bool, err error), check func(dir string)) {
	t.Helper()
	base := t.TempDir()
	dir, store := filepath.Join(base, "vault"), filepath.Join(base, "store")
	writeTree(t, dir, v.files)
	orig, origDirs := readTree(t, dir), readDirs(t, dir)
	done, err := op(dir, store)
	var me *MoveError
	var ge *MergeError
	if errors.As(err, &me) || errors.As(err, &ge) {
		wantTree(t, dir, orig)
		if got := readDirs(t, dir); !slicesEqual(got, origDirs) {
			t.Fatalf("%s: refused (%v), yet the folders are %q, were %q", d, err, got, origDirs)
		}
		return
	}
	if err != nil || !done {
		t.Fatalf("%s: %v (done %v)", d, err, done)
	}
	check(dir)
	u, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || len(u.Skipped) > 0 {
		t.Fatalf("%s: undo: %+v, %v", d, u, err)
	}
	wantTree(t, dir, orig)
	if got := readDirs(t, dir); !slicesEqual(got, origDirs) {
		t.Errorf("%s: after undo the folders are %q, were %q", d, got, origDirs)
	}
}

func slicesEqual(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

func loadDialect(t *testing.T, dir, d string) *Report {
	t.Helper()
	off := false
	rep, err := Load(dir, Options{Dialect: d, Hash: true, Cache: &off})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var fuzzSeeds = [][]byte{
	{},
	{5, 1, 2, 3, 0, 4, 1, 2, 0, 1, 3, 5, 8, 9, 10, 11, 12, 13, 14, 15, 0, 2},
	{3, 0, 0, 1, 0, 2, 1, 1, 5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 1},
	{6, 3, 3, 2, 2, 4, 4, 1, 6, 0, 0, 2, 9, 9, 8, 8, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9},
	[]byte("relink moves notes and keeps every link"),
}

// FuzzMove moves one note of a fuzzed vault: a rename in place, a move
// to another folder (existing or new, given as a folder or a note path),
// or both.
func FuzzMove(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		v := newFuzzVault(r)
		src := v.notes[r.pick(len(v.notes))]
		folder := fuzzFolders[r.pick(len(fuzzFolders))]
		if r.pick(3) == 0 {
			folder = path.Join("new", folder)
		}
		var dst string
		switch r.pick(3) {
		case 0:
			dst = path.Join(path.Dir(src), fuzzStems[r.pick(len(fuzzStems))]+".md")
		case 1:
			dst = path.Join(folder, fuzzStems[r.pick(len(fuzzStems))]+".md")
		default:
			dst = folder + "/"
			if folder == "" {
				dst = "."
			}
		}
		to := dst
		if !strings.HasSuffix(dst, ".md") {
			to = path.Join(folder, path.Base(src))
		}
		rename := func(p string) string {
			if p == src {
				return to
			}
			return p
		}
		fuzzMoveEveryDialect(t, v, src, dst, rename, nil)
	})
}

// fuzzMoveEveryDialect moves src to dst in v in every dialect, and checks
// that every link finds what it found (rename maps a path before to after),
// that protected text is untouched, and then more(dialect, dir, report).
func fuzzMoveEveryDialect(t *testing.T, v *fuzzVault, src, dst string, rename func(string) string, more func(d, dir string, rep *Report)) {
	for _, d := range dialect.Names {
		var before map[string]string
		fuzzOp(t, d, v, func(dir, store string) (bool, error) {
			rep := loadDialect(t, dir, d)
			defer rep.Vault.Close()
			before = linkTargets(rep)
			mp, err := PlanMove(rep, src, dst)
			if err != nil {
				return false, err
			}
			res, err := Move(t.Context(), rep, mp, ApplyOptions{Store: store})
			return res != nil && res.Moved && len(res.Skipped) == 0, err
		}, func(dir string) {
			rep := loadDialect(t, dir, d)
			after := linkTargets(rep)
			if more != nil {
				more(d, dir, rep)
			}
			rep.Vault.Close()
			name := fmt.Sprintf("%s: mv %s %s", d, src, dst)
			checkKeepsLinks(t, name, before, after, rename)
			checkProtected(t, name, dir, v, rename)
		})
	}
}

// FuzzMoveFolder moves a folder of a fuzzed vault, with an attachment in
// it, to a new path or into another folder.
func FuzzMoveFolder(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		v := newFuzzVault(r)
		src := path.Dir(v.notes[r.pick(len(v.notes))])
		if src == "." {
			src = "a"
		}
		img := src + "/pic.png"
		v.files[img] = "PNG"
		v.files["pics.md"] = "![[pic.png]] ![p](" + strings.ReplaceAll(img, " ", "%20") + ")\n"
		folder := fuzzFolders[r.pick(len(fuzzFolders))]
		dst, to := "", ""
		switch r.pick(3) {
		case 0:
			dst = path.Join("new", folder, "moved")
			to = dst
		case 1:
			dst = folder + "/"
			if folder == "" {
				dst = "./"
			}
			to = path.Join(folder, path.Base(src))
		default:
			dst = path.Join(path.Dir(src), "renamed")
			to = dst
		}
		rename := func(p string) string {
			if strings.HasPrefix(p, src+"/") {
				return to + strings.TrimPrefix(p, src)
			}
			return p
		}
		fuzzMoveEveryDialect(t, v, src, dst, rename, func(d, dir string, rep *Report) {
			pics, _ := rep.Index.NoteByPath("pics.md")
			for _, l := range rep.Index.Notes[pics].LinkList(nil) {
				if got, ok := rep.Index.AttachmentPath(pics, &l); !ok || got != rename(img) {
					t.Errorf("%s: mv %s %s: %s finds %q, want %q", d, src, dst, l.Text, got, rename(img))
				}
			}
			if _, err := os.Lstat(filepath.Join(dir, src)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: mv %s %s: folder %s left after the move", d, src, dst, src)
			}
		})
	})
}

// FuzzMerge merges one note of a fuzzed vault into another, marking the
// duplicate or deleting it, with or without an alias.
func FuzzMerge(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		v := newFuzzVault(r)
		dup := v.notes[r.pick(len(v.notes))]
		canon := v.notes[r.pick(len(v.notes))]
		opt := MergeOptions{Delete: r.pick(2) == 1, Alias: r.pick(2) == 1}
		for _, d := range dialect.Names {
			var before map[string]string
			fuzzOp(t, d, v, func(dir, store string) (bool, error) {
				rep := loadDialect(t, dir, d)
				defer rep.Vault.Close()
				before = linkNotes(rep)
				mp, err := PlanMerge(rep, dup, canon, opt)
				if err != nil {
					return false, err
				}
				res, err := Merge(t.Context(), rep, mp, ApplyOptions{Store: store})
				return res != nil && res.Deleted == opt.Delete && len(res.Skipped) == 0, err
			}, func(dir string) {
				rep := loadDialect(t, dir, d)
				after := linkNotes(rep)
				name := fmt.Sprintf("%s: merge %s %s %+v", d, dup, canon, opt)
				if !opt.Delete {
					id, _ := rep.Index.NoteByPath(dup)
					cid, _ := rep.Index.NoteByPath(canon)
					if c := rep.Index.Canonical(id); c != rep.Index.Canonical(cid) || c == id {
						t.Errorf("%s: %s's canonical note is %s, want %s's", name, dup, rep.Index.Notes[c].Path, canon)
					}
				}
				rep.Vault.Close()
				checkMerged(t, name, before, after, dup, canon, opt.Delete)
				checkProtected(t, name, dir, v, func(p string) string {
					if p == dup && opt.Delete {
						return ""
					}
					return p
				})
			})
		}
	})
}
