package plan

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
)

// A note's plan — its edits, findings and counts — is a function of its
// own links, of the headings and anchors of the notes its links' fragments
// are checked against, and of its context: every other field of every
// note (paths, names, aliases, ids, references, parse errors), the vault's
// other files, the dialect, the level and the options. Build can take it
// from a Memo of an earlier run instead of resolving the note's links
// again, when all three are what they were then: the note's links by
// their digest (note.Note.LinksDigest), each fragment target's headings
// and anchors by a digest kept in the entry (anchorSums), and the
// context by ContextSum, which the memo is kept under. So a new heading
// re-plans only the notes that link into its note with a fragment.
//
// # Invariants
//
//   - ContextSum covers every note field but the links, the headings and
//     anchors, and the file's SHA-256 (which only apply reads): held by a
//     test that changes each such field and finds another sum, by one that
//     changes a note's links and finds every other note's plan unchanged,
//     and by one that changes the headings and anchors of every note a
//     plan does not name as a fragment target and finds the plan unchanged.
//   - The caller ties a memo to the executable, whose code decides the rest.

// Memo holds notes' plans, encoded, by path and links digest. It is safe
// for concurrent use.
type Memo interface {
	// Lookup returns the plan recorded for the note at path whose links
	// have digest d.
	Lookup(path string, d [32]byte) (enc []byte, ok bool)
	// Record keeps a note's plan for the next run.
	Record(path string, d [32]byte, enc []byte)
}

// StableNumbering is implemented by a Memo whose entries all come from
// runs under the context it is kept under: ContextSum covers every note's
// path in order, so a note number in an entry still names the note it
// named, and reading an entry need not compare the path beside it (a
// tenth of a warm check's plan stage at 100,000 notes). A memo that keeps
// plans across a change of names (the engine's) does not implement it.
type StableNumbering interface {
	NumbersStable() bool
}

// memoVersion changes whenever the encoding below or the meaning of a
// plan does.
const memoVersion = 4

// ContextSum returns the digest of every input of a note's plan but its
// own links.
func ContextSum(ix *index.Index, attachments []string, opt Options) [32]byte {
	h := sha256.New()
	var b []byte
	str := func(s string) { b = appendString(b, s) }
	strs := func(ss []string) { b = appendStrings(b, ss) }
	b = binary.AppendUvarint(b, memoVersion)
	str(fmt.Sprintf("%T %+v", ix.Dialect, ix.Dialect))
	b = binary.AppendUvarint(b, uint64(ix.MaxLevel))
	str(fmt.Sprintf("alias=%t duplicates=%t display=%t", opt.AllowAlias, opt.FollowDuplicates, opt.KeepDisplay))
	vaults := make([]string, 0, len(ix.LocalVaults))
	for v, ok := range ix.LocalVaults {
		if ok {
			vaults = append(vaults, v)
		}
	}
	slices.Sort(vaults)
	b = append(b, boolByte(ix.LocalVaults != nil))
	strs(vaults)
	strs(attachments)
	b = binary.AppendUvarint(b, uint64(len(ix.Notes)))
	for _, n := range ix.Notes {
		str(n.Path)
		b = AppendNoteContext(b, n)
		if len(b) > 64<<10 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// AppendNoteContext appends what ContextSum reads of n besides its path:
// its names and its parse error. A caller that keeps it beside a plan can
// tell later whether the note's names are still the ones the plan was
// made with (DecodeNoteContext).
func AppendNoteContext(b []byte, n *note.Note) []byte {
	if n.Err != nil {
		b = append(b, 1)
		b = appendString(b, n.Err.Error())
	} else {
		b = append(b, 0)
	}
	b = appendString(b, n.Title)
	b = appendStrings(b, n.Aliases)
	b = appendString(b, n.ID)
	b = appendString(b, n.CanonicalID)
	return appendString(b, n.DuplicateOf)
}

// DecodeNoteContext sets n's names and parse error from what
// AppendNoteContext wrote (the error as its message alone), and reports
// whether b held that and nothing more.
func DecodeNoteContext(b []byte, n *note.Note) bool {
	r := memoReader{b: b}
	if len(b) == 0 {
		return false
	}
	hasErr := r.b[0] == 1
	r.b = r.b[1:]
	n.Err = nil
	if hasErr {
		n.Err = errors.New(r.str())
	}
	n.Title = r.str()
	n.Aliases = nil
	for k := r.u(); k > 0 && !r.bad; k-- {
		n.Aliases = append(n.Aliases, r.str())
	}
	n.ID, n.CanonicalID, n.DuplicateOf = r.str(), r.str(), r.str()
	return !r.bad && len(r.b) == 0
}

// memoReader reads what the append functions above wrote; past damage,
// everything reads as zero and bad is set.
type memoReader struct {
	b   []byte
	bad bool
}

func (r *memoReader) u() uint64 {
	v, k := binary.Uvarint(r.b)
	if k <= 0 || v > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *memoReader) str() string {
	l := r.u()
	if l > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return ""
	}
	s := string(r.b[:l])
	r.b = r.b[l:]
	return s
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// notePlan is one note's share of a Plan.
type notePlan struct {
	edits    []Edit
	findings []Finding
	stats    Stats
	nl, off  int
	// deps are the notes its links' fragments were checked against
	// (indices into the index's notes, sorted), kept for a Ledger.
	deps []int32
}

// anchorSums holds, for each note, a SHA-256 of what a fragment is
// checked against in it: its headings, block ids and explicit anchors.
// They are computed up front on every core: most notes are some
// fragment's target.
type anchorSums struct {
	ix   *index.Index
	sums [][32]byte
	// stable says a note number in an entry names the note it named when
	// written (StableNumbering): the path beside it is skipped unread.
	stable bool
}

func newAnchorSums(ix *index.Index, workers int) *anchorSums {
	a := &anchorSums{ix: ix, sums: make([][32]byte, len(ix.Notes))}
	var wg sync.WaitGroup
	chunk := (len(ix.Notes) + workers - 1) / max(workers, 1)
	for lo := 0; lo < len(ix.Notes); lo += max(chunk, 1) {
		hi := min(lo+chunk, len(ix.Notes))
		wg.Go(func() {
			var buf []byte
			for i := lo; i < hi; i++ {
				buf = appendAnchors(buf[:0], ix.Notes[i])
				a.sums[i] = sha256.Sum256(buf)
			}
		})
	}
	wg.Wait()
	return a
}

// appendAnchors appends what a note's anchor digest covers.
func appendAnchors(b []byte, n *note.Note) []byte {
	b = appendStrings(b, n.Headings)
	b = appendStrings(b, n.BlockIDs)
	return appendStrings(b, n.AnchorIDs)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendStrings appends a list, nil and empty alike (for digests: a note
// read from the cache and the same note parsed agree).
func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// appendNilableStrings appends a list with nil kept apart from empty (0,
// else the count plus one): a plan read back is the plan written.
func appendNilableStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ss)+1))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// appendAnchorDeps appends the fragment targets of a plan, each as its
// note number, path and anchor digest, before the plan in a memo entry.
// The path too: a memo that outlives a change of the vault's names (the
// engine keeps the plans a new note cannot affect) sees the notes
// numbered anew; the number finds the note at once while it holds.
func appendAnchorDeps(b []byte, deps []int32, a *anchorSums) []byte {
	b = binary.AppendUvarint(b, uint64(len(deps)))
	for _, id := range deps {
		b = binary.AppendUvarint(b, uint64(id))
		b = appendString(b, a.ix.Notes[id].Path)
		b = append(b, a.sums[id][:]...)
	}
	return b
}

// anchorDepsHold reads what appendAnchorDeps wrote and reports whether
// every fragment target is still a note with the same headings and
// anchors, and where the plan starts.
func anchorDepsHold(b []byte, a *anchorSums, deps *[]int32) (rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, false
	}
	b = b[k:]
	for range n {
		id, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, false
		}
		b = b[k:]
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) || len(b)-k-int(l) < 32 {
			return nil, false
		}
		p := unsafe.String(unsafe.SliceData(b[k:]), int(l))
		b = b[k+int(l):]
		if a.stable && id < uint64(len(a.sums)) {
			// The number names the note it named: see StableNumbering.
		} else if id >= uint64(len(a.sums)) || a.ix.Notes[id].Path != p {
			i, found := a.ix.NoteByPath(p)
			if !found {
				return nil, false
			}
			id = uint64(i)
		}
		if [32]byte(b[:32]) != a.sums[id] {
			return nil, false
		}
		b = b[32:]
		if deps != nil {
			*deps = append(*deps, int32(id))
		}
	}
	return b, true
}

// appendNotePlan appends p's encoding to b. The file of its edits and
// findings is the note's and is not written.
func appendNotePlan(b []byte, p *notePlan) []byte {
	u := func(v int) { b = binary.AppendUvarint(b, uint64(v)) }
	str := func(s string) { b = appendString(b, s) }
	strs := func(ss []string) { b = appendNilableStrings(b, ss) }
	s := &p.stats
	for _, v := range []int{s.Links, s.Resolved, s.Variant, s.Ambiguous, s.Alias, s.Broken, s.Duplicate, s.Heading, p.nl, p.off} {
		u(v)
	}
	u(len(p.edits))
	for i := range p.edits {
		e := &p.edits[i]
		u(e.Line)
		u(e.Col)
		u(e.Start)
		u(e.End)
		str(e.Old)
		str(e.New)
		str(e.Target)
		str(e.Class)
		str(e.Level)
	}
	u(len(p.findings))
	for i := range p.findings {
		f := &p.findings[i]
		u(f.Line)
		u(f.Col)
		str(f.Link)
		str(f.Class)
		strs(f.Candidates)
		str(f.Level)
		str(f.Message)
		strs(f.Hints)
		u(len(f.Aliases))
		for _, a := range f.Aliases {
			str(a.Note)
			str(a.Alias)
		}
	}
	return b
}

var errMemo = errors.New("plan memo entry does not decode")

// decodeNotePlan decodes what appendNotePlan wrote for the note at file.
// Its strings share b's memory, which must stay as it is.
func decodeNotePlan(b []byte, file string) (notePlan, error) {
	var p notePlan
	bad := false
	u := func() int {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<62 {
			bad, b = true, nil
			return 0
		}
		b = b[n:]
		return int(v)
	}
	str := func() string {
		n := u()
		if n > len(b) {
			bad, b = true, nil
			return ""
		}
		s := b[:n]
		b = b[n:]
		if n == 0 {
			return ""
		}
		return unsafe.String(&s[0], n)
	}
	strs := func() []string {
		n := u()
		if n == 0 || n-1 > len(b) {
			bad = bad || n != 0
			return nil
		}
		out := make([]string, n-1)
		for i := range out {
			out[i] = str()
		}
		return out
	}
	s := &p.stats
	for _, v := range []*int{&s.Links, &s.Resolved, &s.Variant, &s.Ambiguous, &s.Alias, &s.Broken, &s.Duplicate, &s.Heading, &p.nl, &p.off} {
		*v = u()
	}
	if n := u(); n > 0 && n <= len(b) {
		p.edits = make([]Edit, n)
		for i := range p.edits {
			e := &p.edits[i]
			e.File = file
			e.Line, e.Col, e.Start, e.End = u(), u(), u(), u()
			e.Old, e.New, e.Target, e.Class, e.Level = str(), str(), str(), str(), str()
		}
	} else if n > len(b) {
		bad = true
	}
	if n := u(); n > 0 && n <= len(b) {
		p.findings = make([]Finding, n)
		for i := range p.findings {
			f := &p.findings[i]
			f.File = file
			f.Line, f.Col = u(), u()
			f.Link, f.Class = str(), str()
			f.Candidates = strs()
			f.Level, f.Message = str(), str()
			f.Hints = strs()
			if n := u(); n > 0 && n <= len(b) {
				f.Aliases = make([]CandidateAlias, n)
				for j := range f.Aliases {
					f.Aliases[j] = CandidateAlias{Note: str(), Alias: str()}
				}
			} else if n > len(b) {
				bad = true
			}
		}
	} else if n > len(b) {
		bad = true
	}
	if bad || len(b) != 0 {
		return notePlan{}, errMemo
	}
	return p, nil
}

// planScratch is a planning worker's memory, reused note after note: the
// links of the note it plans, and the edits and findings of the notes of
// its current run (planParts), which the run's notes share when it ends.
type planScratch struct {
	links    []note.Link
	edits    []Edit
	findings []Finding
	deps     []int32 // a note's anchor dependencies, when only the memo reads them
}

// planNote plans note i: from the memo when it holds the note's plan,
// else by resolving its links, and then recorded. A plan made here holds
// its edits and findings in sc's memory, until the caller gives them
// their own (planParts). anchors is nil without a memo.
func planNote(ix *index.Index, opt Options, i int32, sc *planScratch, anchors *anchorSums) notePlan {
	n := ix.Notes[i]
	var digest [32]byte
	if opt.Memo != nil {
		digest = n.LinksDigest()
		if enc, ok := opt.Memo.Lookup(n.Path, digest); ok {
			var deps *[]int32
			if opt.Ledger != nil {
				deps = new([]int32)
			}
			if rest, ok := anchorDepsHold(enc, anchors, deps); ok {
				if p, err := decodeNotePlan(rest, n.Path); err == nil {
					if deps != nil {
						p.deps = *deps
					}
					return p
				}
			}
		}
	}
	var p notePlan
	// The notes whose anchors this note's links read: the memo records
	// them and the ledger keeps them. Without either nothing reads them,
	// and a slice a note was garbage; for the memo alone the scratch's
	// memory serves (appendAnchorDeps copies them).
	keepDeps := opt.Memo != nil || opt.Ledger != nil
	var deps []int32
	if opt.Ledger == nil {
		deps = sc.deps[:0]
	}
	sc.links = n.LinkList(sc.links)
	links := sc.links
	ix.Warm(i, links)
	edits, findings := len(sc.edits), len(sc.findings)
	// Written where planResolved puts them, on this stack, and copied
	// once into the scratch: a heap object each, and a slice grown note
	// by note, was a fifth of what planning allocated. planResolved
	// writes each whole when it returns it, so they are not cleared
	// link by link.
	var eb Edit
	var fb Finding
	for li := range links {
		e, f, cls, isNote, anchorOf := planLink(ix, opt, i, &links[li], &eb, &fb)
		if anchorOf >= 0 && keepDeps {
			deps = append(deps, anchorOf)
		}
		if e != nil {
			sc.edits = append(sc.edits, *e)
		}
		if f != nil {
			sc.findings = append(sc.findings, *f)
		}
		count(&p.stats, cls)
		if isNote {
			p.nl++
			if cls != index.Resolved && cls != index.Duplicate && cls != index.Heading {
				p.off++
			}
		}
	}
	if len(sc.edits) > edits {
		p.edits = sc.edits[edits:len(sc.edits):len(sc.edits)]
	}
	if len(sc.findings) > findings {
		p.findings = sc.findings[findings:len(sc.findings):len(sc.findings)]
	}
	if opt.OnLinks != nil {
		opt.OnLinks(i, links, p.findings)
	}
	slices.Sort(deps)
	deps = slices.Compact(deps)
	if opt.Memo != nil && !opt.MemoReadOnly {
		enc := appendAnchorDeps(nil, deps, anchors)
		opt.Memo.Record(n.Path, digest, appendNotePlan(enc, &p))
	}
	if opt.Ledger != nil {
		p.deps = deps
	} else {
		sc.deps = deps[:0]
	}
	return p
}
