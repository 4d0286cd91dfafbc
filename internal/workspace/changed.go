package workspace

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/git"
	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/renames"
	"github.com/relinkmd/relink/internal/vault"
)

// emptyTree is git's id of the tree with nothing in it: what a
// repository without a commit yet is compared with.
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// Change is what changed in a vault since a git commit: the files git
// reports as changed (tracked ones that differ from the commit, files it
// does not track yet and does not ignore), with paths relative to the
// vault.
type Change struct {
	// Ref is the commit compared with, as given (or HEAD).
	Ref string
	// Files are the changed files, notes and others, sorted.
	Files []string
	// before holds the files as they were at Ref, for those that existed
	// there: their blob ids and modes.
	before map[string]blob
	files  map[string]bool
	// commit is what git calls the state compared with: Ref, or the
	// empty tree in a repository without commits.
	commit string
	// problemsBefore are the vault's problems (a duplicate_of that
	// matches no note, ...) as they were at Ref.
	problemsBefore map[vault.Problem]bool
	// moved are the renames git records since Ref.
	moved []renames.Moved
	// reads are the notes read for their names alone.
	reads *lightReads
}

type blob struct {
	id   string
	mode string
}

// Has reports whether the vault path p changed.
func (c *Change) Has(p string) bool { return c.files[p] }

// LoadChanged is Load for what a change touched: the report holds the
// edits and findings in the files changed since ref (a git commit; ""
// for HEAD), and those anywhere else whose outcome the change decided —
// links in untouched files to a note deleted, moved, retitled or
// re-aliased, to a heading removed, or made ambiguous by a new note. It
// is exactly the full check's report restricted to the changed files and
// to the untouched files' links that resolve differently in the vault as
// it was at ref (the work tree with the changed files put back).
//
// Only the changed notes, and the untouched ones holding a link that
// could name one of them (by any spelling the ladder forgives), have
// their links resolved; the other notes only lend the index their names.
// The renames git records since ref count as renames (like Options.Since),
// and so do those the names file of earlier runs finds, as in a full
// check; the names file is read, not written.
func LoadChanged(dir, ref string, opt Options) (*Report, *Change, error) {
	v, err := vault.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	ch, err := gitChange(v.Dir, ref)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	opt.Since = ""
	opt.changed = ch
	rep, _, err := load(v, opt)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	if len(rep.Index.Notes) == 0 {
		// As Load says: "0 notes" alone reads as clean.
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("no notes (.md or .markdown files) found in %s", v.Dir))
	}
	vaultProblems := map[vault.Problem]bool{}
	for _, p := range rep.Index.Problems {
		vaultProblems[vault.Problem{File: p.File, Message: p.Message}] = true
	}
	kept := rep.Problems[:0]
	for _, p := range rep.Problems {
		// A problem is reported where the file changed, or where the
		// change caused it (a duplicate_of whose note was renamed away):
		// the others, an untouched file that cannot be read among them,
		// were there before.
		caused := vaultProblems[p] && ch.problemsBefore != nil && !ch.problemsBefore[p]
		if p.File == "" || ch.Has(p.File) || caused {
			kept = append(kept, p)
		}
	}
	rep.Problems = kept
	return rep, ch, nil
}

// gitChange asks git what changed under dir since ref, and which notes
// it renamed: the renames git's diff finds, and the notes deleted since
// ref whose exact bytes are in a file git does not track yet (a rename not
// yet added), as renames.Git finds them. On a large repository every git
// run is a walk of the work tree, so the happy path takes three: one
// rev-parse, one diff, one listing of the untracked files.
func gitChange(dir, ref string) (*Change, error) {
	if ref == "" {
		ref = "HEAD"
	}
	fail := func(err error) error { return fmt.Errorf("--changed %s: %w", ref, err) }
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fail(fmt.Errorf("git is needed to find what changed in %s, and it is not installed", dir))
	}
	ch := &Change{Ref: ref, before: map[string]blob{}, files: map[string]bool{}}
	if out, err := git.Output(dir, nil, "rev-parse", "--is-inside-work-tree", "--verify", "--quiet", ref+"^{commit}"); err == nil && strings.HasPrefix(string(out), "true\n") {
		ch.commit = strings.TrimSpace(strings.TrimPrefix(string(out), "true\n"))
	} else if out, err := git.Output(dir, nil, "rev-parse", "--is-inside-work-tree"); err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil, fail(fmt.Errorf("%s is not in a git work tree", dir))
	} else if _, herr := git.Output(dir, nil, "rev-parse", "--verify", "--quiet", "HEAD"); ref == "HEAD" && herr != nil {
		// No commit yet: everything there is, is new.
		ch.commit = emptyTree
	} else {
		return nil, fail(fmt.Errorf("git knows no commit %s in %s%s", ref, dir, renames.ShallowCloneHint(dir)))
	}
	out, err := git.Output(dir, nil, "diff", "--raw", "--no-abbrev", "-z", "-M", "--relative", "--ignore-submodules", "--no-ext-diff", "--no-color", ch.commit, "--")
	if err != nil {
		return nil, fail(err)
	}
	deleted := map[string][]string{} // blob id -> notes deleted
	fields := bytes.Split(out, []byte{0})
	for i := 0; i < len(fields); i++ {
		meta := strings.Fields(strings.TrimPrefix(string(fields[i]), ":"))
		if len(meta) < 5 || i+1 >= len(fields) {
			break
		}
		status := meta[4]
		from := string(fields[i+1])
		i++
		to := from
		if status[0] == 'R' || status[0] == 'C' {
			if i+1 >= len(fields) {
				break
			}
			to = string(fields[i+1])
			i++
		}
		// A rename is the old path gone and the new one new; a copy
		// leaves its source as it was.
		if status[0] != 'C' {
			ch.files[from] = true
		}
		ch.files[to] = true
		if meta[0] != "000000" && status[0] != 'C' {
			ch.before[from] = blob{id: meta[2], mode: meta[0]}
		}
		switch {
		case status[0] == 'R' && vault.IsNote(from) && vault.IsNote(to):
			ch.moved = append(ch.moved, renames.Moved{From: from, To: to})
		case status == "D" && vault.IsNote(from):
			deleted[meta[2]] = append(deleted[meta[2]], from)
		}
	}
	out, err = git.Output(dir, nil, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, fail(err)
	}
	var untracked []string
	for _, f := range bytes.Split(out, []byte{0}) {
		// A folder holding another repository is listed as "dir/": its
		// files are not this repository's.
		if len(f) > 0 && !bytes.HasSuffix(f, []byte("/")) {
			ch.files[string(f)] = true
			if vault.IsNote(string(f)) && len(deleted) > 0 && !bytes.ContainsAny(f, "\n") {
				untracked = append(untracked, string(f))
			}
		}
	}
	if len(untracked) > 0 {
		// The blob ids the untracked notes would get, to find the
		// deleted notes' bytes among them.
		// (hash-object reads relative paths from the top of the work
		// tree, not from dir.)
		abs := make([]string, len(untracked))
		for i, p := range untracked {
			abs[i] = filepath.Join(dir, filepath.FromSlash(p))
		}
		out, err := git.Output(dir, []byte(strings.Join(abs, "\n")+"\n"), "hash-object", "--stdin-paths")
		if err != nil {
			return nil, fail(err)
		}
		for i, id := range strings.Fields(string(out)) {
			if i >= len(untracked) {
				break
			}
			for _, from := range deleted[id] {
				ch.moved = append(ch.moved, renames.Moved{From: from, To: untracked[i]})
			}
		}
	}
	for p := range ch.files {
		ch.Files = append(ch.Files, p)
	}
	slices.Sort(ch.Files)
	return ch, nil
}

// readBlobs returns the contents of the blobs given, by id, in one git
// process.
func readBlobs(dir string, ids []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(strings.Join(ids, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := bufio.NewReader(stdout)
	var readErr error
	for range ids {
		head, err := r.ReadString('\n')
		if err != nil {
			readErr = err
			break
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			continue // "<id> missing"
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			readErr = err
			break
		}
		b := make([]byte, size+1) // and the newline after it
		if _, err := io.ReadFull(r, b); err != nil {
			readErr = err
			break
		}
		out[f[0]] = b[:size]
	}
	io.Copy(io.Discard, r)
	if err := cmd.Wait(); err != nil && readErr == nil {
		readErr = fmt.Errorf("git cat-file: %s", strings.TrimSpace(stderr.String()))
	}
	return out, readErr
}

// planChanged plans what the change ch touched, on the work tree's index
// ix: every note changed, and the links of untouched notes whose outcome
// differs in the index of the vault as it was before the change.
func planChanged(v *vault.Vault, ch *Change, ix *index.Index, scan *vault.Scan, s Settings, syntax note.Options) (*plan.Plan, error) {
	before, err := indexBefore(v, ch, ix, scan, s, syntax)
	if err != nil {
		return nil, err
	}
	ch.problemsBefore = map[vault.Problem]bool{}
	for _, p := range before.Problems {
		ch.problemsBefore[vault.Problem{File: p.File, Message: p.Message}] = true
	}
	keys := affectedKeys(ch, ix, before)
	if ch.reads != nil {
		// Notes parsed in full are rewritten in place; both indexes hold
		// them, and their background builds read them.
		ix.Settle()
		before.Settle()
		ch.reads.parseInFull(v, ix, ch.reads.mayLink(keys), syntax)
	}
	var changed []int32
	for i, n := range ix.Notes {
		if ch.Has(n.Path) {
			changed = append(changed, int32(i))
		}
	}
	// The untouched notes with a link that may name what changed, found
	// by one worker per core over a share of the notes each.
	workers := max(1, min(runtime.GOMAXPROCS(0), len(ix.Notes)/1000+1))
	found := make([][]int32, workers)
	if len(keys) > 0 {
		var wg sync.WaitGroup
		share := (len(ix.Notes) + workers - 1) / workers
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := newAffected(keys)
				var links []note.Link
				for i := w * share; i < min((w+1)*share, len(ix.Notes)); i++ {
					n := ix.Notes[i]
					if ch.Has(n.Path) {
						continue
					}
					links = n.LinkList(links[:0])
					for li := range links {
						if a.mayName(links[li].Target) {
							found[w] = append(found[w], int32(i))
							break
						}
					}
				}
			}()
		}
		wg.Wait()
	}
	untouched := slices.Concat(found...)
	if ch.reads != nil && len(ch.reads.light) > 0 {
		// The notes a fragment of the links planned may point into
		// need their anchors.
		ch.reads.parseInFull(v, ix, fragmentTargets(ix, before, slices.Concat(changed, untouched)), syntax)
	}
	pl := plan.BuildNotes(ix, s.Plan, changed)
	// Every note lent its names to the check; the links counted are the
	// changed notes' and the untouched ones reported.
	pl.Stats.Notes = len(ix.Notes)
	if len(untouched) == 0 {
		return pl, nil
	}
	now := plan.BuildNotes(ix, s.Plan, untouched)
	then := make([]int32, 0, len(untouched))
	for _, i := range untouched {
		if j, ok := before.NoteByPath(ix.Notes[i].Path); ok {
			then = append(then, j)
		}
	}
	slices.Sort(then)
	was := plan.BuildNotes(before, s.Plan, then)
	beforeKeys := make(map[string]bool, len(was.Edits)+len(was.Findings))
	for i := range was.Edits {
		beforeKeys[editKey(&was.Edits[i])] = true
	}
	for i := range was.Findings {
		beforeKeys[findingKey(&was.Findings[i])] = true
	}
	for _, e := range now.Edits {
		if !beforeKeys[editKey(&e)] {
			pl.Edits = append(pl.Edits, e)
			countClass(&pl.Stats, e.Class)
		}
	}
	for _, f := range now.Findings {
		if !beforeKeys[findingKey(&f)] {
			pl.Findings = append(pl.Findings, f)
			countClass(&pl.Stats, f.Class)
		}
	}
	sortPlan(pl)
	return pl, nil
}

// editKey and findingKey are what an edit or finding says about its link
// (not the near names a broken link's finding hints at: which names are
// near is no outcome of the link's).
func editKey(e *plan.Edit) string {
	return strings.Join([]string{"e", e.File, strconv.Itoa(e.Start), e.Old, e.New, e.Target, e.Class, e.Level}, "\x00")
}

func findingKey(f *plan.Finding) string {
	parts := []string{"f", f.File, strconv.Itoa(f.Line), strconv.Itoa(f.Col), f.Link, f.Class, f.Level, f.Message}
	parts = append(parts, f.Candidates...)
	for _, a := range f.Aliases {
		parts = append(parts, a.Note, a.Alias)
	}
	return strings.Join(parts, "\x00")
}

// countClass counts a link reported in an untouched note in the summary.
func countClass(s *plan.Stats, class string) {
	s.Links++
	switch class {
	case "variant":
		s.Variant++
	case "ambiguous":
		s.Ambiguous++
	case "alias":
		s.Alias++
	case "broken":
		s.Broken++
	case "duplicate":
		s.Duplicate++
	case "heading":
		s.Heading++
	case "renamed":
		s.Renamed++
	}
}

func sortPlan(pl *plan.Plan) {
	slices.SortStableFunc(pl.Edits, func(a, b plan.Edit) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Start - b.Start
	})
	slices.SortStableFunc(pl.Findings, func(a, b plan.Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}

// indexBefore builds the index of the vault as it was at the change's
// commit: the untouched notes as they are, the changed ones as git holds
// them there (none when they are new), under the same rules.
func indexBefore(v *vault.Vault, ch *Change, ix *index.Index, scan *vault.Scan, s Settings, syntax note.Options) (*index.Index, error) {
	var notes []*note.Note
	for _, n := range ix.Notes {
		if !ch.Has(n.Path) {
			notes = append(notes, n)
		}
	}
	var attachments []string
	for _, a := range scan.Attachments {
		if !ch.Has(a) {
			attachments = append(attachments, a)
		}
	}
	var ids []string
	wanted := map[string][]string{}
	for p, b := range ch.before {
		if vault.Skipped(p, s.Exclude) {
			continue
		}
		if !vault.IsNote(p) {
			attachments = append(attachments, p)
			continue
		}
		if b.mode == "120000" || b.mode == "160000" {
			// A symbolic link or a submodule: a note there had only
			// its path for a name.
			notes = append(notes, &note.Note{Path: p, Err: errors.New("not a regular file at " + ch.Ref)})
			continue
		}
		if _, ok := wanted[b.id]; !ok {
			ids = append(ids, b.id)
		}
		wanted[b.id] = append(wanted[b.id], p)
	}
	blobs, err := readBlobs(v.Dir, ids)
	if err != nil {
		return nil, fmt.Errorf("--changed %s: reading the notes as they were: %w", ch.Ref, err)
	}
	maxSize := s.MaxFileSize
	if maxSize <= 0 {
		maxSize = vault.DefaultMaxFileSize
	}
	for id, paths := range wanted {
		src, ok := blobs[id]
		for _, p := range paths {
			switch {
			case !ok:
				notes = append(notes, &note.Note{Path: p, Err: errors.New("missing from git")})
			case int64(len(src)) > maxSize:
				notes = append(notes, &note.Note{Path: p, Err: fmt.Errorf("too large (%d bytes, limit %d)", len(src), maxSize)})
			default:
				n := note.Parse(p, src, syntax)
				notes = append(notes, &n)
			}
		}
	}
	slices.SortFunc(notes, func(a, b *note.Note) int { return strings.Compare(a.Path, b.Path) })
	slices.Sort(attachments)
	before := index.Build(notes, attachments, s.Dialect, s.Level)
	before.LocalVaults = ix.LocalVaults
	return before, nil
}

// affectedKeys are the highest-level keys of every name, alias and path a
// link could use for what the change touched: the changed notes and
// files, before and after, and the untouched notes whose canonical note
// the change moved (a duplicate_of that now names another note). A link
// whose target has none of these keys resolves the same before and after:
// the ladder is cumulative, so a spelling equal to a name at any level is
// equal to it at the highest.
func affectedKeys(ch *Change, now, before *index.Index) map[string]bool {
	keys := map[string]bool{}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			keys[fold.Key(fold.Compact, s)] = true
		}
	}
	addPath := func(p string) {
		for _, q := range []string{p, dialect.PathName(p)} {
			add(q)
			for i := strings.IndexByte(q, '/'); i >= 0; i = strings.IndexByte(q, '/') {
				q = q[i+1:]
				add(q)
			}
		}
	}
	addNote := func(n *note.Note) {
		addPath(n.Path)
		add(n.Title)
		add(n.ID)
		for _, a := range n.Aliases {
			add(a)
		}
	}
	for _, p := range ch.Files {
		addPath(p)
	}
	for _, ix := range []*index.Index{now, before} {
		for _, n := range ix.Notes {
			if !ch.Has(n.Path) {
				continue
			}
			addNote(n)
			// The untouched notes that share a key with a changed
			// one: a link to them may now be ambiguous, or get
			// another name written ([[X Title]] for a note titled so,
			// until a new note takes the name).
			for _, s := range noteNames(n) {
				for _, j := range ix.NotesSharingKey(s) {
					if m := ix.Notes[j]; !ch.Has(m.Path) {
						addNote(m)
					}
				}
			}
		}
	}
	for i, n := range now.Notes {
		if ch.Has(n.Path) {
			continue
		}
		j, ok := before.NoteByPath(n.Path)
		if !ok {
			continue
		}
		c, d := now.Notes[now.Canonical(int32(i))], before.Notes[before.Canonical(j)]
		if c.Path != d.Path || ch.Has(c.Path) {
			addNote(n)
		}
	}
	return keys
}

// noteNames are a note's names and aliases as written, its path without
// extension and each of its path's suffixes.
func noteNames(n *note.Note) []string {
	p := dialect.PathName(n.Path)
	out := []string{p, dialect.StemOf(n.Path), n.Title, n.ID}
	for i := strings.IndexByte(p, '/'); i >= 0; i = strings.IndexByte(p, '/') {
		p = p[i+1:]
		out = append(out, p)
	}
	out = append(out, n.Aliases...)
	return slices.DeleteFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" })
}

// affected is what a link's target is compared with to tell whether it
// may name something the change touched.
type affected struct {
	keys map[string]bool // highest-level keys
	// skeletons are the keys' ASCII letters and digits alone, for the
	// keys all ASCII: the quick test of an ASCII target.
	skeletons map[string]bool
	seen      map[string]bool // non-ASCII targets looked at
	buf       []byte
}

func newAffected(keys map[string]bool) *affected {
	a := &affected{keys: keys, skeletons: map[string]bool{}, seen: map[string]bool{}}
	for k := range keys {
		if isASCII(k) {
			a.skeletons[string(appendSkeleton(nil, k))] = true
		}
	}
	return a
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendSkeleton appends s's ASCII letters, lower-cased, and digits. On an
// ASCII string the ladder only lower-cases letters and drops separators,
// so two ASCII spellings with one highest-level key have one skeleton: a
// target whose skeleton no key has needs no folding (folding every link's
// target was most of the cost of this test).
func appendSkeleton(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return b
}

// mayName reports whether a link's target could name something whose key
// is in a.keys: by itself, without a note extension or any other, or by
// its last path element.
func (a *affected) mayName(target string) bool {
	t := strings.TrimPrefix(strings.TrimSpace(target), "/")
	ascii := isASCII(t)
	if !ascii {
		if may, ok := a.seen[target]; ok {
			return may
		}
	}
	may := false
	var last string
	for _, q := range [...]string{t, dialect.PathName(t), path.Base(t), dialect.StemOf(t)} {
		// Mostly one string four times ([[Some Title]]): each
		// spelling is looked at once.
		if q == "" || q == last {
			continue
		}
		last = q
		if ascii {
			// An ASCII spelling folds to an ASCII key: only an ASCII
			// key with its skeleton can be its key.
			a.buf = appendSkeleton(a.buf[:0], q)
			if !a.skeletons[string(a.buf)] {
				continue
			}
		}
		if a.keys[fold.Key(fold.Compact, q)] {
			may = true
			break
		}
	}
	if !ascii {
		a.seen[target] = may
	}
	return may
}
