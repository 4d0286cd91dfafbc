// Package report prints a plan for people (compiler-style text, unified
// diff) and for programs (the JSON document of SPEC §6). Both printers read
// the same values; neither decides anything.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// Document is the JSON document of `plan --format json` and
// `check --format json`.
type Document struct {
	Version  int             `json:"version"`
	Vault    string          `json:"vault"`
	Dialect  string          `json:"dialect"`
	Level    string          `json:"level"`
	Stats    plan.Stats      `json:"stats"`
	Edits    []plan.Edit     `json:"edits"`
	Findings []plan.Finding  `json:"findings"`
	Problems []vault.Problem `json:"problems,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
}

// Input is what a printer needs.
type Input struct {
	Vault, Dialect, Level string
	Plan                  *plan.Plan
	Problems              []vault.Problem
	Warnings              []string
}

// JSON writes the document, indented, followed by a newline.
func JSON(w io.Writer, in Input) error {
	d := Document{
		Version: 1, Vault: in.Vault, Dialect: in.Dialect, Level: in.Level,
		Stats: in.Plan.Stats, Edits: in.Plan.Edits, Findings: in.Plan.Findings,
		Problems: in.Problems, Warnings: in.Warnings,
	}
	if d.Edits == nil {
		d.Edits = []plan.Edit{}
	}
	if d.Findings == nil {
		d.Findings = []plan.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// Text writes one compiler-style line per edit and finding, sorted by
// file and position, then a one-line summary. Problems go to errw.
func Text(w, errw io.Writer, in Input) error {
	// One write a line would be a system call a line: 100k of them for a
	// large vault's findings.
	bw := bufio.NewWriterSize(w, 64<<10)
	ew := &errWriter{w: bw}
	edits, finds := in.Plan.Edits, in.Plan.Findings
	i, j := 0, 0
	for i < len(edits) || j < len(finds) {
		if j >= len(finds) || i < len(edits) && before(edits[i], finds[j]) {
			e := edits[i]
			fmt.Fprintf(ew, "%s:%d:%d: %s: %s -> %s\n", e.File, e.Line, e.Col, e.Class, e.Old, e.New)
			i++
			continue
		}
		f := finds[j]
		fmt.Fprintf(ew, "%s:%d:%d: %s: %s%s\n", f.File, f.Line, f.Col, f.Class, f.Link, detail(f))
		j++
	}
	// Flushed before anything goes to errw, so that a terminal shows
	// both streams in the order they were written.
	if err := bw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	for _, p := range in.Problems {
		fmt.Fprintf(errw, "relink: %s: %s\n", p.File, p.Message)
	}
	for _, w := range in.Warnings {
		fmt.Fprintf(errw, "relink: warning: %s\n", w)
	}
	fmt.Fprintln(ew, Summary(in.Plan, len(in.Problems)))
	if err := bw.Flush(); err != nil && ew.err == nil {
		ew.err = err
	}
	return ew.err
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

func detail(f plan.Finding) string {
	var parts []string
	switch f.Class {
	case "ambiguous":
		parts = append(parts, "candidates: "+strings.Join(f.Candidates, ", "))
	case "alias":
		parts = append(parts, "alias of "+strings.Join(f.Candidates, ", ")+" (--allow-alias rewrites it)")
	case "duplicate":
		parts = append(parts, "duplicate of "+strings.Join(f.Candidates, ", ")+" (--follow-duplicates redirects it)")
	default:
		if f.Message != "" {
			parts = append(parts, f.Message)
		}
		if len(f.Candidates) > 0 && f.Class == "heading" {
			parts = append(parts, "candidates: "+strings.Join(f.Candidates, ", "))
		}
	}
	if len(f.Hints) > 0 {
		parts = append(parts, "did you mean: "+strings.Join(f.Hints, ", "))
	}
	if f.Level != "" && f.Level != "exact" {
		parts = append(parts, "at level "+f.Level)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// Summary is the last line of the text report.
func Summary(p *plan.Plan, problems int) string {
	s := p.Stats
	line := fmt.Sprintf("%d notes, %d links: %d resolved, %d variant, %d ambiguous, %d alias, %d broken, %d duplicate, %d heading; %d edits",
		s.Notes, s.Links, s.Resolved, s.Variant, s.Ambiguous, s.Alias, s.Broken, s.Duplicate, s.Heading, len(p.Edits))
	if problems > 0 {
		line += fmt.Sprintf(", %d problems", problems)
	}
	return line
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
