package vaultgen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Options says what vault to generate.
type Options struct {
	Notes   int    // number of notes, at least 1
	Seed    int64  // same seed, same bytes
	Dialect string // "wiki" (default), "obsidian" (adds .obsidian/ at the root) or "foam" (adds .foam/)
	// TruthPath, when set, receives the Truth as JSON. It must lie outside
	// the vault, so that the vault holds only notes.
	TruthPath string
	// Workers writing notes in parallel; 0 means 2×GOMAXPROCS. It changes
	// only the speed, never the output.
	Workers int
}

// Truth is the ground truth of a generated vault.
type Truth struct {
	Version int    `json:"version"`
	Seed    int64  `json:"seed"`
	Dialect string `json:"dialect"`
	Stats   Stats  `json:"stats"`
	Notes   []Note `json:"notes"`
	// Links holds every planted link (variant, broken, ambiguous, alias,
	// duplicate), every frontmatter link, and one resolved body link in
	// resolvedEvery (32), in file order, files in note order.
	Links []Link `json:"links"`
	// Code holds every link-shaped text inside code, comments or %%…%%: none
	// of them is a link.
	Code []Link `json:"code"`
}

// Stats counts the whole vault; Classes and Forms cover every body link
// outside code, not only the ones listed in Truth.Links.
type Stats struct {
	Notes   int   `json:"notes"`
	Folders int   `json:"folders"`
	Bytes   int64 `json:"bytes"`
	// Links is the number of links outside code in note bodies.
	Links int `json:"links"`
	// FrontmatterLinks are the duplicate_of: "[[…]]" values; all resolve.
	FrontmatterLinks int `json:"frontmatter_links"`
	CodeLinks        int `json:"code_links"`
	// External is the number of [text](https://…) links: not note links.
	External int `json:"external"`
	// Classes by expected class in the vault's dialect; StrictClasses
	// under --strict (they differ only in an Obsidian vault, where case and
	// NFD variants resolve without --strict).
	Classes       map[string]int `json:"classes"`
	StrictClasses map[string]int `json:"strict_classes"`
	Forms         map[string]int `json:"forms"`
}

// Note describes one generated note.
type Note struct {
	Path     string   `json:"path"` // vault-relative, '/', with ".md"
	Title    string   `json:"title"`
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases,omitempty"`
	Headings []string `json:"headings"` // the "## " headings
	Blocks   []string `json:"blocks"`   // block ids, without '^'
	// DuplicateOf is the path of the canonical note of a duplicate.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Ambiguous is the path of the other note of a deliberately ambiguous pair.
	Ambiguous string `json:"ambiguous,omitempty"`
	Links     int    `json:"links"` // links outside code in the body
	CodeLinks int    `json:"code_links"`
	Bytes     int    `json:"bytes"`
}

// Link is one link (or link-shaped text in code) and its expected outcome.
type Link struct {
	File  string `json:"file"`  // vault-relative, '/'
	Line  int    `json:"line"`  // 1-based
	Col   int    `json:"col"`   // 1-based, in characters
	Start int    `json:"start"` // byte offsets of the whole link in the file
	End   int    `json:"end"`
	Text  string `json:"text"` // the whole link: [[…]], ![[…]] or […](…)
	Form  string `json:"form"` // wiki, display, heading, …; see link.go
	// Class is the expected class in the vault's dialect: resolved,
	// variant, broken, ambiguous, alias or duplicate. StrictClass is set
	// when --strict expects another one.
	Class       string `json:"class,omitempty"`
	StrictClass string `json:"strict_class,omitempty"`
	// Kind lists a variant's transforms joined by '+': lower, upper, nfd,
	// fullwidth, hyphen, underscore, spaced, double, pad.
	Kind string `json:"kind,omitempty"`
	// Level is the lowest ladder level at which a variant (or ambiguous
	// link) matches.
	Level string `json:"level,omitempty"`
	// Target is the note the link means (vault-relative with ".md"): the
	// resolved note, the variant's note, the alias's note, the duplicate.
	Target string `json:"target,omitempty"`
	// Canonical is the canonical note of a duplicate.
	Canonical string `json:"canonical,omitempty"`
	// New is the expected link after repair of a variant (wiki rule: the
	// target's title replaces the target part, all else unchanged).
	New        string   `json:"new,omitempty"`
	Candidates []string `json:"candidates,omitempty"` // ambiguous: both notes
}

// Generate writes a vault of o.Notes notes into dir (created if missing;
// existing files of the same names are overwritten) and returns its truth.
func Generate(dir string, o Options) (*Truth, error) {
	if o.Notes < 1 {
		return nil, errors.New("vaultgen: Notes must be at least 1")
	}
	switch o.Dialect {
	case "":
		o.Dialect = "wiki"
	case "wiki", "obsidian", "foam":
	default:
		return nil, fmt.Errorf("vaultgen: unknown dialect %q (want wiki, obsidian or foam)", o.Dialect)
	}
	if o.TruthPath != "" {
		inside, err := within(dir, o.TruthPath)
		if err != nil {
			return nil, err
		}
		if inside {
			return nil, fmt.Errorf("vaultgen: truth file %s is inside the vault %s", o.TruthPath, dir)
		}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}

	p := newPlan(o)

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, f := range p.folders {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(f)), 0o755); err != nil {
			return nil, err
		}
	}
	if o.Dialect == "obsidian" {
		od := filepath.Join(dir, ".obsidian")
		if err := os.MkdirAll(od, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(od, "app.json"), []byte("{}\n"), 0o644); err != nil {
			return nil, err
		}
	}
	if o.Dialect == "foam" {
		if err := os.MkdirAll(filepath.Join(dir, ".foam", "templates"), 0o755); err != nil {
			return nil, err
		}
	}

	outs := make([]*noteOut, len(p.notes))
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range min(workers, len(p.notes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nz := newNormalizer()
			buf := make([]byte, 0, 16<<10)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(p.notes) {
					return
				}
				var out *noteOut
				buf, out = p.writeNote(i, nz, buf)
				path := filepath.Join(dir, filepath.FromSlash(p.notes[i].rel))
				if err := os.WriteFile(path, buf, 0o644); err != nil {
					errOnce.Do(func() { firstErr = err })
					next.Store(int64(len(p.notes)))
					return
				}
				outs[i] = out
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	t := p.truth(outs)
	if o.TruthPath != "" {
		if err := t.WriteFile(o.TruthPath); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (p *plan) truth(outs []*noteOut) *Truth {
	t := &Truth{Version: 1, Seed: p.o.Seed, Dialect: p.o.Dialect}
	st := &t.Stats
	st.Notes, st.Folders = len(p.notes), len(p.folders)
	st.Classes, st.StrictClasses, st.Forms = map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range classNames {
		st.Classes[c], st.StrictClasses[c] = 0, 0
	}
	nLinks, nCode := 0, 0
	for _, out := range outs {
		nLinks += len(out.links)
		nCode += len(out.code)
	}
	t.Links = make([]Link, 0, nLinks)
	t.Code = make([]Link, 0, nCode)
	t.Notes = make([]Note, len(p.notes))
	for i, out := range outs {
		m := &p.notes[i]
		n := Note{
			Path: m.rel, Title: m.title, ID: m.id, Aliases: m.aliases,
			Headings: m.headings, Blocks: m.blocks,
			Links: out.nLinks, CodeLinks: out.nCode, Bytes: out.byteCount,
		}
		switch m.role {
		case roleDup:
			n.DuplicateOf = p.notes[m.other].rel
		case rolePair:
			n.Ambiguous = p.notes[m.other].rel
		}
		t.Notes[i] = n
		t.Links = append(t.Links, out.links...)
		t.Code = append(t.Code, out.code...)
		st.Bytes += int64(out.byteCount)
		st.Links += out.nLinks
		st.FrontmatterLinks += out.fmLinks
		st.CodeLinks += out.nCode
		st.External += out.external
		for k, c := range classNames {
			st.Classes[c] += out.classes[k]
			st.StrictClasses[c] += out.strict[k]
		}
		for f, c := range out.forms {
			st.Forms[f] += c
		}
	}
	return t
}

// WriteFile writes t as JSON with one note or link per line, so that the
// file can be read by any JSON decoder and still be grepped and diffed.
func (t *Truth) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	put := func(prefix string, v any) {
		buf.Reset()
		if err == nil {
			err = enc.Encode(v)
		}
		w.WriteString(prefix)
		w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	put(`{"version":`, t.Version)
	put(`,"seed":`, t.Seed)
	put(`,"dialect":`, t.Dialect)
	put(`,"stats":`, t.Stats)
	list := func(name string, n int, elem func(int) any) {
		w.WriteString(",\n\"" + name + "\":[")
		for i := range n {
			sep := ",\n"
			if i == 0 {
				sep = "\n"
			}
			put(sep, elem(i))
		}
		w.WriteString("\n]")
	}
	list("notes", len(t.Notes), func(i int) any { return &t.Notes[i] })
	list("links", len(t.Links), func(i int) any { return &t.Links[i] })
	list("code", len(t.Code), func(i int) any { return &t.Code[i] })
	w.WriteString("}\n")
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadTruth reads a truth file written by Generate or WriteFile.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t := new(Truth)
	if err := json.Unmarshal(b, t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// within reports whether path is dir or lies under it.
func within(dir, path string) (bool, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	f, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(d, f)
	if err != nil {
		return false, nil
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))), nil
}
