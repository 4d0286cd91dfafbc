package workspace

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/index"
)

// linkTargets maps each link of the vault that resolves to a note (as
// file path and ordinal of the link in it) to that note's path.
func linkTargets(rep *Report) map[string]string {
	out := map[string]string{}
	ix := rep.Index
	for i, n := range ix.Notes {
		if n.Err != nil {
			continue
		}
		for k, l := range n.LinkList(nil) {
			r := ix.Resolve(int32(i), &l)
			if r.Attachment || r.Outside || r.Target < 0 {
				continue
			}
			switch r.Class {
			case index.Resolved, index.Heading, index.Variant, index.Alias, index.Duplicate:
				out[fmt.Sprintf("%s#%d", n.Path, k)] = ix.Notes[r.Target].Path
			}
		}
	}
	return out
}

func move(t *testing.T, dir, store, src, dst string) (*MoveResult, error) {
	t.Helper()
	return planAndRun(t, dir, func(rep *Report) (*MovePlan, error) { return PlanMove(rep, src, dst) },
		func(ctx context.Context, rep *Report, mp *MovePlan) (*MoveResult, error) {
			return Move(ctx, rep, mp, ApplyOptions{Store: store})
		})
}

// TestMoveKeepsEveryLink moves random notes of generated vaults, in every
// dialect, to random places: a rename in place, a move to a new folder, a
// rename to another note's stem. Every link that resolved to a note before
// resolves to the same note after (the moved one at its new path), and
// undo restores every byte and path.
func TestMoveKeepsEveryLink(t *testing.T) {
	t.Parallel()
	moved := 0
	for _, d := range []string{"wiki", "obsidian", "foam"} {
		for seed := range int64(6) {
			name := fmt.Sprintf("%s/%d", d, seed)
			dir, store, orig := generatedVault(t, d, seed, 150)
			rep, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			before := linkTargets(rep)
			notes := rep.Index.Notes
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			src := notes[rng.IntN(len(notes))].Path
			other := notes[rng.IntN(len(notes))].Path
			rep.Vault.Close()
			stem := strings.TrimSuffix(path.Base(src), path.Ext(src))
			var dst string
			switch seed % 3 {
			case 0:
				dst = path.Join(path.Dir(src), "renamed "+stem+".md")
			case 1:
				dst = path.Join("moved", "deeper", path.Base(src))
			default:
				dst = path.Join("elsewhere", path.Base(other))
			}
			res, err := move(t, dir, store, src, dst)
			var me *MoveError
			if errors.As(err, &me) {
				t.Logf("%s: %s -> %s refused: %v", name, src, dst, err)
				wantTree(t, dir, orig)
				continue
			}
			if err != nil || !res.Moved || len(res.Skipped) > 0 {
				t.Fatalf("%s: move %s -> %s: %+v, %v", name, src, dst, res, err)
			}
			moved++
			rep, err = Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			after := linkTargets(rep)
			rep.Vault.Close()
			rename := func(p string) string {
				if p == src {
					return dst
				}
				return p
			}
			checkKeepsLinks(t, fmt.Sprintf("%s: mv %s %s", name, src, dst), before, after, rename)
			u, err := undo(t, dir, UndoOptions{Store: store})
			if err != nil || len(u.Skipped) > 0 {
				t.Fatalf("%s: undo: %+v, %v", name, u, err)
			}
			wantTree(t, dir, orig)
			for _, d := range []string{"moved", "elsewhere"} {
				if _, err := os.Lstat(filepath.Join(dir, d)); !errors.Is(err, os.ErrNotExist) && !strings.HasPrefix(path.Dir(src), d) {
					t.Errorf("%s: folder %s left after undo", name, d)
				}
			}
		}
	}
	if moved < 12 {
		t.Fatalf("only %d of 18 moves were made", moved)
	}
}

// TestMoveRefusesChangedFiles: a file to rewrite, or the note itself,
// changed after the vault was read refuses the whole move before anything
// is written, as its links would break.
func TestMoveRefusesChangedFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{"n.md": "# N\n", "a.md": "[[n]]\n", "b.md": "[[n]] b\n"}
	for _, changed := range []string{"n.md", "b.md"} {
		t.Run(changed, func(t *testing.T) {
			dir, want, err := runAfterEdit(t, files, changed, func(rep *Report) (*MovePlan, error) { return PlanMove(rep, "n.md", "sub/m.md") },
				func(ctx context.Context, rep *Report, mp *MovePlan, store string) (*MoveResult, error) {
					return Move(ctx, rep, mp, ApplyOptions{Store: store})
				})
			var me *MoveError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), changed) {
				t.Fatalf("Move = %v, want a refusal naming %s", err, changed)
			}
			wantTree(t, dir, want)
			if _, err := os.Lstat(filepath.Join(dir, "sub")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("folder sub was created: %v", err)
			}
		})
	}
}

// TestUndoMoveLeavesEditedFiles: after a move, undo leaves a file edited
// since alone (and reports it) and restores the rest, the note at its old
// path included, and the folder the move created is removed.
func TestUndoMoveLeavesEditedFiles(t *testing.T) {
	t.Parallel()
	dir, store := newVault(t, map[string]string{"n.md": "# N\n", "a.md": "[[n]]\n", "b.md": "[[n]] b\n"})
	mv, err := move(t, dir, store, "n.md", "sub/m.md")
	if err != nil || !mv.Moved {
		t.Fatalf("move: %+v, %v", mv, err)
	}
	wantTree(t, dir, map[string]string{"sub/m.md": "# N\n", "a.md": "[[m]]\n", "b.md": "[[m]] b\n"})
	writeTree(t, dir, map[string]string{"b.md": "mine [[m]] b\n"})
	res, err := undo(t, dir, UndoOptions{Store: store})
	if err != nil || len(res.Skipped) != 1 || res.Skipped[0].Path != "b.md" {
		t.Fatalf("undo: %+v, %v", res, err)
	}
	wantTree(t, dir, map[string]string{"n.md": "# N\n", "a.md": "[[n]]\n", "b.md": "mine [[m]] b\n"})
	if _, err := os.Lstat(filepath.Join(dir, "sub")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder sub left after undo: %v", err)
	}
	// Undo again names what is left to --force: the move, by its op.
	if _, err := undo(t, dir, UndoOptions{Store: store}); !errors.Is(err, ErrNothingToUndo) || !strings.Contains(err.Error(), "without --force: mv "+mv.Snapshot.ID+" is partly undone, 1 file left (edited since the mv)") {
		t.Errorf("undo again: %v", err)
	}
}

// TestMoveFolderKeepsEveryLink moves random folders of generated vaults,
// in every dialect, with an image added to each, to a new path or into
// another folder: every link that resolved to a note before resolves to
// the same note after (each moved note at its new path), each link to the
// image finds it at its new path, and undo restores every byte and path.
func TestMoveFolderKeepsEveryLink(t *testing.T) {
	t.Parallel()
	moved := 0
	for _, d := range []string{"wiki", "obsidian", "foam"} {
		for seed := range int64(4) {
			name := fmt.Sprintf("%s/%d", d, seed)
			dir, store, _ := generatedVault(t, d, seed, 150)
			rep, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(seed), 11))
			var folders []string
			for _, n := range rep.Index.Notes {
				if dir := path.Dir(n.Path); dir != "." {
					folders = append(folders, dir)
				}
			}
			rep.Vault.Close()
			if len(folders) == 0 {
				t.Fatalf("%s: no folder", name)
			}
			src := folders[rng.IntN(len(folders))]
			img := src + "/figure.png"
			writeTree(t, dir, map[string]string{img: "PNG", "figures.md": "![a](" + strings.ReplaceAll(img, " ", "%20") + ") ![[figure.png]]\n"})
			orig := readTree(t, dir)
			rep, err = Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			before := linkTargets(rep)
			rep.Vault.Close()
			dst, newPath := "moved/deeper", "moved/deeper"
			if seed%2 == 1 {
				dst, newPath = "elsewhere/", "elsewhere/"+path.Base(src)
			}
			res, err := move(t, dir, store, src, dst)
			var me *MoveError
			if errors.As(err, &me) {
				t.Logf("%s: %s -> %s refused: %v", name, src, dst, err)
				wantTree(t, dir, orig)
				continue
			}
			if err != nil || !res.Moved || len(res.Skipped) > 0 {
				t.Fatalf("%s: move %s -> %s: %+v, %v", name, src, dst, res, err)
			}
			moved++
			rename := func(p string) string {
				if strings.HasPrefix(p, src+"/") {
					return newPath + strings.TrimPrefix(p, src)
				}
				return p
			}
			rep, err = Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			after := linkTargets(rep)
			fig, _ := rep.Index.NoteByPath("figures.md")
			for _, l := range rep.Index.Notes[fig].LinkList(nil) {
				if got, ok := rep.Index.AttachmentPath(fig, &l); !ok || got != rename(img) {
					t.Errorf("%s: after moving %s to %s, %s finds %q, want %q", name, src, dst, l.Text, got, rename(img))
				}
			}
			rep.Vault.Close()
			checkKeepsLinks(t, fmt.Sprintf("%s: mv %s %s", name, src, dst), before, after, rename)
			if _, err := os.Lstat(filepath.Join(dir, src)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: folder %s left after the move", name, src)
			}
			u, err := undo(t, dir, UndoOptions{Store: store})
			if err != nil || len(u.Skipped) > 0 {
				t.Fatalf("%s: undo: %+v, %v", name, u, err)
			}
			wantTree(t, dir, orig)
			for _, d := range []string{"moved", "elsewhere"} {
				if _, err := os.Lstat(filepath.Join(dir, d)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s: folder %s left after undo", name, d)
				}
			}
		}
	}
	if moved < 8 {
		t.Fatalf("only %d of 12 folder moves were made", moved)
	}
}

// TestMoveKeepsDuplicateRelations: a move that would change which note is
// a duplicate of which is refused, nothing written. A duplicate_of value
// that two notes' names match is no relation (though as a link it finds
// one of them): rewritten to the moved note's new, unique name it would
// become one. A move giving a note the name a duplicate_of uses would
// likewise end a relation.
func TestMoveKeepsDuplicateRelations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		files    map[string]string
		src, dst string
		want     string
	}{
		{"made", map[string]string{
			"a/x y.md": "---\nduplicate_of: \"[[x y]]\"\n---\n# A\n",
			"x y.md":   "# X\n\n[[a/x y]]\n",
		}, "x y.md", "T.md", `would make a/x y.md a duplicate of T.md, which it is not today (its duplicate_of "[[x y]]"`},
		{"ended", map[string]string{
			"d.md":     "---\nduplicate_of: \"[[c]]\"\n---\n# D\n",
			"c.md":     "# C\n",
			"sub/z.md": "# Z\n",
		}, "sub/z.md", "sub/c.md", `would make d.md no longer a duplicate of c.md`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, store := newVault(t, tc.files)
			_, err := move(t, dir, store, tc.src, tc.dst)
			var me *MoveError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("move = %v, want a refusal saying %s", err, tc.want)
			}
			wantTree(t, dir, tc.files)
		})
	}
}
