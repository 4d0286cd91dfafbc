package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/workspace"
)

type mergeOptions struct {
	rewriteOptions
	quiet  bool
	delete bool
	alias  bool
}

func newMergeCmd(e *env) *cobra.Command {
	var o mergeOptions
	cmd := &cobra.Command{
		Use:   "merge DUP CANON",
		Short: "Merge a duplicate note into another; every link to it follows",
		Long: `merge sends every link to the note DUP, anywhere in the vault, to the note
CANON, and marks DUP as a duplicate of CANON. DUP and CANON are paths
relative to the vault (--vault, default the current folder), or absolute
paths inside it.

Each link that finds DUP today is rewritten to the name the dialect writes
first that resolves to CANON alone. A wikilink with no display text keeps
its old target as one ([[DUP]] becomes [[CANON|DUP]], with \| in a table),
so that the page reads the same; a display text, #heading, #^block and the
! of an embed are kept; a link written as a path stays a path; a Markdown
link gets its relative path recomputed; links in frontmatter values too.
A #heading CANON lacks is kept and reported, and so are the headings of
DUP that CANON lacks: copy them over for those links to land. Each edit's
class is renamed. docs/merge.md has the rules.

DUP gets duplicate_of: "[[CANON]]" in its frontmatter (a new block when
it has none; an old duplicate_of replaced); with --delete DUP is removed
instead. --alias adds DUP's title (its title, else its file name) to
CANON's aliases, unless it is there already. Every other byte of the
frontmatter stays as written.

merge refuses, with nothing written: a DUP or CANON that is not a note of
the vault, DUP and CANON one note, CANON already a duplicate of DUP (the
merge would make a cycle), a link it cannot rewrite, and a frontmatter it
cannot edit without rewriting it.

It writes as apply does: it snapshots every file it changes (and DUP's
bytes when it removes it), then writes each file atomically, DUP's removal
last. A file changed since it was read is never overwritten.
` + "`relink undo`" + ` puts every file back (DUP too, byte for byte); after a crash
` + "`relink recover`" + ` rolls the whole merge back (--roll-forward finishes it).

--dry-run prints what the merge would do, each link edit with its line
before and after, and writes nothing; --diff prints it as a git diff
instead (git apply takes it). --format json prints the document described
in docs/json.md: the plan document with renamed edits, a "frontmatter"
array of the frontmatter edits and a "merge" object.

` + storeHelp + `

Exit status:
  0    done (or, with --dry-run or --diff, the merge is possible)
  2    error, or the merge is refused: nothing was changed unless the
       message says otherwise
  3    partial: some files were left alone (listed on stderr); the others
       were written and are in the snapshot
  130  interrupted: the files written so far are in the snapshot`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd, e, &o, args[0], args[1])
		},
	}
	fs := cmd.Flags()
	o.addFlags(fs, "the vault the notes are in", "print what the merge would do", "print the merge as a git diff")
	fs.BoolVar(&o.delete, "delete", false, "remove DUP instead of marking it with duplicate_of")
	fs.BoolVar(&o.alias, "alias", false, "add DUP's title to CANON's aliases")
	addQuietFlag(fs, &o.quiet, "edit")
	return cmd
}

func runMerge(cmd *cobra.Command, e *env, o *mergeOptions, dup, canon string) error {
	rep, err := o.load(cmd, e, o.quiet, false)
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	mp, err := workspace.PlanMerge(rep, dup, canon, workspace.MergeOptions{Delete: o.delete, Alias: o.alias})
	if err != nil {
		return err
	}
	in := report.MergeInput{
		Input:       report.Input{Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(), Plan: rep.Plan},
		Merge:       report.MergeSummary{Dup: mp.Dup, Canon: mp.Canon, Delete: mp.Delete, Alias: mp.Alias, MissingHeadings: mp.MissingHeadings},
		Edits:       mp.Edits,
		Frontmatter: mp.Frontmatter,
		Findings:    mp.Findings,
	}
	if mp.AliasPresent {
		in.Merge.Alias = ""
	}
	switch {
	case o.diff:
		return printMergeDiff(e.stdout, rep, mp)
	case o.dryRun && o.format == "json":
		return report.MergeJSON(e.stdout, in)
	case o.dryRun:
		fmt.Fprintf(e.stdout, "merge would %s:\n", mergeWhat(mp))
		if !o.quiet {
			report.EditPreviews(e.stdout, e.stderr, mp.Edits, rep.Vault.ReadFile)
			printFrontmatterEdits(e.stdout, mp.Frontmatter)
		}
		printMergeNotes(e.stdout, mp)
		return nil
	}
	res, err := workspace.Merge(e.ctx, rep, mp, workspace.ApplyOptions{Store: o.store})
	if err != nil && (res == nil || len(res.Changed) == 0 && !res.Deleted && res.Snapshot.ID == "") {
		return storeErr(err) // nothing was changed
	}
	if o.format == "json" {
		in.Edits, in.Frontmatter, in.Snapshot = nil, nil, res.Snapshot.ID
		for _, f := range res.Changed {
			for _, ed := range f.Edits {
				if ed.Class == plan.ClassRenamed {
					in.Edits = append(in.Edits, ed)
				}
			}
			for _, fe := range mp.Frontmatter {
				if fe.File == f.Path {
					in.Frontmatter = append(in.Frontmatter, fe)
				}
			}
		}
		in.Merge.Delete = res.Deleted
		if jerr := report.MergeJSON(e.stdout, in); jerr != nil {
			return jerr
		}
	} else {
		printMerge(e, rep, res, o.quiet, o.store)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "relink: %s: %s\n", report.Name(s.Path), s.Reason)
	}
	if err != nil {
		return storeErr(err)
	}
	return writeExit(e, res.Interrupted, len(res.Skipped))
}

// mergeWhat says what the merge does, as a phrase after "would".
func mergeWhat(mp *workspace.MergePlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "merge %s into %s", report.Name(mp.Dup), report.Name(mp.Canon))
	if len(mp.Edits) == 0 {
		b.WriteString(", with no link to rewrite")
	} else {
		files, _ := report.FileEdits(mp.Edits)
		fmt.Fprintf(&b, ", rewriting %s in %s", plural(len(mp.Edits), "link"), plural(len(files), "file"))
	}
	if mp.Delete {
		fmt.Fprintf(&b, ", and remove %s", report.Name(mp.Dup))
	}
	return b.String()
}

// printFrontmatterEdits prints each frontmatter edit as a line: the key
// set, or the item added to the list.
func printFrontmatterEdits(w io.Writer, fes []plan.FrontmatterEdit) {
	for _, fe := range fes {
		op := "="
		if fe.Key == "aliases" {
			op = "+="
		}
		fmt.Fprintf(w, "%s:%d: frontmatter: %s %s %s\n", report.Name(fe.File), fe.Line, fe.Key, op, fe.Value)
	}
}

// printMergeNotes prints what the merge leaves to the user: the links
// whose #heading the canonical note lacks, and the duplicate's headings it
// lacks; and an alias the note had already.
func printMergeNotes(w io.Writer, mp *workspace.MergePlan) {
	for _, f := range mp.Findings {
		fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s\n", report.Name(f.File), f.Line, f.Col, f.Class, f.Link, f.Message)
	}
	if len(mp.MissingHeadings) > 0 {
		verb := "has"
		if mp.Delete {
			verb = "had"
		}
		fmt.Fprintf(w, "%s %s %s that %s lacks:\n", report.Name(mp.Dup), verb, plural(len(mp.MissingHeadings), "heading"), report.Name(mp.Canon))
		for _, h := range mp.MissingHeadings {
			fmt.Fprintf(w, "  %s\n", h)
		}
	}
	if mp.AliasPresent {
		fmt.Fprintf(w, "%s has the alias %s already\n", report.Name(mp.Canon), mp.Alias)
	}
}

func printMerge(e *env, rep *workspace.Report, res *workspace.MergeResult, quiet bool, storeFlag string) {
	mp := res.Plan
	links, fm := 0, 0
	for _, f := range res.Changed {
		for _, ed := range f.Edits {
			if ed.Class == plan.ClassRenamed {
				links++
				if !quiet {
					fmt.Fprintf(e.stdout, "%s:%d:%d: %s: %s\n", report.Name(ed.File), ed.Line, ed.Col, ed.Class, report.AppendChange(nil, ed.Old, ed.New))
				}
				continue
			}
			fm++
		}
		if !quiet {
			var fes []plan.FrontmatterEdit
			for _, fe := range mp.Frontmatter {
				if fe.File == f.Path {
					fes = append(fes, fe)
				}
			}
			printFrontmatterEdits(e.stdout, fes)
		}
	}
	if res.Deleted && !quiet {
		fmt.Fprintf(e.stdout, "removed %s\n", report.Name(mp.Dup))
	}
	if !quiet {
		printMergeNotes(e.stdout, mp)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "merged %s into %s", report.Name(mp.Dup), report.Name(mp.Canon))
	if links > 0 {
		fmt.Fprintf(&b, ", rewrote %s (%d %s)", plural(links, "link"), links, plan.ClassRenamed)
	}
	if fm > 0 {
		fmt.Fprintf(&b, ", %s", plural(fm, "frontmatter edit"))
	}
	if res.Deleted {
		fmt.Fprintf(&b, ", removed %s", report.Name(mp.Dup))
	}
	fmt.Fprintf(&b, " in %s", plural(len(res.Changed)+boolCount(res.Deleted), "file"))
	if n := len(res.Skipped); n > 0 {
		fmt.Fprintf(&b, "; %s left alone", plural(n, "file"))
	}
	if res.Snapshot.ID != "" {
		fmt.Fprintf(&b, "; snapshot %s", res.Snapshot.ID)
	}
	fmt.Fprintln(e.stdout, b.String())
	if res.Snapshot.ID != "" && !quiet {
		fmt.Fprintf(e.stdout, "%s puts the files back\n", workspace.Advice("relink undo", rep.Vault.Dir, rep.Settings.Config, storeFlag))
	}
}

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

// printMergeDiff prints the merge as git does: each file's edits, links
// and frontmatter together, and the duplicate's removal, in path order.
func printMergeDiff(w io.Writer, rep *workspace.Report, mp *workspace.MergePlan) error {
	_, by := mp.FileEdits()
	for _, f := range mp.Files() {
		src, err := rep.Vault.ReadFile(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if mp.Delete && f == mp.Dup {
			fmt.Fprintf(w, "diff --git %s %s\ndeleted file mode 100644\n", report.DiffName("a/", f), report.DiffName("b/", f))
			if err := report.FileDiff(w, f, src, nil, false, true); err != nil {
				return err
			}
			continue
		}
		after, err := splice.Apply(src, report.SpliceEdits(by[f]))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if bytes.Count(after, []byte("\n")) == bytes.Count(src, []byte("\n")) {
			// Links alone: the hunks line up as for mv and plan --diff.
			if err := report.GitDiff(w, f, f, src, by[f]); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "diff --git %s %s\n", report.DiffName("a/", f), report.DiffName("b/", f))
		if err := report.FileDiff(w, f, src, after, false, false); err != nil {
			return err
		}
	}
	return nil
}
