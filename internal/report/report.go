// Package report prints a plan for people (compiler-style text, unified
// diff) and for programs (the JSON document of SPEC §6). Both printers read
// the same values; neither decides anything.
package report

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// Input is what a printer needs.
type Input struct {
	Vault, Dialect, Level string
	Plan                  *plan.Plan
	Problems              []vault.Problem
	Warnings              []string
}

// Text writes one compiler-style line per edit and finding, sorted by
// file and position, then a one-line summary. Problems go to errw.
func Text(w, errw io.Writer, in Input) error {
	ew := &errWriter{w: w}
	// A large vault has 100k lines or more: they are formatted in chunks
	// on every core and written in order, one write a chunk rather than
	// one a line.
	writeLines(ew, in.Plan.Edits, in.Plan.Findings, runtime.GOMAXPROCS(0), linesPerChunk)
	Problems(errw, in.Problems)
	Warnings(errw, in.Warnings)
	fmt.Fprintln(ew, Summary(in.Plan, len(in.Problems)))
	return ew.err
}

// Problems writes one line per file that was skipped (unreadable, invalid
// UTF-8, bad frontmatter, …): "relink: PATH: what is wrong". Every command
// that reads a vault reports them so, on standard error.
func Problems(w io.Writer, ps []vault.Problem) {
	for _, p := range ps {
		fmt.Fprintf(w, "relink: %s: %s\n", Name(p.File), p.Message)
	}
}

// Warnings prints a load's warnings (a dialect that looks wrong, a vault
// without notes), one a line, as every command that loads a vault does.
func Warnings(w io.Writer, ws []string) {
	for _, s := range ws {
		fmt.Fprintf(w, "relink: warning: %s\n", s)
	}
}

// A lineCut is where a chunk of lines starts: at edits[i] and finds[j].
type lineCut struct{ i, j int }

// lineCuts splits the lines of edits and finds, merged by position, into
// chunks of per lines: the merge order is found once, cheaply, and then
// every chunk formats its own part. The last cut is the end of both.
func lineCuts(edits []plan.Edit, finds []plan.Finding, per int) []lineCut {
	total := len(edits) + len(finds)
	cuts := make([]lineCut, 0, total/per+2)
	i, j := 0, 0
	for k := 0; i < len(edits) || j < len(finds); k++ {
		if k%per == 0 {
			cuts = append(cuts, lineCut{i, j})
		}
		if j >= len(finds) || i < len(edits) && before(edits[i], finds[j]) {
			i++
		} else {
			j++
		}
	}
	return append(cuts, lineCut{len(edits), len(finds)})
}

// appendLines appends the lines from one cut to the next.
func appendLines(b []byte, edits []plan.Edit, finds []plan.Finding, from, to lineCut) []byte {
	i, j := from.i, from.j
	for i < to.i || j < to.j {
		if j >= to.j || i < to.i && before(edits[i], finds[j]) {
			b = appendEdit(b, &edits[i])
			i++
			continue
		}
		b = appendFinding(b, &finds[j])
		j++
	}
	return b
}

// linesPerChunk is how many lines the text report formats into one
// buffer (some 250 KB).
const linesPerChunk = 2048

// writeLines writes the lines of edits and finds, merged by position, to
// w, per lines a chunk, formatted on workers goroutines (writeOrdered).
func writeLines(w io.Writer, edits []plan.Edit, finds []plan.Finding, workers, per int) {
	cuts := lineCuts(edits, finds, per)
	writeOrdered(w, len(cuts)-1, workers, func(b []byte, k int) []byte {
		return appendLines(b, edits, finds, cuts[k], cuts[k+1])
	})
}

// writeOrdered writes chunks 0 to n-1 to w in order, each formatted by
// format (appending to a buffer it is given) on workers goroutines and
// written as soon as the chunks before it are. A chunk is formatted only
// when a buffer is free (workers+2 of them, reused), so a report takes a
// few buffers, not a copy of all of it: at 100,000 notes that copy was
// 15-25 MB of fresh memory for the text report and ~70 MB for the JSON
// document, and it was written only once all of it was formatted.
func writeOrdered(w io.Writer, n, workers int, format func(b []byte, k int) []byte) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n))
	done := make([]chan []byte, n)
	for k := range done {
		done[k] = make(chan []byte, 1)
	}
	// Chunks are taken in order, each by a worker that holds a buffer
	// until the chunk is handed over: the next chunk to write is always
	// taken, so the writer never waits for a buffer it holds.
	free := make(chan []byte, workers+2)
	for range cap(free) {
		free <- nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				b := <-free
				k := int(next.Add(1)) - 1
				if k >= n {
					free <- b
					return
				}
				done[k] <- format(b[:0], k)
			}
		})
	}
	for k := range n {
		b := <-done[k]
		w.Write(b)
		free <- b
	}
	wg.Wait()
}

// appendEdit appends "file:line:col: class: old -> new\n".
func appendEdit(b []byte, e *plan.Edit) []byte {
	b = appendPlace(b, e.File, e.Line, e.Col, e.Class)
	return append(AppendChange(b, e.Old, e.New), '\n')
}

// AppendChange appends "old -> new", marking with " (NFD)" each side that
// is not in composed form (NFC) when the two differ only by Unicode
// normalization: a macOS NFD spelling of 상태 관리 and its NFC note name
// print as the same glyphs, so without the mark the line would read as
// an edit that changes nothing.
func AppendChange(b []byte, old, new string) []byte {
	oldTag, newTag := NormalizationTags(old, new)
	b = append(b, old...)
	b = append(b, oldTag...)
	b = append(b, " -> "...)
	b = append(b, new...)
	return append(b, newTag...)
}

// NFDTag is what marks a spelling that differs from the other side of an
// edit only by Unicode normalization.
const NFDTag = " (NFD)"

// NormalizationTags returns NFDTag for each of old and new that is not
// NFC, when old and new differ and are equal after NFC; else "" twice.
func NormalizationTags(old, new string) (oldTag, newTag string) {
	if old == new {
		return "", ""
	}
	if norm.NFC.IsNormalString(new) {
		// The usual case: the name written is NFC. The two differ in
		// their normalization only if old's NFC form is new, and then
		// old is not NFC. (Asking first whether old is NFC cost a
		// buffer for each NFD link.)
		if !isASCII(old) && nfcIs(old, new) {
			return NFDTag, ""
		}
		return "", ""
	}
	oldNFC := norm.NFC.IsNormalString(old)
	if !equalNFC(old, new, oldNFC, false) {
		return "", ""
	}
	if !oldNFC {
		oldTag = NFDTag
	}
	return oldTag, NFDTag
}

// equalNFC reports whether a and b are equal once in NFC (isNFC says
// which of them is already). For the usual pair, an NFD link and the NFC
// name it is rewritten to, the link's NFC form is compared piece by piece
// as it is made: a report of 50,000 such edits made two new strings for
// each.
func equalNFC(a, b string, aNFC, bNFC bool) bool {
	switch {
	case aNFC && bNFC:
		return a == b
	case bNFC:
		return nfcIs(a, b)
	case aNFC:
		return nfcIs(b, a)
	}
	return norm.NFC.String(a) == norm.NFC.String(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nfcIters are nfcIs's iterators (an iterator is too large for the
// stack, and one a call was one allocation an edit).
var nfcIters = sync.Pool{New: func() any { return new(norm.Iter) }}

// nfcIs reports whether the NFC form of s is nfc.
func nfcIs(s, nfc string) bool {
	it := nfcIters.Get().(*norm.Iter)
	defer nfcIters.Put(it)
	it.InitString(norm.NFC, s)
	for !it.Done() {
		seg := it.Next()
		if len(seg) > len(nfc) || string(seg) != nfc[:len(seg)] {
			return false
		}
		nfc = nfc[len(seg):]
	}
	return nfc == ""
}

// appendFinding appends "file:line:col: class: link (detail)\n".
func appendFinding(b []byte, f *plan.Finding) []byte {
	b = appendPlace(b, f.File, f.Line, f.Col, f.Class)
	b = append(b, f.Link...)
	b = appendDetail(b, f)
	return append(b, '\n')
}

func appendPlace(b []byte, file string, line, col int, class string) []byte {
	b = AppendName(b, file)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(col), 10)
	b = append(b, ": "...)
	b = append(b, class...)
	return append(b, ": "...)
}

func before(e plan.Edit, f plan.Finding) bool {
	if e.File != f.File {
		return e.File < f.File
	}
	if e.Line != f.Line {
		return e.Line < f.Line
	}
	return e.Col <= f.Col
}

// Detail is what a text report prints after a finding's link: " (why;
// candidates or hints; level)", or "" when there is nothing to say.
func Detail(f plan.Finding) string { return string(appendDetail(nil, &f)) }

// appendDetail appends Detail(f) to b, without the strings detail builds
// (a report of 100,000 notes has ~60,000 findings: 0.3 M allocations).
// detailReference, in the tests, is the straightforward form it is held
// to (TestAppendDetail).
func appendDetail(b []byte, f *plan.Finding) []byte {
	start := len(b)
	part := func() {
		if len(b) == start {
			b = append(b, " ("...)
		} else {
			b = append(b, "; "...)
		}
	}
	// aliasOf is the alias that alone matched candidate c, if any.
	aliasOf := func(c string) (string, bool) {
		for _, a := range f.Aliases {
			if a.Note == c {
				return a.Alias, true
			}
		}
		return "", false
	}
	names := func(ss []string) {
		for i, s := range ss {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = AppendName(b, s)
		}
	}
	switch f.Class {
	case "ambiguous":
		part()
		b = append(b, "candidates: "...)
		for i, c := range f.Candidates {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = AppendName(b, c)
			if a, ok := aliasOf(c); ok {
				b = append(b, " (alias "...)
				b = strconv.AppendQuote(b, a)
				b = append(b, ')')
			}
		}
	case "alias":
		part()
		b = append(b, "alias "...)
		for i, c := range f.Candidates {
			if i > 0 {
				b = append(b, ", "...)
			}
			if a, ok := aliasOf(c); ok {
				b = strconv.AppendQuote(b, a)
				b = append(b, ' ')
			}
			b = append(b, "of "...)
			b = AppendName(b, c)
		}
		b = append(b, " (--allow-alias rewrites it)"...)
	case "duplicate":
		part()
		b = append(b, "duplicate of "...)
		names(f.Candidates)
		b = append(b, " (--follow-duplicates redirects it)"...)
	default:
		if f.Message != "" {
			part()
			b = append(b, f.Message...)
		}
		if len(f.Candidates) > 0 && f.Class == "heading" {
			part()
			b = append(b, "candidates: "...)
			names(f.Candidates)
		}
	}
	if len(f.Hints) > 0 {
		part()
		b = append(b, "did you mean: "...)
		names(f.Hints)
	}
	if f.Level != "" && f.Level != "exact" {
		part()
		b = append(b, "at level "...)
		b = append(b, f.Level...)
	}
	if len(b) > start {
		b = append(b, ')')
	}
	return b
}

// Summary is the last line of the text report. The per-class counts are
// class names (labels, as in the JSON stats), not nouns: they stay as
// they are whatever the count.
func Summary(p *plan.Plan, problems int) string {
	s := p.Stats
	renamed := ""
	if s.Renamed > 0 {
		// Only after renames: the line every other vault prints stays.
		renamed = fmt.Sprintf(", %d renamed", s.Renamed)
	}
	line := fmt.Sprintf("%s, %s: %d resolved, %d variant, %d ambiguous, %d alias, %d broken, %d duplicate, %d heading%s; %s",
		Count(s.Notes, "note"), Count(s.Links, "link"), s.Resolved, s.Variant, s.Ambiguous, s.Alias, s.Broken, s.Duplicate, s.Heading, renamed, Count(len(p.Edits), "edit"))
	if problems > 0 {
		line += ", " + Count(problems, "problem")
	}
	return line
}

// Count returns "1 word" or "n words": every count relink prints with a
// noun goes through it, so that one of anything reads in the singular.
// Words whose plural is not word+"s" are given as "singular/plural".
func Count(n int, word string) string {
	one, many := word, word+"s"
	if i := strings.IndexByte(word, '/'); i >= 0 {
		one, many = word[:i], word[i+1:]
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// FindingLine is a finding as check prints it, without its place:
// "class: link (detail)". An editor shows it at the link.
func FindingLine(f *plan.Finding) string {
	b := append([]byte(f.Class), ": "...)
	b = append(b, f.Link...)
	return string(appendDetail(b, f))
}

// EditLine is an edit as check prints it, without its place:
// "class: old -> new".
func EditLine(e *plan.Edit) string {
	b := append([]byte(e.Class), ": "...)
	return string(AppendChange(b, e.Old, e.New))
}
