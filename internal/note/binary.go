package note

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/relinkmd/relink/wikilink"
)

// The binary form of a parsed note is what the note cache stores, so that
// a note whose file has not changed is not read and parsed again. It lives
// here because a Link has unexported fields; the cache owns everything else.
//
// Decoding does not copy: the strings of a decoded note point into the
// buffer it was decoded from, which must never change afterwards. That is
// what makes a cache hit cheaper than a parse: one read of the cache file
// stands in for every string of every note.

// ErrCorrupt reports a binary note that cannot be decoded.
var ErrCorrupt = errors.New("corrupt binary note")

// Link flag bits in the binary form.
const (
	binEmbed = 1 << iota
	binEscapedPipe
	binAngle
	binHasFrag
	binInFrontmatter
	binHasVault
	binTargetStored // Target is not the text of its span: stored
	binFragStored   // Frag is not the text of its span: stored
)

// Span presence bits in the binary form.
const (
	binTargetSpan = 1 << iota
	binFragSpan
	binDisplaySpan
)

// AppendBinary appends n's binary form to b. A note with Err set has no
// binary form: callers do not cache it.
func (n *Note) AppendBinary(b []byte) []byte {
	b, _, _ = n.appendBinary(b)
	return b
}

// appendBinary is AppendBinary that also returns where in b the links'
// binary form starts and ends.
func (n *Note) appendBinary(b []byte) ([]byte, int, int) {
	b = appendString(b, n.Path)
	b = appendString(b, n.Title)
	b = appendStrings(b, n.Aliases)
	b = appendString(b, n.ID)
	b = appendString(b, n.CanonicalID)
	b = appendString(b, n.DuplicateOf)
	b = appendStrings(b, n.Headings)
	b = appendStrings(b, n.BlockIDs)
	b = appendStrings(b, n.AnchorIDs)
	if n.Sum == ([32]byte{}) {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = append(b, n.Sum[:]...)
	}
	b = binary.LittleEndian.AppendUint64(b, n.ContentHash)
	// The links come after their count and their length in bytes, so that
	// a decoder can keep them packed without decoding them, and before
	// their digest (LinksDigest).
	var at, count int
	if n.hasPacked {
		b = appendCount(b, false, int(n.packedCount))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(n.packed)))
		at, count = len(b), int(n.packedCount)
		b = append(b, n.packed...)
	} else {
		b = appendCount(b, n.Links == nil, len(n.Links))
		if n.Links == nil {
			return b, len(b), len(b)
		}
		b = append(b, 0, 0, 0, 0)
		at, count = len(b), len(n.Links)
		var prevStart, prevLine int64
		for i := range n.Links {
			b = appendLink(b, &n.Links[i], &prevStart, &prevLine)
		}
		binary.LittleEndian.PutUint32(b[at-4:], uint32(len(b)-at))
	}
	end := len(b)
	if n.hasDigest {
		b = append(append(b, 1), n.linksDigest[:]...)
	} else {
		d := packedDigest(count, b[at:end])
		b = append(append(b, 1), d[:]...)
	}
	return b, at, end
}

// packedDigest is the digest of count links in their binary form.
func packedDigest(count int, packed []byte) [32]byte {
	h := sha256.New()
	h.Write(binary.AppendUvarint(nil, uint64(count)))
	h.Write(packed)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

var encodePool = sync.Pool{New: func() any { return new([]byte) }}

// Pack returns n's binary form (see AppendBinary) and keeps n's links in
// it, packed, instead of in Links: LinkList decodes them when they are
// needed. Other notes' link records then reuse the memory of these.
func (n *Note) Pack() []byte { return n.pack(true, nil) }

// Arena hands out the memory that parsed notes keep their binary form in,
// a chunk at a time, for notes that live about as long as one another
// (the notes of one vault read): one allocation for many notes instead of
// one a note, so fewer and fuller spans (a 10k-note check without caches
// peaks ~5 MB lower). A chunk lives while any of its notes does. An Arena belongs to one goroutine; the zero value is
// ready to use.
type Arena struct {
	chunk []byte
}

// arenaChunk is the size of an arena's chunks; a binary form larger than
// an eighth of it gets its own allocation, so at most an eighth of a chunk
// is left unused at its end.
const arenaChunk = 256 << 10

// clone returns a copy of b that nothing else writes to: carved from the
// arena's chunk, capacity capped so that an append cannot reach the next
// note's bytes.
func (a *Arena) clone(b []byte) []byte {
	if a == nil || len(b) > arenaChunk/8 {
		return bytes.Clone(b)
	}
	if cap(a.chunk)-len(a.chunk) < len(b) {
		a.chunk = make([]byte, 0, arenaChunk)
	}
	at := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	return a.chunk[at:len(a.chunk):len(a.chunk)]
}

// pack is Pack for a note that will be cached (withBinary): its binary
// form, with the links' digest, allocated from arena (nil: on its own),
// holds the packed links. Without, only the packed links are kept, and no
// binary form is returned: the rest of it repeats the note's own fields,
// and at 100,000 notes it was a third of what the notes kept (40 MB of
// fresh memory, which costs more to touch here than to fill).
func (n *Note) pack(withBinary bool, arena *Arena) []byte {
	if n.Links != nil {
		scratch := encodePool.Get().(*[]byte)
		defer encodePool.Put(scratch)
		b := (*scratch)[:0]
		var prevStart, prevLine int64
		for i := range n.Links {
			b = appendLink(b, &n.Links[i], &prevStart, &prevLine)
		}
		*scratch = b
		n.packed, n.packedCount, n.hasPacked = b, int32(len(n.Links)), true
		n.Links = nil
	}
	return n.keepPacked(withBinary, arena)
}

// keepPacked is pack for a note whose links are packed in scratch memory
// (packLinks, pack): the bytes are copied into arena, alone or within the
// binary form, not encoded again.
func (n *Note) keepPacked(withBinary bool, arena *Arena) []byte {
	if !withBinary {
		if n.hasPacked {
			n.packed = arena.clone(n.packed)
		}
		return nil
	}
	scratch := encodePool.Get().(*[]byte)
	defer encodePool.Put(scratch)
	b, at, end := n.appendBinary((*scratch)[:0])
	enc := arena.clone(b)
	*scratch = b
	if n.hasPacked {
		n.packed = enc[at:end:end]
		if enc[end] == 1 {
			copy(n.linksDigest[:], enc[end+1:])
			n.hasDigest = true
		}
	}
	return enc
}

// LinkList returns the note's links, in buf's memory (which the result
// may reuse; it is valid until buf is passed again): the packed links
// decoded, or a copy of Links. Never Links itself: a loop that passes each
// result back as the next buffer would otherwise decode the next note's
// links over this note's.
//
// Packed links come from Pack or from DecodeBinary of a cache entry whose
// checksum held, both written by this program's AppendBinary: that they
// decode is an invariant (fuzzed by FuzzBinaryRoundTrip), and a failure is
// a bug, reported by a panic naming the note rather than with wrong links.
func (n *Note) LinkList(buf []Link) []Link {
	if !n.hasPacked {
		return append(buf[:0], n.Links...)
	}
	out, err := decodeLinks(buf[:0], n.packed, int(n.packedCount))
	if err != nil {
		panic(fmt.Sprintf("note %s: its packed links do not decode (%v); rerun with --no-cache and report the bug", n.Path, err))
	}
	return out
}

// LinkCount is len(n.LinkList(nil)), without decoding.
func (n *Note) LinkCount() int {
	if n.hasPacked {
		return int(n.packedCount)
	}
	return len(n.Links)
}

// decodeLinks appends the count links packed in b to out.
func decodeLinks(out []Link, b []byte, count int) ([]Link, error) {
	d := decoder{b: b}
	if count > len(b) {
		return out, ErrCorrupt
	}
	if out == nil {
		out = []Link{} // a note with links packed has a non-nil Links
	}
	out = slices.Grow(out, count)
	var prevStart, prevLine int64
	for range count {
		out = append(out, Link{})
		d.link(&out[len(out)-1], &prevStart, &prevLine)
		if d.err != nil {
			return out, d.err
		}
	}
	if len(d.b) != 0 {
		return out, ErrCorrupt
	}
	return out, nil
}

func appendLink(b []byte, l *Link, prevStart, prevLine *int64) []byte {
	base := l.Whole.Start
	var flags, spans byte
	if l.Embed {
		flags |= binEmbed
	}
	if l.EscapedPipe {
		flags |= binEscapedPipe
	}
	if l.Angle {
		flags |= binAngle
	}
	if l.HasFrag {
		flags |= binHasFrag
	}
	if l.InFrontmatter {
		flags |= binInFrontmatter
	}
	if l.hasVault {
		flags |= binHasVault
	}
	if l.Target != spanText(l.Text, base, l.Link.Target) {
		flags |= binTargetStored
	}
	if l.Frag != spanText(l.Text, base, l.Link.Frag) {
		flags |= binFragStored
	}
	if l.Link.Target.Valid() {
		spans |= binTargetSpan
	}
	if l.Link.Frag.Valid() {
		spans |= binFragSpan
	}
	if l.Display.Valid() {
		spans |= binDisplaySpan
	}
	b = append(b, byte(l.Kind), flags, spans)
	b = binary.AppendVarint(b, int64(base)-*prevStart)
	*prevStart = int64(base)
	b = binary.AppendVarint(b, int64(l.Whole.End-base))
	for _, s := range [...]wikilink.Span{l.Link.Target, l.Link.Frag, l.Display} {
		if s.Valid() {
			b = binary.AppendVarint(b, int64(s.Start-base))
			b = binary.AppendVarint(b, int64(s.End-s.Start))
		}
	}
	b = binary.AppendVarint(b, int64(l.Line)-*prevLine)
	*prevLine = int64(l.Line)
	b = binary.AppendVarint(b, int64(l.Col))
	b = appendString(b, l.Text)
	if flags&binTargetStored != 0 {
		b = appendString(b, l.Target)
	}
	if flags&binFragStored != 0 {
		b = appendString(b, l.Frag)
	}
	return b
}

// spanText is the part of a link's text that span s covers, or "" when s
// is absent or not inside the text.
func spanText(text string, base int32, s wikilink.Span) string {
	if !s.Valid() || s.Start < base || s.End < s.Start || int(s.End-base) > len(text) {
		return ""
	}
	return text[s.Start-base : s.End-base]
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendCount writes a slice length, keeping nil apart from empty so that a
// decoded note is equal to the parsed one.
func appendCount(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

func appendStrings(b []byte, ss []string) []byte {
	b = appendCount(b, ss == nil, len(ss))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// DecodeBinary decodes a note written by AppendBinary from the start of b
// and returns the bytes after it. The note's strings share b's memory. Its
// links stay packed (see LinkList): b must be what AppendBinary wrote, as
// a checksum can tell; other bytes give an error or a note whose LinkList
// panics.
func DecodeBinary(b []byte) (Note, []byte, error) {
	d := decoder{b: b}
	var n Note
	n.Path = d.string()
	n.Title = d.string()
	n.Aliases = d.strings()
	n.ID = d.string()
	n.CanonicalID = d.string()
	n.DuplicateOf = d.string()
	n.Headings = d.strings()
	n.BlockIDs = d.strings()
	n.AnchorIDs = d.strings()
	if d.byte() == 1 {
		copy(n.Sum[:], d.bytes(32))
	}
	if h := d.bytes(8); d.err == nil {
		n.ContentHash = binary.LittleEndian.Uint64(h)
	}
	if count, isNil := d.count(); !isNil && d.err == nil {
		size := d.bytes(4)
		if d.err == nil {
			n.packed = d.bytes(int(binary.LittleEndian.Uint32(size)))
			n.packedCount, n.hasPacked = int32(count), true
			if d.byte() == 1 {
				copy(n.linksDigest[:], d.bytes(len(n.linksDigest)))
				n.hasDigest = true
			}
			if count > len(n.packed) {
				d.fail()
			}
		}
	}
	if d.err != nil {
		return Note{}, nil, d.err
	}
	return n, d.b, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || len(d.b) < n {
		d.fail()
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// uvarint and varint read most values, a link's offsets, lengths and
// line steps, from a single byte: that case is taken inline, before the
// general loop (a tenth of decoding a vault's links).
func (d *decoder) uvarint() uint64 {
	if len(d.b) > 0 && d.b[0] < 0x80 {
		v := uint64(d.b[0])
		d.b = d.b[1:]
		return v
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) varint() int64 {
	if len(d.b) > 0 && d.b[0] < 0x80 {
		// Zig-zag: 2n for n, 2n-1 for -n.
		c := d.b[0]
		d.b = d.b[1:]
		return int64(c>>1) ^ -int64(c&1)
	}
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[k:]
	return v
}

// int32 reads a varint that must fit a span offset.
func (d *decoder) int32() int32 {
	v := d.varint()
	if v < -1<<31 || v >= 1<<31 {
		d.fail()
		return 0
	}
	return int32(v)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[0], int(n))
	d.b = d.b[n:]
	return s
}

func (d *decoder) count() (n int, isNil bool) {
	v := d.uvarint()
	if v == 0 {
		return 0, true
	}
	// Every element takes at least one byte: a larger count is corrupt,
	// and checking it here keeps a bad file from making a huge slice.
	if v-1 > uint64(len(d.b)) {
		d.fail()
		return 0, true
	}
	return int(v - 1), false
}

func (d *decoder) strings() []string {
	n, isNil := d.count()
	if isNil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.string()
	}
	return out
}

func (d *decoder) link(l *Link, prevStart, prevLine *int64) {
	l.Kind = wikilink.Kind(d.byte())
	flags, spans := d.byte(), d.byte()
	l.Embed = flags&binEmbed != 0
	l.EscapedPipe = flags&binEscapedPipe != 0
	l.Angle = flags&binAngle != 0
	l.HasFrag = flags&binHasFrag != 0
	l.InFrontmatter = flags&binInFrontmatter != 0
	l.hasVault = flags&binHasVault != 0
	start := *prevStart + d.varint()
	if start < 0 || start >= 1<<31 {
		d.fail()
		return
	}
	*prevStart = start
	base := int32(start)
	l.Whole = wikilink.Span{Start: base, End: base + d.int32()}
	none := wikilink.Span{Start: -1, End: -1}
	l.Link.Target, l.Link.Frag, l.Display = none, none, none
	for i, s := range [...]*wikilink.Span{&l.Link.Target, &l.Link.Frag, &l.Display} {
		if spans&(1<<i) != 0 {
			off := d.int32()
			s.Start = base + off
			s.End = s.Start + d.int32()
		}
	}
	line := *prevLine + d.varint()
	if line < -1<<31 || line >= 1<<31 {
		d.fail()
		return
	}
	*prevLine = line
	l.Line = int32(line)
	l.Col = d.int32()
	l.Text = d.string()
	if flags&binTargetStored != 0 {
		l.Target = d.string()
	} else {
		l.Target = spanText(l.Text, base, l.Link.Target)
	}
	if flags&binFragStored != 0 {
		l.Frag = d.string()
	} else {
		l.Frag = spanText(l.Text, base, l.Link.Frag)
	}
}

// LinksDigest returns a SHA-256 of n's links in their binary form: notes
// whose links have one digest have equal links, packed or not. Packed
// links carry theirs, computed when they were packed.
func (n *Note) LinksDigest() [32]byte {
	if n.hasDigest {
		return n.linksDigest
	}
	if n.hasPacked {
		return packedDigest(int(n.packedCount), n.packed)
	}
	var b []byte
	var prevStart, prevLine int64
	for i := range n.Links {
		b = appendLink(b, &n.Links[i], &prevStart, &prevLine)
	}
	return packedDigest(len(n.Links), b)
}
