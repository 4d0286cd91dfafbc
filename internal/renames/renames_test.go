package renames

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/cespare/xxhash/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func sum(b byte) uint64 { return uint64(b) + 1<<40 }

// sumOfNothing is the content hash of an empty file.
var sumOfNothing = xxhash.Sum64(nil)

func TestMatch(t *testing.T) {
	tests := []struct {
		name     string
		old, cur []Note
		moved    []Moved
		want     []Former
	}{
		{
			name: "same file at a new path",
			old:  []Note{{Path: "Old.md", Ino: 7, Dev: 1, Content: sum(1)}, {Path: "b.md", Ino: 8, Dev: 1}},
			cur:  []Note{{Path: "New.md", Ino: 7, Dev: 1, Content: sum(1)}, {Path: "b.md", Ino: 8, Dev: 1}},
			want: []Former{{Name{Path: "Old.md"}, 0}},
		},
		{
			name: "moved into a folder and edited: same file, same stem",
			old:  []Note{{Path: "Old.md", Ino: 7, Dev: 1, Content: sum(1)}},
			cur:  []Note{{Path: "dir/Old.md", Ino: 7, Dev: 1, Content: sum(2)}},
			want: []Former{{Name{Path: "Old.md"}, 0}},
		},
		{
			name: "a freed inode given to an unrelated note is no rename",
			old:  []Note{{Path: "Gone.md", Ino: 7, Dev: 1, Content: sum(1)}},
			cur:  []Note{{Path: "Other.md", Ino: 7, Dev: 1, Content: sum(2)}},
			want: nil,
		},
		{
			name: "same inode on another device is another file",
			old:  []Note{{Path: "Old.md", Ino: 7, Dev: 1, Content: sum(1)}},
			cur:  []Note{{Path: "New.md", Ino: 7, Dev: 2, Content: sum(2)}},
			want: nil,
		},
		{
			name: "retitled in place",
			old:  []Note{{Path: "n.md", Title: "Old Title"}},
			cur:  []Note{{Path: "n.md", Title: "New Title"}},
			want: []Former{{Name{Path: "n.md", Title: "Old Title"}, 0}},
		},
		{
			name: "unchanged note has no former name",
			old:  []Note{{Path: "n.md", Title: "T", Ino: 3}},
			cur:  []Note{{Path: "n.md", Title: "T", Ino: 4}},
			want: nil,
		},
		{
			name: "by id, rewritten elsewhere",
			old:  []Note{{Path: "a.md", ID: "x1", Ino: 1, Dev: 1, Content: sum(1)}},
			cur:  []Note{{Path: "b.md", ID: "x1", Ino: 2, Dev: 1, Content: sum(2)}},
			want: []Former{{Name{Path: "a.md"}, 0}},
		},
		{
			name: "by content, copied and removed",
			old:  []Note{{Path: "a.md", Ino: 1, Dev: 1, Content: sum(9)}},
			cur:  []Note{{Path: "c.md", Ino: 5, Dev: 1, Content: sum(9)}},
			want: []Former{{Name{Path: "a.md"}, 0}},
		},
		{
			name: "two copies: both candidates",
			old:  []Note{{Path: "a.md", Content: sum(9)}},
			cur:  []Note{{Path: "b.md", Content: sum(9)}, {Path: "c.md", Content: sum(9)}},
			want: []Former{{Name{Path: "a.md"}, 0}, {Name{Path: "a.md"}, 1}},
		},
		{
			name: "the file itself wins over a copy of its content",
			old:  []Note{{Path: "a.md", Ino: 1, Dev: 1, Content: sum(9)}},
			cur:  []Note{{Path: "b.md", Ino: 1, Dev: 1, Content: sum(9)}, {Path: "c.md", Ino: 2, Dev: 1, Content: sum(9)}},
			want: []Former{{Name{Path: "a.md"}, 0}},
		},
		{
			name: "only notes at paths the last run did not see",
			old:  []Note{{Path: "a.md", Content: sum(9)}, {Path: "b.md", Content: sum(3)}},
			cur:  []Note{{Path: "b.md", Content: sum(9)}},
			want: nil,
		},
		{
			name: "content two notes shared (an unedited template) names neither",
			old:  []Note{{Path: "a.md", Content: sum(9)}, {Path: "t.md", Content: sum(9)}},
			cur:  []Note{{Path: "t.md", Content: sum(9)}, {Path: "new.md", Content: sum(9)}},
			want: nil,
		},
		{
			name: "an empty note is found by its file or id, never by its bytes",
			old:  []Note{{Path: "a.md", Ino: 1, Dev: 1, Content: sumOfNothing}, {Path: "b.md", Ino: 2, Dev: 1, Content: sumOfNothing, ID: "b1"}},
			cur:  []Note{{Path: "c.md", Ino: 1, Dev: 1, Content: sumOfNothing}, {Path: "d.md", Ino: 3, Dev: 1, Content: sumOfNothing, ID: "b1"}},
			want: []Former{{Name{Path: "b.md"}, 1}},
		},
		{
			name: "an empty note moved keeps its stem or title",
			old:  []Note{{Path: "a.md", Ino: 1, Dev: 1, Content: sumOfNothing}},
			cur:  []Note{{Path: "dir/a.md", Ino: 1, Dev: 1, Content: sumOfNothing}},
			want: []Former{{Name{Path: "a.md"}, 0}},
		},
		{
			name: "deleted, found nowhere",
			old:  []Note{{Path: "a.md", Content: sum(9), Ino: 4}},
			cur:  []Note{{Path: "b.md", Content: sum(1), Ino: 5}},
			want: nil,
		},
		{
			name: "former names carried and extended",
			old:  []Note{{Path: "b.md", Content: sum(1), Formers: []Name{{Path: "a.md"}}}},
			cur:  []Note{{Path: "c.md", Content: sum(1)}},
			want: []Former{{Name{Path: "a.md"}, 0}, {Name{Path: "b.md"}, 0}},
		},
		{
			name:  "git rename, empty state",
			cur:   []Note{{Path: "new/N.md"}},
			moved: []Moved{{From: "N.md", To: "new/N.md"}, {From: "x.md", To: "gone.md"}},
			want:  []Former{{Name{Path: "N.md"}, 0}},
		},
		{
			name:  "git rename whose old path holds a note again",
			cur:   []Note{{Path: "N.md"}, {Path: "M.md"}},
			moved: []Moved{{From: "N.md", To: "M.md"}},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Match(tt.old, tt.cur, tt.moved)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	notes := []Note{
		{Path: "a/b c.md", Title: "T\tab", ID: "x", Dev: 1 << 40, Ino: 99, Content: sum(7),
			Formers: []Name{{Path: "old.md", Title: "Old"}, {Path: "z.md"}}},
		{Path: "ü.md"},
	}
	got, err := Decode(Encode(notes))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, notes) {
		t.Errorf("round trip: %+v, want %+v", got, notes)
	}
	if got, err := Decode(Encode(nil)); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
	whole := Encode(notes)
	for i := range whole {
		if _, err := Decode(whole[:i]); err == nil {
			t.Errorf("a file cut at %d decodes", i)
		}
	}
	if _, err := Decode(append(whole, 0)); err == nil {
		t.Error("trailing bytes decode")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode([]Note{{Path: "a.md", Title: "A", Formers: []Name{{Path: "b.md"}}}}))
	f.Add([]byte(magic + "\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		notes, err := Decode(b)
		if err != nil {
			return
		}
		// What decodes encodes to the same bytes.
		again, err := Decode(Encode(notes))
		if err != nil || !reflect.DeepEqual(again, notes) && !(len(again) == 0 && len(notes) == 0) {
			t.Fatalf("re-decode: %v %+v %+v", err, again, notes)
		}
	})
}

// TestUnchanged: the digest of notes given one at a time is the one Save
// writes, so that an unchanged vault is told by the file's header alone.
func TestUnchanged(t *testing.T) {
	notes := []Note{{Path: "a.md", Title: "A", Ino: 3, Content: sum(1)}, {Path: "b.md", ID: "x"}}
	digest := func(notes []Note) [32]byte {
		d := NewDigester(len(notes))
		for i := range notes {
			d.Add(&notes[i])
		}
		return d.Sum()
	}
	file := filepath.Join(t.TempDir(), "state", FileName)
	if Open(file).Unchanged(digest(nil)) {
		t.Error("a missing file is unchanged")
	}
	if err := Open(file).Save(notes); err != nil {
		t.Fatal(err)
	}
	f := Open(file)
	if !f.Unchanged(digest(notes)) {
		t.Error("the notes saved are not unchanged")
	}
	moved := append([]Note(nil), notes...)
	moved[0].Path = "c.md"
	if f.Unchanged(digest(moved)) {
		t.Error("a moved note is unchanged")
	}
	got, err := f.Notes()
	if err != nil || !reflect.DeepEqual(got, notes) {
		t.Errorf("Notes = %+v, %v", got, err)
	}
	if err := os.WriteFile(file, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := Open(file).Notes(); err == nil {
		t.Errorf("a damaged file reads as %+v", got)
	}
}

// A file of version 2 (each note's SHA-256 where version 3 has its
// content hash) still reads: its notes, their content unknown.
func TestDecodeVersion2(t *testing.T) {
	notes := []Note{
		{Path: "a/b c.md", Title: "T", ID: "x", Dev: 1 << 40, Ino: 99, Formers: []Name{{Path: "old.md", Title: "Old"}}},
		{Path: "ü.md"},
	}
	body := binary.AppendUvarint(nil, uint64(len(notes)))
	for _, n := range notes {
		for _, s := range []string{n.Path, n.Title, n.ID} {
			body = binary.AppendUvarint(body, uint64(len(s)))
			body = append(body, s...)
		}
		body = binary.AppendUvarint(body, n.Dev)
		body = binary.AppendUvarint(body, n.Ino)
		sum := sha256.Sum256([]byte(n.Path)) // a SHA-256 of some bytes
		body = append(body, sum[:]...)
		body = binary.AppendUvarint(body, uint64(len(n.Formers)))
		for _, f := range n.Formers {
			for _, s := range []string{f.Path, f.Title} {
				body = binary.AppendUvarint(body, uint64(len(s)))
				body = append(body, s...)
			}
		}
	}
	digest := sha256.Sum256(body)
	file := append(append([]byte(magicV2), digest[:]...), body...)
	got, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, notes) {
		t.Errorf("version 2: %+v, want %+v", got, notes)
	}
	if _, err := Decode(append([]byte("relink names 9\n"), file[len(magicV2):]...)); err == nil {
		t.Error("an unknown version decodes")
	}
}
