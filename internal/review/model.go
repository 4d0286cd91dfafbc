package review

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/frontmatter"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/workspace"
)

// Data is everything the page shows: the plan of `relink plan --format json`
// (its edits and findings keep their JSON fields) plus, per link, what the
// page needs to review it. GET /api/plan serves it; `relink report` inlines
// it into the HTML file.
type Data struct {
	Version    int       `json:"version"`
	Generation int       `json:"generation"` // bumped at every (re)load of the plan
	Static     bool      `json:"static"`     // a report file: nothing can be applied
	Generated  time.Time `json:"generated"`
	Vault      string    `json:"vault"`
	Dialect    string    `json:"dialect"`
	Level      string    `json:"level"`
	// Levels are the ladder levels in force, "exact" first.
	Levels  []string   `json:"levels"`
	Options Flags      `json:"options"`
	Store   string     `json:"store,omitempty"` // the snapshot store apply uses
	Stats   plan.Stats `json:"stats"`
	Edits   []EditItem `json:"edits"`
	// Renames groups the renamed edits by the note they follow: one group
	// per note moved, renamed or retitled since the last run, which the
	// page shows as one choice.
	Renames  []RenameGroup   `json:"renames"`
	Findings []FindingItem   `json:"findings"`
	Notes    map[string]Info `json:"notes"` // by vault path: the notes edits and options point to
	Problems []vault.Problem `json:"problems"`
	Warnings []string        `json:"warnings"`
	// LastApply is the apply that Undo reverts (the vault's last apply still
	// in effect in the store), whoever made it; Applied is its full answer
	// when this server made it.
	LastApply *LastApply     `json:"last_apply,omitempty"`
	Applied   *ApplyResponse `json:"applied,omitempty"`
}

// LastApply is an apply still in effect: its snapshot, when it began and
// how many files it wrote.
type LastApply struct {
	Snapshot string    `json:"snapshot"`
	Time     time.Time `json:"time"`
	Files    int       `json:"files"`
}

// Flags are the plan options in force.
type Flags struct {
	Strict           bool `json:"strict"`
	AllowAlias       bool `json:"allow_alias"`
	FollowDuplicates bool `json:"follow_duplicates"`
	KeepDisplay      bool `json:"keep_display"`
}

// Info describes a note that an edit or an option points to.
type Info struct {
	Title string `json:"title"`
	First string `json:"first,omitempty"` // its first lines of text (options only)
}

// Context is the rest of a link's line: the text before and after it,
// shortened to about ctxRunes characters each.
type Context struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// EditItem is one edit of the plan (same JSON fields as plan.Edit) and
// whether it is chosen.
type EditItem struct {
	plan.Edit
	ID       int     `json:"id"` // index in Data.Edits
	On       bool    `json:"on"`
	Spelling string  `json:"spelling"` // the target as written
	Ctx      Context `json:"ctx"`
}

// RenameGroup is one note renamed since the last run (moved, renamed or
// retitled) and every edit that rewrites a link from one of its former
// names to its name today: accepting or rejecting the rename is one
// choice, not one per link.
type RenameGroup struct {
	ID   int    `json:"id"`   // index in Data.Renames
	Note string `json:"note"` // the note's path today
	// Former are its former names that links used: each a path it had,
	// or a title (a note retitled), in order.
	Former []string `json:"former"`
	Edits  []int    `json:"edits"` // ids in Data.Edits, in plan order
}

// FindingItem is one finding of the plan (same JSON fields as
// plan.Finding), the choices a person can make for it, and the one made.
type FindingItem struct {
	plan.Finding
	ID       int      `json:"id"` // index in Data.Findings
	Spelling string   `json:"spelling"`
	Ctx      Context  `json:"ctx"`
	Options  []Option `json:"options"`
	Choice   int      `json:"choice"` // index in Options; -1: leave the link as it is
}

// Option is a note a finding's link can be pointed to, with the edit that
// does it (computed by plan.RetargetEdit, never by the page).
type Option struct {
	Path  string     `json:"path"`
	Kind  string     `json:"kind"` // candidate, alias, canonical or hint
	Edit  *plan.Edit `json:"edit,omitempty"`
	Error string     `json:"error,omitempty"` // why it cannot be written
}

// ctxRunes bounds the context shown on each side of a link.
const ctxRunes = 120

// firstRunes bounds each first line of a note shown with an option.
const firstRunes = 160

// model is a loaded plan: the data and what apply needs to check it.
type model struct {
	data   *Data
	hashes map[string][sha256.Size]byte // files read for the page, as they were
}

// editKey and findingKey identify a link across reloads, so that the
// choices made survive a reload when the link is still there.
func editKey(e plan.Edit) string {
	return strings.Join([]string{e.File, strconv.Itoa(e.Line), strconv.Itoa(e.Col), e.Old, e.New}, "\x00")
}

func findingKey(f plan.Finding) string {
	return strings.Join([]string{f.File, strconv.Itoa(f.Line), strconv.Itoa(f.Col), f.Link, f.Class}, "\x00")
}

// choices are the decisions that differ from the defaults: edits unticked
// and findings pointed somewhere, by link key.
type choices struct {
	off   map[string]bool   // editKey -> unticked
	picks map[string]string // findingKey -> chosen option's path
}

func newChoices() *choices {
	return &choices{off: map[string]bool{}, picks: map[string]string{}}
}

// build turns a loaded report into the page's data. It reads the files
// that have edits or findings, for their lines of context, and the notes
// options point to, for their first lines.
func build(rep *workspace.Report, store string, ch *choices) *model {
	ix, pl := rep.Index, rep.Plan
	d := &Data{
		Version:   1,
		Generated: time.Now().UTC().Truncate(time.Second),
		Vault:     rep.Vault.Dir,
		Dialect:   rep.Settings.Dialect.Name(),
		Level:     rep.Settings.Level.String(),
		Options: Flags{
			Strict:           rep.Settings.Strict,
			AllowAlias:       rep.Settings.Plan.AllowAlias,
			FollowDuplicates: rep.Settings.Plan.FollowDuplicates,
			KeepDisplay:      rep.Settings.Plan.KeepDisplay,
		},
		Store:    store,
		Stats:    pl.Stats,
		Edits:    make([]EditItem, len(pl.Edits)),
		Renames:  renameGroups(ix, pl.Edits),
		Findings: make([]FindingItem, len(pl.Findings)),
		Notes:    map[string]Info{},
		Problems: append([]vault.Problem{}, rep.Problems...),
		Warnings: append([]string{}, rep.Warnings...),
	}
	d.Levels = []string{"exact"}
	for _, l := range fold.Levels {
		if l > rep.Settings.Level {
			break
		}
		d.Levels = append(d.Levels, l.String())
	}

	lk := newLinkFinder(ix)
	// Which files to read, and the spans of each item in them.
	type span struct{ start, end int }
	editSpan := make([]span, len(pl.Edits))
	findSpan := make([]span, len(pl.Findings))
	files := map[string]bool{}
	for i, e := range pl.Edits {
		it := &d.Edits[i]
		it.Edit, it.ID, it.On = e, i, !ch.off[editKey(e)]
		it.Spelling = spellingOf(e.Old)
		if _, l := lk.byStart(e.File, e.Start); l != nil {
			it.Spelling = spelling(l, e.Class == "heading")
		}
		editSpan[i] = span{e.Start, e.End}
		files[e.File] = true
		addNote(d, ix, e.Target)
	}
	for i, f := range pl.Findings {
		it := &d.Findings[i]
		it.Finding, it.ID, it.Choice = f, i, -1
		if it.Candidates == nil {
			it.Candidates = []string{}
		}
		it.Spelling = spellingOf(f.Link)
		it.Options = []Option{}
		src, l := lk.byPos(f.File, f.Line, f.Col, f.Link)
		findSpan[i] = span{-1, -1}
		if l == nil {
			continue
		}
		it.Spelling = spelling(l, false)
		findSpan[i] = span{int(l.Whole.Start), int(l.Whole.End)}
		files[f.File] = true
		var targets []string
		kind := ""
		switch f.Class {
		case "ambiguous":
			targets, kind = f.Candidates, "candidate"
		case "alias":
			targets, kind = f.Candidates, "alias"
		case "duplicate":
			targets, kind = f.Candidates, "canonical"
		case "broken":
			targets, kind = f.Hints, "hint"
		}
		want := ch.picks[findingKey(f)]
		for _, p := range targets {
			o := Option{Path: p, Kind: kind}
			t, ok := ix.NoteByPath(p)
			if !ok {
				o.Error = "no such note"
			} else if e, err := plan.RetargetEdit(ix, src, l, t, rep.Settings.Plan); err != nil {
				o.Error = err.Error()
			} else if e.New == e.Old {
				o.Error = "the link already reads so"
			} else {
				o.Edit = &e
			}
			if o.Edit != nil && p == want {
				it.Choice = len(it.Options)
			}
			it.Options = append(it.Options, o)
			addNote(d, ix, p)
		}
	}

	m := &model{data: d, hashes: map[string][sha256.Size]byte{}}
	srcs := readAll(rep.Vault, files)
	for p, b := range srcs {
		m.hashes[p] = sha256.Sum256(b)
	}
	for i := range d.Edits {
		if b, ok := srcs[d.Edits[i].File]; ok {
			d.Edits[i].Ctx = lineContext(b, editSpan[i].start, editSpan[i].end)
		}
	}
	for i := range d.Findings {
		if b, ok := srcs[d.Findings[i].File]; ok && findSpan[i].start >= 0 {
			d.Findings[i].Ctx = lineContext(b, findSpan[i].start, findSpan[i].end)
		}
	}
	// First lines of the notes options point to.
	want := map[string]bool{}
	for _, f := range d.Findings {
		for _, o := range f.Options {
			want[o.Path] = true
		}
	}
	for p, b := range readAll(rep.Vault, want) {
		in := d.Notes[p]
		in.First = firstLines(b, 2, in.Title)
		d.Notes[p] = in
	}
	return m
}

// renameGroups groups the renamed edits by the note they lead to, in the
// order of their first edit, each with the former names of that note that
// links used (ix.RenamedUsed): a path it had, else a title it had.
func renameGroups(ix *index.Index, edits []plan.Edit) []RenameGroup {
	out := []RenameGroup{}
	at := map[string]int{}
	for i, e := range edits {
		if e.Class != plan.ClassRenamed {
			continue
		}
		g, ok := at[e.Target]
		if !ok {
			g = len(out)
			at[e.Target] = g
			out = append(out, RenameGroup{ID: g, Note: e.Target, Former: []string{}})
		}
		out[g].Edits = append(out[g].Edits, i)
	}
	for _, f := range ix.RenamedUsed() {
		if f.Note < 0 || int(f.Note) >= len(ix.Notes) {
			continue
		}
		g, ok := at[ix.Notes[f.Note].Path]
		if !ok {
			continue
		}
		name := f.Path
		if name == ix.Notes[f.Note].Path {
			name = f.Title // the note kept its path: it was retitled
		}
		if name != "" && !slices.Contains(out[g].Former, name) {
			out[g].Former = append(out[g].Former, name)
		}
	}
	return out
}

func addNote(d *Data, ix *index.Index, p string) {
	if _, ok := d.Notes[p]; ok || p == "" {
		return
	}
	in := Info{Title: dialect.StemOf(p)}
	if id, ok := ix.NoteByPath(p); ok {
		if t := strings.TrimSpace(ix.Notes[id].Title); t != "" {
			in.Title = t
		}
	}
	d.Notes[p] = in
}

// spelling is the target of a link as written: what the Variants view
// groups links by. A heading repair shows its anchor too.
func spelling(l *note.Link, withFrag bool) string {
	s := strings.TrimSpace(l.Target)
	if withFrag && l.HasFrag {
		s += "#" + l.Frag
	}
	if s == "" && l.HasFrag {
		s = "#" + l.Frag
	}
	return s
}

// spellingOf guesses the target of a link from its text; used only when
// the link cannot be found in the index.
func spellingOf(text string) string {
	s := strings.TrimPrefix(text, "!")
	s = strings.TrimPrefix(s, "[[")
	s = strings.TrimSuffix(s, "]]")
	if i := strings.IndexAny(s, "|#"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(strings.TrimSpace(s), `\`)
}

// linkFinder finds a plan item's link in the index.
type linkFinder struct {
	ix *index.Index
}

func newLinkFinder(ix *index.Index) *linkFinder { return &linkFinder{ix: ix} }

func (f *linkFinder) byStart(file string, start int) (int32, *note.Link) {
	id, ok := f.ix.NoteByPath(file)
	if !ok {
		return -1, nil
	}
	ls := f.ix.Notes[id].LinkList(nil)
	i := sort.Search(len(ls), func(i int) bool { return int(ls[i].Whole.Start) >= start })
	if i < len(ls) && int(ls[i].Whole.Start) == start {
		return id, &ls[i]
	}
	for j := range ls { // links are in offset order; this is only a fallback
		if int(ls[j].Whole.Start) == start {
			return id, &ls[j]
		}
	}
	return -1, nil
}

func (f *linkFinder) byPos(file string, line, col int, text string) (int32, *note.Link) {
	id, ok := f.ix.NoteByPath(file)
	if !ok {
		return -1, nil
	}
	ls := f.ix.Notes[id].LinkList(nil)
	for j := range ls {
		if int(ls[j].Line) == line && int(ls[j].Col) == col && ls[j].Text == text {
			return id, &ls[j]
		}
	}
	return -1, nil
}

// readAll reads the given vault files in parallel; unreadable ones are
// left out.
func readAll(v *vault.Vault, files map[string]bool) map[string][]byte {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	out := make(map[string][]byte, len(paths))
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan string)
	for range min(8, max(1, len(paths))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				b, err := v.ReadFile(p)
				if err != nil {
					continue
				}
				mu.Lock()
				out[p] = b
				mu.Unlock()
			}
		}()
	}
	for _, p := range paths {
		next <- p
	}
	close(next)
	wg.Wait()
	return out
}

// lineContext returns the text of the link's line around src[start:end].
func lineContext(src []byte, start, end int) Context {
	if start < 0 || end > len(src) || start > end {
		return Context{}
	}
	ls := bytes.LastIndexByte(src[:start], '\n') + 1
	le := len(src)
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		le = end + i
	}
	before := string(src[ls:start])
	after := strings.TrimSuffix(string(src[end:le]), "\r")
	return Context{Before: clipLeft(before, ctxRunes), After: clipRight(after, ctxRunes)}
}

func clipLeft(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-n:])
}

func clipRight(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// firstLines returns the first n non-blank lines of a note's body (after
// its frontmatter), each shortened; a heading that only repeats the
// note's title is skipped.
func firstLines(src []byte, n int, title string) string {
	if !utf8.Valid(src) {
		return ""
	}
	fm, _ := frontmatter.Split(src)
	body := src[fm.Body:]
	var out []string
	for len(body) > 0 && len(out) < n {
		i := bytes.IndexByte(body, '\n')
		var ln []byte
		if i < 0 {
			ln, body = body, nil
		} else {
			ln, body = body[:i], body[i+1:]
		}
		t := strings.TrimSpace(string(ln))
		if t == "" || strings.HasPrefix(t, "#") && strings.TrimSpace(strings.TrimLeft(t, "#")) == strings.TrimSpace(title) {
			continue
		}
		out = append(out, clipRight(t, firstRunes))
	}
	return strings.Join(out, "\n")
}
