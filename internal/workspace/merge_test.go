package workspace

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/index"
)

// linkNotes maps each link of the vault that finds a note (as file path,
// "#", "f" or "b" for a link in the frontmatter or the body, and its
// ordinal there) to that note's path: the note named, even when it is a
// duplicate of another. Keying frontmatter and body apart keeps a body
// link's key when a merge adds duplicate_of to the frontmatter.
func linkNotes(rep *Report) map[string]string {
	out := map[string]string{}
	ix := rep.Index
	for i, n := range ix.Notes {
		if n.Err != nil {
			continue
		}
		var fm, body int
		for _, l := range n.LinkList(nil) {
			key := fmt.Sprintf("%s#b%d", n.Path, body)
			if l.InFrontmatter {
				key = fmt.Sprintf("%s#f%d", n.Path, fm)
				fm++
			} else {
				body++
			}
			r := ix.Resolve(int32(i), &l)
			if r.Attachment || r.Outside || r.Target < 0 {
				continue
			}
			t := r.Target
			switch r.Class {
			case index.Duplicate:
				if len(r.Candidates) == 1 {
					t = r.Candidates[0]
				}
			case index.Resolved, index.Heading, index.Variant, index.Alias:
			default:
				continue
			}
			out[key] = ix.Notes[t].Path
		}
	}
	return out
}

func merge(t *testing.T, dir, store, dup, canon string, opt MergeOptions) (*MergeResult, error) {
	t.Helper()
	return planAndRun(t, dir, func(rep *Report) (*MergePlan, error) { return PlanMerge(rep, dup, canon, opt) },
		func(ctx context.Context, rep *Report, mp *MergePlan) (*MergeResult, error) {
			return Merge(ctx, rep, mp, ApplyOptions{Store: store})
		})
}

// TestMergeSendsEveryLink merges random notes of generated vaults into
// others, in every dialect, marking the duplicate or deleting it: every
// link that found the duplicate finds the note it was merged into, every
// other link its old note, the duplicate's duplicate_of names that note,
// and undo restores every byte and path.
func TestMergeSendsEveryLink(t *testing.T) {
	t.Parallel()
	merged := 0
	for _, d := range []string{"wiki", "obsidian", "foam"} {
		for seed := range int64(4) {
			name := fmt.Sprintf("%s/%d", d, seed)
			dir, store, orig := generatedVault(t, d, seed, 120)
			rep, err := Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			before := linkNotes(rep)
			notes := rep.Index.Notes
			rng := rand.New(rand.NewPCG(uint64(seed), 11))
			dup := notes[rng.IntN(len(notes))].Path
			canon := notes[rng.IntN(len(notes))].Path
			rep.Vault.Close()
			opt := MergeOptions{Delete: seed%2 == 1, Alias: seed%2 == 0}
			res, err := merge(t, dir, store, dup, canon, opt)
			var me *MergeError
			if errors.As(err, &me) {
				t.Logf("%s: merging %s into %s refused: %v", name, dup, canon, err)
				wantTree(t, dir, orig)
				continue
			}
			if err != nil || len(res.Skipped) > 0 || res.Deleted != opt.Delete {
				t.Fatalf("%s: merge %s into %s: %+v, %v", name, dup, canon, res, err)
			}
			merged++
			rep, err = Load(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			after := linkNotes(rep)
			if !opt.Delete {
				id, _ := rep.Index.NoteByPath(dup)
				cid, _ := rep.Index.NoteByPath(canon)
				if c := rep.Index.Canonical(id); c != rep.Index.Canonical(cid) || c == id {
					t.Errorf("%s: %s's canonical note is %s, want %s's", name, dup, rep.Index.Notes[c].Path, canon)
				}
			}
			rep.Vault.Close()
			checkMerged(t, name, before, after, dup, canon, opt.Delete)
			u, err := undo(t, dir, UndoOptions{Store: store})
			if err != nil || len(u.Skipped) > 0 {
				t.Fatalf("%s: undo: %+v, %v", name, u, err)
			}
			wantTree(t, dir, orig)
		}
	}
	if merged < 8 {
		t.Fatalf("only %d of 12 merges were made", merged)
	}
}

// checkMerged fails t for each link of before (see linkNotes) that does
// not find, in after, the note it should after dup was merged into canon:
// canon for a link that found dup, its old note for any other. dup's own
// links are not checked when del removed it; a link in dup's frontmatter
// may find canon instead, as dup's duplicate_of now names canon (a new
// duplicate_of, after the other keys, takes a key of its own).
func checkMerged(t *testing.T, name string, before, after map[string]string, dup, canon string, del bool) {
	t.Helper()
	for k, target := range before {
		file, ord, _ := strings.Cut(k, "#")
		if file == dup && del {
			continue
		}
		want := target
		if target == dup {
			want = canon
		}
		got := after[k]
		if got == want || file == dup && strings.HasPrefix(ord, "f") && got == canon {
			continue
		}
		t.Errorf("%s: after merging %s into %s, link %s finds %q, want %q", name, dup, canon, k, got, want)
	}
}

func TestMergeRefusals(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"dup.md":   "# D\n",
		"canon.md": "---\nduplicate_of: \"[[dup]]\"\n---\n",
		"c2.md":    "---\nduplicate_of: \"[[c3]]\"\n---\n",
		"c3.md":    "---\nduplicate_of: \"[[dup]]\"\n---\n",
		"flow.md":  "---\n{title: Flow}\n---\n",
		"ok.md":    "[[dup]] [[flow]]\n",
		"pic.png":  "png",
	}
	for _, tc := range []struct{ dup, canon, want string }{
		{"dup.md", "dup.md", "are the same note"},
		{"dup.md", "./dup.md", "are the same note"},
		{"dup.md", "canon.md", "canon.md is already a duplicate of dup.md"},
		{"dup.md", "c2.md", "c2.md is already a duplicate of dup.md"},
		{"nope.md", "ok.md", "nope.md: no such note"},
		{"dup.md", "pic.png", "pic.png is not a note of the vault"},
		{"dup.md", "../x.md", "is outside the vault"},
		{"flow.md", "ok.md", "flow.md: cannot set duplicate_of in its frontmatter"},
	} {
		t.Run(tc.dup+" "+tc.canon, func(t *testing.T) {
			dir, store := newVault(t, files)
			_, err := merge(t, dir, store, tc.dup, tc.canon, MergeOptions{})
			var me *MergeError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was merged") {
				t.Fatalf("merge = %v, want a refusal saying %q", err, tc.want)
			}
			wantTree(t, dir, files)
			if _, err := os.Lstat(store); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the store was created: %v", err)
			}
		})
	}
}

// TestMergeDeleteUndo: --delete removes the duplicate; undo recreates it
// byte for byte and restores every link.
func TestMergeDeleteUndo(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"dup.md":   "\xef\xbb\xbf# Dup\r\nkept bytes\r\n",
		"canon.md": "---\naliases: [c]\n---\n# Canon\n",
		"a.md":     "[[dup]] [[dup|x]] [d](dup.md)\n",
	}
	dir, store := newVault(t, files)
	res, err := merge(t, dir, store, "dup.md", "canon.md", MergeOptions{Delete: true, Alias: true})
	if err != nil || !res.Deleted {
		t.Fatalf("merge: %+v, %v", res, err)
	}
	want := map[string]string{
		"canon.md": "---\naliases: [c, dup]\n---\n# Canon\n",
		"a.md":     "[[canon|dup]] [[canon|x]] [d](canon.md)\n",
	}
	wantTree(t, dir, want)
	if _, err := os.Lstat(filepath.Join(dir, "dup.md")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("dup.md not removed: %v", err)
	}
	if _, err := undo(t, dir, UndoOptions{Store: store}); err != nil {
		t.Fatal(err)
	}
	wantTree(t, dir, files)
}

// TestMergeRefusesChangedFiles: a file to rewrite, or the duplicate to
// remove, changed after the vault was read refuses the whole merge before
// anything is written.
func TestMergeRefusesChangedFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{"dup.md": "# D\n", "canon.md": "# C\n", "a.md": "[[dup]]\n", "b.md": "[[dup]] b\n"}
	for _, changed := range []string{"dup.md", "b.md"} {
		t.Run(changed, func(t *testing.T) {
			dir, want, err := runAfterEdit(t, files, changed, func(rep *Report) (*MergePlan, error) {
				return PlanMerge(rep, "dup.md", "canon.md", MergeOptions{Delete: true})
			},
				func(ctx context.Context, rep *Report, mp *MergePlan, store string) (*MergeResult, error) {
					return Merge(ctx, rep, mp, ApplyOptions{Store: store})
				})
			var me *MergeError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), changed) {
				t.Fatalf("Merge = %v, want a refusal naming %s", err, changed)
			}
			wantTree(t, dir, want)
		})
	}
}

// TestMergeFirstByte: a link at a file's first byte, in the duplicate and
// in the note it merges into, neither with frontmatter: the new block goes
// before the rewritten link. A duplicate already marked is left as it is.
func TestMergeFirstByte(t *testing.T) {
	t.Parallel()
	dir, store := newVault(t, map[string]string{"dup.md": "[[dup]] self\n", "canon.md": "[[dup]] in canon\n"})
	if _, err := merge(t, dir, store, "dup.md", "canon.md", MergeOptions{Alias: true}); err != nil {
		t.Fatal(err)
	}
	wantTree(t, dir, map[string]string{
		"dup.md":   "---\nduplicate_of: \"[[canon]]\"\n---\n[[canon|dup]] self\n",
		"canon.md": "---\naliases:\n  - dup\n---\n[[canon|dup]] in canon\n",
	})
	rep, err := Load(dir, Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	mp, err := PlanMerge(rep, "dup.md", "canon.md", MergeOptions{Alias: true})
	if err != nil || len(mp.Frontmatter) != 0 || len(mp.Edits) != 0 || !mp.AliasPresent {
		t.Fatalf("merging again: %+v, %v", mp, err)
	}
}

// TestMergeResolvesAmbiguousLinks: two notes share the stem T2; links by
// stem in the duplicate were ambiguous between the two. After the merge
// the duplicate names the other in duplicate_of, so those links find
// that note: no link that found a note finds another (a link keeps its
// key when duplicate_of is added to the frontmatter), and the links
// that were ambiguous now find the note merged into.
func TestMergeResolvesAmbiguousLinks(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"c d/T2.md": "# Head\n\nblock text ^b1\n\n[[/c d/T2]]\n\n[[T2#^b1]]\n\n![[T2]]\n",
		"A/T2.md":   "# Head\n\n[x](T2.md)\n\n| a | b |\n|---|---|\n| [[T2\\|in table]] | x |\n",
	}
	dir, store := newVault(t, files)
	rep := loadDialect(t, dir, "wiki")
	before := linkNotes(rep)
	rep.Vault.Close()
	if _, ok := before["c d/T2.md#b1"]; ok {
		t.Fatalf("[[T2#^b1]] in the duplicate finds a note before the merge: %v", before)
	}
	if _, err := merge(t, dir, store, "c d/T2.md", "A/T2.md", MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	rep = loadDialect(t, dir, "wiki")
	after := linkNotes(rep)
	rep.Vault.Close()
	checkMerged(t, "wiki", before, after, "c d/T2.md", "A/T2.md", false)
	for _, k := range []string{"c d/T2.md#b0", "c d/T2.md#b1", "c d/T2.md#b2", "c d/T2.md#f0"} {
		if after[k] != "A/T2.md" {
			t.Errorf("after the merge %s finds %q, want A/T2.md", k, after[k])
		}
	}
}
