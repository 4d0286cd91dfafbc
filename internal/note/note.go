// Package note parses one note's bytes into what the index needs: its
// frontmatter fields, its links with exact spans and positions, its headings
// and block ids. It does no I/O: Parse is a pure function of path and bytes,
// and one parser serves every command.
package note

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/cespare/xxhash/v2"

	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/markdown"
	"github.com/relinkmd/relink/wikilink"
)

// Note is a parsed note. Bodies are not kept: after parsing only these
// records stay in memory.
type Note struct {
	Path string // vault-relative, '/'-separated, with extension
	frontmatter.Fields
	// Links are the note's links as parsed. A note read from a vault keeps
	// them packed instead (see Pack): read them with LinkList.
	Links    []Link
	Headings []string // heading texts in order
	BlockIDs []string
	// AnchorIDs are explicit anchors a #fragment may name: HTML id="…" and
	// name="…" attributes, kramdown/Pandoc {#id} and {:id="…"}.
	AnchorIDs []string
	// Sum is the SHA-256 of the bytes parsed, when the reader was asked
	// for it (apply compares it with the file before rewriting).
	Sum [32]byte
	// ContentHash is ContentHash of the bytes parsed (zero for a note
	// with Err): the content identity by which the next run finds a note
	// moved by copy and delete (internal/renames).
	ContentHash uint64
	// Dev and Ino identify the file the note was read from (0 where the
	// system has no such numbers, and for a note not read from a file):
	// a note that was moved or renamed keeps them, which is how relink
	// knows it under its new name.
	Dev, Ino uint64
	// Err is set when the note could not be parsed (broken YAML, invalid
	// UTF-8, ...). Such a note keeps its path names in the index so that no
	// link is repaired to a different note in its place, but it gets no edits.
	Err error

	// packed is the binary form of the links while Links is nil (Pack,
	// DecodeBinary): a 100,000-note vault holds millions of links, and
	// 96-byte records for all of them at once cost more to allocate than
	// decoding each note's when it is planned.
	packed      []byte
	packedCount int32
	hasPacked   bool
	// linksDigest is LinksDigest of the packed links when hasDigest,
	// written beside them in the binary form: a re-check looks every
	// note's plan up by it, and hashing 100k notes' links again took
	// ~0.13 s of CPU.
	linksDigest [32]byte
	hasDigest   bool
}

// Link is one link occurrence in a note. Millions of them stay in memory
// for a large vault, so the record is small (96 bytes): int32 positions,
// the flags packed after the spans' flags, and the rare Dendron vault name
// read back from Text instead of stored.
type Link struct {
	wikilink.Link
	HasFrag       bool
	InFrontmatter bool
	hasVault      bool
	Line, Col     int32  // 1-based; Col counts characters
	Text          string // the whole link as written
	Target        string // trimmed target, '#...' and '|...' removed; Markdown: percent-decoded
	Frag          string // anchor without '#', "" when absent
}

// Vault returns the vault of a dendron://vault/ link ("" for other links).
func (l *Link) Vault() string {
	if !l.hasVault {
		return ""
	}
	// The name ends at the '/' before the target and starts after the
	// scheme's "//"; it holds no '/'.
	t := l.Text[:l.Link.Target.Start-1-l.Whole.Start]
	return t[strings.LastIndexByte(t, '/')+1:]
}

// Options choose the link syntax of a dialect.
type Options struct {
	LabelFirst bool // Dendron: [[display|target]]
	// SchemePrefix is stripped from targets and kept out of edits
	// ("dendron://vault/").
	SchemePrefix string
	// MaxLinks is the most links a note may have (0: DefaultMaxLinks). A
	// note with more is not read (ErrTooManyLinks): its link records
	// would take ~1 KB of memory each while it is parsed.
	MaxLinks int
	// Reference parses by the slow authority of each step (utf8.Valid,
	// yaml.v3, the general Markdown block path, no prefilter): the
	// straightforward path that the fast one is held to, byte for byte,
	// by workspace's differential test.
	Reference bool
}

// DefaultMaxLinks is far above any real note's links (the largest note
// of the corpora relink is tested on has under 1,000), and bounds what one
// note costs to parse to ~100 MB.
const DefaultMaxLinks = 100_000

// ErrTooManyLinks marks a note with more links than Options.MaxLinks.
var ErrTooManyLinks = errors.New("too many links")

func (o Options) maxLinks() int {
	if o.MaxLinks > 0 {
		return o.MaxLinks
	}
	return DefaultMaxLinks
}

// ErrBinary and ErrEncoding mark files that are not UTF-8 text.
var (
	ErrBinary   = errors.New("binary file (contains a NUL byte)")
	ErrEncoding = errors.New("invalid UTF-8")
	ErrTooLarge = errors.New("too large to parse (2 GiB or more)")
)

// Parse parses the note at path (vault-relative) from src. A returned Note
// always has Path set; Err reports why its content was not read.
func Parse(p string, src []byte, opt Options) Note {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	return parse(p, src, opt, sc, false)
}

// ParsePacked is Parse, with the SHA-256 of src in Sum when withSum, then
// Pack: it returns the note with its links packed and, when withBinary
// (a note that will be cached), its binary form, with the links' digest
// (nil when Err is set, and without withBinary). Its link records are
// scratch memory, reused for the next note, so that reading a vault
// allocates each note's links once, packed.
func ParsePacked(p string, src []byte, opt Options, withSum, withBinary bool) (Note, []byte) {
	return ParsePackedIn(nil, p, src, opt, withSum, withBinary)
}

// ParsePackedIn is ParsePacked with the binary form allocated from arena
// (nil: on its own), for a note that lives as long as arena's others.
func ParsePackedIn(arena *Arena, p string, src []byte, opt Options, withSum, withBinary bool) (Note, []byte) {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	n := parse(p, src, opt, sc, true)
	if n.Err != nil {
		return n, nil
	}
	if withSum {
		n.Sum = sha256.Sum256(src)
	}
	if opt.Reference {
		return n, n.pack(withBinary, arena)
	}
	return n, n.keepPacked(withBinary, arena)
}

func parse(p string, src []byte, opt Options, sc *scratch, reuse bool) Note {
	n := Note{Path: p}
	check, decode, analyze := checkText, frontmatter.Decode, markdown.AnalyzeAppend
	if opt.Reference {
		check, decode, analyze = checkTextReference, frontmatter.DecodeReference, markdown.AnalyzeAppendReference
	}
	if err := check(src); err != nil {
		n.Err = err
		return n
	}
	fm, hasFM := frontmatter.Split(src)
	if hasFM {
		f, err := decode(src[fm.Start:fm.End])
		if err != nil {
			n.Err = err
			return n
		}
		n.Fields = f
	}
	scanOpt := wikilink.Options{LabelFirst: opt.LabelFirst}
	sc.scanned = sc.scanned[:0]
	if hasFM {
		fmOpt := scanOpt
		fmOpt.NoMarkdown = true
		sc.skip = appendYAMLComments(sc.skip[:0], src, fm)
		sc.scanned = wikilink.AppendScan(sc.scanned, src, fm.Start, fm.End, sc.skip, fmOpt)
	}
	nfm := len(sc.scanned)
	sc.mdSkip, n.Headings, n.BlockIDs = analyze(src, fm.Body, sc.mdSkip[:0])
	sc.skip = sc.skip[:0]
	for _, x := range sc.mdSkip {
		sc.skip = append(sc.skip, wikilink.Span{Start: int32(x.Start), End: int32(x.End)})
	}
	sc.scanned = wikilink.AppendScan(sc.scanned, src, fm.Body, len(src), sc.skip, scanOpt)
	// Checked before the link records are made: they are what costs.
	if limit := opt.maxLinks(); len(sc.scanned) > limit {
		return Note{Path: p, Err: fmt.Errorf("%w (%d, limit %d)", ErrTooManyLinks, len(sc.scanned), limit)}
	}
	if reuse && !opt.Reference {
		// For ParsePackedIn: packed as they are made (packLinks), with
		// no record or copy of their strings in between.
		sc.packed, n.packedCount = sc.packLinks(sc.packed[:0], src, nfm, opt)
		if n.packedCount > 0 {
			n.packed, n.hasPacked = sc.packed, true
		}
	} else {
		n.Links = sc.links(src, nfm, opt, reuse)
	}
	n.AnchorIDs = anchorIDs(src[fm.Body:])
	n.ContentHash = ContentHash(src)
	return n
}

// ContentHash is the 64-bit xxHash of a note's bytes: what the names file
// identifies a note's content by. It needs no more than a checksum (it
// tells a note's own bytes from those of the other notes of one vault),
// and at 18 GB/s here it costs an eleventh of the SHA-256 it replaced
// there: 0.03 s of CPU instead of 0.3 s at 100,000 notes.
func ContentHash(src []byte) uint64 { return xxhash.Sum64(src) }

// DecodeDestination decodes a Markdown destination: %XX escapes and
// backslash escapes of punctuation (and nothing else: '+' stays '+').
func DecodeDestination(s string) (string, error) {
	if !hasEscape(s) {
		return s, nil
	}
	b, err := appendDecoded(make([]byte, 0, len(s)), s)
	if err != nil {
		return "", err
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// appendDecoded appends DecodeDestination(s) to dst. Parse decodes into
// one buffer for all of a note's links, from bytes, without a string per
// destination.
func appendDecoded[T string | []byte](dst []byte, s T) ([]byte, error) {
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return dst[:start], fmt.Errorf("bad escape in %q", s)
			}
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
			dst = append(dst, s[i+1])
			i++
		default:
			dst = append(dst, c)
		}
	}
	if !utf8.Valid(dst[start:]) {
		return dst[:start], fmt.Errorf("bad escape in %q", s)
	}
	return dst, nil
}

func hasEscape[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '\\' {
			return true
		}
	}
	return false
}

func isPunct(c byte) bool { return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0 }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func isIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}
