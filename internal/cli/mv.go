package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

type mvOptions struct {
	rewriteOptions
}

func newMvCmd(e *env) *cobra.Command {
	var o mvOptions
	cmd := &cobra.Command{
		Use:   "mv SRC DST",
		Short: "Move or rename a note, a folder of notes or a heading; every link follows",
		Long: `mv moves the note or folder SRC to DST and rewrites every link that pointed
to a moved note so that it still does. SRC and DST are paths relative to
the vault (--vault, default the current folder), or absolute paths inside
it. For a note, DST ending in .md or .markdown is the note's new path; DST
an existing folder (or ending in /) receives the note under its own name.
For a folder, DST an existing folder (or ending in /) receives it under
its own name, any other DST is the folder's new path; every file in it
moves, notes and the others (images and other attachments), and the
links to them follow. Missing folders are created.

SRC of the form NOTE.md#Heading renames that heading of the note to the
text DST: the heading line keeps its #s, a trailing {#id} and everything
but the text, and every link into the heading follows ([[NOTE#Heading]]
from other notes, [[#Heading]] in the note, Markdown anchors written as
slugs get the new slug, a fragment the dialect matches loosely is
written as the dialect writes a heading). It is refused when the note has
no such heading, has it twice, or has a heading DST already.

Each link anywhere in the vault that resolves to the note today is
rewritten to the name the dialect writes first that resolves to it alone
after the move: wikilinks keep their #heading, #^block, |display, ! and
\| (in a table); a link written as a path ([[folder/T]], [[/folder/T]])
stays a path; a Markdown link gets its relative path recomputed, keeping
%20 or <...> and its #anchor; links in frontmatter values too. The moved
note's own relative links are recomputed from its new folder. When the
move gives the note the stem of another (Obsidian, Foam), the links to
either note that would become ambiguous are written as the shortest path
that is unique. Code, comments and math never change, and a link that
did not resolve to a note is left alone. Each edit's class is renamed.
docs/move.md has the rules.

mv refuses, with nothing written: a SRC that is not a note or folder of
the vault, a DST that exists (for a folder: a file, or a folder that is
not empty), a folder moved into itself, a DST outside the vault (.., an absolute path
elsewhere, a symlinked folder), a rename by case alone on a
case-insensitive file system, and a move that would leave a link it
cannot rewrite.

It writes as apply does: it snapshots each moved file (old path and
bytes, new path and bytes) and every file it rewrites, then writes the
moved files at their new paths, rewrites the other files and removes the
old paths, each write atomic; a moved folder left empty is removed. A
file changed since it was read is never overwritten.
` + "`relink undo`" + ` puts every file back at its old path, restores every file and
removes the folders the move created; after a crash ` + "`relink recover`" + ` rolls
the whole move back (--roll-forward finishes it).

--dry-run prints the move and each edit with its line before and after,
as plan does, and writes nothing; --diff prints it as a git diff instead
(a rename header, then the hunks; git apply takes it) and writes nothing.
--format json prints the document described in docs/json.md: the plan
document with renamed edits and a "moves" array.

` + storeHelp + `

Exit status:
  0    done (or, with --dry-run or --diff, the move is possible)
  2    error, or the move is refused: nothing was changed unless the
       message says otherwise
  3    partial: some files were left alone (listed on stderr); the others
       were written and are in the snapshot
  130  interrupted: the files written so far are in the snapshot`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMv(cmd, e, &o, args[0], args[1])
		},
	}
	o.addFlags(cmd.Flags(), "the vault the note is in", "print the move and each edit", "print the move as a git diff")
	return cmd
}

func runMv(cmd *cobra.Command, e *env, o *mvOptions, src, dst string) error {
	// A move plans its own renames: the names the last run saw are
	// neither read nor written.
	rep, err := o.load(cmd, e, false, true)
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	mp, err := workspace.PlanMove(rep, src, dst)
	if err != nil {
		return err
	}
	in := report.MoveInput{
		Input: report.Input{Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(), Plan: rep.Plan},
		Moves: plannedMoves(mp),
		Edits: mp.Edits,
	}
	// A moved note's edits count from its bytes at the old path.
	read := func(p string) ([]byte, error) {
		return rep.Vault.ReadFile(mp.OldPath(p))
	}
	switch {
	case o.diff:
		return printMoveDiff(e, mp, read)
	case o.dryRun && o.format == "json":
		return report.MoveJSON(e.stdout, in)
	case o.dryRun && mp.OldHeading != "":
		fmt.Fprintf(e.stdout, "mv would rename the heading %q of %s to %q%s\n", mp.OldHeading, report.Name(mp.From), mp.NewHeading, editCount(mp, ":"))
		report.EditPreviews(e.stdout, e.stderr, mp.Edits, read)
		return nil
	case o.dryRun:
		fmt.Fprintf(e.stdout, "mv would move %s to %s%s%s\n", report.Name(mp.From), report.Name(mp.To), folderCount(mp), editCount(mp, ":"))
		report.EditPreviews(e.stdout, e.stderr, mp.Edits, read)
		return nil
	}
	res, err := workspace.Move(e.ctx, rep, mp, workspace.ApplyOptions{Store: o.store})
	if err != nil && (res == nil || len(res.Changed) == 0 && !res.Moved && res.Snapshot.ID == "") {
		return storeErr(err) // nothing was changed
	}
	if o.format == "json" {
		in.Edits, in.Moves, in.Snapshot = nil, nil, res.Snapshot.ID
		for _, f := range res.Changed {
			in.Edits = append(in.Edits, f.Edits...)
		}
		if res.Moved {
			in.Moves = plannedMoves(mp)
		}
		if jerr := report.MoveJSON(e.stdout, in); jerr != nil {
			return jerr
		}
	} else {
		printMove(e, rep, res, o.store)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "relink: %s: %s\n", report.Name(s.Path), s.Reason)
	}
	if err != nil {
		return storeErr(err)
	}
	return writeExit(e, res.Interrupted, len(res.Skipped))
}

// plannedMoves lists the files mp moves, for the JSON document.
func plannedMoves(mp *workspace.MovePlan) []report.Move {
	moves := make([]report.Move, 0, len(mp.Moved))
	for _, m := range mp.Moved {
		moves = append(moves, report.Move{From: m.From, To: m.To})
	}
	return moves
}

// folderCount says, for a folder move, how many files and notes it
// carries.
func folderCount(mp *workspace.MovePlan) string {
	if !mp.Folder {
		return ""
	}
	notes := 0
	for _, m := range mp.Moved {
		if m.Note {
			notes++
		}
	}
	return fmt.Sprintf(" (%s, %s)", plural(len(mp.Moved), "file"), plural(notes, "note"))
}

// editCount says how many links the move rewrites, and in how many files.
func editCount(mp *workspace.MovePlan, colon string) string {
	if mp.Links() == 0 {
		return "; no link to rewrite"
	}
	files, _ := report.FileEdits(mp.Edits)
	return fmt.Sprintf(" and rewrite %s in %s%s", plural(mp.Links(), "link"), plural(len(files), "file"), colon)
}

func printMove(e *env, rep *workspace.Report, res *workspace.MoveResult, storeFlag string) {
	mp := res.Plan
	switch {
	case res.Moved && mp.OldHeading != "":
		fmt.Fprintf(e.stdout, "renamed the heading %q of %s to %q\n", mp.OldHeading, report.Name(mp.From), mp.NewHeading)
	case res.Moved:
		fmt.Fprintf(e.stdout, "moved %s to %s\n", report.Name(mp.From), report.Name(mp.To))
	}
	for _, f := range res.Changed {
		for _, ed := range f.Edits {
			fmt.Fprintf(e.stdout, "%s:%d:%d: %s: %s\n", report.Name(ed.File), ed.Line, ed.Col, ed.Class, report.AppendChange(nil, ed.Old, ed.New))
		}
	}
	var b strings.Builder
	links := res.Links()
	if !res.Moved {
		fmt.Fprintf(&b, "%s was not moved", report.Name(mp.From))
	} else if mp.OldHeading != "" {
		b.WriteString("renamed 1 heading")
		links-- // the heading's own line
	} else if mp.Folder {
		fmt.Fprintf(&b, "moved %s%s", report.Name(mp.From), folderCount(mp))
	} else {
		b.WriteString("moved 1 note")
	}
	if n := links; n > 0 {
		fmt.Fprintf(&b, ", rewrote %s in %s (%d %s)", plural(n, "link"), plural(len(res.Changed), "file"), n, plan.ClassRenamed)
	}
	if n := len(res.Skipped); n > 0 {
		fmt.Fprintf(&b, "; %s left alone", plural(n, "file"))
	}
	if res.Snapshot.ID != "" {
		fmt.Fprintf(&b, "; snapshot %s", res.Snapshot.ID)
	}
	fmt.Fprintln(e.stdout, b.String())
	if res.Snapshot.ID != "" {
		fmt.Fprintf(e.stdout, "%s puts the files back\n", workspace.Advice("relink undo", rep.Vault.Dir, rep.Settings.Config, storeFlag))
	}
}

// printMoveDiff prints the move as git does: the moved note's rename,
// with its edits as hunks, among the other files in path order.
func printMoveDiff(e *env, mp *workspace.MovePlan, read report.ReadFile) error {
	files, by := report.FileEdits(mp.Edits)
	for _, m := range mp.Moved {
		if _, ok := by[m.To]; !ok {
			files = append(files, m.To)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		src, err := read(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		from := mp.OldPath(f)
		if err := report.GitDiff(e.stdout, from, f, src, by[f]); err != nil {
			return err
		}
	}
	return nil
}
