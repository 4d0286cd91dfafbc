package index

import (
	"bytes"
	"cmp"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

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
	// Renamed: no name of today matches, but a name the target note had
	// before it was moved, renamed or retitled does (SPEC §4).
	Renamed
)

var classNames = [...]string{"resolved", "variant", "ambiguous", "alias", "broken", "duplicate", "heading", "external", "renamed"}

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
	// Aliases name, for an ambiguous or alias result, each candidate that
	// only an alias matched, with that alias: the report says so.
	Aliases []AliasMatch
	// Attachment is set for links to files that are not notes (never rewritten).
	Attachment bool
	// Markdown links resolve by path; PathForm marks a wikilink written as a
	// path from the vault root ([[/a/b]]) or relative to the note ([[../b]]).
	PathForm bool
	// Outside is set when the target points outside the vault.
	Outside bool
	Anchor  Anchor
}

// AliasMatch is a candidate of a result that an alias found: the note and
// the alias as the note spells it.
type AliasMatch struct {
	Note  int32
	Alias string
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

// Source is the note a link is written in, as far as resolution depends
// on it: a path from the note's folder ([[./x]], [[../x]], Markdown links)
// starts there, and [[#Heading]] names the note itself.
type Source struct {
	// Note is the note's index in Notes, or -1 for a note the vault does
	// not hold (yet): a link written there that names only a #heading
	// finds no note.
	Note int32
	// Path is the note's path from the vault root, with '/'.
	Path string
}

// Resolve decides what link l of note src points to.
func (ix *Index) Resolve(src int32, l *note.Link) Result {
	return ix.ResolveFrom(Source{Note: src, Path: ix.Notes[src].Path}, l)
}

// ResolveFrom decides what link l, written in the note at src, points to:
// Resolve for a link of any note, one of the vault's or not.
func (ix *Index) ResolveFrom(src Source, l *note.Link) Result {
	var r Result
	if l.Kind == wikilink.Markdown {
		r = ix.resolveMarkdown(src.Path, l)
	} else {
		r = ix.resolveWiki(src, l)
	}
	if r.Attachment || r.Outside {
		return r
	}
	switch r.Class {
	case Resolved, Variant, Alias, Duplicate, Renamed:
		if l.HasFrag {
			r.Anchor = ix.checkAnchor(r.Target, l.Frag)
			if r.Class == Resolved && (r.Anchor.State == AnchorBroken || r.Anchor.State == AnchorRepair || r.Anchor.State == AnchorAmbiguous) {
				r.Class = Heading
			}
		}
	}
	return r
}

func (ix *Index) resolveWiki(src Source, l *note.Link) Result {
	t := fold.TrimSpace(l.Target)
	if v := l.Vault(); v != "" && ix.LocalVaults != nil && !ix.LocalVaults[v] {
		return Result{Class: External, Target: -1}
	}
	if t == "" { // [[#Heading]]: the note itself
		if src.Note < 0 {
			return Result{Class: Broken, Level: ix.MaxLevel, Target: -1}
		}
		return Result{Class: Resolved, Target: src.Note}
	}
	pathForm := false
	if strings.HasPrefix(t, "/") || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../") {
		base := path.Dir(src.Path)
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
	if ext != "" && attachmentExt[strings.ToLower(ext)] || ix.namesAttachment(t, ext) {
		return ix.resolveAttachment(t, pathForm)
	}
	if IsNoteExt(ext) {
		return ix.resolveWithExt(t, ext, pathForm)
	}
	return ix.resolveName(t, pathForm)
}

// resolveName runs the exact lookup and then the ladder for a note name.
func (ix *Index) resolveName(t string, pathOnly bool) Result {
	if r, ok := ix.resolveExact(t, pathOnly); ok {
		return r
	}
	r := ix.climb(t, pathOnly)
	r.PathForm = pathOnly
	if r.Class == Broken {
		return ix.resolveRenamed(t, pathOnly, r)
	}
	return r
}

// resolveExact is the exact lookup of a note name.
func (ix *Index) resolveExact(t string, pathOnly bool) (Result, bool) {
	var buf [8]entry
	var key string
	if ix.trimKey {
		key = fold.TrimSpace(t)
	} else {
		key = ix.Dialect.ExactKey(t)
	}
	if es := ix.exactLookup(key, buf[:0]); len(es) > 0 {
		if len(es) > 1 {
			es = ix.closest(t, es, pathOnly)
		}
		if r, ok := ix.exactResult(es, pathOnly); ok {
			r.PathForm = pathOnly
			return r, true
		}
	}
	return Result{}, false
}

// resolveWithExt resolves a target that ends in a note extension. Such a
// target names a note by its file name ([[Topic.md]]), or it is a note's
// own name: Dendron's hierarchy dendron.topic.markdown, the file
// Topic.markdown.md that Obsidian and vimwiki open for [[Topic.markdown]].
// The closer reading wins: the name as written, then the name without the
// extension, exactly; then the ladder for both, where the lower level wins
// and two different notes at one level make the link ambiguous.
func (ix *Index) resolveWithExt(t, ext string, pathOnly bool) Result {
	if r, ok := ix.resolveExact(t, pathOnly); ok {
		return r
	}
	bare := strings.TrimSuffix(t, ext)
	if r, ok := ix.resolveExact(bare, pathOnly); ok {
		return r
	}
	rb, rw := ix.climb(bare, pathOnly), ix.climb(t, pathOnly)
	rb.PathForm, rw.PathForm = pathOnly, pathOnly
	switch {
	case rw.Class == Broken && rb.Class == Broken:
		return ix.resolveRenamed(bare, pathOnly, rb)
	case rw.Class == Broken:
		return rb
	case rb.Class == Broken, rw.Level < rb.Level:
		return rw
	case rb.Level < rw.Level:
		return rb
	}
	// Both readings match at one level: one note, or a question.
	var notes []int32
	for _, r := range []Result{rb, rw} {
		if r.Class == Ambiguous {
			notes = append(notes, r.Candidates...)
		} else {
			notes = append(notes, r.Target)
		}
	}
	cands := ix.canonicals(notes)
	if len(cands) == 1 {
		if rb.Class == Variant || rw.Class != Variant {
			return rb
		}
		return rw
	}
	// The report names the candidates that only an alias found.
	var named []int32
	var aliases []AliasMatch
	for _, r := range []Result{rb, rw} {
		switch r.Class {
		case Variant:
			named = append(named, r.Target)
		case Ambiguous:
			for _, c := range r.Candidates {
				if !slices.ContainsFunc(r.Aliases, func(a AliasMatch) bool { return a.Note == c }) {
					named = append(named, c)
				}
			}
		}
		for _, a := range r.Aliases {
			aliases = append(aliases, AliasMatch{Note: ix.canon[a.Note], Alias: a.Alias})
		}
	}
	aliases = slices.DeleteFunc(aliases, func(a AliasMatch) bool { return slices.Contains(named, a.Note) })
	aliases = slices.CompactFunc(aliases, func(a, b AliasMatch) bool { return a.Note == b.Note })
	return Result{Class: Ambiguous, Level: rb.Level, Target: -1, Candidates: cands, Aliases: aliases, PathForm: pathOnly}
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

// closest keeps, of the entries that an exact lookup found under key, those
// whose name is spelled closest to the target t (SPEC §4: a name equal byte
// for byte wins over one that only the dialect's case-insensitive or
// path-suffix rule finds). A name is closer in spelling (byte-equal, then
// NFC-equal, then equal only by the dialect's key) and closer in kind (the
// whole path from the vault root, as Obsidian and vimwiki open "[[index]]"
// at the root before "git/index.md"; then another whole name; then a
// trailing part of a path). The entries with the closest
// name on both counts win; when no entry is closest on both
// (`[[langchain/langchain]]`: one note's path in another case, another
// note's path suffix byte for byte), all stay, and the link is ambiguous
// unless they lead to one note.
func (ix *Index) closest(t string, es []entry, pathOnly bool) []entry {
	t = fold.TrimSpace(t)
	// Each entry's names as points (spelling, kind): bit 3*spelling+kind.
	var buf [8]uint16
	marks := buf[:0]
	if len(es) > len(buf) {
		marks = make([]uint16, 0, len(es))
	}
	marks = marks[:len(es)]
	var all uint16
	var nameBuf [16]name
	names := nameBuf[:0]
	for i, e := range es {
		if ix.trimKey {
			// Every name under the key is the target, trimmed.
			for k := dialect.Stem; k <= dialect.ID; k++ {
				if e.Kinds.has(k) && (!pathOnly || k == dialect.Path) {
					marks[i] |= 1 << closeness(0, k)
				}
			}
		} else {
			names = namesOf(ix.Notes[e.Note], names[:0])
			for _, nm := range names {
				// A note has one name of each kind under a key, and one
				// path suffix: the one with as many parts as the link.
				if !e.Kinds.has(nm.kind) || pathOnly && nm.kind != dialect.Path || nm.kind == dialect.Suffix && strings.Count(nm.name, "/") != strings.Count(t, "/") {
					continue
				}
				spelling := 2
				switch n := fold.TrimSpace(nm.name); {
				case n == t:
					spelling = 0
				case !(isASCII(n) && isASCII(t)) && norm.NFC.String(n) == norm.NFC.String(t):
					// ASCII is in NFC already: two ASCII strings are
					// NFC-equal only when they are equal.
					spelling = 1
				}
				marks[i] |= 1 << closeness(spelling, nm.kind)
			}
		}
		all |= marks[i]
	}
	if all == 0 {
		return es
	}
	// The closest point: the lowest spelling and the lowest kind seen.
	spelling, kind := 0, 0
	for all&(0b111<<(3*spelling)) == 0 {
		spelling++
	}
	for all&(0b001001001<<kind) == 0 {
		kind++
	}
	best := 3*spelling + kind
	if all&(1<<best) == 0 {
		// No name is closest on both counts.
		return es
	}
	// In place: entry i moves to a place at or before i.
	out := es[:0]
	for i, e := range es {
		if marks[i]&(1<<best) != 0 {
			out = append(out, e)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// closeness is the bit of a name's point: spelling 0 (byte-equal), 1
// (NFC-equal) or 2 (by the dialect's key), and kind 0 (the whole path from
// the vault root), 1 (another whole name: stem, title, id) or 2 (a path
// suffix).
func closeness(spelling int, k dialect.NameKind) int {
	switch k {
	case dialect.Path:
		return 3 * spelling
	case dialect.Suffix:
		return 3*spelling + 2
	}
	return 3*spelling + 1
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

// climbLevels are the rungs the climb compares on: exact first, for names
// that the dialect does not resolve by (a title in Obsidian) and for
// aliases, which an exact lookup never reads, and then the ladder.
var climbLevels = append([]fold.Level{fold.Exact}, fold.Levels...)

// climb walks the ladder and stops at the first level where a name
// matches, or where an alias matches that no name up to the first level
// with a name confirms (SPEC §4): an alias that leads to the same canonical
// note as the names does not stop the climb, one that leads elsewhere makes
// the link ambiguous.
func (ix *Index) climb(t string, pathOnly bool) Result {
	ix.buildLadder()
	broken := Result{Class: Broken, Level: ix.MaxLevel, Target: -1}
	if ix.MaxLevel < fold.Unicode {
		return broken
	}
	// The keys of t and of the chain's names, level by level: the
	// climb stops at the first level that matches.
	keys := fold.NewSteps(t)
	top := keys.Key(ix.MaxLevel)
	var chainBuf [8]*rung
	chain := ix.chain(top, chainBuf[:0])
	if len(chain) == 0 {
		return broken
	}
	var stepsBuf [8]fold.Steps
	names := ix.chainSteps(chain, stepsBuf[:0])
	var rungBuf [8]*rung
	var nameBuf [8]int32
	var aliasBuf [8]*rung
	// aliases are the alias rungs matched so far, and aliasStop the result
	// of the first level where only aliases matched: the link's verdict
	// unless a name matches further up.
	var aliases []*rung
	var aliasStop Result
	stopped := false
	for _, lv := range climbLevels {
		if lv > ix.MaxLevel {
			break
		}
		var key string
		switch lv {
		case fold.Exact:
			key = fold.TrimSpace(t)
		case ix.MaxLevel:
			key = top
		default:
			key = keys.Key(lv)
		}
		if key == "" {
			break
		}
		byName, byAlias := nameBuf[:0], aliasBuf[:0]
		for _, r := range ix.matching(chain, names, lv, key, rungBuf[:0]) {
			switch {
			case r.alias():
				if !pathOnly {
					byAlias = append(byAlias, r)
				}
			case !pathOnly || r.kinds.has(dialect.Path):
				byName = append(byName, r.note)
			}
		}
		if len(byName) == 0 && len(byAlias) == 0 {
			continue
		}
		// In the order the notes list them (the chain runs backwards),
		// so that a report quotes a note's first matching alias.
		// (A note's rungs are all in one ladder: the base's or an
		// overlay's.)
		slices.SortFunc(byAlias, func(a, b *rung) int { return cmp.Or(int(a.note)-int(b.note), int(a.nameOff)-int(b.nameOff)) })
		aliases = append(aliases, byAlias...)
		if len(byName) == 0 {
			if !stopped {
				aliasStop, stopped = ix.aliasResult(lv, aliases), true
				if aliasStop.Class == Ambiguous {
					// Aliases of two notes: no name can settle it.
					return aliasStop
				}
			}
			continue
		}
		all := append([]int32(nil), byName...)
		for _, r := range aliases {
			all = append(all, r.note)
		}
		all = ix.canonicals(all)
		if len(all) > 1 {
			return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: all, Aliases: ix.aliasOnly(all, byName, aliases)}
		}
		// One canonical note for names and aliases together, so names
		// alone lead to it too.
		return Result{Class: Variant, Level: lv, Target: all[0]}
	}
	if stopped {
		return aliasStop
	}
	return broken
}

// aliasResult is the verdict when only aliases match at level lv.
func (ix *Index) aliasResult(lv fold.Level, aliases []*rung) Result {
	notes := make([]int32, len(aliases))
	for i, r := range aliases {
		notes[i] = r.note
	}
	if all := ix.canonicals(slices.Clone(notes)); len(all) > 1 {
		return Result{Class: Ambiguous, Level: lv, Target: -1, Candidates: all, Aliases: ix.aliasOnly(all, nil, aliases)}
	}
	notes = sortedUnique(notes)
	r := Result{Class: Alias, Level: lv, Target: ix.canon[notes[0]], Candidates: notes}
	for _, n := range notes {
		r.Aliases = append(r.Aliases, AliasMatch{Note: n, Alias: ix.aliasOf(n, aliases)})
	}
	return r
}

// aliasOnly lists the candidates (canonical notes) that no name in byName
// leads to, with an alias that leads to each.
func (ix *Index) aliasOnly(candidates, byName []int32, aliases []*rung) []AliasMatch {
	var out []AliasMatch
	for _, c := range candidates {
		named := false
		for _, n := range byName {
			named = named || ix.canon[n] == c
		}
		if named {
			continue
		}
		for _, r := range aliases {
			if ix.canon[r.note] == c {
				out = append(out, AliasMatch{Note: c, Alias: ix.rungName(r)})
				break
			}
		}
	}
	return out
}

// aliasOf returns the first of aliases that belongs to note n.
func (ix *Index) aliasOf(n int32, aliases []*rung) string {
	for _, r := range aliases {
		if r.note == n {
			return ix.rungName(r)
		}
	}
	return ""
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
// ext is path.Ext(t), which the caller has: for t without a trailing
// '/', it is also the base name's, and a name whose extension no
// attachment has (most links: a name without one) is decided without
// finding its base name, a byte-by-byte scan back to the last '/'.
func (ix *Index) namesAttachment(t, ext string) bool {
	if len(ix.attachBy) == 0 {
		return false
	}
	if !strings.HasSuffix(t, "/") && !ix.attachExt[strings.ToLower(ext)] {
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

func (ix *Index) resolveMarkdown(srcPath string, l *note.Link) Result {
	t := l.Target
	// Most Markdown links name a note by its path: join and look it up in
	// a stack buffer, and make a string only for the rest.
	var buf [256]byte
	pb := markdownPath(buf[:0], path.Dir(srcPath), t)
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
	if r.Class == Broken {
		return ix.resolveRenamed(strings.TrimSuffix(p, path.Ext(p)), true, r)
	}
	return r
}

// markdownPath appends the vault path that Markdown link target t,
// written in a note of folder dir, names: from the vault root when t
// starts with '/', else from dir.
func markdownPath(buf []byte, dir, t string) []byte {
	if strings.HasPrefix(t, "/") {
		dir = ""
	}
	return joinPath(buf, dir, strings.TrimPrefix(t, "/"))
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
	c := joinClean(dir, strings.TrimPrefix(p, "/"))
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// joinClean is path.Join(dir, p), without its copy when dir is "" and p
// is already clean: a link from the vault's root ([[/folder/note]]) is
// that, and path.Join made two allocations for each (at 100,000 notes
// 5 MB of garbage while the links are planned, where no collection runs
// to take it back). path.Clean returns a clean path as it is.
func joinClean(dir, p string) string {
	if dir == "" {
		if p == "" {
			return "" // path.Join of nothing
		}
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// joinPath appends path.Join(dir, p) to buf. It is path.Clean's algorithm
// run in place over dir + "/" + p: the cleaned path never runs ahead of
// what it has read, so it needs no second buffer.
func joinPath(buf []byte, dir, p string) []byte {
	start := len(buf)
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
	s := buf[start:]
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
			// The element, found at once and moved only when an element
			// dropped before it left a gap (most paths have none).
			end := n
			if i := bytes.IndexByte(s[r:], '/'); i >= 0 {
				end = r + i
			}
			if w != r {
				copy(s[w:], s[r:end])
			}
			w += end - r
			r = end
		}
	}
	if w == 0 {
		s[0] = '.'
		w = 1
	}
	return buf[:start+w]
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
	frag = fold.TrimSpace(frag)
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
	// A heading may itself contain '#' ("## C# Basics"), and Obsidian
	// reads "[[T#A#B]]" as heading B under heading A: the whole fragment
	// is tried first, then the nested reading. Only a whole fragment is
	// repaired.
	if ix.anchorNamesHeading(nt.Headings, frag) {
		return Anchor{State: AnchorOK}
	}
	if strings.IndexByte(frag, '#') >= 0 && ix.anchorNamesPath(nt.Headings, frag) {
		return Anchor{State: AnchorOK}
	}
	// A slug that a site generator wrote names a heading by its letters
	// only (AnchorResolves); it is never rewritten to a heading's text.
	if dialect.SlugShaped(frag) {
		return Anchor{State: AnchorBroken}
	}
	// The ladder climbs from the headings as the dialect compares them.
	fkey := dialect.AnchorKey(ix.Dialect, frag)
	hkeys := make([]string, len(nt.Headings))
	for i, h := range nt.Headings {
		if _, id := splitHeadingID(h); id == "" {
			hkeys[i] = dialect.AnchorKey(ix.Dialect, h)
		}
	}
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		key := fold.Key(lv, fkey)
		var hits []string
		for i, h := range nt.Headings {
			if _, id := splitHeadingID(h); id == "" && fold.Key(lv, hkeys[i]) == key && !contains(hits, h) {
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

// anchorNamesHeading reports whether frag names one of headings: its text
// or explicit id, or what the dialect accepts for it.
func (ix *Index) anchorNamesHeading(headings []string, frag string) bool {
	// A fragment that is a heading's text or id resolves in every dialect;
	// most fragments are, and need not be asked of each heading before.
	for _, h := range headings {
		if text, id := splitHeadingID(h); frag == text || id != "" && frag == id {
			return true
		}
	}
	for _, h := range headings {
		if text, _ := splitHeadingID(h); ix.Dialect.AnchorResolves(frag, text) {
			return true
		}
	}
	return false
}

// anchorNamesPath reports whether frag, read as Obsidian's nested heading
// path "A#B#C", names headings in document order, each after the one
// before. A step may itself contain '#' ("C# Basics#Details"): the longest
// step that names a heading is tried first. Empty steps ("A##B") are
// skipped. The levels of the headings are not compared: relink keeps only
// their texts.
func (ix *Index) anchorNamesPath(headings []string, frag string) bool {
	// Each '#' either separates two steps or belongs to a heading; past a
	// few of them the ways to read a fragment grow too many to try.
	const maxParts = 8
	if strings.Count(frag, "#") >= maxParts {
		return false
	}
	return ix.pathFrom(headings, strings.Split(frag, "#"), 0)
}

// pathFrom reports whether parts, split into steps at some of the '#'s
// between them, name headings in order from headings[from:].
func (ix *Index) pathFrom(headings, parts []string, from int) bool {
	if len(parts) == 0 {
		return from > 0 // at least one step
	}
	if strings.TrimSpace(parts[0]) == "" {
		return ix.pathFrom(headings, parts[1:], from)
	}
	for j := len(parts); j >= 1; j-- {
		step := strings.TrimSpace(strings.Join(parts[:j], "#"))
		for h := from; h < len(headings); h++ {
			if ix.anchorNamesHeading(headings[h:h+1], step) {
				if ix.pathFrom(headings, parts[j:], h+1) {
					return true
				}
				break // a later heading of the same name leaves less room
			}
		}
	}
	return false
}

// checkAnchorTable is checkAnchorScan by the note's anchor table: the
// same answers, looked up by key instead of by a scan of the note's
// anchors. Only a nested path ("A#B") is still read against the headings
// in order, and only for a fragment with a '#' that names no heading whole.
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
	if _, ok := t.textOrID[frag]; ok {
		return Anchor{State: AnchorOK}
	}
	if t.resolves.Resolves(frag) {
		return Anchor{State: AnchorOK}
	}
	if strings.IndexByte(frag, '#') >= 0 && ix.anchorNamesPath(ix.Notes[n].Headings, frag) {
		return Anchor{State: AnchorOK}
	}
	if dialect.SlugShaped(frag) {
		return Anchor{State: AnchorBroken}
	}
	fkey := dialect.AnchorKey(ix.Dialect, frag)
	for _, lv := range fold.Levels {
		if lv > ix.MaxLevel {
			break
		}
		hits := t.repairs(ix, n, lv, fold.Key(lv, fkey))
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

// Warm reads ahead, for links of note src about to be resolved in order,
// the memory that resolving them reads first and most likely misses: the
// slot and record of the table each target is looked up in (the exact
// table for a plain wikilink target, the paths for a Markdown link to a
// note), the canonical note of what it finds and, for a link with a
// fragment, the target note's anchor lists. Resolving one link at a time
// waits for these loads one after another; here each phase issues the
// loads of a whole batch before using any, so the processor overlaps the
// misses. It changes nothing that Resolve computes. src may be -1 (a note
// the vault does not hold): its Markdown links are not read ahead.
func (ix *Index) Warm(src int32, links []note.Link) {
	if !ix.trimKey {
		return
	}
	var (
		hs       [warmBatch]uint64
		tabs     [warmBatch]*strtab
		bare     [warmBatch]uint64
		withBare [warmBatch]bool
		nts      [warmBatch]*note.Note
		vals     [warmBatch]uint64
		found    [warmBatch]bool
		acc      uint64
	)
	head := ix.exact.head
	if head.n == 0 {
		return
	}
	// The folder Markdown links start from, as resolveMarkdown takes it.
	base, haveBase := "", false
	if src >= 0 && int(src) < len(ix.Notes) && ix.byPath != nil && ix.byPath.n > 0 {
		base, haveBase = path.Dir(ix.Notes[src].Path), true
	}
	for lo := 0; lo < len(links); lo += warmBatch {
		ls := links[lo:min(lo+warmBatch, len(links))]
		for i := range ls {
			l := &ls[i]
			tabs[i] = nil
			if l.Kind == wikilink.Markdown {
				if !haveBase {
					continue
				}
				var buf [256]byte
				pb := markdownPath(buf[:0], base, l.Target)
				if insideVault(pb) && isNoteExtBytes(pb) {
					hs[i], tabs[i] = hashBytes(pb), ix.byPath
				}
				continue
			}
			if t := fold.TrimSpace(l.Target); t != "" && t[0] != '/' && t[0] != '.' {
				hs[i], tabs[i] = head.hash(t), head
				// [[Topic.md]] most often names the note Topic:
				// resolveWithExt looks up "Topic" next. Its home slot
				// and record are read ahead too.
				if ext := path.Ext(t); ext != "" && IsNoteExt(ext) {
					bare[i] = head.hash(strings.TrimSuffix(t, ext))
					withBare[i] = true
				}
			}
		}
		// The home slots, all issued before any is used; probe then
		// finds them cached.
		for i := range ls {
			if tabs[i] != nil {
				acc += tabs[i].home(hs[i])
			}
			if withBare[i] {
				acc += head.home(bare[i])
			}
		}
		// The records, all loads issued before any value is used: a
		// loop that went on to the note each value names held only a few
		// links' loads in flight at once.
		for i := range ls {
			nts[i] = nil
			var bv uint64
			bareFound := false
			if withBare[i] {
				var keyEnd byte
				bv, keyEnd, bareFound = head.peek(head.probe(bare[i]), bare[i])
				acc += bv + uint64(keyEnd)
				withBare[i] = false
			}
			found[i] = false
			if tabs[i] == nil {
				continue
			}
			v, keyEnd, ok := tabs[i].peek(tabs[i].probe(hs[i]), hs[i])
			acc += v + uint64(keyEnd)
			if !ok && bareFound {
				v, ok = bv, true // [[Topic.md]] found as Topic
			}
			vals[i], found[i] = v, ok
		}
		for i := range ls {
			if !found[i] {
				continue
			}
			v := vals[i]
			n := int32(v) // byPath holds the note; the exact table a node
			if tabs[i] == head {
				n = unpackNode(v).note
			}
			if n < 0 || int(n) >= len(ix.Notes) || int(n) >= len(ix.canon) {
				continue
			}
			// The verdict reads the note's canonical note next.
			acc += uint64(ix.canon[n])
			if ls[i].HasFrag {
				nts[i] = ix.Notes[n]
			}
		}
		for i := range ls {
			if nt := nts[i]; nt != nil {
				// checkAnchor reads the note's Err first, which lies
				// in another cache line than its anchor lists.
				if nt.Err != nil {
					acc++
				}
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
		// Then the headings' bytes: checkAnchorScan reads each heading's
		// last byte (is there a "{#id}"?) before it compares. Only for a
		// note it scans: a note with many anchors is looked up in its
		// anchor table, and reading all of its headings for each link
		// would cost links × headings.
		for i := range ls {
			if nt := nts[i]; nt != nil && len(nt.Headings)+len(nt.BlockIDs)+len(nt.AnchorIDs) <= manyAnchors {
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

// AttachmentPath is the path of the attachment that link l of note src
// finds, as Resolve finds it; ok is false when l finds no attachment.
func (ix *Index) AttachmentPath(src int32, l *note.Link) (p string, ok bool) {
	return ix.AttachmentPathFrom(Source{Note: src, Path: ix.Notes[src].Path}, l)
}

// AttachmentPathFrom is AttachmentPath for a link written in the note at
// src, as ResolveFrom finds it.
func (ix *Index) AttachmentPathFrom(src Source, l *note.Link) (p string, ok bool) {
	t := l.Target
	if l.Kind == wikilink.Markdown {
		base := path.Dir(src.Path)
		if strings.HasPrefix(t, "/") {
			base = ""
		}
		var buf [256]byte
		pb := joinPath(buf[:0], base, strings.TrimPrefix(t, "/"))
		if !insideVault(pb) {
			return "", false
		}
		if p := string(pb); ix.attach[p] {
			return p, true
		}
		if p := strings.TrimPrefix(t, "/"); ix.Dialect.Name() == "obsidian" && ix.attach[p] {
			return p, true
		}
		return "", false
	}
	t = fold.TrimSpace(t)
	pathForm := false
	if strings.HasPrefix(t, "/") || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../") {
		base := path.Dir(src.Path)
		if strings.HasPrefix(t, "/") {
			base = ""
		}
		j, ok := inVault(base, t)
		if !ok {
			return "", false
		}
		t, pathForm = j, true
	}
	if ix.attach[t] {
		return t, true
	}
	if !pathForm {
		for _, p := range ix.attachBy[strings.ToLower(path.Base(t))] {
			if p == t || strings.HasSuffix(p, "/"+t) || strings.EqualFold(path.Base(p), t) {
				return p, true
			}
		}
	}
	return "", false
}

// SplitHeadingID splits a heading's text from a trailing "{#id}" (the id
// is "" when there is none).
func SplitHeadingID(h string) (text, id string) { return splitHeadingID(h) }
