package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/atomicfile"
)

func threeChanges() []FileChange {
	return []FileChange{
		{Path: "b.md", Before: []byte("b0"), After: []byte("b1"), Mode: 0o644},
		{Path: "a/a.md", Before: []byte("a0"), After: []byte("a1"), Mode: 0o600},
		{Path: "new.md", After: []byte("n1"), Mode: 0o644, Created: true},
	}
}

func TestJournalCommitFlow(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)

	if j, err := s.Pending(); err != nil || j != nil {
		t.Fatalf("Pending on a new store = %v, %v", j, err)
	}
	j, err := s.Begin(OpApply, "/vault", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d{8}T\d{6}Z-[0-9a-f]{8}$`).MatchString(j.ID) ||
		!strings.HasPrefix(j.ID, j.Time.Format("20060102T150405Z")) {
		t.Errorf("id = %q, time %v", j.ID, j.Time)
	}
	wantFiles := []FileEntry{
		{Path: "a/a.md", Before: &ObjectRef{Sum([]byte("a0")), 2, 0o600}, After: &ObjectRef{Sum([]byte("a1")), 2, 0o600}},
		{Path: "b.md", Before: &ObjectRef{Sum([]byte("b0")), 2, 0o644}, After: &ObjectRef{Sum([]byte("b1")), 2, 0o644}},
		{Path: "new.md", After: &ObjectRef{Sum([]byte("n1")), 2, 0o644}},
	}
	if diff := cmp.Diff(wantFiles, j.Files); diff != "" {
		t.Errorf("journal files (-want +got):\n%s", diff)
	}
	for _, f := range j.Files {
		for _, r := range []*ObjectRef{f.Before, f.After} {
			if r == nil {
				continue
			}
			if _, err := s.Read(*r); err != nil {
				t.Errorf("%s: object not stored: %v", f.Path, err)
			}
		}
	}

	// The journal is visible to another Store (another process, after a crash).
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p, err := other.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(j.Manifest, p.Manifest); diff != "" {
		t.Errorf("Pending (-want +got):\n%s", diff)
	}
	if _, err := s.Begin(OpApply, "/vault", "", threeChanges()); !errors.Is(err, ErrPending) {
		t.Errorf("second Begin: err = %v, want ErrPending", err)
	}
	if ms, _ := s.List(); len(ms) != 0 {
		t.Errorf("List during pending = %v", ms)
	}

	if _, err := s.Commit(j, []string{"a/a.md", "nope.md"}); err == nil {
		t.Error("Commit with a path not in the journal succeeded")
	}
	m, err := s.Commit(j, []string{"new.md", "a/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	if m.State != StateCommitted || m.ID != j.ID || m.Op != OpApply || m.Vault != "/vault" {
		t.Errorf("manifest = %+v", m)
	}
	if diff := cmp.Diff([]FileEntry{wantFiles[0], wantFiles[2]}, m.Files); diff != "" {
		t.Errorf("committed files (-want +got):\n%s", diff)
	}
	if j, err := s.Pending(); err != nil || j != nil {
		t.Errorf("Pending after commit = %v, %v", j, err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), journalName)); !os.IsNotExist(err) {
		t.Errorf("journal still there: %v", err)
	}
	// Commit is idempotent once the journal is gone.
	if again, err := s.Commit(j, []string{"new.md", "a/a.md"}); err != nil || again.ID != m.ID {
		t.Errorf("second Commit = %v, %v", again.ID, err)
	}

	ms, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Manifest{m}, ms); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	for _, ref := range []string{m.ID, m.ID[:10], "latest"} {
		got, err := s.Load(ref)
		if err != nil {
			t.Fatalf("Load(%q): %v", ref, err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("Load(%q) (-want +got):\n%s", ref, diff)
		}
	}
}

func TestCommitNothingAndAbort(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	j, err := s.Begin(OpApply, "/v", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Commit(j, nil)
	if err != nil || m.ID != "" {
		t.Errorf("Commit(nothing) = %+v, %v", m, err)
	}
	if p, _ := s.Pending(); p != nil {
		t.Error("journal survived an empty commit")
	}

	j, err = s.Begin(OpUndo, "/v", "20261125T101530Z-00000000", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	if j.Parent != "20261125T101530Z-00000000" {
		t.Errorf("parent = %q", j.Parent)
	}
	if err := s.Abort(j); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(); p != nil {
		t.Error("journal survived Abort")
	}
	if err := s.Abort(j); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if ms, _ := s.List(); len(ms) != 0 {
		t.Errorf("List = %v", ms)
	}
	// Objects stay until Prune.
	if _, err := s.GetObject(Sum([]byte("b1"))); err != nil {
		t.Error(err)
	}
}

func TestRequiresLock(t *testing.T) {
	s := newStore(t)
	if _, err := s.Begin(OpApply, "/v", "", threeChanges()); !errors.Is(err, ErrNotLocked) {
		t.Errorf("Begin: %v", err)
	}
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.Begin(OpApply, "/v", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(j, []string{"b.md"}); !errors.Is(err, ErrNotLocked) {
		t.Errorf("Commit: %v", err)
	}
	if err := s.Abort(j); !errors.Is(err, ErrNotLocked) {
		t.Errorf("Abort: %v", err)
	}
	if _, err := s.Prune(Policy{KeepLast: 1}, s.now(), false); !errors.Is(err, ErrNotLocked) {
		t.Errorf("Prune: %v", err)
	}
}

func TestBeginValidates(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	ok := FileChange{Path: "ok.md", Before: []byte("0"), After: []byte("1")}
	tests := []struct {
		desc   string
		op     Op
		parent string
		files  []FileChange
	}{
		{"unknown op", "delete", "", []FileChange{ok}},
		{"no files", OpApply, "", nil},
		{"bad parent", OpUndo, "../x", []FileChange{ok}},
		{"dot-dot", OpApply, "", []FileChange{{Path: "../x.md", Before: []byte("0"), After: []byte("1")}}},
		{"inner dot-dot", OpApply, "", []FileChange{{Path: "a/../../x.md", Before: []byte("0"), After: []byte("1")}}},
		{"absolute", OpApply, "", []FileChange{{Path: "/x.md", Before: []byte("0"), After: []byte("1")}}},
		{"unclean", OpApply, "", []FileChange{{Path: "a//x.md", Before: []byte("0"), After: []byte("1")}}},
		{"empty path", OpApply, "", []FileChange{{Before: []byte("0"), After: []byte("1")}}},
		{"duplicate", OpApply, "", []FileChange{ok, ok}},
		{"no change", OpApply, "", []FileChange{{Path: "x.md", Before: []byte("0"), After: []byte("0")}}},
		{"created with before", OpApply, "", []FileChange{{Path: "x.md", Before: []byte("0"), After: []byte("1"), Created: true}}},
		{"deleted with after", OpApply, "", []FileChange{{Path: "x.md", Before: []byte("0"), After: []byte("1"), Deleted: true}}},
		{"created and deleted", OpApply, "", []FileChange{{Path: "x.md", Created: true, Deleted: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if _, err := s.Begin(tt.op, "/v", tt.parent, tt.files); err == nil {
				t.Fatal("Begin succeeded")
			}
			if p, _ := s.Pending(); p != nil {
				t.Fatal("journal written")
			}
		})
	}
	if got := storeFiles(t, s); !slices.Equal(got, []string{"config"}) {
		t.Errorf("store files = %v", got)
	}
}

// TestBeginFailureLeavesNoJournal injects a write failure (think: disk full)
// at each write Begin makes; Begin must fail and leave no journal, so the
// caller never touches the vault.
func TestBeginFailureLeavesNoJournal(t *testing.T) {
	type fault struct {
		step string
		n    int
	}
	faults := []fault{
		{atomicfile.StepBeforeRename, 1}, // the pack
		{atomicfile.StepBeforeRename, 2}, // the journal
		{atomicfile.StepAfterTempWrite, 1},
	}
	for n := 1; n <= 4; n++ { // the pack's header and its three frames
		faults = append(faults, fault{atomicfile.StepTempWrite, n})
	}
	for _, f := range faults {
		s := newStore(t)
		mustLock(t, s)
		count := 0
		restore := atomicfile.SetFaultHook(func(step, name string) error {
			if step != f.step {
				return nil
			}
			if count++; count == f.n {
				return atomicfile.ErrInjected
			}
			return nil
		})
		_, err := s.Begin(OpApply, "/v", "", threeChanges())
		restore()
		if !errors.Is(err, atomicfile.ErrInjected) {
			t.Fatalf("%s %d: err = %v, want ErrInjected", f.step, f.n, err)
		}
		if p, err := s.Pending(); p != nil || err != nil {
			t.Fatalf("%s %d: Pending = %v, %v", f.step, f.n, p, err)
		}
		for _, name := range storeFiles(t, s) {
			if strings.Contains(name, atomicfile.TempPrefix) {
				t.Errorf("%s %d: temp file left: %s", f.step, f.n, name)
			}
		}
	}
}

// TestCrashAfterManifest simulates a crash between the manifest's rename and
// the journal's removal: the journal is then not pending, and the next Begin
// removes it.
func TestCrashAfterManifest(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	j, err := s.Begin(OpApply, "/v", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	jb, err := os.ReadFile(filepath.Join(s.Dir(), journalName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(j, []string{"b.md"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir(), journalName), jb, 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if p, err := other.Pending(); p != nil || err != nil { // unlocked: read-only
		t.Fatalf("Pending = %v, %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), journalName)); err != nil {
		t.Fatalf("unlocked Pending removed the journal: %v", err)
	}
	if _, err := s.Begin(OpApply, "/v", "", threeChanges()); err != nil {
		t.Fatalf("Begin after leftover journal: %v", err)
	}
}

// TestRecovery plays the whole crash story on a real vault directory: begin,
// rewrite some files, crash, then roll forward or back from a fresh Store.
func TestRecovery(t *testing.T) {
	for _, forward := range []bool{true, false} {
		name := map[bool]string{true: "roll forward", false: "roll back"}[forward]
		t.Run(name, func(t *testing.T) {
			vdir := t.TempDir()
			vault, err := os.OpenRoot(vdir)
			if err != nil {
				t.Fatal(err)
			}
			defer vault.Close()
			before := map[string]string{"a.md": "a0", "b.md": "b0", "c.md": "c0"}
			after := map[string]string{"a.md": "a1", "b.md": "b1", "c.md": "c1"}
			var changes []FileChange
			for p, b := range before {
				if err := os.WriteFile(filepath.Join(vdir, p), []byte(b), 0o644); err != nil {
					t.Fatal(err)
				}
				changes = append(changes, FileChange{Path: p, Before: []byte(b), After: []byte(after[p]), Mode: 0o644})
			}

			s := newStore(t)
			unlock, err := s.Lock()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Begin(OpApply, vdir, "", changes); err != nil {
				t.Fatal(err)
			}
			// a.md is rewritten, then the process "crashes"; meanwhile the
			// user edits c.md.
			if err := atomicfile.Write(vault, "a.md", []byte("a1"), 0o644); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(vdir, "c.md"), []byte("user edit"), 0o644)
			unlock()

			// Next run.
			s2, err := Open(s.Dir())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			mustLock(t, s2)
			j, err := s2.Pending()
			if err != nil || j == nil {
				t.Fatalf("Pending = %v, %v", j, err)
			}
			sides := map[string]Side{}
			var applied []string
			for _, f := range j.Files {
				b, err := vault.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				side := f.Which(hashp(string(b)))
				sides[f.Path] = side
				switch {
				case forward && side == SideBefore:
					data, err := s2.Read(*f.After)
					if err != nil {
						t.Fatal(err)
					}
					if err := atomicfile.Write(vault, f.Path, data, f.After.Mode); err != nil {
						t.Fatal(err)
					}
					applied = append(applied, f.Path)
				case forward && side == SideAfter:
					applied = append(applied, f.Path)
				case !forward && side == SideAfter:
					data, err := s2.Read(*f.Before)
					if err != nil {
						t.Fatal(err)
					}
					if err := atomicfile.Write(vault, f.Path, data, f.Before.Mode); err != nil {
						t.Fatal(err)
					}
				}
			}
			wantSides := map[string]Side{"a.md": SideAfter, "b.md": SideBefore, "c.md": SideNeither}
			if diff := cmp.Diff(wantSides, sides); diff != "" {
				t.Errorf("sides (-want +got):\n%s", diff)
			}
			want := map[string]string{"a.md": "a0", "b.md": "b0", "c.md": "user edit"}
			if forward {
				m, err := s2.Commit(j, applied)
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Files) != 2 {
					t.Errorf("manifest files = %v", m.Files)
				}
				want = map[string]string{"a.md": "a1", "b.md": "b1", "c.md": "user edit"}
			} else if err := s2.Abort(j); err != nil {
				t.Fatal(err)
			}
			for p, w := range want {
				b, _ := vault.ReadFile(p)
				if string(b) != w {
					t.Errorf("%s = %q, want %q", p, b, w)
				}
			}
			if p, _ := s2.Pending(); p != nil {
				t.Error("still pending")
			}
		})
	}
}

func TestWhich(t *testing.T) {
	t.Parallel()
	ref := func(s string) *ObjectRef { return &ObjectRef{SHA256: Sum([]byte(s)), Size: int64(len(s))} }
	tests := []struct {
		desc string
		e    FileEntry
		cur  *Hash
		want Side
	}{
		{"at before", FileEntry{Before: ref("0"), After: ref("1")}, hashp("0"), SideBefore},
		{"at after", FileEntry{Before: ref("0"), After: ref("1")}, hashp("1"), SideAfter},
		{"changed", FileEntry{Before: ref("0"), After: ref("1")}, hashp("2"), SideNeither},
		{"missing file", FileEntry{Before: ref("0"), After: ref("1")}, nil, SideNeither},
		{"created, not yet", FileEntry{After: ref("1")}, nil, SideBefore},
		{"created, done", FileEntry{After: ref("1")}, hashp("1"), SideAfter},
		{"created, other content", FileEntry{After: ref("1")}, hashp("x"), SideNeither},
		{"deleted, done", FileEntry{Before: ref("0")}, nil, SideAfter},
		{"deleted, not yet", FileEntry{Before: ref("0")}, hashp("0"), SideBefore},
	}
	for _, tt := range tests {
		if got := tt.e.Which(tt.cur); got != tt.want {
			t.Errorf("%s: Which = %v, want %v", tt.desc, got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	if _, err := s.Load("latest"); !errors.Is(err, ErrNotFound) {
		t.Errorf("latest of none: %v", err)
	}
	var ids []string
	for i := range 3 {
		j, err := s.Begin(OpApply, "/v", "", []FileChange{{Path: "x.md", Before: []byte{byte(i)}, After: []byte{byte(i + 1)}}})
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Commit(j, []string{"x.md"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	ms, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.ID != ids[i] {
			t.Errorf("List[%d] = %s, want %s", i, m.ID, ids[i])
		}
	}
	if m, _ := s.Load("latest"); m.ID != ids[2] {
		t.Errorf("latest = %s", m.ID)
	}
	if _, err := s.Load("2026"); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("ambiguous prefix: %v", err)
	}
	for _, ref := range []string{"", "2027", "../config"} {
		if _, err := s.Load(ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("Load(%q): %v", ref, err)
		}
	}
	// A damaged manifest makes List (and so Prune) fail rather than skip it.
	os.WriteFile(filepath.Join(s.Dir(), snapsDir, "20990101T000000Z-00000000.json"), []byte("{"), 0o600)
	if _, err := s.List(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("List with a bad manifest: %v", err)
	}
}

// Commit decodes the journal file again when it is not the one Begin
// wrote for this journal, and refuses another operation's journal.
func TestCommitChecksTheJournalOnDisk(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	j1, err := s.Begin(OpApply, "/v", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Abort(j1); err != nil {
		t.Fatal(err)
	}
	j2, err := s.Begin(OpApply, "/v", "", threeChanges())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(j1, []string{"b.md"}); err == nil || !strings.Contains(err.Error(), "the pending journal is "+j2.ID) {
		t.Errorf("Commit of a replaced journal: %v", err)
	}
	// Reformatted on disk but the same operation: decoded and committed.
	b, err := os.ReadFile(filepath.Join(s.Dir(), journalName))
	if err != nil {
		t.Fatal(err)
	}
	overwrite(t, filepath.Join(s.Dir(), journalName), bytes.ReplaceAll(b, []byte("\n  "), []byte("\n   ")))
	m, err := s.Commit(j2, []string{"b.md"})
	if err != nil || m.ID != j2.ID || len(m.Files) != 1 {
		t.Errorf("Commit: %+v, %v", m, err)
	}
}

// TestBatch adds files from several goroutines, with before and after
// back to back in one buffer (compressed without a copy) and a before hash
// given by the caller, and checks what BeginBatch records and stores.
func TestBatch(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	sums := make([][2]Hash, n)
	for i := range n {
		wg.Go(func() {
			buf := fmt.Appendf(make([]byte, 0, 64), "before %d", i)
			before := buf
			buf = fmt.Appendf(buf, "after %d!", i)
			after := buf[len(before):]
			h0, h1, err := b.Add(FileChange{Path: fmt.Sprintf("d/%02d.md", i), Before: before, After: after, Mode: 0o600, BeforeSum: Sum(before)})
			if err != nil {
				t.Error(err)
			}
			sums[i] = [2]Hash{h0, h1}
		})
	}
	wg.Wait()
	if _, _, err := b.Add(FileChange{Path: "d/07.md", Before: []byte("x"), After: []byte("y")}); err == nil {
		t.Error("a path added twice was accepted")
	}
	if _, _, err := b.Add(FileChange{Path: "same.md", Before: []byte("x"), After: []byte("x")}); err == nil {
		t.Error("before = after was accepted")
	}
	j, err := s.BeginBatch(OpApply, "/v", "", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Files) != n {
		t.Fatalf("journal has %d files, want %d", len(j.Files), n)
	}
	for i, f := range j.Files {
		before, after := fmt.Sprintf("before %d", i), fmt.Sprintf("after %d!", i)
		if f.Path != fmt.Sprintf("d/%02d.md", i) || f.Before.SHA256 != Sum([]byte(before)) || f.After.SHA256 != Sum([]byte(after)) ||
			sums[i] != [2]Hash{f.Before.SHA256, f.After.SHA256} || f.After.Mode != 0o600 || f.After.Size != int64(len(after)) {
			t.Errorf("entry %d = %+v", i, f)
		}
		for _, want := range []struct {
			ref  *ObjectRef
			data string
		}{{f.Before, before}, {f.After, after}} {
			if got, err := s.Read(*want.ref); err != nil || string(got) != want.data {
				t.Errorf("%s: read %q, %v; want %q", f.Path, got, err, want.data)
			}
		}
	}
	if _, err := s.Commit(j, []string{"d/00.md"}); err != nil {
		t.Fatal(err)
	}
}

func TestBatchDiscard(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Add(FileChange{Path: "a.md", Before: []byte("a0"), After: []byte("a1")}); err != nil {
		t.Fatal(err)
	}
	b.Discard()
	for _, f := range storeFiles(t, s) {
		if strings.HasPrefix(f, "packs/") {
			t.Errorf("left behind: %s", f)
		}
	}
	if j, err := s.Pending(); err != nil || j != nil {
		t.Errorf("Pending = %v, %v", j, err)
	}
}

func TestAdjacent(t *testing.T) {
	buf := []byte("beforeafter")
	if j, ok := adjacent([][]byte{buf[:6], buf[6:]}); !ok || string(j) != "beforeafter" {
		t.Errorf("back to back: %q, %v", j, ok)
	}
	if j, ok := adjacent([][]byte{buf[:6], nil, buf[6:]}); !ok || string(j) != "beforeafter" {
		t.Errorf("with an empty one: %q, %v", j, ok)
	}
	if _, ok := adjacent([][]byte{buf[:5], buf[6:]}); ok {
		t.Error("a gap was taken as back to back")
	}
	if _, ok := adjacent([][]byte{buf[:6:6], buf[6:]}); ok {
		t.Error("beyond the capacity of the first was taken as back to back")
	}
	if _, ok := adjacent([][]byte{[]byte("a"), []byte("b")}); ok {
		t.Error("two arrays were taken as one")
	}
}

// TestBatchMoves: a move recorded with its two files is in the journal and
// in the committed manifest, and read back the same; a move one of whose
// files is not committed is left out; an invalid move is refused.
func TestBatchMoves(t *testing.T) {
	for _, tc := range []struct {
		name      string
		commit    []string
		wantMoves int
	}{
		{"both sides", []string{"a.md", "new/deep/a.md", "x.md"}, 1},
		{"created only", []string{"new/deep/a.md", "x.md"}, 0},
		{"deleted only", []string{"a.md"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			mustLock(t, s)
			b, err := s.NewBatch()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []FileChange{
				{Path: "a.md", Before: []byte("old"), Deleted: true},
				{Path: "new/deep/a.md", After: []byte("old"), Created: true},
				{Path: "x.md", Before: []byte("[[a]]"), After: []byte("[[new/deep/a]]")},
			} {
				if _, _, err := b.Add(f); err != nil {
					t.Fatal(err)
				}
			}
			mv := Move{From: "a.md", To: "new/deep/a.md", Dirs: []string{"new", "new/deep"}}
			for _, bad := range []Move{{From: "a.md", To: "a.md"}, {From: "../a.md", To: "b.md"}, {From: "a.md", To: "b/c.md", Dirs: []string{"x"}}} {
				if err := b.AddMove(bad); err == nil {
					t.Errorf("AddMove(%+v) accepted", bad)
				}
			}
			if err := b.AddMove(mv); err != nil {
				t.Fatal(err)
			}
			j, err := s.BeginBatch(OpApply, "/v", "", b)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Pending()
			if err != nil || p == nil || len(p.Moves) != 1 || !reflect.DeepEqual(p.Moves[0], mv) {
				t.Fatalf("pending journal moves = %+v, %v", p, err)
			}
			m, err := s.Commit(j, tc.commit)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Moves) != tc.wantMoves {
				t.Fatalf("committed moves = %+v, want %d", m.Moves, tc.wantMoves)
			}
			if m.ID == "" {
				return
			}
			back, err := s.Load(m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Moves, m.Moves) {
				t.Errorf("loaded moves %+v, committed %+v", back.Moves, m.Moves)
			}
		})
	}
}

// TestManifestWithoutMoves: a manifest as stores wrote it before moves
// were recorded still loads, with no moves.
func TestManifestWithoutMoves(t *testing.T) {
	m := Manifest{Version: FormatVersion, ID: "20261125T101530Z-1a2b3c4d", Time: time.Date(2026, 11, 25, 10, 15, 30, 0, time.UTC),
		Op: OpApply, Vault: "/v", State: StateCommitted,
		Files: []FileEntry{{Path: "a.md", Before: &ObjectRef{SHA256: Sum([]byte("a")), Size: 1}, After: &ObjectRef{SHA256: Sum([]byte("b")), Size: 1}}}}
	dir := legacyStore(t, m, "a", "b")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Load(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Moves != nil || len(got.Files) != 1 {
		t.Errorf("loaded %+v", got)
	}
}

// TestBatchSubject: what an mv or merge was asked to do is in its journal
// and its committed manifest, and read back the same; an invalid one is
// refused.
func TestBatchSubject(t *testing.T) {
	s := newStore(t)
	mustLock(t, s)
	b, err := s.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Add(FileChange{Path: "x.md", Before: []byte("[[dup]]"), After: []byte("[[canon|dup]]")}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Subject{{From: "a.md", To: "a.md"}, {From: "../a.md", To: "b.md"}, {From: "a.md", To: "b.md", OldHeading: "x"}, {From: "", To: "b.md"}} {
		if err := b.SetSubject(bad); err == nil {
			t.Errorf("SetSubject(%+v) accepted", bad)
		}
	}
	subj := Subject{From: "dup.md", To: "canon.md", Deleted: true}
	if err := b.SetSubject(subj); err != nil {
		t.Fatal(err)
	}
	j, err := s.BeginBatch(OpMerge, "/v", "", b)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Pending(); err != nil || p == nil || p.Op != OpMerge || p.Subject == nil || *p.Subject != subj {
		t.Fatalf("pending journal = %+v, %v", p, err)
	}
	m, err := s.Commit(j, []string{"x.md"})
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.Load(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Op != OpMerge || back.Subject == nil || *back.Subject != subj {
		t.Errorf("loaded %+v", back)
	}
}
