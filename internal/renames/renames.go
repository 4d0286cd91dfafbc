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
//     is soon given to another file), its `id`, its exact content — when
//     no other note of the last run had it and it is not empty. Two
//     notes found by one rule are both candidates: the link is ambiguous.
//   - A note found nowhere is deleted: its names are forgotten.
//   - Former names are kept from run to run while some link still uses
//     them (the caller says which), and dropped once none does, so that a
//     new note may take the name later.
package renames

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"github.com/cespare/xxhash/v2"
	"hash"
	"path"
	"slices"
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
	// Content is the hash of the note's bytes (note.ContentHash); zero
	// when unknown.
	Content uint64
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
	return NewMatcher(old, moved).Match(cur)
}

// A Matcher matches today's notes against the notes the last run saw, as
// Match does, and then again after a few notes changed (Rematch), at the
// cost of those notes: a long-lived server asks after each title typed.
type Matcher struct {
	old   []Note
	moved []Moved
	// From the last Match: the formers each old note gave (by its index)
	// and those moved gave, before the names given twice are dropped;
	// cur's paths, and which old note is at each of cur's paths.
	byOld   map[int][]Former
	byMoved []Former
	paths   []string
	oldAt   []int // cur index -> old index at its path, -1 for none
	matched bool
}

// NewMatcher returns a Matcher of the notes the last run saw and the
// renames moved records.
func NewMatcher(old []Note, moved []Moved) *Matcher {
	return &Matcher{old: old, moved: moved}
}

// Match is the package's Match for cur.
func (m *Matcher) Match(cur []Note) []Former {
	old, moved := m.old, m.moved
	m.byOld, m.byMoved = map[int][]Former{}, nil
	m.paths = make([]string, len(cur))
	m.oldAt = make([]int, len(cur))
	for i := range cur {
		m.paths[i], m.oldAt[i] = cur[i].Path, -1
	}
	// at[i] is the note of cur at old note i's path (-1: none); seen[n]
	// says whether the last run saw cur[n]'s path.
	at, seen := joinPaths(old, cur)
	// The notes at paths the last run did not see: only they can be
	// where a vanished note went.
	var fresh []int
	for i := range cur {
		if !seen[i] {
			fresh = append(fresh, i)
		}
	}
	// Bytes identify a note only when no other note of the last run had
	// them: an empty note or an unedited template's copies would hand
	// the links of one deleted note to an unrelated new one. Counted on
	// the first vanished note: a run where every note is where it was
	// needs no count.
	var holders map[uint64]int
	distinctive := func(content uint64) bool {
		if holders == nil {
			holders = make(map[uint64]int, len(old))
			for i := range old {
				holders[old[i].Content]++
			}
		}
		return content != 0 && content != emptyContent && holders[content] == 1
	}
	for i := range old {
		o := &old[i]
		var found []int
		if n := at[i]; n >= 0 {
			found = []int{n}
			m.oldAt[n] = i
		} else {
			found = findMoved(o, cur, fresh, distinctive(o.Content))
		}
		for _, n := range found {
			if g := gives(o, n, &cur[n]); len(g) > 0 {
				m.byOld[i] = append(m.byOld[i], g...)
			}
		}
	}
	var byPath map[string]int
	if len(moved) > 0 {
		byPath = make(map[string]int, len(cur))
		for i := range cur {
			byPath[cur[i].Path] = i
		}
	}
	for _, mv := range moved {
		n, ok := byPath[mv.To]
		if !ok {
			continue
		}
		if _, still := byPath[mv.From]; still {
			continue // the old path holds a note again: links to it resolve
		}
		if f, ok := give(n, &cur[n], Name{Path: mv.From}); ok {
			m.byMoved = append(m.byMoved, f)
		}
	}
	m.matched = true
	return m.formers()
}

// joinPaths pairs the notes of old and cur by path: at[i] is the index in
// cur of old[i]'s path (-1 for none), seen[n] whether any old note has
// cur[n]'s path. Both lists come sorted by path (a scan's order, which
// the state file keeps), and are then merged in one pass; otherwise, as
// from a file edited by hand, through maps.
func joinPaths(old, cur []Note) (at []int, seen []bool) {
	at, seen = make([]int, len(old)), make([]bool, len(cur))
	sorted := true
	for i := 1; i < len(old) && sorted; i++ {
		sorted = old[i-1].Path <= old[i].Path
	}
	for n := 1; n < len(cur) && sorted; n++ {
		sorted = cur[n-1].Path < cur[n].Path
	}
	if sorted {
		n := 0
		for i := range old {
			for n < len(cur) && cur[n].Path < old[i].Path {
				n++
			}
			at[i] = -1
			if n < len(cur) && cur[n].Path == old[i].Path {
				at[i], seen[n] = n, true
			}
		}
		return at, seen
	}
	curAt := make(map[string]int, len(cur))
	for n := range cur {
		curAt[cur[n].Path] = n
	}
	for i := range old {
		at[i] = -1
		if n, ok := curAt[old[i].Path]; ok {
			at[i], seen[n] = n, true
		}
	}
	return at, seen
}

// Len is the number of notes the last Match matched.
func (m *Matcher) Len() int { return len(m.paths) }

// Rematch returns Match's answer for the notes of the last Match with the
// notes at the given indices replaced (cur[i] for each i of changed): the
// same paths, other titles, ids or bytes. ok is false when it cannot tell
// without matching all again: no Match yet, another path, or a changed
// note at a path the last run did not see (a note a vanished one may have
// become).
func (m *Matcher) Rematch(changed map[int]Note) (formers []Former, ok bool) {
	if !m.matched {
		return nil, false
	}
	for n, c := range changed {
		if n < 0 || n >= len(m.paths) || c.Path != m.paths[n] || m.oldAt[n] < 0 {
			return nil, false
		}
	}
	for n, c := range changed {
		i := m.oldAt[n]
		if g := gives(&m.old[i], n, &c); len(g) > 0 {
			m.byOld[i] = g
		} else {
			delete(m.byOld, i)
		}
	}
	return m.formers(), true
}

// gives returns the formers old note o gives today's note n (cur): o's
// own formers, and o's name.
func gives(o *Note, n int, cur *Note) []Former {
	var out []Former
	for _, f := range o.Formers {
		if g, ok := give(n, cur, f); ok {
			out = append(out, g)
		}
	}
	if g, ok := give(n, cur, Name{Path: o.Path, Title: o.Title}); ok {
		out = append(out, g)
	}
	return out
}

// give returns the former nm of note n (cur), unless it is no name n
// lacks today.
func give(n int, cur *Note, nm Name) (Former, bool) {
	if nm.Path == cur.Path && (nm.Title == "" || nm.Title == cur.Title) {
		return Former{}, false
	}
	return Former{Name: nm, Note: n}, true
}

// formers lists the formers given, in the order of the old notes and then
// of moved, each once.
func (m *Matcher) formers() []Former {
	order := make([]int, 0, len(m.byOld))
	for i := range m.byOld {
		order = append(order, i)
	}
	slices.Sort(order)
	var out []Former
	given := map[Former]bool{}
	take := func(fs []Former) {
		for _, f := range fs {
			if !given[f] {
				given[f] = true
				out = append(out, f)
			}
		}
	}
	for _, i := range order {
		take(m.byOld[i])
	}
	take(m.byMoved)
	return out
}

// emptyContent is the hash of an empty file, which names no note.
var emptyContent = xxhash.Sum64(nil)

// findMoved returns the notes among fresh that o became, by the first
// rule that finds any; byContent says whether o's bytes may identify it.
func findMoved(o *Note, cur []Note, fresh []int, byContent bool) []int {
	rules := []func(c *Note) bool{
		func(c *Note) bool {
			return o.Ino != 0 && c.Ino == o.Ino && c.Dev == o.Dev &&
				(byContent && c.Content == o.Content || stem(c.Path) == stem(o.Path) ||
					o.Title != "" && c.Title == o.Title || o.ID != "" && c.ID == o.ID)
		},
		func(c *Note) bool { return o.ID != "" && c.ID == o.ID },
		func(c *Note) bool { return byContent && c.Content == o.Content },
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

// magic starts a state file; the digit is the format's version. The
// SHA-256 of the body follows it, so that a run over an unchanged vault
// compares 32 bytes, not the whole file (Digester). Version 2 kept each
// note's SHA-256 where 3 keeps its content hash: a file of version 2 is
// still read, its notes' content unknown, so that the renames since the
// last run of an older relink are still found (by all but their bytes).
const (
	magic   = "relink names 3\n"
	magicV2 = "relink names 2\n"
)

// HeaderLen is the length of the magic and the body's digest.
const HeaderLen = len(magic) + sha256.Size

// Encode writes the notes in the state file's format.
func Encode(notes []Note) []byte {
	// One allocation of the file's size: at 100,000 notes the file is
	// ~10 MB, and growing it by doubling, then copying it behind its
	// header, touched three times that in fresh memory.
	size := HeaderLen + binary.MaxVarintLen64
	for i := range notes {
		size += encodedSize(&notes[i])
	}
	b := make([]byte, HeaderLen, size)
	copy(b, magic)
	b = binary.AppendUvarint(b, uint64(len(notes)))
	for i := range notes {
		b = appendNote(b, &notes[i])
	}
	sum := sha256.Sum256(b[HeaderLen:])
	copy(b[len(magic):], sum[:])
	return b
}

// encodedSize bounds the length appendNote gives n.
func encodedSize(n *Note) int {
	const lenBytes = binary.MaxVarintLen64
	size := 3*lenBytes + len(n.Path) + len(n.Title) + len(n.ID) + 2*lenBytes + 8 + lenBytes
	for _, f := range n.Formers {
		size += 2*lenBytes + len(f.Path) + len(f.Title)
	}
	return size
}

func appendNote(b []byte, n *Note) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(n.Path)
	str(n.Title)
	str(n.ID)
	b = binary.AppendUvarint(b, n.Dev)
	b = binary.AppendUvarint(b, n.Ino)
	b = binary.LittleEndian.AppendUint64(b, n.Content)
	b = binary.AppendUvarint(b, uint64(len(n.Formers)))
	for _, f := range n.Formers {
		str(f.Path)
		str(f.Title)
	}
	return b
}

// Digester computes the digest Encode would write for notes given one at
// a time, without building the file: an unchanged vault's run stops at
// comparing it.
type Digester struct {
	h   hash.Hash
	buf []byte
}

// NewDigester starts the digest of count notes.
func NewDigester(count int) *Digester {
	d := &Digester{h: sha256.New(), buf: make([]byte, 0, 32<<10)}
	d.buf = binary.AppendUvarint(d.buf, uint64(count))
	return d
}

// Add adds the next note.
func (d *Digester) Add(n *Note) {
	d.buf = appendNote(d.buf, n)
	if len(d.buf) >= 16<<10 {
		d.h.Write(d.buf)
		d.buf = d.buf[:0]
	}
}

// Sum returns the digest.
func (d *Digester) Sum() [32]byte {
	d.h.Write(d.buf)
	var s [32]byte
	d.h.Sum(s[:0])
	return s
}

// ErrCorrupt is Decode's error for bytes that are not a state file.
var ErrCorrupt = errors.New("not a relink names file, or a damaged one")

// Decode reads what Encode wrote.
func Decode(b []byte) ([]Note, error) {
	if len(b) < HeaderLen || [32]byte(b[len(magic):HeaderLen]) != sha256.Sum256(b[HeaderLen:]) {
		return nil, ErrCorrupt
	}
	contentLen := 8
	switch string(b[:len(magic)]) {
	case magic:
	case magicV2:
		contentLen = sha256.Size
	default:
		return nil, ErrCorrupt
	}
	b = b[HeaderLen:]
	// The strings are cut from one copy of the body: at 100,000 notes,
	// one allocation instead of 300,000.
	text := string(b)
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
		at := len(text) - len(b)
		b = b[n:]
		return text[at : at+int(n)]
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
		if bad || len(b) < contentLen {
			return nil, ErrCorrupt
		}
		if contentLen == 8 {
			n.Content = binary.LittleEndian.Uint64(b)
		}
		b = b[contentLen:]
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
