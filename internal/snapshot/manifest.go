package snapshot

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/regularfile"
)

// Op names the kind of operation a snapshot records.
type Op string

// Operations relink records.
const (
	OpApply   Op = "apply"   // relink apply rewrote links
	OpUndo    Op = "undo"    // relink undo reverted a snapshot (Parent)
	OpRestore Op = "restore" // relink snapshot restore wrote back a snapshot (Parent)
	OpMove    Op = "mv"      // relink mv moved notes or a folder, or renamed a heading (Subject)
	OpMerge   Op = "merge"   // relink merge sent the links of one note to another (Subject)
)

// Undoable reports whether op changes the vault by itself, as `relink
// undo` reverts (apply, mv, merge), rather than reverting another
// snapshot (undo, restore).
func (op Op) Undoable() bool { return op == OpApply || op == OpMove || op == OpMerge }

// Subject says what an mv or a merge was asked to do, in the terms of its
// command line, so that one line can describe a snapshot however many
// files it holds ("mv Inbox → Archive/Inbox" for a thousand moves).
type Subject struct {
	// From and To are, for mv, the note or folder moved and its new path
	// (for a heading renamed, the note, twice); for merge, the duplicate
	// note and the note it was merged into.
	From string `json:"from"`
	To   string `json:"to"`
	// Folder is set when mv moved the folder From.
	Folder bool `json:"folder,omitempty"`
	// OldHeading and NewHeading are set when mv renamed a heading of the
	// note From.
	OldHeading string `json:"old_heading,omitempty"`
	NewHeading string `json:"new_heading,omitempty"`
	// Deleted is set when merge removed the duplicate.
	Deleted bool `json:"deleted,omitempty"`
}

// State is the life-cycle state of a manifest.
type State string

// Manifest states. Only the journal is ever pending; files under snapshots/
// are always committed.
const (
	StatePending   State = "pending"
	StateCommitted State = "committed"
)

// ObjectRef names the stored content of one file version.
type ObjectRef struct {
	SHA256 Hash        `json:"sha256"`
	Size   int64       `json:"size"`
	Mode   fs.FileMode `json:"mode,omitempty"` // permission bits, as a decimal number
}

// FileEntry records one file an operation changed.
//
// Path holds the file's name as the file system gave it, byte for byte,
// which need not be UTF-8 (a file from an old file system, say). JSON
// strings hold only UTF-8, so in a manifest a name that is valid UTF-8 is
// the string "path", and any other is "path_base64", its bytes in
// standard base64, and no "path": a name is never stored with a byte
// replaced, which would make undo and recover miss the file.
type FileEntry struct {
	Path   string     // vault-relative, "/"-separated, clean
	Before *ObjectRef // nil: the file did not exist
	After  *ObjectRef // nil: the operation deleted it
}

// fileEntryJSON is FileEntry as a manifest stores it.
type fileEntryJSON struct {
	Path       *string    `json:"path,omitempty"`
	PathBase64 []byte     `json:"path_base64,omitempty"`
	Before     *ObjectRef `json:"before,omitempty"`
	After      *ObjectRef `json:"after,omitempty"`
}

// MarshalJSON writes e as a manifest stores it (see FileEntry).
func (e FileEntry) MarshalJSON() ([]byte, error) {
	j := fileEntryJSON{Before: e.Before, After: e.After}
	if utf8.ValidString(e.Path) {
		j.Path = &e.Path
	} else {
		j.PathBase64 = []byte(e.Path)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads an entry of any manifest version: "path" alone (all
// that stores before version 3 wrote), or "path_base64" alone.
func (e *FileEntry) UnmarshalJSON(b []byte) error {
	var j fileEntryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	switch {
	case j.Path != nil && j.PathBase64 != nil:
		return errors.New("file entry has both path and path_base64")
	case j.PathBase64 != nil:
		e.Path = string(j.PathBase64)
	case j.Path != nil:
		e.Path = *j.Path
	default:
		e.Path = ""
	}
	e.Before, e.After = j.Before, j.After
	return nil
}

// Side says which recorded version of a file its current content is.
type Side int

// Sides, see FileEntry.Which.
const (
	SideNeither Side = iota // changed by someone else: touch nothing
	SideBefore              // the operation has not (yet) changed this file
	SideAfter               // the operation's change is in place
)

func (s Side) String() string {
	switch s {
	case SideBefore:
		return "before"
	case SideAfter:
		return "after"
	}
	return "neither"
}

// Which compares the current state of the file with e: cur is the hash of
// its current content, or nil if it does not exist. Recovery and undo use it
// to touch only files that are exactly in a recorded state.
func (e FileEntry) Which(cur *Hash) Side {
	is := func(ref *ObjectRef) bool {
		if ref == nil {
			return cur == nil
		}
		return cur != nil && *cur == ref.SHA256
	}
	switch {
	case is(e.Before):
		return SideBefore
	case is(e.After):
		return SideAfter
	}
	return SideNeither
}

// Move records that an operation moved a note from one path to another.
// The file entries hold its content: From deleted (Before, its old bytes)
// and To created (After, its new bytes); the move says the two are one
// note, and Dirs lists the folders the operation created for To, parents
// first, which an undo removes again once they are empty.
type Move struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Dirs []string `json:"dirs,omitempty"`
}

// Manifest describes one snapshot: the files an operation changed, with the
// content before and after. Committed manifests are immutable.
type Manifest struct {
	Version int         `json:"version"`
	ID      string      `json:"id"`
	Time    time.Time   `json:"time"` // when the operation began, UTC
	Op      Op          `json:"op"`
	Vault   string      `json:"vault"`            // absolute path of the vault
	Parent  string      `json:"parent,omitempty"` // the snapshot an undo/restore reverts
	State   State       `json:"state"`
	Files   []FileEntry `json:"files"` // sorted by Path
	// Moves are the notes the operation moved (relink mv); absent in
	// manifests of other operations and of stores written before moves
	// were recorded.
	Moves []Move `json:"moves,omitempty"`
	// Subject is what an mv or a merge was asked to do; absent in
	// manifests of other operations and of stores written before it was
	// recorded (an mv or merge then has op "apply").
	Subject *Subject `json:"subject,omitempty"`
}

// manifestJSON is a Manifest as stored: Vault, like a FileEntry's Path, is
// "vault" when it is UTF-8 and "vault_base64" when not.
type manifestJSON struct {
	Version     int         `json:"version"`
	ID          string      `json:"id"`
	Time        time.Time   `json:"time"`
	Op          Op          `json:"op"`
	Vault       *string     `json:"vault,omitempty"`
	VaultBase64 []byte      `json:"vault_base64,omitempty"`
	Parent      string      `json:"parent,omitempty"`
	State       State       `json:"state"`
	Files       []FileEntry `json:"files"`
	Moves       []Move      `json:"moves,omitempty"`
	Subject     *Subject    `json:"subject,omitempty"`
}

// MarshalJSON writes m as a store holds it (see manifestJSON).
func (m Manifest) MarshalJSON() ([]byte, error) {
	j := manifestJSON{Version: m.Version, ID: m.ID, Time: m.Time, Op: m.Op, Parent: m.Parent, State: m.State, Files: m.Files, Moves: m.Moves, Subject: m.Subject}
	if utf8.ValidString(m.Vault) {
		j.Vault = &m.Vault
	} else {
		j.VaultBase64 = []byte(m.Vault)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a manifest or journal of any store version.
func (m *Manifest) UnmarshalJSON(b []byte) error {
	var j manifestJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Vault != nil && j.VaultBase64 != nil {
		return errors.New("manifest has both vault and vault_base64")
	}
	*m = Manifest{Version: j.Version, ID: j.ID, Time: j.Time, Op: j.Op, Parent: j.Parent, State: j.State, Files: j.Files, Moves: j.Moves, Subject: j.Subject}
	if j.Vault != nil {
		m.Vault = *j.Vault
	} else {
		m.Vault = string(j.VaultBase64)
	}
	return nil
}

// needsByteNames reports whether m holds a name that only a store of
// version 3 can hold.
func (m *Manifest) needsByteNames() bool {
	if !utf8.ValidString(m.Vault) {
		return true
	}
	for _, f := range m.Files {
		if !utf8.ValidString(f.Path) {
			return true
		}
	}
	return false
}

// newID returns a sortable, unique snapshot id: UTC time and 8 random hex
// digits, e.g. "20261125T101530Z-1a2b3c4d".
func newID(t time.Time) (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:]), nil
}

// validID reports whether id has the shape newID produces (letters, digits,
// '-'), so it can safely be used in a file name.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// validPath reports whether p is a clean, local, "/"-separated relative path.
func validPath(p string) bool {
	return p != "" && p != "." && path.Clean(p) == p && !strings.HasPrefix(p, "/") &&
		!strings.ContainsRune(p, 0) && filepath.IsLocal(filepath.FromSlash(p)) &&
		!slices.Contains(strings.Split(p, "/"), "..")
}

// check validates a decoded manifest (or journal) against the format.
func (m *Manifest) check(want State) error {
	if m.Version != FormatVersion {
		return fmt.Errorf("unsupported version %d", m.Version)
	}
	if !validID(m.ID) {
		return fmt.Errorf("invalid id %q", m.ID)
	}
	if m.State != want {
		return fmt.Errorf("state %q, want %q", m.State, want)
	}
	for _, f := range m.Files {
		if !validPath(f.Path) {
			return fmt.Errorf("invalid path %q", f.Path)
		}
		if f.Before == nil && f.After == nil {
			return fmt.Errorf("%s: neither before nor after", f.Path)
		}
	}
	for _, mv := range m.Moves {
		if err := checkMove(mv); err != nil {
			return err
		}
	}
	if m.Subject != nil {
		return checkSubject(*m.Subject)
	}
	return nil
}

// checkSubject validates a recorded subject: clean vault paths, the same
// note twice for a heading renamed, two notes otherwise.
func checkSubject(s Subject) error {
	heading := s.OldHeading != "" || s.NewHeading != ""
	if !validPath(s.From) || !validPath(s.To) || heading != (s.From == s.To) {
		return fmt.Errorf("invalid subject %q -> %q", s.From, s.To)
	}
	return nil
}

// checkMove validates a recorded move: clean vault paths, two of them,
// and folders that hold To.
func checkMove(mv Move) error {
	if !validPath(mv.From) || !validPath(mv.To) || mv.From == mv.To {
		return fmt.Errorf("invalid move %q -> %q", mv.From, mv.To)
	}
	for _, d := range mv.Dirs {
		if !validPath(d) || !strings.HasPrefix(mv.To, d+"/") {
			return fmt.Errorf("move %q -> %q: invalid folder %q", mv.From, mv.To, d)
		}
	}
	return nil
}

func manifestName(id string) string { return path.Join(snapsDir, id+".json") }

func (s *Store) readManifest(name string, want State) (Manifest, error) {
	b, err := regularfile.Read(s.root, name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = s.fileName(name)
		}
		return Manifest{}, err
	}
	return s.decodeManifest(name, b, want)
}

// decodeManifest decodes the manifest or journal name; a damaged one is
// an error that names its file by its whole path, so that the user can find
// it (a store is often out of sight, under the user's state folder).
func (s *Store) decodeManifest(name string, b []byte, want State) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w: %v", s.fileName(name), ErrCorrupt, err)
	}
	if err := m.check(want); err != nil {
		return m, fmt.Errorf("%s: %w: %v", s.fileName(name), ErrCorrupt, err)
	}
	return m, nil
}

// fileName is the path of the store's file name (slash-separated, relative
// to the store) for messages.
func (s *Store) fileName(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

func (s *Store) writeJSON(name string, v any, perm fs.FileMode) error {
	b, err := marshalJSON(v)
	if err != nil {
		return err
	}
	return atomicfile.Write(s.root, name, b, perm)
}

func marshalJSON(v any) ([]byte, error) {
	if m, ok := v.(Manifest); ok {
		return appendManifest(nil, &m)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// List returns all committed snapshots, oldest first (by Time, then ID). An
// unreadable or malformed manifest is an error, not skipped: Prune relies on
// List to know which objects are still referenced.
func (s *Store) List() ([]Manifest, error) {
	ents, err := fs.ReadDir(s.root.FS(), snapsDir)
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var ms []Manifest
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			continue
		}
		m, err := s.readManifest(path.Join(snapsDir, e.Name()), StateCommitted)
		if err != nil {
			return nil, fmt.Errorf("list snapshots: %w", err)
		}
		if m.ID != id {
			return nil, fmt.Errorf("list snapshots: %s: %w: holds id %q", s.fileName(path.Join(snapsDir, e.Name())), ErrCorrupt, m.ID)
		}
		ms = append(ms, m)
	}
	sortManifests(ms)
	return ms, nil
}

func sortManifests(ms []Manifest) {
	slices.SortStableFunc(ms, func(a, b Manifest) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.ID, b.ID))
	})
}

// Load returns the snapshot named by ref: a full id, a prefix of exactly one
// id, or "latest" (the newest). Errors match ErrNotFound or ErrAmbiguous.
func (s *Store) Load(ref string) (Manifest, error) {
	if ref == "" {
		return Manifest{}, fmt.Errorf("load snapshot: empty id: %w", ErrNotFound)
	}
	ms, err := s.List()
	if err != nil {
		return Manifest{}, err
	}
	if ref == "latest" {
		if len(ms) == 0 {
			return Manifest{}, fmt.Errorf("load snapshot latest: %w (no snapshots)", ErrNotFound)
		}
		return ms[len(ms)-1], nil
	}
	var found []Manifest
	for _, m := range ms {
		if m.ID == ref {
			return m, nil
		}
		if strings.HasPrefix(m.ID, ref) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return Manifest{}, fmt.Errorf("load snapshot %s: %w", ref, ErrNotFound)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, m := range found {
		ids[i] = m.ID
	}
	return Manifest{}, fmt.Errorf("load snapshot %s: %w: matches %s", ref, ErrAmbiguous, strings.Join(ids, ", "))
}

// manifestExists reports whether the committed manifest id exists.
func (s *Store) manifestExists(id string) (bool, error) {
	_, err := s.root.Lstat(manifestName(id))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
