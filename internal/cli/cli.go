// Package cli is relink's command tree. It parses flags, calls workspace,
// prints, and is the single place where errors become exit codes:
//
//	0  clean: nothing to report (apply/undo: done)
//	1  findings: broken links or planned edits
//	2  usage or operational error
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitClean    = 0
	ExitFindings = 1
	ExitError    = 2
)

// env carries the process's streams to the commands.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitCode is returned by a command to end with a code but no error text.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// Main runs relink with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var code exitCode
	switch {
	case err == nil:
		return ExitClean
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "relink: interrupted")
		return 130
	default:
		fmt.Fprintf(stderr, "relink: %v\n", err)
		return ExitError
	}
}

const classesHelp = `Classes (SPEC §4; the ladder is unicode < case < width < separators < compact):
  variant    another spelling of exactly one note: [[disaster-recovery]] for the
             note titled "Disaster Recovery". apply rewrites it.
  ambiguous  the spelling matches two or more notes at the same level: [[cache line]]
             with notes Cache-Line and Cache_Line. Reported with candidates, never rewritten.
  alias      only an alias of a note matches: [[DR]] where a note lists "DR" in aliases.
             A suggestion; --allow-alias rewrites it.
  broken     nothing matches up to --level: [[Nonexistent]]. Reported with near names.
  duplicate  resolves to a note marked duplicate_of another: --follow-duplicates
             redirects it to the canonical note.
  heading    the note exists but its #heading does not: [[Note#setup guide]] is
             repaired to [[Note#Setup Guide]] when exactly one heading matches.`

const exitHelp = `Exit status:
  0  nothing to report
  1  findings: broken, ambiguous, alias or duplicate links, or edits to make
  2  usage or operational error (the vault cannot be read, a bad flag)`

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "relink",
		Short: "Find and repair broken [[wikilinks]] in a Markdown vault",
		Long: `relink finds every broken link in a Markdown vault (Obsidian, Foam, Dendron,
or any folder of .md notes), repairs the ones that differ from a real note only
in spelling, refuses every ambiguous case, snapshots originals first and can undo.

  relink check [VAULT]   report broken links
  relink plan  [VAULT]   show the edits apply would make (--diff for a diff)
  relink apply [VAULT]   snapshot the files to change, then rewrite them
  relink undo  [VAULT]   restore the files of the last apply`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.AddCommand(
		newCheckCmd(e), newPlanCmd(e), newApplyCmd(e), newUndoCmd(e),
		newSnapshotCmd(e), newRecoverCmd(e), newReviewCmd(e), newReportCmd(e),
		newVersionCmd(e),
	)
	return root
}

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = "dev"

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print relink's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(e.stdout, "relink", Version)
			return nil
		},
	}
}
