package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

type undoOptions struct {
	store    string
	snapshot string
	force    bool
	dryRun   bool
	quiet    bool
}

func newUndoCmd(e *env) *cobra.Command {
	var o undoOptions
	cmd := &cobra.Command{
		Use:   "undo [VAULT]",
		Short: "Restore the files of the last apply",
		Long: `undo reverts the last apply that is still in effect: every file it rewrote
gets its old content back, byte for byte. Run it again to revert the apply
before that one, and so on; --snapshot ID reverts a given snapshot instead (an
undo snapshot too, which redoes what that undo reverted). An mv is undone
the same way: the note goes back to its old path with its old bytes, every
file it rewrote gets its old content, and the folders it created are
removed once empty.

Only files that still hold exactly what the apply wrote are restored. A file
edited since is left alone and reported; --force restores it anyway. After
such a partial undo (snapshot list says "partly undone"), undo --force
restores the files it left, and only those. undo records itself as a
snapshot first (op undo), so nothing is lost, not even with --force, and
` + "`relink undo --snapshot ID`" + ` can revert the undo.

Snapshots are matched to the vault by its path. A vault that was moved or
renamed is undone from the store it used, given with --store (or a store
inside it, which moves with it).

` + storeHelp + `

Exit status:
  0    done, or nothing to undo
  2    error: nothing was changed unless the message says otherwise
  3    partial: some files were left alone (listed on stderr)
  130  interrupted: the files restored so far are in the undo snapshot`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUndo(e, &o, vaultArg(args))
		},
	}
	addStoreFlag(cmd.Flags(), &o.store)
	cmd.Flags().StringVar(&o.snapshot, "snapshot", "", "the snapshot to undo: an id, a unique prefix of one, latest or latest~N (default: the last apply still in effect)")
	cmd.Flags().BoolVar(&o.force, "force", false, "also restore files edited since the snapshot (their current content is snapshotted first)")
	cmd.Flags().BoolVarP(&o.dryRun, "dry-run", "n", false, "change nothing: print what would be restored")
	addQuietFlag(cmd.Flags(), &o.quiet, "file")
	_ = cmd.RegisterFlagCompletionFunc("snapshot", func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return snapshotIDs(vaultArg(args), o.store)
	})
	return cmd
}

func runUndo(e *env, o *undoOptions, dir string) error {
	v, cfg, err := workspace.OpenVault(dir)
	if err != nil {
		return err
	}
	defer v.Close()
	res, err := workspace.Undo(e.ctx, v, cfg, workspace.UndoOptions{
		Store: o.store, Snapshot: o.snapshot, Force: o.force, DryRun: o.dryRun,
	})
	if errors.Is(err, workspace.ErrNothingToUndo) {
		fmt.Fprintln(e.stdout, err)
		return nil
	}
	// An error before any file was written leaves only the error to say:
	// "nothing to undo" or a summary would claim what did not happen.
	if res != nil && res.Target.ID != "" && (err == nil || len(res.Restored) > 0) {
		if m := res.Target; m.Vault != "" && m.Vault != v.Dir {
			fmt.Fprintf(e.stderr, "relink: note: snapshot %s was taken of %s; undoing it in %s\n", m.ID, m.Vault, v.Dir)
		}
		printRevert(e, "undo", "from before it", res, o.dryRun, o.quiet)
	}
	if err != nil {
		return storeErr(err)
	}
	return revertExit(e, res)
}

// addQuietFlag adds -q to a command that writes: it prints no line per
// each (edit, file, snapshot) but still its one-line summary, which
// carries the snapshot id; errors and what was left alone go to stderr
// as always.
func addQuietFlag(fs *pflag.FlagSet, p *bool, each string) {
	fs.BoolVarP(p, "quiet", "q", false, "print only the summary line, not a line per "+each+" (errors and what is left alone still go to stderr)")
}

// printRevert prints what undo or restore did to the vault: a line a file
// restored (none when quiet), the files left alone on stderr, a summary.
func printRevert(e *env, verb, state string, res *workspace.RevertResult, dryRun, quiet bool) {
	t := res.Target
	did, would := "restored", "would restore"
	if dryRun {
		did = would
	}
	if !quiet {
		for _, p := range res.Restored {
			fmt.Fprintf(e.stdout, "%s %s\n", did, report.Name(p))
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "relink: %s: %s\n", report.Name(s.Path), s.Reason)
	}
	for _, p := range res.Overwritten {
		fmt.Fprintf(e.stderr, "relink: %s: had been edited since snapshot %s; overwritten (its content is kept in the new snapshot)\n", report.Name(p), t.ID)
	}
	what := fmt.Sprintf("%s %s", t.Op, t.ID)
	switch {
	case len(res.Restored) == 0 && len(res.Skipped) == 0:
		fmt.Fprintf(e.stdout, "nothing to %s: the files of %s already hold their content %s\n", verb, what, state)
		return
	case dryRun:
		fmt.Fprintf(e.stdout, "%s: would restore %s of %s", verb, plural(len(res.Restored), "file"), what)
	default:
		fmt.Fprintf(e.stdout, "%s: restored %s of %s", verb, plural(len(res.Restored), "file"), what)
	}
	if n := len(res.Already); n > 0 {
		fmt.Fprintf(e.stdout, "; %s already up to date", plural(n, "file"))
	}
	if n := len(res.Skipped); n > 0 {
		fmt.Fprintf(e.stdout, "; %s left alone", plural(n, "file"))
	}
	if res.Snapshot.ID != "" {
		fmt.Fprintf(e.stdout, "; snapshot %s", res.Snapshot.ID)
	}
	fmt.Fprintln(e.stdout)
}

func revertExit(e *env, res *workspace.RevertResult) error {
	return writeExit(e, res.Interrupted, len(res.Skipped))
}

// writeExit is the exit status of a command that wrote files (apply, undo,
// restore, mv, merge) once it returned without an error: 130 when Ctrl-C
// stopped it, 3 when it left files alone (listed on stderr), else 0.
func writeExit(e *env, interrupted bool, skipped int) error {
	switch {
	case interrupted:
		fmt.Fprintln(e.stderr, "relink: interrupted")
		return exitCode(ExitInterrupted)
	case skipped > 0:
		return exitCode(ExitPartial)
	}
	return nil
}
