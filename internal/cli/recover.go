package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/workspace"
)

type recoverOptions struct {
	store    string
	back     bool
	forward  bool
	dryRun   bool
	quiet    bool
	vaultDir string
}

func newRecoverCmd(e *env) *cobra.Command {
	var o recoverOptions
	cmd := &cobra.Command{
		Use:   "recover [VAULT]",
		Short: "Finish or roll back an apply, mv or undo that was interrupted",
		Long: `If relink was killed, crashed or lost power while rewriting files, its
snapshot journal is still pending: every file it meant to change holds either
its old or its new content, never a mix. Until that is resolved, apply, undo
and restore refuse to run, and check and plan warn about it.

recover resolves it:
  --roll-back     (the default) put back the old content of every file that
                  already has the new one: the vault is as before the operation
                  (a note an mv was moving is back at its old path only, and
                  the folders the mv created are removed).
  --roll-forward  write the new content to every file that still has the old
                  one, and commit the snapshot, as if the operation had finished
                  (relink undo can then revert it).

A file that someone changed since the operation began holds neither content:
it is left as it is and reported. recover also removes the temp files
(.relink-tmp-*) the interrupted writes left behind. It is safe to run again,
also after a crash of its own. --dry-run prints each file's state and changes
nothing.

` + storeHelp + `

Exit status:
  0  done, or nothing to recover
  2  error (an interrupted operation stays pending until recover succeeds)
  3  done, but some files were left alone (listed)`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.back && o.forward {
				return errors.New("--roll-back and --roll-forward exclude each other")
			}
			o.vaultDir = vaultArg(args)
			return runRecover(e, &o)
		},
	}
	addStoreFlag(cmd.Flags(), &o.store)
	cmd.Flags().BoolVar(&o.back, "roll-back", false, "put the old content back (the default)")
	cmd.Flags().BoolVar(&o.forward, "roll-forward", false, "finish the operation instead")
	cmd.Flags().BoolVarP(&o.dryRun, "dry-run", "n", false, "change nothing: print each file's state and what would be done")
	addQuietFlag(cmd.Flags(), &o.quiet, "file")
	return cmd
}

func runRecover(e *env, o *recoverOptions) error {
	v, cfg, err := workspace.OpenVault(o.vaultDir)
	if err != nil {
		return err
	}
	defer v.Close()
	res, err := workspace.Recover(e.ctx, v, cfg, workspace.RecoverOptions{Store: o.store, Forward: o.forward, DryRun: o.dryRun})
	if res != nil && res.Journal == nil && err == nil {
		fmt.Fprintln(e.stdout, "nothing to recover")
		return nil
	}
	if res != nil && res.Journal != nil {
		printRecover(e, res, o.dryRun, o.quiet, workspace.Advice("relink undo", v.Dir, cfg, o.store))
	}
	if err != nil {
		return storeErr(err)
	}
	if res.LeftAlone() > 0 {
		return exitCode(ExitPartial)
	}
	return nil
}

// undo is the undo command to advise.
func printRecover(e *env, res *workspace.RecoverResult, dryRun, quiet bool, undo string) {
	j := res.Journal
	if !quiet {
		fmt.Fprintf(e.stdout, "interrupted %s %s, begun %s, %s:\n", j.Op, j.ID, localTime(j.Time), plural(len(j.Files), "file"))
		for _, mv := range j.Moves {
			fmt.Fprintf(e.stdout, "  (it moves %s to %s)\n", report.Name(mv.From), report.Name(mv.To))
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	counts := map[string]int{}
	for _, f := range res.Files {
		counts[f.Action]++
		if quiet {
			// The files left alone still need the user: on stderr.
			if f.Action == workspace.ActionLeftAlone {
				fmt.Fprintf(e.stderr, "relink: %s: %s\n", f.Path, f.Reason)
			}
			continue
		}
		action := f.Action
		if dryRun {
			switch action {
			case workspace.ActionRestored:
				action = "would restore"
			case workspace.ActionCompleted:
				action = "would complete"
			}
		}
		line := fmt.Sprintf("  %s\t%s\t(%s)", action, report.Name(f.Path), sideName(f.Side))
		if f.Reason != "" {
			line += ": " + f.Reason
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if dryRun {
		fmt.Fprintln(e.stdout, "dry run: nothing changed")
		return
	}
	if res.Temps > 0 {
		fmt.Fprintf(e.stdout, "removed %s left by the interrupted writes\n", plural(res.Temps, "temp file"))
	}
	if res.Forward {
		fmt.Fprintf(e.stdout, "rolled forward: %d completed, %d already done", counts[workspace.ActionCompleted], counts[workspace.ActionDone])
		if res.Commit.ID != "" {
			fmt.Fprintf(e.stdout, "; snapshot %s (%s reverts it)", res.Commit.ID, undo)
		}
	} else {
		fmt.Fprintf(e.stdout, "rolled back: %d restored, %d untouched; the files are as before the %s", counts[workspace.ActionRestored], counts[workspace.ActionUntouched], j.Op)
	}
	if n := counts[workspace.ActionLeftAlone]; n > 0 {
		fmt.Fprintf(e.stdout, "; %s left alone", plural(n, "file"))
	}
	fmt.Fprintln(e.stdout)
}

func sideName(s snapshot.Side) string {
	switch s {
	case snapshot.SideBefore:
		return "old content"
	case snapshot.SideAfter:
		return "new content"
	}
	return "neither"
}
