package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"unsafe"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
)

// The index's tables — by path, exact names, canonical notes, the ladder
// and the hints — are a function of a few fields of each note and of the
// dialect and level, and building them is a third of a run on an
// unchanged vault. The index cache keeps them in a file, as they are in
// memory, under a digest of everything they are built from (TablesSum): a
// run whose digest matches maps the file and reads the tables in place.
//
// # Invariants
//
//   - TablesSum covers every input of the tables: the note fields namesOf,
//     buildLadder, buildHints and buildCanon read (held by a test that
//     changes every other field of a note and finds the same tables), the
//     dialect with its settings, the level and tablesVersion. The caller adds
//     the executable, whose code decides the rest.
//   - A table file is used whole or not at all: a CRC-32C covers it, and
//     any mismatch (digest, tag, checksum, shape) makes the caller build.
//   - Tables read from a file are never written: the file may be mapped
//     read-only.

// tablesVersion changes whenever the layout below or the tables' meaning
// does.
const tablesVersion = 1

var tablesMagic = []byte("relink index tables\n")

// Sum is a digest of an index's inputs.
type Sum [32]byte

// TablesSum returns the digest of everything the tables of an index of
// notes under d at level max are built from.
func TablesSum(notes []*note.Note, d dialect.Dialect, max fold.Level) Sum {
	h := sha256.New()
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, tablesVersion)
	str(fmt.Sprintf("%T %+v", d, d))
	b = binary.AppendUvarint(b, uint64(max))
	b = binary.AppendUvarint(b, uint64(len(notes)))
	for _, n := range notes {
		str(n.Path)
		if n.Err != nil {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		str(n.Title)
		str(n.ID)
		str(n.CanonicalID)
		str(n.DuplicateOf)
		b = binary.AppendUvarint(b, uint64(len(n.Aliases)))
		for _, a := range n.Aliases {
			str(a)
		}
		if len(b) > 64<<10 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var s Sum
	h.Sum(s[:0])
	return s
}

// WriteTables writes ix's tables, with sum and tag (what else they depend
// on: the executable) in the header. It builds the ladder and the hints
// first if no link needed them yet.
func (ix *Index) WriteTables(w io.Writer, sum Sum, tag string) error {
	if ix.hasOverlay() {
		return errors.New("index: the tables of an index with renamed notes are its base's")
	}
	ix.buildLadder()
	ix.hintOnce.Do(ix.buildHints)
	head := append([]byte(nil), tablesMagic...)
	head = binary.LittleEndian.AppendUint32(head, tablesVersion)
	head = binary.LittleEndian.AppendUint32(head, uint32(len(tag)))
	head = append(head, tag...)
	head = append(head, sum[:]...)
	head = append(head, make([]byte, (8-len(head)%8)%8)...)
	if _, err := w.Write(head); err != nil {
		return err
	}
	// The body is streamed (it is as large as the tables), its checksum
	// last.
	tw := tableWriter{w: w}
	strtabSections := func(t *strtab) {
		tw.section(binary.LittleEndian.AppendUint64(nil, uint64(t.n)))
		tw.section(asBytes(t.slots))
		tw.section(t.arena)
	}
	strtabSections(ix.byPath)
	strtabSections(ix.exact.head)
	tw.section(asBytes(ix.exact.more))
	tw.section(asBytes(ix.canon))
	var probs []byte
	for _, p := range ix.Problems {
		probs = binary.AppendUvarint(probs, uint64(len(p.File)))
		probs = append(probs, p.File...)
		probs = binary.AppendUvarint(probs, uint64(len(p.Message)))
		probs = append(probs, p.Message...)
	}
	tw.section(probs)
	strtabSections(ix.ladder.head)
	tw.section(asBytes(ix.ladder.rungs))
	tw.section(ix.ladder.names)
	strtabSections(ix.hints.buckets)
	tw.section(asBytes(ix.hints.names))
	tw.section(ix.hints.keys)
	if tw.err != nil {
		return tw.err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, tw.crc))
	return err
}

// tableWriter writes sections: each its length, its bytes and zeros up to
// a multiple of 8 bytes, so that every section starts 8-byte aligned.
type tableWriter struct {
	w   io.Writer
	crc uint32
	err error
}

func (tw *tableWriter) write(p []byte) {
	if tw.err != nil || len(p) == 0 {
		return
	}
	tw.crc = crc32.Update(tw.crc, castagnoli, p)
	_, tw.err = tw.w.Write(p)
}

func (tw *tableWriter) section(p []byte) {
	tw.write(binary.LittleEndian.AppendUint64(nil, uint64(len(p))))
	tw.write(p)
	tw.write(make([]byte, (8-len(p)%8)%8))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errTables says a table file does not fit this run: another version,
// executable or vault, or damage.
var errTables = errors.New("index tables do not match")

// FromTables is Build for notes whose tables were written by WriteTables
// with this sum and tag: it reads them from data in place, and data must
// stay as it is while the index is in use. Any mismatch is an error, and
// the caller builds instead.
func FromTables(data []byte, sum Sum, tag string, notes []*note.Note, attachments []string, d dialect.Dialect, max fold.Level) (*Index, error) {
	n, ok := tablesHeader(data, sum, tag)
	if !ok {
		return nil, errTables
	}
	r := tableReader{b: data[n:]}
	if len(r.b) < 4 {
		return nil, errTables
	}
	crc := binary.LittleEndian.Uint32(r.b[len(r.b)-4:])
	r.b = r.b[:len(r.b)-4]
	if crc32.Checksum(r.b, castagnoli) != crc {
		return nil, errTables
	}
	if uintptr(unsafe.Pointer(unsafe.SliceData(r.b)))%8 != 0 {
		return nil, errTables
	}
	ix := newIndex(notes, attachments, d, max)
	ix.byPath = r.strtab()
	ix.exact.head = r.strtab()
	ix.exact.more = viewOf[node](r.section())
	ix.canon = viewOf[int32](r.section())
	probs := r.section()
	ix.ladder.head = r.strtab()
	ix.ladder.rungs = viewOf[rung](r.section())
	ix.ladder.names = r.section()
	ix.hints.buckets = r.strtab()
	ix.hints.names = viewOf[hintName](r.section())
	ix.hints.keys = r.section()
	if r.err != nil || len(r.b) != 0 || len(ix.canon) != len(notes) || ix.byPath.n != len(notes) {
		return nil, errTables
	}
	pr := tableReader{b: probs}
	for len(pr.b) > 0 && pr.err == nil {
		f := string(pr.take(int(pr.uvarint())))
		m := string(pr.take(int(pr.uvarint())))
		ix.Problems = append(ix.Problems, Problem{File: f, Message: m})
	}
	if pr.err != nil {
		return nil, errTables
	}
	// The ladder and hints are there: nothing is left to build.
	ix.ladderOnce.Do(func() {})
	ix.hintOnce.Do(func() {})
	return ix, nil
}

// TablesHeaderLen is enough of a table file's start to hold its header
// for a tag of up to a few hundred bytes (TablesMatch).
const TablesHeaderLen = 4096

// TablesMatch reports whether a table file that starts with head (its
// first TablesHeaderLen bytes, or all of it) was written with sum and tag,
// so that a caller can skip mapping a file of other tables.
func TablesMatch(head []byte, sum Sum, tag string) bool {
	_, ok := tablesHeader(head, sum, tag)
	return ok
}

// tablesHeader checks the header at the start of b and returns its
// length.
func tablesHeader(b []byte, sum Sum, tag string) (int, bool) {
	r := tableReader{b: b}
	if !bytes.HasPrefix(r.b, tablesMagic) {
		return 0, false
	}
	r.b = r.b[len(tablesMagic):]
	if r.uint32() != tablesVersion || int(r.uint32()) != len(tag) || string(r.take(len(tag))) != tag || Sum(r.take(len(sum))) != sum {
		return 0, false
	}
	r.take((8 - (len(b)-len(r.b))%8) % 8)
	if r.err != nil {
		return 0, false
	}
	return len(b) - len(r.b), true
}

// asBytes returns the memory of s as bytes.
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// viewOf returns b's memory as a slice of T, or nil when b cannot hold
// whole Ts. b is 8-byte aligned (sections are), which every T here needs
// at most.
func viewOf[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) == 0 || len(b)%size != 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}

type tableReader struct {
	b   []byte
	err error
}

func (r *tableReader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.err = errTables
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *tableReader) uint32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *tableReader) uint64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (r *tableReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errTables
		return 0
	}
	r.b = r.b[n:]
	return v
}

// section reads one length-prefixed section and its padding.
func (r *tableReader) section() []byte {
	n := r.uint64()
	if n > uint64(len(r.b)) {
		r.err = errTables
		return nil
	}
	p := r.take(int(n))
	r.take(int((8 - n%8) % 8))
	return p
}

// strtab reads a table written by WriteTables' strtabSections, checking
// its shape: a power-of-two slot count at most half full, and slots that
// point inside the arena.
func (r *tableReader) strtab() *strtab {
	var t strtab
	if c := r.section(); len(c) == 8 {
		t.n = int(binary.LittleEndian.Uint64(c))
	} else {
		r.err = errTables
	}
	t.slots = viewOf[uint64](r.section())
	t.arena = r.section()
	if r.err != nil {
		return &t
	}
	if len(t.slots) < 16 || bits.OnesCount(uint(len(t.slots))) != 1 || 2*t.n > len(t.slots) || len(t.arena) > 1<<32-1 {
		r.err = errTables
	}
	return &t
}
