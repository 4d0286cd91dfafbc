package index_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/bench/benchdata"
	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

const testTag = "relink test executable"

func tableNote(p, title string, aliases ...string) *note.Note {
	return &note.Note{Path: p, Fields: frontmatter.Fields{Title: title, Aliases: aliases}}
}

func writeTables(t *testing.T, ix *index.Index, sum index.Sum) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ix.WriteTables(&buf, sum, testTag); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tableNotes are generated notes plus the cases the tables hold apart from
// plain names: duplicates, canonical chains (with a cycle and a dangling
// reference, which are problems), aliases, an unparsable note and
// notational variants.
func tableNotes(t *testing.T) []*note.Note {
	notes := benchdata.Scan(t, 600).Notes
	extra := []*note.Note{
		tableNote("zz/Cache Line.md", "Cache Line", "CL"),
		tableNote("zz/Cache-Line.md", ""),
		tableNote("zz/copy.md", ""),
		tableNote("zz/a.md", ""),
		tableNote("zz/b.md", ""),
		tableNote("zz/broken.md", "Broken Title"),
		tableNote("zz/상태 관리.md", "상태 관리"),
	}
	extra[2].DuplicateOf = "[[cache line]]"
	extra[3].DuplicateOf = "b"
	extra[4].DuplicateOf = "a"
	extra[5].CanonicalID = "no-such-id"
	broken := tableNote("zz/unparsed.md", "Unparsed")
	broken.Err = errors.New("bad yaml")
	return append(append(notes, extra...), broken)
}

func TestTablesRoundTrip(t *testing.T) {
	notes := tableNotes(t)
	d := wiki(t)
	attachments := []string{"img/Pic.png"}
	built := index.Build(notes, attachments, d, fold.Compact)
	sum := index.TablesSum(notes, d, fold.Compact)
	data := writeTables(t, built, sum)
	// A copy in a fresh buffer (the allocator aligns it as a mapping is).
	file := append([]byte(nil), data...)
	read, err := index.FromTables(file, sum, testTag, notes, attachments, d, fold.Compact)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(built.Problems, read.Problems); diff != "" {
		t.Errorf("problems differ (-built +read):\n%s", diff)
	}
	if len(built.Problems) < 2 {
		t.Errorf("the test notes should make problems, got %v", built.Problems)
	}
	targets := []string{"cache line", "CACHE_LINE", "CL", "상태관리", "copy", "a", "zz/b", "Unparsed", "Pic.png", "img/pic.png", "no such", "Broken  title"}
	for i, nt := range notes {
		if built.Canonical(int32(i)) != read.Canonical(int32(i)) {
			t.Errorf("%s: canonical %d, read %d", nt.Path, built.Canonical(int32(i)), read.Canonical(int32(i)))
		}
		if j, ok := read.NoteByPath(nt.Path); !ok || j != int32(i) {
			t.Errorf("NoteByPath(%q) = %d, %v", nt.Path, j, ok)
		}
		for _, l := range nt.LinkList(nil) {
			targets = append(targets, l.Target)
		}
		targets = append(targets, nt.Title, nt.Path)
	}
	for _, tg := range targets {
		l := note.Link{Link: wikilink.Link{Kind: wikilink.Wiki}, Target: tg}
		if diff := cmp.Diff(built.Resolve(0, &l), read.Resolve(0, &l)); diff != "" {
			t.Errorf("Resolve(%q) differs (-built +read):\n%s", tg, diff)
		}
		if diff := cmp.Diff(built.Hints(tg, 3), read.Hints(tg, 3)); diff != "" {
			t.Errorf("Hints(%q) differ (-built +read):\n%s", tg, diff)
		}
	}
	// Written again from what was read: the same bytes.
	if again := writeTables(t, read, sum); !bytes.Equal(again, data) {
		t.Error("tables read and written again differ")
	}
}

func TestTablesRefused(t *testing.T) {
	notes := tableNotes(t)
	d := wiki(t)
	built := index.Build(notes, nil, d, fold.Compact)
	sum := index.TablesSum(notes, d, fold.Compact)
	data := writeTables(t, built, sum)
	load := func(b []byte, s index.Sum, tag string) error {
		_, err := index.FromTables(append([]byte(nil), b...), s, tag, notes, nil, d, fold.Compact)
		return err
	}
	if err := load(data, sum, testTag); err != nil {
		t.Fatalf("intact tables refused: %v", err)
	}
	head := data[:min(len(data), index.TablesHeaderLen)]
	if !index.TablesMatch(head, sum, testTag) {
		t.Error("TablesMatch refuses the header of intact tables")
	}
	other := sum
	other[0] ^= 1
	if load(data, other, testTag) == nil {
		t.Error("tables of other inputs accepted")
	}
	if load(data, sum, testTag+" 2") == nil {
		t.Error("tables of another executable accepted")
	}
	if index.TablesMatch(head, other, testTag) || index.TablesMatch(head, sum, testTag+" 2") || index.TablesMatch(head[:40], sum, testTag) {
		t.Error("TablesMatch accepts the header of other tables, or a cut one")
	}
	for _, cut := range []int{0, 10, len(data) / 2, len(data) - 1} {
		if load(data[:cut], sum, testTag) == nil {
			t.Errorf("tables cut at %d accepted", cut)
		}
	}
	// Any flipped byte after the header is caught by the checksum (or
	// the header's own checks before it).
	for i := 0; i < len(data); i += max(1, len(data)/97) {
		b := append([]byte(nil), data...)
		b[i] ^= 0x40
		if load(b, sum, testTag) == nil {
			t.Errorf("tables with byte %d flipped accepted", i)
		}
	}
	if _, err := index.FromTables(data, sum, testTag, notes[1:], nil, d, fold.Compact); err == nil {
		t.Error("tables of another note count accepted")
	}
}

// TestTablesSumCoversInputs holds TablesSum's invariant: changing any
// note field it leaves out changes no table, and changing any field it
// covers changes the sum.
func TestTablesSumCoversInputs(t *testing.T) {
	d := wiki(t)
	base := tableNotes(t)
	sum := index.TablesSum(base, d, fold.Compact)
	tables := writeTables(t, index.Build(base, nil, d, fold.Compact), sum)
	covered := map[string]bool{"Path": true, "Title": true, "Aliases": true, "ID": true, "CanonicalID": true, "DuplicateOf": true, "Err": true}
	seen := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[note.Note]()) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		seen[f.Name] = true
		// Every note's field changed at once, to values that would make
		// names, aliases and references if the tables read them.
		notes := make([]*note.Note, len(base))
		for i, b := range base {
			c := *b
			c.Aliases = append([]string(nil), b.Aliases...)
			perturb(reflect.ValueOf(&c).Elem().FieldByIndex(f.Index), base[(i+7)%len(base)])
			notes[i] = &c
		}
		got := index.TablesSum(notes, d, fold.Compact)
		if covered[f.Name] {
			if got == sum {
				t.Errorf("changing %s leaves the sum unchanged", f.Name)
			}
			continue
		}
		if got != sum {
			t.Errorf("changing %s, which the tables do not read, changes the sum", f.Name)
		}
		if !bytes.Equal(writeTables(t, index.Build(notes, nil, d, fold.Compact), sum), tables) {
			t.Errorf("changing %s changes the tables, but TablesSum leaves it out", f.Name)
		}
	}
	for name := range covered {
		if !seen[name] {
			t.Errorf("covered field %s is not a field of note.Note", name)
		}
	}
	// The dialect and the level are inputs too.
	obs, err := dialect.ByName("obsidian")
	if err != nil {
		t.Fatal(err)
	}
	if index.TablesSum(base, obs, fold.Compact) == sum || index.TablesSum(base, d, fold.Case) == sum ||
		index.TablesSum(base, dialect.Strict{Dialect: d}, fold.Compact) == sum {
		t.Error("the dialect or the level leaves the sum unchanged")
	}
}

// perturb sets v to a value unlike its own, borrowed where it can be from
// another note so that it looks like a real name.
func perturb(v reflect.Value, other *note.Note) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + " " + other.Path)
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.String:
			v.Set(reflect.Append(v, reflect.ValueOf(other.Title+" x")))
		default:
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
			v.Set(reflect.ValueOf(fmt.Errorf("perturbed")))
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	default:
		panic("perturb: no rule for " + v.Type().String())
	}
}
