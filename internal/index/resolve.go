package index

import (
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// Class is what resolution found for a link.
type Class uint8

const (
	Resolved  Class = iota // the target exists as written
	Variant                // another spelling of exactly one canonical note
	Ambiguous              // matches lead to two or more canonical notes
	Alias                  // only aliases match: a suggestion
	Broken                 // nothing matches up to the configured level
	Duplicate              // resolves to a note whose canonical note is another
	Heading                // the target resolves but its #anchor does not
	External               // not checked (another Dendron vault)
)

var classNames = [...]string{"resolved", "variant", "ambiguous", "alias", "broken", "duplicate", "heading", "external"}

func (c Class) String() string { return classNames[c] }

// AnchorState is what became of a link's '#fragment'.
type AnchorState uint8

const (
	AnchorNone      AnchorState = iota // no fragment, or one that is not checked
	AnchorOK                           // names a heading or block of the target
	AnchorRepair                       // matches one heading on the ladder: Heading holds it
	AnchorBroken                       // matches nothing
	AnchorAmbiguous                    // matches several headings at one level
)

// Anchor is the verdict on a fragment.
type Anchor struct {
	State      AnchorState
	Heading    string // the heading to write, for AnchorRepair
	Level      fold.Level
	Candidates []string
}

// Result is the verdict on one link. Note indices are into Index.Notes.
type Result struct {
	Class Class
	// Level is where the ladder matched (Exact for resolved links).
	Level fold.Level
	// Target is the note the link will point to: the matched note for
	// Resolved and Heading, the canonical note for Variant, Alias, Duplicate.
	Target int32
	// Candidates are the distinct canonical notes of an ambiguous link, the
	// aliased note of an alias link.
	Candidates []int32
	// Attachment is set for links to files that are not notes (never rewritten).
	Attachment bool
	// Markdown links resolve by path; PathForm marks a wikilink written as a
	// path from the vault root ([[/a/b]]) or relative to the note ([[../b]]).
	PathForm bool
	// Outside is set when the target points outside the vault.
	Outside bool
	Anchor  Anchor
}

var attachmentExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".svg": true, ".webp": true,
	".avif": true, ".ico": true, ".tif": true, ".tiff": true, ".heic": true,
	".pdf": true, ".mp3": true, ".mp4": true, ".webm": true, ".ogg": true, ".ogv": true, ".wav": true,
	".m4a": true, ".flac": true, ".mov": true, ".mkv": true, ".avi": true, ".3gp": true,
	".canvas": true, ".zip": true, ".csv": true, ".json": true, ".xlsx": true, ".docx": true, ".pptx": true,
}

// IsNoteExt reports whether a file extension marks a note.
func IsNoteExt(ext string) bool {
	e := strings.ToLower(ext)
	return e == ".md" || e == ".markdown"
}

// Resolve decides what link l of note src points to.
func (ix *Index) Resolve(src int32, l *note.Link) Result {
	var r Result
	if l.Kind == wikilink.Markdown {
		r = ix.resolveMarkdown(src, l)
	} else {
		r = ix.resolveWiki(src, l)
	}
	if r.Attachment || r.Outside {
		return r
	}
	switch r.Class {
	case Resolved, Variant, Alias, Duplicate:
		if l.HasFrag {
			r.Anchor = ix.checkAnchor(r.Target, l.Frag)
			if r.Class == Resolved && (r.Anchor.State == AnchorBroken || r.Anchor.State == AnchorRepair || r.Anchor.State == AnchorAmbiguous) {
				r.Class = Heading
			}
		}
	}
	return r
}

func (ix *Index) resolveWiki(src int32, l *note.Link) Result {
	t := trimSpace(l.Target)
	if v := l.Vault(); v != "" && ix.LocalVaults != nil && !ix.LocalVaults[v] {
		return Result{Class: External, Target: -1}
	}
	if t == "" { // [[#Heading]]: the note itself
		return Result{Class: Resolved, Target: src}
	}
	pathForm := false
	if strings.HasPrefix(t, "/") || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../") {
		base := path.Dir(ix.Notes[src].Path)
		if strings.HasPrefix(t, "/") {
			base = ""
		}
		p, ok := inVault(base, t)
		if !ok {
			return Result{Class: Broken, Outside: true, Target: -1}
		}
		t, pathForm = p, true
	}
	ext := path.Ext(t)
	if ext != "" && attachmentExt[strings.ToLower(ext)] || ix.namesAttachment(t) {
		return ix.resolveAttachment(t, pathForm)
	}
	if IsNoteExt(ext) {
		t = strings.TrimSuffix(t, ext)
	}
	return ix.resolveName(t, pathForm)
}

// resolveName runs the exact lookup and then the ladder for a note name.
func (ix *Index) resolveName(t string, pathOnly bool) Result {
	var buf [8]entry
	var key string
	if ix.trimKey {
		key = trimSpace(t)
	} else {
		key = ix.Dialect.ExactKey(t)
	}
	if es := ix.exact.lookup(key, buf[:0]); len(es) > 0 {
		if r, ok := ix.exactResult(es, pathOnly); ok {
			r.PathForm = pathOnly
			return r
		}
	}
	r := ix.climb(t, pathOnly)
	r.PathForm = pathOnly
	return r
}

// exactResult classifies an exact match.
func (ix *Index) exactResult(es []entry, pathOnly bool) (Result, bool) {
	var buf [8]int32
	notes := buf[:0]
	for _, e := range es {
		if pathOnly && !e.Kinds.has(dialect.Path) {
			continue
		}
		notes = append(notes, e.Note)
	}
	if len(notes) == 0 {
		return Result{}, false
	}
	if c, one := ix.oneCanonical(notes); one {
		for _, n := range notes {
			if ix.canon[n] == n {
				return Result{Class: Resolved, Target: n}, true
			}
		}
		return Result{Class: Duplicate, Target: c, Candidates: []int32{notes[0]}}, true
	}
	return Result{Class: Ambiguous, Level: fold.Exact, Target: -1, Candidates: ix.canonicals(notes)}, true
}

// oneCanonical reports whether notes all lead to one canonical note, and
// which.
func (ix *Index) oneCanonical(notes []int32) (int32, bool) {
	c := ix.canon[notes[0]]
	for _, n := range notes[1:] {
		if ix.canon[n] != c {
			return -1, false
		}
	}
	return c, true
}

// climb walks the ladder and stops at the first level where a name or an
// alias matches.
func (ix *Index) climb(t string, pathOnly bool) Result {
	ix.buildLadder()
	broken := Result{Class: Broken, Level: ix.MaxLevel, Target: -1}
	if ix.MaxLevel < fold.Unicode {
		return broken
	}
	top := fold.Key(ix.MaxLevel, t)
	first, ok := ix.ladder.head.get(top)
	if !ok {
		return broken
	}
	var rungBuf [8]*rung
	var nameBuf, aliasBuf [8]int32
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		key := top
		if lv != ix.MaxLevel {
			key = fold.Key(lv, t)
		}
		if key == "" {
			break
		}
		byName, byAlias := nameBuf[:0], aliasBuf[:0]
		for _, r := range ix.matching(int32(first), lv, key, rungBuf[:0]) {
			switch {
			case r.alias():
				if !pathOnly {
					byAlias = append(byAlias, r.note)
				}
			case !pathOnly || r.kinds.has(dialect.Path):
				byName = append(byName, r.note)
			}
		}
		if len(byName) == 0 && len(byAlias) == 0 {
			continue
		}
		all := ix.canonicals(append(byName, byAlias...))
		switch {
		case len(all) > 1:
			return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: all}
		case len(byName) > 0:
			// One canonical note for names and aliases together, so names
			// alone lead to it too.
			return Result{Class: Variant, Level: lv, Target: all[0]}
		default:
			return Result{Class: Alias, Level: lv, Target: all[0], Candidates: sortedUnique(append([]int32(nil), byAlias...))}
		}
	}
	return broken
}

// canonicals returns the distinct canonical notes of notes, sorted.
func (ix *Index) canonicals(notes []int32) []int32 {
	out := make([]int32, 0, len(notes))
	for _, n := range notes {
		out = append(out, ix.canon[n])
	}
	return sortedUnique(out)
}

// namesAttachment reports whether t is, ignoring case, the base name of an
// attachment. Lower-casing commutes with taking the extension, so a base
// name whose extension no attachment has is not lower-cased at all.
func (ix *Index) namesAttachment(t string) bool {
	if len(ix.attachBy) == 0 {
		return false
	}
	base := path.Base(t)
	return ix.attachExt[strings.ToLower(path.Ext(base))] && ix.attachBy[strings.ToLower(base)] != nil
}

func (ix *Index) resolveAttachment(t string, pathForm bool) Result {
	r := Result{Attachment: true, Target: -1, PathForm: pathForm}
	if ix.attach[t] {
		return r
	}
	if !pathForm {
		// Obsidian finds attachments by name or by a trailing part of the path.
		for _, p := range ix.attachBy[strings.ToLower(path.Base(t))] {
			if p == t || strings.HasSuffix(p, "/"+t) || strings.EqualFold(path.Base(p), t) {
				return r
			}
		}
	}
	r.Class = Broken
	return r
}

func (ix *Index) resolveMarkdown(src int32, l *note.Link) Result {
	t := l.Target
	base := path.Dir(ix.Notes[src].Path)
	if strings.HasPrefix(t, "/") {
		base = ""
	}
	// Most Markdown links name a note by its path: join and look it up in
	// a stack buffer, and make a string only for the rest.
	var buf [256]byte
	pb := joinPath(buf[:0], base, strings.TrimPrefix(t, "/"))
	if !insideVault(pb) {
		return Result{Class: Broken, Outside: true, Target: -1}
	}
	noteExt := isNoteExtBytes(pb)
	if noteExt {
		if n, ok := ix.byPath.getBytes(pb); ok {
			return ix.pathResult(int32(n))
		}
	}
	p := string(pb)
	if !noteExt {
		if !attachmentExt[strings.ToLower(path.Ext(p))] && !ix.attach[p] {
			// "[site](example.com)": not a file of the vault.
			return Result{Class: External, Target: -1}
		}
		r := Result{Attachment: true, Target: -1, PathForm: true}
		if !ix.attach[p] && !(ix.Dialect.Name() == "obsidian" && ix.attach[strings.TrimPrefix(t, "/")]) {
			r.Class = Broken
		}
		return r
	}
	// Obsidian also reads a Markdown link from the vault root.
	if ix.Dialect.Name() == "obsidian" {
		if n, ok := ix.NoteByPath(strings.TrimPrefix(path.Clean(t), "/")); ok {
			return ix.pathResult(n)
		}
	}
	r := ix.climb(strings.TrimSuffix(p, path.Ext(p)), true)
	r.PathForm = true
	return r
}

func (ix *Index) pathResult(n int32) Result {
	if ix.canon[n] != n {
		return Result{Class: Duplicate, Target: ix.canon[n], Candidates: []int32{n}, PathForm: true}
	}
	return Result{Class: Resolved, Target: n, PathForm: true}
}

// inVault joins a link path to a folder and refuses anything that leaves
// the vault: relink never reads outside it.
func inVault(dir, p string) (string, bool) {
	c := path.Join(dir, strings.TrimPrefix(p, "/"))
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// trimSpace is strings.TrimSpace, quick for a string that starts and ends
// with a rune that is not a space whatever its script: strings.TrimSpace
// takes a slow path for any string that does not start with ASCII, such
// as most link targets of a vault written in Korean.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, last := rune(s[0]), rune(s[len(s)-1])
	if first >= utf8.RuneSelf {
		first, _ = utf8.DecodeRuneInString(s)
	}
	if last >= utf8.RuneSelf {
		last, _ = utf8.DecodeLastRuneInString(s)
	}
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return strings.TrimSpace(s)
	}
	return s
}

// joinPath appends path.Join(dir, p) to buf. It is path.Clean's algorithm
// run in place over dir + "/" + p: the cleaned path never runs ahead of
// what it has read, so it needs no second buffer.
func joinPath(buf []byte, dir, p string) []byte {
	switch {
	case dir == "" && p == "":
		return buf
	case dir == "":
		buf = append(buf, p...)
	case p == "":
		buf = append(buf, dir...)
	default:
		buf = append(append(append(buf, dir...), '/'), p...)
	}
	s := buf
	n := len(s)
	rooted := s[0] == '/'
	w, r, dotdot := 0, 0, 0
	if rooted {
		w, r, dotdot = 1, 1, 1
	}
	for r < n {
		switch {
		case s[r] == '/':
			r++
		case s[r] == '.' && (r+1 == n || s[r+1] == '/'):
			r++
		case s[r] == '.' && s[r+1] == '.' && (r+2 == n || s[r+2] == '/'):
			r += 2
			switch {
			case w > dotdot:
				w--
				for w > dotdot && s[w] != '/' {
					w--
				}
			case !rooted:
				if w > 0 {
					s[w] = '/'
					w++
				}
				s[w], s[w+1] = '.', '.'
				w += 2
				dotdot = w
			}
		default:
			if rooted && w != 1 || !rooted && w != 0 {
				s[w] = '/'
				w++
			}
			for ; r < n && s[r] != '/'; r++ {
				s[w] = s[r]
				w++
			}
		}
	}
	if w == 0 {
		s[0] = '.'
		w = 1
	}
	return s[:w]
}

// insideVault is inVault's test on a joined path.
func insideVault(c []byte) bool {
	return !(string(c) == "." || string(c) == ".." || len(c) >= 3 && string(c[:3]) == "../")
}

// isNoteExtBytes is IsNoteExt(path.Ext(p)) without a string.
func isNoteExtBytes(p []byte) bool {
	for i := len(p) - 1; i >= 0 && p[i] != '/'; i-- {
		if p[i] == '.' {
			if e := p[i:]; len(e) == 3 && e[1]|0x20 == 'm' && e[2]|0x20 == 'd' {
				return true
			}
			return IsNoteExt(string(p[i:]))
		}
	}
	return false
}

// checkAnchor checks a fragment against note n's headings and block ids.
func (ix *Index) checkAnchor(n int32, frag string) Anchor {
	frag = trimSpace(frag)
	nt := ix.Notes[n]
	if frag == "" || nt.Err != nil || !ix.Dialect.CheckAnchor(frag) {
		return Anchor{}
	}
	if t := ix.anchorsOf(n); t != nil {
		return ix.checkAnchorTable(t, n, frag)
	}
	return ix.checkAnchorScan(n, frag)
}

// checkAnchorScan is checkAnchor by a scan of the note's anchors, for a
// note with few.
func (ix *Index) checkAnchorScan(n int32, frag string) Anchor {
	nt := ix.Notes[n]
	if strings.HasPrefix(frag, "^") {
		for _, b := range nt.BlockIDs {
			if b == frag[1:] {
				return Anchor{State: AnchorOK}
			}
		}
		return Anchor{State: AnchorBroken}
	}
	for _, id := range nt.AnchorIDs {
		if id == frag {
			return Anchor{State: AnchorOK}
		}
	}
	// "[[T#A#B]]" is heading B under heading A: check the last part only,
	// and repair only a single heading.
	last := frag
	if i := strings.LastIndexByte(frag, '#'); i >= 0 {
		last = strings.TrimSpace(frag[i+1:])
	}
	// A fragment that is a heading's text or id resolves in every dialect;
	// most fragments are, and need not be asked of each heading before.
	for _, h := range nt.Headings {
		if text, id := splitHeadingID(h); last == text || id != "" && last == id {
			return Anchor{State: AnchorOK}
		}
	}
	for _, h := range nt.Headings {
		text, id := splitHeadingID(h)
		if id != "" && last == id || ix.Dialect.AnchorResolves(last, text) {
			return Anchor{State: AnchorOK}
		}
	}
	if last != frag {
		return Anchor{State: AnchorBroken}
	}
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		key := fold.Key(lv, frag)
		var hits []string
		for _, h := range nt.Headings {
			if h, id := splitHeadingID(h); id == "" && fold.Key(lv, h) == key && !contains(hits, h) {
				hits = append(hits, h)
			}
		}
		switch len(hits) {
		case 0:
			continue
		case 1:
			return Anchor{State: AnchorRepair, Heading: hits[0], Level: lv}
		default:
			return Anchor{State: AnchorAmbiguous, Level: lv, Candidates: hits}
		}
	}
	return Anchor{State: AnchorBroken}
}

// checkAnchorTable is checkAnchor by the note's anchor table: the same
// answers, looked up by key instead of by a scan of the note's anchors.
func (ix *Index) checkAnchorTable(t *anchorTable, n int32, frag string) Anchor {
	if strings.HasPrefix(frag, "^") {
		if _, ok := t.blocks[frag[1:]]; ok {
			return Anchor{State: AnchorOK}
		}
		return Anchor{State: AnchorBroken}
	}
	if _, ok := t.anchorIDs[frag]; ok {
		return Anchor{State: AnchorOK}
	}
	last := frag
	if i := strings.LastIndexByte(frag, '#'); i >= 0 {
		last = strings.TrimSpace(frag[i+1:])
	}
	if _, ok := t.textOrID[last]; ok {
		return Anchor{State: AnchorOK}
	}
	if t.resolves.Resolves(last) {
		return Anchor{State: AnchorOK}
	}
	if last != frag {
		return Anchor{State: AnchorBroken}
	}
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		hits := t.repairs(ix, n, lv, fold.Key(lv, frag))
		switch len(hits) {
		case 0:
			continue
		case 1:
			return Anchor{State: AnchorRepair, Heading: hits[0], Level: lv}
		default:
			return Anchor{State: AnchorAmbiguous, Level: lv, Candidates: slices.Clone(hits)}
		}
	}
	return Anchor{State: AnchorBroken}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// splitHeadingID separates an explicit id ("## CR, LF {#cr-lf}", kramdown
// and Pandoc) from the heading text. Headings with an explicit id are never
// repair targets: their anchor is the id.
func splitHeadingID(h string) (text, id string) {
	if strings.HasSuffix(h, "}") {
		if i := strings.LastIndex(h, "{#"); i >= 0 && !strings.ContainsAny(h[i+2:len(h)-1], " {}") {
			return strings.TrimSpace(h[:i]), h[i+2 : len(h)-1]
		}
	}
	return h, ""
}

// warmBatch is how many links Warm reads at a time: enough independent
// loads in flight to overlap their misses, few enough that what they load
// is still cached when the links are resolved.
const warmBatch = 16

// warmSink keeps Warm's loads from being optimized away.
var warmSink atomic.Uint64

// Warm reads ahead, for links of one note about to be resolved in order,
// the memory that resolving them reads first and most likely misses: the
// exact table's slot and record of each plain wikilink target and, for a
// link with a fragment, the target note's anchor lists. Resolving one link
// at a time waits for these loads one after another; here each phase issues
// the loads of a whole batch before using any, so the processor overlaps
// the misses. It changes nothing that Resolve computes.
func (ix *Index) Warm(links []note.Link) {
	if !ix.trimKey {
		return
	}
	var (
		hs  [warmBatch]uint64
		ss  [warmBatch]uint64
		nts [warmBatch]*note.Note
		ok  [warmBatch]bool
		acc uint64
	)
	head := ix.exact.head
	if head.n == 0 {
		return
	}
	for lo := 0; lo < len(links); lo += warmBatch {
		ls := links[lo:min(lo+warmBatch, len(links))]
		for i := range ls {
			l := &ls[i]
			t := trimSpace(l.Target)
			ok[i] = l.Kind != wikilink.Markdown && t != "" && t[0] != '/' && t[0] != '.'
			if ok[i] {
				hs[i] = head.hash(t)
			}
		}
		for i := range ls {
			if ok[i] {
				ss[i] = head.home(hs[i])
			}
		}
		for i := range ls {
			nts[i] = nil
			if !ok[i] {
				continue
			}
			v, found := head.peek(ss[i], hs[i])
			acc += v
			if found && ls[i].HasFrag {
				if n := unpackNode(v).note; n >= 0 && int(n) < len(ix.Notes) {
					nts[i] = ix.Notes[n]
				}
			}
		}
		for i := range ls {
			if nt := nts[i]; nt != nil {
				if len(nt.AnchorIDs) > 0 {
					acc += uint64(len(nt.AnchorIDs[0]))
				}
				if len(nt.BlockIDs) > 0 {
					acc += uint64(len(nt.BlockIDs[0]))
				}
				if len(nt.Headings) > 0 {
					acc += uint64(len(nt.Headings[0]))
				}
			}
		}
		// Then the headings' bytes: checkAnchor reads each heading's
		// last byte (is there a "{#id}"?) before it compares.
		for i := range ls {
			if nt := nts[i]; nt != nil {
				for _, h := range nt.Headings {
					if h != "" {
						acc += uint64(h[len(h)-1])
					}
				}
				if len(nt.BlockIDs) > 0 && nt.BlockIDs[0] != "" {
					acc += uint64(nt.BlockIDs[0][0])
				}
			}
		}
	}
	warmSink.Add(acc)
}
