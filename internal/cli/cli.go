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
	"runtime/debug"

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

const classesHelp = `Classes (the ladder is unicode < case < width < separators < compact; the full
rules, with examples: docs/link-resolution.md):
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
             repaired to [[Note#Setup Guide]] when exactly one heading matches.
  renamed    the note was moved, renamed or retitled since relink's last run on the
             vault (or, with --since REF, since a git commit): [[Old Name]] where
             Old Name.md became New Name.md. apply rewrites it to the new name.`

// reportExitHelp is the exit status of check and plan, as runReport
// decides it. Warnings (a dialect that looks wrong, a vault without notes)
// do not change it.
const reportExitHelp = `Exit status:
  0  nothing to report
  1  something to report: a link to repair (an edit), a link left to you (a
     finding), or a file that could not be read (named on stderr)
  2  usage or operational error (the vault cannot be read, a bad flag)`

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "relink",
		Short: "Find and repair broken [[wikilinks]] in a Markdown vault",
		Long: `relink finds every broken link in a Markdown vault (Obsidian, Foam, Dendron,
or any folder of .md notes), repairs the ones that differ from a real note only
in spelling, refuses every ambiguous case, snapshots originals first and can undo.

  relink check [VAULT]   report the links that need attention, one line each
  relink plan  [VAULT]   show the edits apply would make with the lines they
                         change, then the findings (--diff for a diff)
  relink apply [VAULT]   snapshot the files to change, then rewrite them
  relink undo  [VAULT]   restore the files of the last apply (mv, merge)
  relink mv SRC DST      move or rename a note, folder or heading; every link follows
  relink merge DUP CANON send every link to a duplicate note to another;
                         DUP is marked duplicate_of CANON (or --delete'd)
  relink resolve NAME... what a link [[NAME]] would reach, or what to write instead
  relink mcp [VAULT]     serve the vault to MCP clients (LLM agents) on stdio
  relink lsp             a Language Server on stdio, for editors (docs/lsp.md)

Each command's help ends with its exit status. In short: 0 done or nothing
to report, 1 something to report (check, plan, apply --dry-run, snapshot
verify), 2 error, 3 partial: some files were left alone (apply, mv, merge,
undo, snapshot restore, recover), 130 interrupted (apply, mv, merge, undo,
snapshot restore).
docs/output.md describes what relink prints.`,
		Version:       buildVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("relink {{.Version}}\n")
	root.AddCommand(
		newCheckCmd(e), newPlanCmd(e), newApplyCmd(e), newUndoCmd(e), newMvCmd(e), newMergeCmd(e),
		newSnapshotCmd(e), newRecoverCmd(e), newReviewCmd(e), newReportCmd(e), newResolveCmd(e), newMCPCmd(e), newLspCmd(e),
		newVersionCmd(e),
	)
	registerCompletions(root)
	return root
}

// Version, when set at build time with
// -ldflags "-X github.com/relinkmd/relink/internal/cli.Version=v1.2.3",
// is the version relink prints; else it comes from the build info.
var Version = ""

func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(Version, info)
}

// versionOf picks relink's version: the one given at link time, else the
// module's version (go install ...@v1.2.3, or the pseudo-version the go
// command stamps from the repository), else the commit it was built from
// (12 hex digits, "-dirty" with uncommitted changes), else "(devel)".
func versionOf(linked string, info *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	if info == nil {
		return "(devel)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print relink's version (the same as relink --version)",
		Long: `version prints relink's version: the module version it was installed at,
else the commit it was built from, else "(devel)".

Exit status:
  0  printed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "relink %s\n", cmd.Root().Version)
			return nil
		},
	}
}
