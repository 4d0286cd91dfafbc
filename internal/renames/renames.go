// Package renames remembers what relink saw of a vault's notes in its last
// run — each note's path, title, id, file identity and content hash — and
// tells, from that and today's notes, which notes were moved, renamed or
// retitled since, so that links still using a former name can follow the
// note (SPEC §4, class renamed). Encode, Decode and Match are pure; File
// and Git do the I/O.
//
// # Invariants
//
//   - A note that is still at its path is the same note; a note whose
//     path is gone is found, among the notes at paths the last run did not
//     see, by the first rule that finds any: its file (device and inode,
//     with its content, stem, title or id unchanged too, as a freed inode
//     is soon given to another file), its `id`, its exact content. Two
//     notes found by one rule are both candidates: the link is ambiguous.
//   - A note found nowhere is deleted: its names are forgotten.
//   - Former names are kept from run to run while some link still uses
//     them (the caller says which), and dropped once none does, so that a
//     new note may take the name later.
package renames

import (
	"encoding/binary"
	"errors"
	"path"
	"strings"
)

// Name is a name a note had: its path and title then.
type Name struct {
	Path  string
	Title string
}

// Note is what a run remembers of one note.
type Note struct {
	Path  string // vault-relative, '/'-separated, with extension
	Title string
	ID    string
	// Dev and Ino identify the file; both 0 where the system has none.
	Dev, Ino uint64
	// Sum is the SHA-256 of the note's bytes; zero when unknown.
	Sum [32]byte
	// Formers are names the note had before, which links still used.
	Formers []Name
}

// Former says that today's note Notes[Note] was once called Name.
type Former struct {
	Name Name
	Note int
}

// Moved is a rename another tool recorded (git): the note now at To was
// at From.
type Moved struct {
	From, To string
}

// Match returns the former names of today's notes cur, from the notes the
// last run saw (old, with their formers) and the renames moved records.
// cur's own Formers are ignored. A name is given once per note.
func Match(old, cur []Note, moved []Moved) []Former {
	byPath := make(map[string]int, len(cur))
	for i := range cur {
		byPath[cur[i].Path] = i
	}
	seen := make(map[string]bool, len(old))
	for i := range old {
		seen[old[i].Path] = true
	}
	var out []Former
	given := map[Former]bool{}
	give := func(n int, nm Name) {
		if nm.Path == cur[n].Path && (nm.Title == "" || nm.Title == cur[n].Title) {
			return // no name it lacks today
		}
		f := Former{Name: nm, Note: n}
		if !given[f] {
			given[f] = true
			out = append(out, f)
		}
	}
	// The notes at paths the last run did not see: only they can be
	// where a vanished note went.
	var fresh []int
	for i := range cur {
		if !seen[cur[i].Path] {
			fresh = append(fresh, i)
		}
	}
	for i := range old {
		o := &old[i]
		var found []int
		if n, ok := byPath[o.Path]; ok {
			found = []int{n}
		} else {
			found = findMoved(o, cur, fresh)
		}
		for _, n := range found {
			for _, f := range o.Formers {
				give(n, f)
			}
			give(n, Name{Path: o.Path, Title: o.Title})
		}
	}
	for _, m := range moved {
		n, ok := byPath[m.To]
		if !ok {
			continue
		}
		if _, still := byPath[m.From]; still {
			continue // the old path holds a note again: links to it resolve
		}
		give(n, Name{Path: m.From})
	}
	return out
}

// findMoved returns the notes among fresh that o became, by the first
// rule that finds any.
func findMoved(o *Note, cur []Note, fresh []int) []int {
	rules := []func(c *Note) bool{
		func(c *Note) bool {
			return o.Ino != 0 && c.Ino == o.Ino && c.Dev == o.Dev &&
				(c.Sum == o.Sum && o.Sum != [32]byte{} || stem(c.Path) == stem(o.Path) ||
					o.Title != "" && c.Title == o.Title || o.ID != "" && c.ID == o.ID)
		},
		func(c *Note) bool { return o.ID != "" && c.ID == o.ID },
		func(c *Note) bool { return o.Sum != [32]byte{} && c.Sum == o.Sum },
	}
	for _, rule := range rules {
		var found []int
		for _, i := range fresh {
			if rule(&cur[i]) {
				found = append(found, i)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

func stem(p string) string {
	b := path.Base(p)
	return strings.TrimSuffix(b, path.Ext(b))
}

// magic starts a state file; the digit is the format's version.
const magic = "relink names 1\n"

// Encode writes the notes in the state file's format.
func Encode(notes []Note) []byte {
	b := []byte(magic)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(notes)))
	for i := range notes {
		n := &notes[i]
		str(n.Path)
		str(n.Title)
		str(n.ID)
		b = binary.AppendUvarint(b, n.Dev)
		b = binary.AppendUvarint(b, n.Ino)
		b = append(b, n.Sum[:]...)
		b = binary.AppendUvarint(b, uint64(len(n.Formers)))
		for _, f := range n.Formers {
			str(f.Path)
			str(f.Title)
		}
	}
	return b
}

// ErrCorrupt is Decode's error for bytes that are not a state file.
var ErrCorrupt = errors.New("not a relink names file, or a damaged one")

// Decode reads what Encode wrote.
func Decode(b []byte) ([]Note, error) {
	if !strings.HasPrefix(string(b), magic) {
		return nil, ErrCorrupt
	}
	b = b[len(magic):]
	bad := false
	u := func() uint64 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			bad = true
			return 0
		}
		b = b[k:]
		return v
	}
	str := func() string {
		n := u()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	count := u()
	if bad || count > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	notes := make([]Note, 0, count)
	for range count {
		var n Note
		n.Path, n.Title, n.ID = str(), str(), str()
		n.Dev, n.Ino = u(), u()
		if bad || len(b) < 32 {
			return nil, ErrCorrupt
		}
		n.Sum = [32]byte(b[:32])
		b = b[32:]
		formers := u()
		if bad || formers > uint64(len(b)) {
			return nil, ErrCorrupt
		}
		for range formers {
			n.Formers = append(n.Formers, Name{Path: str(), Title: str()})
		}
		if bad {
			return nil, ErrCorrupt
		}
		notes = append(notes, n)
	}
	if len(b) != 0 {
		return nil, ErrCorrupt
	}
	return notes, nil
}
