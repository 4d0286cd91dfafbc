package workspace

import (
	"bytes"
	"math/bits"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/vault"
)

// lightReads are the notes a check of a change read for their names
// alone (note.ParseNames), with what tells, once the change's keys are
// known, whether a note may hold a link to what the change touched.
type lightReads struct {
	mu       sync.Mutex
	maxLinks int
	// filters are the trigram filters of the light notes that hold a
	// '[' (every link starts with one): a note without is in neither
	// map's keys but in light.
	filters map[string]*trigramFilter
	light   map[string]bool
}

// read is vault.ReadOptions.Light for a check of change ch: a changed note
// is parsed in full, and so is an untouched one the filter cannot speak
// for (one with a conjoining jamo, or as many '[' as the note may have
// links: only a full parse tells whether it has too many). Every other note gives its
// names, its hash and, when it has a '[', its trigram filter.
func (lr *lightReads) read(ch *Change) func(p string, src []byte) (note.Note, bool) {
	return func(p string, src []byte) (note.Note, bool) {
		if ch.Has(p) {
			return note.Note{}, false
		}
		var f *trigramFilter
		if brackets := bytes.Count(src, []byte{'['}); brackets > 0 {
			if brackets >= lr.maxLinks {
				return note.Note{}, false
			}
			var ok bool
			if f, ok = newTrigramFilter(src); !ok {
				return note.Note{}, false
			}
		}
		n := note.ParseNames(p, src)
		if n.Err == nil {
			n.ContentHash = note.ContentHash(src)
		}
		lr.mu.Lock()
		lr.light[p] = true
		if f != nil {
			lr.filters[p] = f
		}
		lr.mu.Unlock()
		return n, true
	}
}

// parseInFull reads the light notes of ix whose paths are in paths again
// and parses them in full, in place: the index, and the index of the vault
// as it was, which shares the untouched notes, see their links and
// anchors from then on. Their names are those the light read gave (the
// same frontmatter), so the index stays right.
func (lr *lightReads) parseInFull(v *vault.Vault, ix *index.Index, paths map[string]bool, syntax note.Options) {
	var todo []*note.Note
	for _, n := range ix.Notes {
		if paths[n.Path] && lr.light[n.Path] {
			todo = append(todo, n)
			delete(lr.light, n.Path)
			delete(lr.filters, n.Path)
		}
	}
	var wg sync.WaitGroup
	next := make(chan *note.Note)
	for range min(len(todo), 8) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				src, err := v.ReadFile(n.Path)
				if err != nil {
					// Gone or unreadable since the walk: its names
					// stay, without links.
					continue
				}
				// Packed, as a vault read keeps them: the records of a
				// parse are scratch memory, reused by the next one.
				full, _ := note.ParsePacked(n.Path, src, syntax, false, false)
				if full.Err != nil && n.Err == nil {
					// Changed since it was read: as it was read.
					continue
				}
				full.Dev, full.Ino, full.ContentHash = n.Dev, n.Ino, n.ContentHash
				full.Fields = n.Fields
				*n = full
			}
		}()
	}
	for _, n := range todo {
		next <- n
	}
	close(next)
	wg.Wait()
}

// trigramFilter is a Bloom filter of the three-symbol runs of a note's
// skeleton (see appendSkeletonRunes), of the stretches of its text that
// may hold a link's target, as written and with their %XX escapes
// decoded. A link target is a stretch of the note's text (a
// Markdown one percent-decoded, which only shortens escapes; backslash
// escapes drop punctuation, which the skeleton drops too), and so is each
// of mayName's spellings of it; the skeleton of a spelling's key is made
// of runs of the spelling's skeleton, so of the note's. A note whose
// filter lacks a trigram of every key's skeleton therefore holds no link
// mayName would accept: the filter can say "maybe" wrongly, never "no".
type trigramFilter struct {
	bits []uint64
	mask uint32
}

// newTrigramFilter builds src's filter, from the stretches of its text a
// link's target may lie in: every link ends on the line it starts on; a
// wikilink's target lies between its "[[" and the first "]]" after it,
// a Markdown link's after its "](" (and spaces) up to the first space or
// control character not escaped, or in "<…>" up to the first newline not
// escaped.
// It returns nil for a note without such a stretch (it has no link), and
// ok false for one holding a conjoining Hangul jamo, which a key may
// compose with the syllable before it into one the text does not show.
func newTrigramFilter(src []byte) (f *trigramFilter, ok bool) {
	var spans [][]byte
	size := 0
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("[["))
		if j < 0 {
			break
		}
		from := i + j + 2
		e := bytes.Index(src[from:], []byte("]]"))
		if e < 0 {
			break
		}
		i = from
		if span := src[from : from+e]; bytes.IndexByte(span, '\n') < 0 {
			spans = append(spans, span)
			size += len(span)
		}
	}
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("]("))
		if j < 0 {
			break
		}
		d := i + j + 2
		i = d
		for d < len(src) && src[d] == ' ' {
			d++
		}
		e := d
		if d < len(src) && src[d] == '<' {
			// Up to the end of the line, or past it after a
			// backslash (which escapes the newline).
			for e < len(src) && (src[e] != '\n' || e > d && src[e-1] == '\\') {
				e++
			}
		} else {
			for e < len(src) && (src[e] > ' ' || e > d && src[e-1] == '\\') {
				e++
			}
		}
		spans = append(spans, src[d:e])
		size += e - d
	}
	if len(spans) == 0 {
		return nil, true
	}
	nbits := uint32(1) << bits.Len32(uint32(max(512, size*16)-1))
	f = &trigramFilter{bits: make([]uint64, nbits/64), mask: nbits - 1}
	for _, span := range spans {
		if !f.addText(span, false) {
			return nil, false
		}
		if bytes.IndexByte(span, '%') >= 0 && !f.addText(span, true) {
			return nil, false
		}
	}
	return f, true
}

// addText adds the trigrams of src's skeleton (appendSkeletonRunes), with
// its %XX escapes decoded when decode, one character at a time: building
// the skeleton first cost as much as parsing.
func (f *trigramFilter) addText(src []byte, decode bool) bool {
	var a, b rune // the two symbols before, in the run
	run := 0
	add := func(r rune) {
		if r == skeletonBreak {
			run = 0
			return
		}
		if run >= 2 {
			h1, h2 := trigramHashes(a, b, r)
			f.bits[(h1&f.mask)/64] |= 1 << (h1 & 63)
			f.bits[(h2&f.mask)/64] |= 1 << (h2 & 63)
		}
		a, b = b, r
		run++
	}
	var buf [4]byte
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf && (!decode || c != '%') {
			if sym := asciiSkeleton[c]; sym != 0 {
				add(rune(sym))
			}
			i++
			continue
		}
		var r rune
		if decode {
			// The decoded bytes of a run of escapes, as one character.
			n := 0
			j := i
			for n < len(buf) && j+2 < len(src) && src[j] == '%' && isHex(src[j+1]) && isHex(src[j+2]) {
				buf[n] = unhex(src[j+1])<<4 | unhex(src[j+2])
				n++
				j += 3
				if utf8.FullRune(buf[:n]) {
					break
				}
			}
			if n == 0 {
				i++ // a '%' that escapes nothing
				continue
			}
			var w int
			r, w = utf8.DecodeRune(buf[:n])
			if w < n || buf[0] < utf8.RuneSelf {
				// An ASCII escape, or bytes that are no character:
				// each byte alone, as the decoded text has them.
				for k := 0; k < n; k++ {
					if buf[k] < utf8.RuneSelf {
						if sym := asciiSkeleton[buf[k]]; sym != 0 {
							add(rune(sym))
						}
					} else {
						add(skeletonBreak)
					}
				}
				i = j
				continue
			}
			i = j
		} else {
			var n int
			r, n = utf8.DecodeRune(src[i:])
			i += n
		}
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			add(r)
		case isJamo(r):
			return false
		default:
			for _, sym := range runeSkeleton(r) {
				add(sym)
			}
		}
	}
	return true
}

// asciiSkeleton is the skeleton of each ASCII byte: 0 for those dropped.
var asciiSkeleton = func() (t [utf8.RuneSelf]byte) {
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	return t
}()

func isJamo(r rune) bool {
	return r >= 0x1100 && r <= 0x11FF || r >= 0xA960 && r <= 0xA97F || r >= 0xD7B0 && r <= 0xD7FF
}

// skeletonBreak ends a run of the skeleton: a character that folds to
// something other than letters, digits and Hangul syllables.
const skeletonBreak = 0

// appendSkeletonRunes appends the skeleton of s: each character as the
// ladder's highest level folds it alone — ASCII letters lower-cased and
// digits kept, Hangul syllables kept, any other character that folds to
// ASCII (full-width letters, K, ß, ligatures) as the letters and digits
// it folds to, separators and ASCII punctuation dropped, and everything
// else a break. Folded together, the characters of a spelling give the
// same skeleton, except where a combining mark joins the letter before it
// into one the skeleton breaks at (a shorter run, still a run of the
// text's) or a conjoining jamo joins a syllable: ok is false for a text
// with one.
func appendSkeletonRunes(out []rune, s []byte) ([]rune, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				out = append(out, rune(c))
			case 'A' <= c && c <= 'Z':
				out = append(out, rune(c+'a'-'A'))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		i += n
		switch {
		case r >= 0xAC00 && r <= 0xD7A3:
			out = append(out, r)
		case isJamo(r):
			return out, false
		default:
			out = append(out, runeSkeleton(r)...)
		}
	}
	return out, true
}

// runeFolds caches the skeleton of each non-ASCII character seen: a
// fold through x/text per occurrence would cost what parsing does.
var runeFolds sync.Map // rune -> []rune

// runeSkeleton is the skeleton of the non-ASCII character r alone.
func runeSkeleton(r rune) []rune {
	if v, ok := runeFolds.Load(r); ok {
		return v.([]rune)
	}
	k := fold.Key(fold.Compact, string(r))
	var sk []rune
	ascii := true
	for j := 0; j < len(k); j++ {
		if k[j] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	switch {
	case k == "":
	case ascii:
		sk, _ = appendSkeletonRunes(nil, []byte(k))
	default:
		sk = []rune{skeletonBreak}
	}
	runeFolds.Store(r, sk)
	return sk
}

// mayHold reports whether every run of the skeleton skel (of a key) may
// be a run of the note's.
func (f *trigramFilter) mayHold(skel []rune) bool {
	for i := 0; i+3 <= len(skel); i++ {
		if skel[i] == skeletonBreak || skel[i+1] == skeletonBreak || skel[i+2] == skeletonBreak {
			continue
		}
		h1, h2 := trigramHashes(skel[i], skel[i+1], skel[i+2])
		if f.bits[(h1&f.mask)/64]&(1<<(h1&63)) == 0 || f.bits[(h2&f.mask)/64]&(1<<(h2&63)) == 0 {
			return false
		}
	}
	return true
}

func trigramHashes(a, b, c rune) (uint32, uint32) {
	x := uint64(a)<<42 | uint64(b)<<21 | uint64(c)
	h := x * 0x9E3779B97F4A7C15
	return uint32(h >> 40), uint32(h >> 13)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// mayLink returns the light notes whose filter may hold a link with one of
// keys (affectedKeys) for a key.
func (lr *lightReads) mayLink(keys map[string]bool) map[string]bool {
	var skels [][]rune
	for k := range keys {
		sk, ok := appendSkeletonRunes(nil, []byte(k))
		if !ok {
			// A key with a jamo: only a note with one, parsed in
			// full, can hold it.
			continue
		}
		skels = append(skels, sk)
	}
	out := map[string]bool{}
	if len(skels) == 0 {
		return out
	}
	for p, f := range lr.filters {
		for _, sk := range skels {
			if f.mayHold(sk) {
				out[p] = true
				break
			}
		}
	}
	return out
}

// fragmentTargets are the paths of the notes a link with a fragment, of
// the notes planned (indexes into now), may point into, in the vault now
// or as it was: the note each resolves to, the candidates, the notes that
// share a key with any spelling of its target, and their canonical notes.
func fragmentTargets(now, before *index.Index, planned []int32) map[string]bool {
	out := map[string]bool{}
	addNote := func(ix *index.Index, i int32) {
		if i < 0 || int(i) >= len(ix.Notes) {
			return
		}
		out[ix.Notes[i].Path] = true
		out[ix.Notes[ix.Canonical(i)].Path] = true
	}
	for _, i := range planned {
		src := now.Notes[i]
		// A fresh list: an unpacked note's list is its own Links, which
		// a buffer passed on would overwrite.
		links := src.LinkList(nil)
		for li := range links {
			l := links[li]
			if !l.HasFrag {
				continue
			}
			t := strings.TrimPrefix(strings.TrimSpace(l.Target), "/")
			// The target alone: which note it names does not depend
			// on the anchors.
			bare := l
			bare.HasFrag, bare.Frag = false, ""
			for _, ix := range []*index.Index{now, before} {
				j := i
				if ix != now {
					var ok bool
					if j, ok = ix.NoteByPath(src.Path); !ok {
						j = -1
					}
				}
				if j >= 0 {
					r := ix.Resolve(j, &bare)
					if !r.Attachment && !r.Outside {
						addNote(ix, r.Target)
					}
					for _, c := range r.Candidates {
						addNote(ix, c)
					}
				}
				for _, q := range [...]string{t, dialect.PathName(t), path.Base(t), dialect.StemOf(t)} {
					if q == "" || q == "." {
						continue
					}
					for _, m := range ix.NotesSharingKey(q) {
						addNote(ix, m)
					}
				}
			}
		}
	}
	return out
}
