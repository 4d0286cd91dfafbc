package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/workspace"
)

// ExitPartial is the exit code of apply, undo, restore and recover when
// some files were left alone (skipped or not writable) and the others done.
const ExitPartial = 3

// ExitInterrupted is the exit code after an interrupt (Ctrl-C).
const ExitInterrupted = 130

const storeHelp = `Snapshots are kept in the vault's snapshot store: --store DIR, else [snapshot]
dir in .relink.toml (relative to the vault), else $XDG_STATE_HOME/relink/<vault id>
(~/.local/state/relink/... on Linux, ~/Library/Application Support/relink/...
on macOS, %LocalAppData%\relink\... on Windows). docs/snapshot-format.md
describes it.`

func addStoreFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "store", "", "snapshot store folder (default: [snapshot] dir of .relink.toml, else the user's state folder)")
}

type applyOptions struct {
	scanOptions
	store  string
	dryRun bool
	quiet  bool
}

func newApplyCmd(e *env) *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply [VAULT]",
		Short: "Snapshot the files to change, then rewrite their links",
		Long: `apply makes the edits that ` + "`relink plan`" + ` shows (same flags, same plan):
it rewrites each variant link (and, with --allow-alias or --follow-duplicates,
alias and duplicate links) to its note's canonical name.

Before changing any file it stores the old and new content of every file it
will change in a snapshot, then rewrites each file atomically (temp file,
fsync, rename), keeping its mode, line endings, BOM and every byte outside
the links. It prints each edit, a summary and the snapshot id;
` + "`relink undo`" + ` puts the files back.

A file is left alone, and reported, when it changed since it was read, was
deleted, is read-only, is a symlink or has other hard links (a rewrite would
replace the link by a copy). The other files go on. apply refuses to run when
the dialect was detected and looks wrong (it names the dialect that resolves
most links; give one with --dialect or in the config), while another relink
holds the store's lock, and after a crash until ` + "`relink recover`" + ` has run.
Running apply again changes nothing and makes no snapshot.

` + storeHelp + `

Exit status:
  0    done, or nothing to apply
  1    --dry-run only: there is something to apply or report (as relink plan)
  2    error: nothing was changed unless the message says otherwise
  3    partial: some files were left alone (listed on stderr); the others were
       rewritten and are in the snapshot
  130  interrupted: the files written so far are in the snapshot`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, e, &o, vaultArg(args))
		},
	}
	o.addFlags(cmd.Flags(), false)
	addStoreFlag(cmd.Flags(), &o.store)
	cmd.Flags().BoolVarP(&o.dryRun, "dry-run", "n", false, "change nothing: print what relink plan prints, and exit as it does (1 if there is anything to apply or report)")
	addQuietFlag(cmd.Flags(), &o.quiet, "edit")
	return cmd
}

func runApply(cmd *cobra.Command, e *env, o *applyOptions, dir string) error {
	if o.dryRun {
		o.format = "text"
		return runReport(cmd, e, &o.scanOptions, dir, showPlan)
	}
	wo := o.workspaceOptions(cmd)
	wo.Once = true
	wo.Rewrites = true
	wo.Hash = true // refuse files edited between reading and writing
	wo.Store = o.store
	stop := startProgress(e, false)
	wo.Progress = stop.update
	wo.ResolveProgress = stop.resolve
	rep, err := workspace.Load(dir, wo)
	stop.done()
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	report.Problems(e.stderr, rep.Problems)
	res, err := workspace.Apply(e.ctx, rep, workspace.ApplyOptions{Store: o.store})
	if errors.Is(err, workspace.ErrWrongDialect) || errors.Is(err, workspace.ErrUnread) {
		return err
	}
	report.Warnings(e.stderr, rep.Warnings)
	if err != nil && (res == nil || len(res.Changed) == 0) {
		return storeErr(err) // nothing was changed
	}
	printApply(e, rep, res, o.quiet, o.store, checkCommand(cmd))
	if err != nil {
		return storeErr(err)
	}
	return writeExit(e, res.Interrupted, len(res.Skipped))
}

func printApply(e *env, rep *workspace.Report, res *workspace.ApplyResult, quiet bool, storeFlag, check string) {
	left := len(rep.Plan.Findings)
	advice := func(cmd, flag string) string { return workspace.Advice(cmd, rep.Vault.Dir, rep.Settings.Config, flag) }
	if res.Planned == 0 {
		if left > 0 {
			fmt.Fprintf(e.stdout, "nothing to apply (%s left for you to decide: %s lists them)\n", plural(left, "finding"), advice(check, ""))
		} else {
			fmt.Fprintln(e.stdout, "nothing to apply")
		}
		return
	}
	if !quiet {
		for _, f := range res.Changed {
			for _, ed := range f.Edits {
				fmt.Fprintf(e.stdout, "%s:%d:%d: %s: %s\n", report.Name(ed.File), ed.Line, ed.Col, ed.Class, report.AppendChange(nil, ed.Old, ed.New))
			}
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "relink: %s: %s\n", report.Name(s.Path), s.Reason)
	}
	var b strings.Builder
	if len(res.Changed) == 0 {
		b.WriteString("no file rewritten")
	} else {
		fmt.Fprintf(&b, "rewrote %s in %s", plural(res.Links(), "link"), plural(len(res.Changed), "file"))
		if cls := classCounts(res.ByClass()); cls != "" {
			b.WriteString(" (" + cls + ")")
		}
	}
	if n := len(res.Skipped); n > 0 {
		fmt.Fprintf(&b, "; %s left alone", plural(n, "file"))
	}
	if res.Snapshot.ID != "" {
		fmt.Fprintf(&b, "; snapshot %s", res.Snapshot.ID)
	}
	fmt.Fprintln(e.stdout, b.String())
	if quiet {
		return // the summary line alone, hints too are left out
	}
	if res.Snapshot.ID != "" {
		fmt.Fprintf(e.stdout, "%s puts the files back\n", advice("relink undo", storeFlag))
	}
	if left > 0 {
		fmt.Fprintf(e.stdout, "%s left for you to decide (%s lists them)\n", plural(left, "finding"), advice(check, ""))
	}
}

// checkCommand is the check command that lists what this apply left, with
// the flags given on its command line that decide what is found: under
// another dialect, level or rule, or without an exclude, check would read
// the vault differently (and the detected dialect may even look wrong).
func checkCommand(cmd *cobra.Command) string {
	c := "relink check"
	for _, name := range []string{"dialect", "level", "strict", "allow-alias", "follow-duplicates", "exclude"} {
		f := cmd.Flags().Lookup(name)
		if f == nil || !f.Changed {
			continue
		}
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				c += " --" + name + " " + workspace.ShellQuote(s)
			}
		default:
			switch s := f.Value.String(); {
			case f.Value.Type() == "bool" && s == "true":
				c += " --" + name
			case f.Value.Type() == "bool":
				c += " --" + name + "=" + s
			default:
				c += " --" + name + " " + workspace.ShellQuote(s)
			}
		}
	}
	return c
}

func classCounts(m map[string]int) string {
	order := []string{"variant", "heading", "alias", "duplicate"}
	var parts []string
	seen := map[string]bool{}
	for _, c := range order {
		if m[c] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[c], c))
		}
		seen[c] = true
	}
	var rest []string
	for c := range m {
		if !seen[c] {
			rest = append(rest, c)
		}
	}
	sort.Strings(rest)
	for _, c := range rest {
		parts = append(parts, fmt.Sprintf("%d %s", m[c], c))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, word string) string { return report.Count(n, word) }

// storeErr adds what to do to errors of the snapshot store.
func storeErr(err error) error {
	var le *snapshot.LockedError
	if errors.As(err, &le) {
		return fmt.Errorf("%w\nanother relink is working on this vault; if you are sure none is (a lock taken on another machine is never broken automatically), delete %s", err, le.Path)
	}
	return err
}

// warnPendingOp tells check and plan about an interrupted operation. It
// never creates a snapshot store.
func warnPendingOp(e *env, rep *workspace.Report) {
	if _, err := workspace.StoreDir(rep.Vault.Dir, rep.Settings.Config, ""); err != nil {
		return // no place for a store: so no store
	}
	pe, err := workspace.Pending(rep.Vault.Dir, rep.Settings.Config, "")
	switch {
	case err != nil:
		fmt.Fprintf(e.stderr, "relink: warning: snapshot store: %v\n", err)
	case pe != nil:
		fmt.Fprintf(e.stderr, "relink: warning: %v\n", pe)
	}
}
