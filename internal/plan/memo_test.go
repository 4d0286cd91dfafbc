package plan

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// mapMemo is a Memo in memory that counts its traffic.
type mapMemo struct {
	mu               sync.Mutex
	m                map[string][]byte
	hits, misses, rc int
}

func memoKey(path string, d [32]byte) string { return fmt.Sprintf("%s\x00%x", path, d) }

func (m *mapMemo) Lookup(path string, d [32]byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	enc, ok := m.m[memoKey(path, d)]
	if ok {
		m.hits++
	} else {
		m.misses++
	}
	return enc, ok
}

func (m *mapMemo) Record(path string, d [32]byte, enc []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string][]byte{}
	}
	m.m[memoKey(path, d)] = enc
	m.rc++
}

func memoNotes(t *testing.T) []*note.Note {
	notes := benchdata.Scan(t, 800).Notes
	bad := &note.Note{Path: "zz/unparsed.md", Err: errors.New("bad yaml")}
	return append(notes, bad)
}

func wikiDialect(t *testing.T) dialect.Dialect {
	d, err := dialect.ByName("wiki")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestMemo: a plan built through a memo equals one built without; a
// second run takes every note from the memo; after one note's links
// change, only that note is planned again, and the plan equals a fresh one.
func TestMemo(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	for _, opt := range []Options{{Workers: 3}, {Workers: 2, AllowAlias: true, FollowDuplicates: true, KeepDisplay: true}} {
		want := Build(index.Build(notes, nil, d, fold.Compact), opt)
		if want.Stats.Broken == 0 || want.Stats.Variant == 0 || len(want.Findings) == 0 {
			t.Fatalf("the generated vault should have edits and findings: %+v", want.Stats)
		}
		m := &mapMemo{}
		memoOpt := opt
		memoOpt.Memo = m
		first := Build(index.Build(notes, nil, d, fold.Compact), memoOpt)
		if diff := cmp.Diff(want, first); diff != "" {
			t.Fatalf("plan through an empty memo differs (-want +got):\n%s", diff)
		}
		if m.hits != 0 || m.rc != len(notes)-1 {
			t.Fatalf("first run: %d hits, %d recorded of %d notes", m.hits, m.rc, len(notes))
		}
		second := Build(index.Build(notes, nil, d, fold.Compact), memoOpt)
		if diff := cmp.Diff(want, second); diff != "" {
			t.Fatalf("plan from the memo differs (-want +got):\n%s", diff)
		}
		if m.hits != len(notes)-1 || m.rc != len(notes)-1 {
			t.Fatalf("second run: %d hits, %d recorded of %d notes", m.hits, m.rc, len(notes))
		}

		// One note gets a broken link and loses its first one.
		changed := append([]*note.Note(nil), notes...)
		var j int
		for j = range changed {
			if changed[j].LinkCount() > 1 {
				break
			}
		}
		c := *changed[j]
		c.Links = append(c.LinkList(nil)[1:], note.Link{Text: "[[no such note]]", Target: "no such note", Line: 999, Col: 1})
		c = reparsed(c)
		changed[j] = &c
		hits := m.hits
		third := Build(index.Build(changed, nil, d, fold.Compact), memoOpt)
		if diff := cmp.Diff(Build(index.Build(changed, nil, d, fold.Compact), opt), third); diff != "" {
			t.Fatalf("plan after a change differs from a fresh one (-want +got):\n%s", diff)
		}
		if m.hits-hits != len(notes)-2 || m.rc != len(notes) {
			t.Fatalf("after one note changed: %d hits, %d recorded", m.hits-hits, m.rc)
		}

		// A fragment target gains a heading: the notes that link into it
		// with a fragment are planned again, and only they.
		target, linking := fragmentTarget(t, changed, d)
		withHeading := append([]*note.Note(nil), changed...)
		h := *withHeading[target]
		h.Headings = append(append([]string(nil), h.Headings...), "A New Heading")
		withHeading[target] = &h
		hits, rc := m.hits, m.rc
		fourth := Build(index.Build(withHeading, nil, d, fold.Compact), memoOpt)
		if diff := cmp.Diff(Build(index.Build(withHeading, nil, d, fold.Compact), opt), fourth); diff != "" {
			t.Fatalf("plan after a new heading differs from a fresh one (-want +got):\n%s", diff)
		}
		// (Every note's entry is found; the linking notes' anchor digests
		// no longer hold.)
		if replanned := m.rc - rc; replanned != linking || m.hits-hits != len(notes)-1 {
			t.Fatalf("after a new heading: %d notes planned again, want the %d that link into it with a fragment", replanned, linking)
		}
	}
}

// fragmentTarget returns a note that other notes link to with a fragment,
// and how many notes do.
func fragmentTarget(t *testing.T, notes []*note.Note, d dialect.Dialect) (int32, int) {
	ix := index.Build(notes, nil, d, fold.Compact)
	linkers := map[int32]map[int32]bool{}
	for i, n := range notes {
		if n.Err != nil {
			continue
		}
		for _, l := range n.LinkList(nil) {
			if _, _, _, _, a := planLink(ix, Options{}, int32(i), &l, new(Edit), new(Finding)); a >= 0 {
				if linkers[a] == nil {
					linkers[a] = map[int32]bool{}
				}
				linkers[a][int32(i)] = true
			}
		}
	}
	for a, by := range linkers {
		if len(by) >= 2 {
			return a, len(by)
		}
	}
	t.Fatal("no note is a fragment target of two notes")
	return 0, 0
}

// reparsed returns n with its Links as its only links (not packed).
func reparsed(n note.Note) note.Note {
	var out note.Note
	out.Path, out.Fields, out.Headings, out.BlockIDs, out.AnchorIDs, out.Sum, out.Err = n.Path, n.Fields, n.Headings, n.BlockIDs, n.AnchorIDs, n.Sum, n.Err
	out.Links = n.Links
	return out
}

// TestNotePlanRoundTrip: every note's plan decodes to what was encoded,
// nil and empty lists apart.
func TestNotePlanRoundTrip(t *testing.T) {
	notes := memoNotes(t)
	ix := index.Build(notes, nil, wikiDialect(t), fold.Compact)
	n := 0
	for i, nt := range notes {
		if nt.Err != nil {
			continue
		}
		var p notePlan
		p = planNote(ix, Options{}, int32(i), new(planScratch), nil)
		enc := appendNotePlan(nil, &p)
		got, err := decodeNotePlan(enc, nt.Path)
		if err != nil {
			t.Fatalf("%s: %v", nt.Path, err)
		}
		if diff := cmp.Diff(p, got, cmp.AllowUnexported(notePlan{})); diff != "" {
			t.Fatalf("%s: round trip differs (-want +got):\n%s", nt.Path, diff)
		}
		n += len(p.edits) + len(p.findings)
		for cut := 0; cut < len(enc); cut++ {
			if _, err := decodeNotePlan(enc[:cut], nt.Path); err == nil {
				t.Fatalf("%s: plan cut at %d of %d bytes decodes", nt.Path, cut, len(enc))
			}
		}
	}
	if n == 0 {
		t.Fatal("no edits or findings to round-trip")
	}
	p := notePlan{findings: []Finding{{File: "a.md", Candidates: []string{}, Hints: nil}, {File: "a.md", Candidates: []string{"x"}, Hints: []string{}}}}
	got, err := decodeNotePlan(appendNotePlan(nil, &p), "a.md")
	if err != nil || got.findings[0].Candidates == nil || got.findings[0].Hints != nil || got.findings[1].Hints == nil {
		t.Fatalf("nil and empty lists not kept apart: %+v, %v", got.findings, err)
	}
	p = notePlan{findings: []Finding{{File: "a.md", Class: "ambiguous", Candidates: []string{"x.md", "y.md"}, Aliases: []CandidateAlias{{Note: "x.md", Alias: "Y"}}}}}
	enc := appendNotePlan(nil, &p)
	got, err = decodeNotePlan(enc, "a.md")
	if diff := cmp.Diff(p, got, cmp.AllowUnexported(notePlan{})); err != nil || diff != "" {
		t.Fatalf("a finding's aliases do not round-trip (%v):\n%s", err, diff)
	}
	for cut := 0; cut < len(enc); cut++ {
		if _, err := decodeNotePlan(enc[:cut], "a.md"); err == nil {
			t.Fatalf("plan with aliases cut at %d of %d bytes decodes", cut, len(enc))
		}
	}
}

// TestContextSumCoversInputs holds ContextSum's invariant: every note field
// but the links and the file's hash, and every setting, is in the sum.
func TestContextSumCoversInputs(t *testing.T) {
	base := memoNotes(t)
	d := wikiDialect(t)
	sumOf := func(notes []*note.Note, d dialect.Dialect, lv fold.Level, attach []string, opt Options, vaults map[string]bool) [32]byte {
		ix := index.Build(notes, attach, d, lv)
		ix.LocalVaults = vaults
		return ContextSum(ix, attach, opt)
	}
	sum := sumOf(base, d, fold.Compact, nil, Options{}, nil)
	// The file's identity only finds renamed notes, and a run that finds
	// any plans without the memo.
	left := map[string]bool{"Links": true, "Sum": true, "ContentHash": true, "Headings": true, "BlockIDs": true, "AnchorIDs": true, "Dev": true, "Ino": true}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[note.Note]()) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		// One note's field changed.
		notes := append([]*note.Note(nil), base...)
		c := *notes[5]
		perturb(reflect.ValueOf(&c).Elem().FieldByIndex(f.Index))
		notes[5] = &c
		got := sumOf(notes, d, fold.Compact, nil, Options{}, nil)
		if left[f.Name] {
			if got != sum {
				t.Errorf("changing %s changes the context sum, which it should leave to the plan's own keys", f.Name)
			}
			continue
		}
		if got == sum {
			t.Errorf("changing %s leaves the context sum unchanged", f.Name)
		}
	}
	obs, err := dialect.ByName("obsidian")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][32]byte{
		"dialect":     sumOf(base, obs, fold.Compact, nil, Options{}, nil),
		"strict":      sumOf(base, dialect.Strict{Dialect: d}, fold.Compact, nil, Options{}, nil),
		"level":       sumOf(base, d, fold.Case, nil, Options{}, nil),
		"attachments": sumOf(base, d, fold.Compact, []string{"a.png"}, Options{}, nil),
		"alias":       sumOf(base, d, fold.Compact, nil, Options{AllowAlias: true}, nil),
		"duplicates":  sumOf(base, d, fold.Compact, nil, Options{FollowDuplicates: true}, nil),
		"display":     sumOf(base, d, fold.Compact, nil, Options{KeepDisplay: true}, nil),
		"vaults":      sumOf(base, d, fold.Compact, nil, Options{}, map[string]bool{"v": true}),
		"no vaults":   sumOf(base, d, fold.Compact, nil, Options{}, map[string]bool{}),
	} {
		if got == sum {
			t.Errorf("changing the %s leaves the context sum unchanged", name)
		}
	}
}

func perturb(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + " x")
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			v.Set(reflect.Append(v, reflect.ValueOf("x")))
		} else {
			v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
		}
	case reflect.Array:
		for i := range v.Len() {
			v.Index(i).Set(reflect.ValueOf(byte(i + 1)).Convert(v.Type().Elem()))
		}
	case reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Interface:
		if v.IsNil() {
			v.Set(reflect.ValueOf(errors.New("perturbed")))
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	default:
		panic("perturb: no rule for " + v.Type().String())
	}
}

// TestNotePlanReadsOnlyItsOwnLinks: changing one note's links changes no
// other note's plan (the memo keys a plan by its own links only).
func TestNotePlanReadsOnlyItsOwnLinks(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	encode := func(notes []*note.Note) [][]byte {
		ix := index.Build(notes, nil, d, fold.Compact)
		out := make([][]byte, len(notes))
		for i, nt := range notes {
			if nt.Err == nil {
				var p notePlan
				p = planNote(ix, Options{}, int32(i), new(planScratch), nil)
				out[i] = appendNotePlan(nil, &p)
			}
		}
		return out
	}
	base := encode(notes)
	for j := 0; j < len(notes)-1; j += 97 {
		changed := append([]*note.Note(nil), notes...)
		c := reparsed(*notes[j])
		c.Links = nil
		changed[j] = &c
		got := encode(changed)
		for i := range notes {
			if i != j && string(got[i]) != string(base[i]) {
				t.Fatalf("dropping %s's links changed the plan of %s", notes[j].Path, notes[i].Path)
			}
		}
	}
}

// FuzzDecodeNotePlan: any bytes decode to a plan or an error, never a
// panic, and what decodes encodes to bytes that decode to it again.
func FuzzDecodeNotePlan(f *testing.F) {
	p := notePlan{
		edits:    []Edit{{File: "a.md", Line: 1, Col: 2, Start: 3, End: 9, Old: "[[x]]", New: "[[X]]", Target: "X.md", Class: "variant", Level: "case"}},
		findings: []Finding{{File: "a.md", Line: 2, Link: "[[y]]", Class: "broken", Candidates: []string{}, Hints: []string{"Y.md"}}},
		stats:    Stats{Links: 2, Variant: 1, Broken: 1},
		nl:       2, off: 2,
	}
	f.Add(appendNotePlan(nil, &p))
	f.Add(appendNotePlan(nil, &notePlan{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeNotePlan(b, "a.md")
		if err != nil {
			return
		}
		again, err := decodeNotePlan(appendNotePlan(nil, &got), "a.md")
		if err != nil {
			t.Fatalf("%x decodes, its encoding does not: %v", b, err)
		}
		if diff := cmp.Diff(got, again, cmp.AllowUnexported(notePlan{})); diff != "" {
			t.Fatalf("%x: decoded, encoded and decoded again differs:\n%s", b, diff)
		}
	})
}

// TestNotePlanReadsOnlyItsFragmentTargets: changing the headings, block
// ids and anchors of every note that a note's links do not check a
// fragment against leaves the note's plan unchanged (the memo keys a plan
// by its fragment targets' anchors only).
func TestNotePlanReadsOnlyItsFragmentTargets(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	ix := index.Build(notes, nil, d, fold.Compact)
	checked := 0
	for i := 0; i < len(notes)-1; i += 37 {
		if notes[i].Err != nil {
			continue
		}
		deps := map[int32]bool{}
		for _, l := range notes[i].LinkList(nil) {
			if _, _, _, _, a := planLink(ix, Options{}, int32(i), &l, new(Edit), new(Finding)); a >= 0 {
				deps[a] = true
			}
		}
		want := planNote(ix, Options{}, int32(i), new(planScratch), nil)
		changed := make([]*note.Note, len(notes))
		for j, n := range notes {
			changed[j] = n
			if !deps[int32(j)] {
				c := *n
				c.Headings = append(append([]string(nil), n.Headings...), "Setup", "Install")
				c.BlockIDs = append(append([]string(nil), n.BlockIDs...), "blk")
				c.AnchorIDs = append(append([]string(nil), n.AnchorIDs...), "top")
				changed[j] = &c
			}
		}
		got := planNote(index.Build(changed, nil, d, fold.Compact), Options{}, int32(i), new(planScratch), nil)
		if string(appendNotePlan(nil, &got)) != string(appendNotePlan(nil, &want)) {
			t.Fatalf("%s: its plan changed with the anchors of notes it does not check fragments against", notes[i].Path)
		}
		if len(deps) > 0 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no sampled note checks a fragment: the test checks nothing")
	}
}

// TestMemoReadOnly: a read-only memo gives plans but records none.
func TestMemoReadOnly(t *testing.T) {
	notes := memoNotes(t)
	d := wikiDialect(t)
	m := &mapMemo{}
	want := Build(index.Build(notes, nil, d, fold.Compact), Options{Workers: 2, Memo: m, MemoReadOnly: true})
	if m.rc != 0 || m.misses != len(notes)-1 {
		t.Fatalf("read-only memo: %d recorded, %d misses", m.rc, m.misses)
	}
	Build(index.Build(notes, nil, d, fold.Compact), Options{Workers: 2, Memo: m})
	got := Build(index.Build(notes, nil, d, fold.Compact), Options{Workers: 2, Memo: m, MemoReadOnly: true})
	if diff := cmp.Diff(want, got); diff != "" || m.rc != len(notes)-1 {
		t.Fatalf("read-only memo after a recording run: %d recorded; plan differs:\n%s", m.rc, diff)
	}
}

// TestNoteContextRoundTrip: what AppendNoteContext keeps of a note comes
// back by DecodeNoteContext, encodes alike again, and a cut or longer
// encoding is refused.
func TestNoteContextRoundTrip(t *testing.T) {
	for _, n := range []*note.Note{
		{Path: "a.md"},
		{Path: "b.md", Err: errors.New("broken YAML")},
		{Path: "c.md", Fields: frontmatter.Fields{Title: "캐시 라인", Aliases: []string{"Cache Line", ""}, ID: "c1", CanonicalID: "c0", DuplicateOf: "Other"}},
		{Path: "d.md", Fields: frontmatter.Fields{Aliases: []string{}}},
	} {
		enc := AppendNoteContext(nil, n)
		var got note.Note
		if !DecodeNoteContext(enc, &got) {
			t.Fatalf("%s: %q does not decode", n.Path, enc)
		}
		if again := AppendNoteContext(nil, &got); string(again) != string(enc) {
			t.Errorf("%s: %q encodes again as %q", n.Path, enc, again)
		}
		if got.Title != n.Title || got.ID != n.ID || got.CanonicalID != n.CanonicalID || got.DuplicateOf != n.DuplicateOf ||
			fmt.Sprint(got.Aliases) != fmt.Sprint(n.Aliases) || (got.Err == nil) != (n.Err == nil) {
			t.Errorf("%s: decoded as %+v", n.Path, got)
		}
		for cut := range len(enc) {
			if DecodeNoteContext(enc[:cut], &got) {
				t.Errorf("%s: cut at %d decodes", n.Path, cut)
			}
		}
		if DecodeNoteContext(append(enc, 0), &got) {
			t.Errorf("%s: a longer encoding decodes", n.Path)
		}
	}
}
