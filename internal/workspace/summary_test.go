package workspace

import (
	"slices"
	"testing"

	"github.com/relinkmd/relink/internal/snapshot"
)

// TestSummary: an mv or merge is described by its subject, in a line
// however many files it moved; a snapshot with moves and no subject (an
// undo of a move, or an mv recorded as an apply before subjects were) by
// its moves: one, the folder they share, or their count.
func TestSummary(t *testing.T) {
	folder := []snapshot.Move{{From: "In/a.md", To: "Arc/In/a.md"}, {From: "In/s/b.md", To: "Arc/In/s/b.md"}, {From: "In/p.png", To: "Arc/In/p.png"}}
	for _, tc := range []struct {
		name string
		m    snapshot.Manifest
		want []string
	}{
		{"apply", snapshot.Manifest{Op: snapshot.OpApply}, nil},
		{"note", snapshot.Manifest{Op: snapshot.OpMove, Subject: &snapshot.Subject{From: "a.md", To: "b/a.md"}, Moves: folder[:1]}, []string{"mv a.md → b/a.md"}},
		{"folder", snapshot.Manifest{Op: snapshot.OpMove, Subject: &snapshot.Subject{From: "In", To: "Arc/In", Folder: true}, Moves: folder}, []string{"mv In → Arc/In (3 files)"}},
		{"heading", snapshot.Manifest{Op: snapshot.OpMove, Subject: &snapshot.Subject{From: "n.md", To: "n.md", OldHeading: "Old", NewHeading: "New"}}, []string{"mv n.md#Old → n.md#New"}},
		{"merge", snapshot.Manifest{Op: snapshot.OpMerge, Subject: &snapshot.Subject{From: "d.md", To: "c.md"}}, []string{"merge d.md into c.md"}},
		{"merge --delete", snapshot.Manifest{Op: snapshot.OpMerge, Subject: &snapshot.Subject{From: "d.md", To: "c.md", Deleted: true}}, []string{"merge d.md into c.md, d.md deleted"}},
		{"an old mv", snapshot.Manifest{Op: snapshot.OpApply, Moves: []snapshot.Move{{From: "a.md", To: "x/b.md"}}}, []string{"mv a.md → x/b.md"}},
		{"an old folder mv", snapshot.Manifest{Op: snapshot.OpApply, Moves: folder}, []string{"mv In → Arc/In (3 files)"}},
		{"an undo of a folder mv", snapshot.Manifest{Op: snapshot.OpUndo, Moves: []snapshot.Move{{From: "Arc/In/a.md", To: "In/a.md"}, {From: "Arc/In/s/b.md", To: "In/s/b.md"}}}, []string{"mv Arc/In → In (2 files)"}},
		{"a folder renamed in place", snapshot.Manifest{Op: snapshot.OpUndo, Moves: []snapshot.Move{{From: "x/In/a.md", To: "x/Out/a.md"}, {From: "x/In/b.md", To: "x/Out/b.md"}}}, []string{"mv x/In → x/Out (2 files)"}},
		{"moves sharing no folder", snapshot.Manifest{Op: snapshot.OpUndo, Moves: []snapshot.Move{{From: "a.md", To: "x/a.md"}, {From: "b/c.md", To: "d.md"}}}, []string{"moves 2 files"}},
	} {
		if got := Summary(tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Summary = %q, want %q", tc.name, got, tc.want)
		}
	}
}
