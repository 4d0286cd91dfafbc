package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/workspace"
)

// snapOptions are the flags every snapshot subcommand shares.
type snapOptions struct {
	vault string
	store string
}

// snapCtx is an opened snapshot store with its vault.
type snapCtx struct {
	vault *vault.Vault // nil when only --store was usable
	cfg   config.Config
	dir   string          // the store folder
	st    *snapshot.Store // nil: no store there yet
}

func (c *snapCtx) close() {
	if c.st != nil {
		c.st.Close()
	}
	if c.vault != nil {
		c.vault.Close()
	}
}

// open finds the vault (positional argument, else --vault, else the
// current folder) and its store, creating nothing. With --store the vault
// need not exist.
func (o *snapOptions) open(e *env, positional string) (*snapCtx, error) {
	dir := o.vault
	if positional != "" {
		if o.vault != "" && filepath.Clean(o.vault) != filepath.Clean(positional) {
			return nil, fmt.Errorf("two vaults given: %s and --vault %s", positional, o.vault)
		}
		dir = positional
	}
	if dir == "" {
		dir = "."
	}
	c := &snapCtx{}
	v, cfg, err := workspace.OpenVault(dir)
	switch {
	case err == nil:
		c.vault, c.cfg = v, cfg
	case o.store == "":
		return nil, err
	}
	vdir := ""
	if c.vault != nil {
		vdir = c.vault.Dir
	}
	if c.dir, err = workspace.StoreDir(vdir, c.cfg, o.store); err != nil {
		c.close()
		return nil, err
	}
	if c.st, err = workspace.PeekStore(c.dir); err != nil {
		c.close()
		return nil, err
	}
	if c.st != nil {
		if pe, err := workspace.Pending(vdir, c.cfg, c.dir); err == nil && pe != nil {
			fmt.Fprintf(e.stderr, "relink: warning: %v\n", pe)
		}
	}
	return c, nil
}

// load returns the snapshot ref names, or an error saying there is none.
func (c *snapCtx) load(ref string) (snapshot.Manifest, error) {
	if c.st == nil {
		return snapshot.Manifest{}, fmt.Errorf("snapshot %s: %w (no snapshot store at %s yet)", ref, snapshot.ErrNotFound, c.dir)
	}
	return workspace.LoadSnapshot(c.st, ref)
}

func newSnapshotCmd(e *env) *cobra.Command {
	var o snapOptions
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "List, inspect, verify, restore and prune snapshots",
		Long: `Every apply, undo and restore is recorded as a snapshot: the old and new
content of each file it changed. These commands read and manage them.

  relink snapshot list [VAULT]              every snapshot, oldest first
  relink snapshot show ID                   its files, with hashes and sizes
  relink snapshot diff ID [PATH...]         a unified diff, before -> after
  relink snapshot restore ID [PATH...]      write files back as before ID
  relink snapshot verify [ID]               re-hash the stored contents
  relink snapshot prune [VAULT] --keep-...  forget old snapshots

ID is a snapshot id (20261125T101530Z-1a2b3c4d), a unique prefix of one,
"latest", or "latest~N", the Nth snapshot before the newest. The vault is
--vault DIR, or the first argument of list and prune; by default the current
folder. PATHs are relative to the vault.

` + storeHelp,
	}
	cmd.PersistentFlags().StringVar(&o.vault, "vault", "", "the vault (default: the current folder)")
	addStoreFlag(cmd.PersistentFlags(), &o.store)
	cmd.AddCommand(newSnapListCmd(e, &o), newSnapShowCmd(e, &o), newSnapDiffCmd(e, &o),
		newSnapRestoreCmd(e, &o), newSnapVerifyCmd(e, &o), newSnapPruneCmd(e, &o))
	return cmd
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return fmt.Errorf("unknown --format %q (want text or json)", f)
	}
	return nil
}

func jsonOut(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func localTime(t time.Time) string { return t.Local().Format(time.DateTime) }

func newSnapListCmd(e *env, o *snapOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "list [VAULT]",
		ValidArgsFunction: completeVaultArg,
		Short:             "List the vault's snapshots, oldest first",
		Long: `list prints one line per snapshot, oldest first: its id, local time,
operation (apply, mv, merge, undo, restore), number of files, and which undo
reverted it (partly, when that undo left files edited since alone: relink
undo --force reverts those) or which snapshot it reverts, and what an mv or
merge did: "mv a.md → b/a.md", "mv Inbox → Archive/Inbox (12 files)",
"merge dup.md into canon.md, dup.md deleted" (an undo of a move: the moves it
made). --format json gives each snapshot's "moves", the "subject" of an mv
or merge, and that "summary".

Exit status:
  0  listed (also when there is no snapshot)
  2  error`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			c, err := o.open(e, argOr(args, 0))
			if err != nil {
				return err
			}
			defer c.close()
			var ms []snapshot.Manifest
			if c.st != nil {
				if ms, err = c.st.List(); err != nil {
					return err
				}
			}
			h := workspace.History(ms)
			if format == "json" {
				type item struct {
					ID       string      `json:"id"`
					Time     time.Time   `json:"time"`
					Op       snapshot.Op `json:"op"`
					Parent   string      `json:"parent,omitempty"`
					Files    int         `json:"files"`
					UndoneBy string      `json:"undone_by,omitempty"`
					// Left: the files a partial undo left (see
					// workspace.HistoryEntry).
					Left []string `json:"left,omitempty"`
					// Moves: the notes the operation moved (relink mv).
					Moves []snapshot.Move `json:"moves,omitempty"`
					// Subject: what an mv or merge was asked to do;
					// Summary: the operation in words, as the text says it.
					Subject *snapshot.Subject `json:"subject,omitempty"`
					Summary []string          `json:"summary,omitempty"`
				}
				items := []item{}
				for _, m := range h {
					items = append(items, item{m.ID, m.Time, m.Op, m.Parent, len(m.Files), m.UndoneBy, m.Left, m.Moves, m.Subject, workspace.Summary(m.Manifest)})
				}
				return jsonOut(e, struct {
					Store     string `json:"store"`
					Snapshots []item `json:"snapshots"`
				}{c.dir, items})
			}
			if len(h) == 0 {
				fmt.Fprintf(e.stdout, "no snapshots (store %s)\n", c.dir)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTIME\tOP\tFILES\t")
			for _, m := range h {
				var note []string
				if m.Parent != "" {
					note = append(note, "reverts "+m.Parent)
				}
				note = append(note, workspace.Summary(m.Manifest)...)
				switch {
				case m.PartlyUndone():
					note = append(note, fmt.Sprintf("partly undone by %s (%s left)", m.UndoneBy, plural(len(m.Left), "file")))
				case m.UndoneBy != "":
					note = append(note, "undone by "+m.UndoneBy)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", m.ID, localTime(m.Time), m.Op, len(m.Files), strings.Join(note, "; "))
			}
			tw.Flush()
			fmt.Fprintf(e.stdout, "%s in %s\n", plural(len(h), "snapshot"), c.dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func argOr(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// history returns what later snapshots did to snapshot id: which undo in
// effect reverted it, and the files it left.
func history(st *snapshot.Store, id string) workspace.HistoryEntry {
	ms, err := st.List()
	if err != nil {
		return workspace.HistoryEntry{}
	}
	for _, h := range workspace.History(ms) {
		if h.ID == id {
			return h
		}
	}
	return workspace.HistoryEntry{}
}

func newSnapShowCmd(e *env, o *snapOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "show ID",
		ValidArgsFunction: completeSnapshotArgs(o, false),
		Short:             "Show a snapshot's files with their hashes and sizes",
		Long: `show prints a snapshot's header (time, operation, vault, the snapshot it
reverts, what an mv or merge did as snapshot list says it: "did mv a.md →
b/a.md", each note it moved: "moved A to B") and each file it changed: the
SHA-256 (first 12 hex digits) and size of its content before and after.
--format json prints the manifest, as stored (docs/snapshot-format.md), plus
"undone_by", for a snapshot an undo reverted only in part "left": the files
it left, and for an mv or merge "summary".

Exit status:
  0  shown
  2  error: no such snapshot, or the store cannot be read`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			c, err := o.open(e, "")
			if err != nil {
				return err
			}
			defer c.close()
			m, err := c.load(args[0])
			if err != nil {
				return err
			}
			h := history(c.st, m.ID)
			if format == "json" {
				// The manifest as the store writes it (a name that is not
				// UTF-8 as path_base64), then undone_by and left: a struct
				// embedding the Manifest would take on its MarshalJSON and
				// drop them.
				b, err := json.Marshal(m)
				if err != nil {
					return err
				}
				if h.UndoneBy != "" {
					q, _ := json.Marshal(h.UndoneBy)
					b = append(append(append(b[:len(b)-1], `,"undone_by":`...), q...), '}')
				}
				if len(h.Left) > 0 {
					q, _ := json.Marshal(h.Left)
					b = append(append(append(b[:len(b)-1], `,"left":`...), q...), '}')
				}
				if sum := workspace.Summary(m); len(sum) > 0 {
					q, _ := json.Marshal(sum)
					b = append(append(append(b[:len(b)-1], `,"summary":`...), q...), '}')
				}
				return jsonOut(e, json.RawMessage(b))
			}
			fmt.Fprintf(e.stdout, "snapshot  %s\ntime      %s\nop        %s\nvault     %s\n", m.ID, localTime(m.Time), m.Op, report.Name(m.Vault))
			if m.Parent != "" {
				fmt.Fprintf(e.stdout, "reverts   %s\n", m.Parent)
			}
			for _, line := range workspace.Summary(m) {
				fmt.Fprintf(e.stdout, "did       %s\n", line)
			}
			switch {
			case h.PartlyUndone():
				fmt.Fprintf(e.stdout, "undone by %s, partly: %s left (%s)\n", h.UndoneBy, plural(len(h.Left), "file"), strings.Join(h.Left, ", "))
			case h.UndoneBy != "":
				fmt.Fprintf(e.stdout, "undone by %s\n", h.UndoneBy)
			}
			for _, mv := range m.Moves {
				fmt.Fprintf(e.stdout, "moved     %s to %s\n", report.Name(mv.From), report.Name(mv.To))
			}
			fmt.Fprintf(e.stdout, "files     %d\n\n", len(m.Files))
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PATH\tBEFORE\t\tAFTER\t\tMODE")
			for _, f := range m.Files {
				mode := f.After
				if mode == nil {
					mode = f.Before
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%04o\n", report.Name(f.Path), short(f.Before), size(f.Before), short(f.After), size(f.After), mode.Mode.Perm())
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func short(r *snapshot.ObjectRef) string {
	if r == nil {
		return "-"
	}
	return r.SHA256.String()[:12]
}

func size(r *snapshot.ObjectRef) string {
	if r == nil {
		return "absent"
	}
	return plural(int(r.Size), "byte")
}

func newSnapDiffCmd(e *env, o *snapOptions) *cobra.Command {
	return &cobra.Command{
		Use:               "diff ID [PATH...]",
		ValidArgsFunction: completeSnapshotArgs(o, true),
		Short:             "Print a unified diff of what a snapshot's operation changed",
		Long: `diff prints, for each file of the snapshot (or only the given PATHs, files or
folders relative to the vault), a unified diff from its content before the
operation to its content after it. The stored contents are checked against
their hashes as they are read.

Exit status:
  0  printed
  2  error: no such snapshot or path, or a stored content is damaged`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.open(e, "")
			if err != nil {
				return err
			}
			defer c.close()
			m, err := c.load(args[0])
			if err != nil {
				return err
			}
			files, err := workspace.SelectPaths(m, args[1:])
			if err != nil {
				return err
			}
			read := func(r *snapshot.ObjectRef) ([]byte, error) {
				if r == nil {
					return nil, nil
				}
				return c.st.Read(*r)
			}
			for _, f := range files {
				a, err := read(f.Before)
				if err != nil {
					return fmt.Errorf("%s: %w", f.Path, err)
				}
				b, err := read(f.After)
				if err != nil {
					return fmt.Errorf("%s: %w", f.Path, err)
				}
				if err := report.FileDiff(e.stdout, f.Path, a, b, f.Before == nil, f.After == nil); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func newSnapRestoreCmd(e *env, o *snapOptions) *cobra.Command {
	var opt workspace.RestoreOptions
	var quiet bool
	cmd := &cobra.Command{
		Use:               "restore ID [PATH...]",
		ValidArgsFunction: completeSnapshotArgs(o, true),
		Short:             "Write files back as they were before a snapshot's operation",
		Long: `restore writes the files of snapshot ID (or only the given PATHs, files or
folders relative to the vault) back into the vault as they were before its
operation, or as it left them with --after. Unlike undo it also overwrites
files edited since; but it records itself as a snapshot first (op restore),
so the content it replaces is kept and ` + "`relink undo --snapshot ID`" + ` reverts it.

With --to DIR it changes nothing in the vault: it writes copies under DIR
(created if needed), never replacing a different file there.

Exit status:
  0    done
  2    error
  3    partial: some files were left alone (listed on stderr)
  130  interrupted: the files restored so far are in the restore snapshot`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.open(e, "")
			if err != nil {
				return err
			}
			defer c.close()
			if c.vault == nil {
				return errors.New("restore needs the vault: give --vault DIR")
			}
			opt.Store, opt.Snapshot, opt.Paths = c.dir, args[0], args[1:]
			if opt.To != "" {
				if opt.To, err = filepath.Abs(opt.To); err != nil {
					return err
				}
			}
			res, err := workspace.Restore(e.ctx, c.vault, c.cfg, opt)
			if err != nil {
				return storeErr(err)
			}
			if m := res.Target; m.Vault != "" && m.Vault != c.vault.Dir && opt.To == "" {
				fmt.Fprintf(e.stderr, "relink: note: snapshot %s was taken of %s; restoring into %s\n", m.ID, m.Vault, c.vault.Dir)
			}
			state := "from before it"
			if opt.After {
				state = "from after it"
			}
			if opt.To != "" {
				printRestoreTo(e, res, opt, quiet)
			} else {
				printRevert(e, "restore", state, res, opt.DryRun, quiet)
			}
			return revertExit(e, res)
		},
	}
	cmd.Flags().StringVar(&opt.To, "to", "", "write the files under this folder instead of into the vault")
	cmd.Flags().BoolVar(&opt.After, "after", false, "restore the content the operation wrote, not the one before it")
	cmd.Flags().BoolVarP(&opt.DryRun, "dry-run", "n", false, "change nothing: print what would be restored")
	addQuietFlag(cmd.Flags(), &quiet, "file")
	return cmd
}

func printRestoreTo(e *env, res *workspace.RevertResult, opt workspace.RestoreOptions, quiet bool) {
	verb := "wrote"
	if opt.DryRun {
		verb = "would write"
	}
	if !quiet {
		for _, p := range res.Restored {
			fmt.Fprintf(e.stdout, "%s %s\n", verb, report.Name(filepath.Join(opt.To, filepath.FromSlash(p))))
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "relink: %s: %s\n", report.Name(s.Path), s.Reason)
	}
	fmt.Fprintf(e.stdout, "restore: %s %s of %s %s to %s", verb, plural(len(res.Restored), "file"), res.Target.Op, res.Target.ID, opt.To)
	if n := len(res.Already); n > 0 {
		fmt.Fprintf(e.stdout, "; %s already there", plural(n, "file"))
	}
	fmt.Fprintln(e.stdout)
}

func newSnapVerifyCmd(e *env, o *snapOptions) *cobra.Command {
	return &cobra.Command{
		Use:               "verify [ID]",
		ValidArgsFunction: completeSnapshotArgs(o, false),
		Short:             "Check that stored contents are intact",
		Long: `verify re-reads and re-hashes stored contents: of snapshot ID, or, without
ID, of the whole store (every snapshot, the pending journal if any, and every
stored object, referenced or not). It prints each defect.

Exit status:
  0  no defect found
  1  defects found (listed)
  2  error`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.open(e, "")
			if err != nil {
				return err
			}
			defer c.close()
			id := argOr(args, 0)
			if c.st == nil {
				if id != "" {
					_, err := c.load(id)
					return err
				}
				fmt.Fprintf(e.stdout, "no snapshots (store %s)\n", c.dir)
				return nil
			}
			what := "store " + c.dir
			if id != "" {
				m, err := c.load(id)
				if err != nil {
					return err
				}
				id, what = m.ID, "snapshot "+m.ID
			}
			problems, err := c.st.Verify(id)
			for _, p := range problems {
				p.Path = report.Name(p.Path)
				fmt.Fprintf(e.stdout, "%s\n", p)
			}
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				fmt.Fprintf(e.stdout, "%s: %s\n", what, plural(len(problems), "problem"))
				return exitCode(ExitFindings)
			}
			fmt.Fprintf(e.stdout, "%s: ok\n", what)
			return nil
		},
	}
}

type pruneOptions struct {
	last, hourly, daily, weekly, monthly, yearly string
	within                                       string
	dryRun                                       bool
	quiet                                        bool
}

func newSnapPruneCmd(e *env, o *snapOptions) *cobra.Command {
	var p pruneOptions
	cmd := &cobra.Command{
		Use:               "prune [VAULT]",
		ValidArgsFunction: completeVaultArg,
		Short:             "Forget old snapshots and free their space",
		Long: `prune forgets the snapshots that no --keep rule keeps, then deletes the stored
contents that no remaining snapshot needs. A snapshot is kept if any rule keeps
it (restic's rules):

  --keep-last N      the N newest snapshots
  --keep-hourly N    the newest snapshot of each of the N newest hours with one
  --keep-daily N     ... days, --keep-weekly ISO weeks, --keep-monthly months,
                     --keep-yearly years; N may be "unlimited"
  --keep-within D    every snapshot within D of the newest one (30d, 2w, 1y6m, 12h)

Without --keep flags the policy comes from keep_last, keep_hourly, keep_daily,
keep_weekly, keep_monthly, keep_yearly and keep_within in the [snapshot]
section of .relink.toml; with neither, prune refuses to run rather than forget
everything. --dry-run shows what would go.

Exit status:
  0  done, or nothing to prune
  2  error: no policy, a bad --keep value, or the store is locked`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPrune(cmd, e, o, &p, argOr(args, 0))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&p.last, "keep-last", "", "keep the `N` newest snapshots")
	fs.StringVar(&p.hourly, "keep-hourly", "", "keep the newest snapshot of each of the last `N` hours that have one")
	fs.StringVar(&p.daily, "keep-daily", "", "keep the newest snapshot of each of the last `N` days that have one")
	fs.StringVar(&p.weekly, "keep-weekly", "", "keep the newest snapshot of each of the last `N` weeks that have one")
	fs.StringVar(&p.monthly, "keep-monthly", "", "keep the newest snapshot of each of the last `N` months that have one")
	fs.StringVar(&p.yearly, "keep-yearly", "", "keep the newest snapshot of each of the last `N` years that have one")
	fs.StringVar(&p.within, "keep-within", "", "keep every snapshot within `DURATION` of the newest (e.g. 30d, 2w, 1y6m, 12h)")
	fs.BoolVarP(&p.dryRun, "dry-run", "n", false, "change nothing: print what would be removed")
	addQuietFlag(fs, &p.quiet, "snapshot")
	return cmd
}

func runPrune(cmd *cobra.Command, e *env, o *snapOptions, p *pruneOptions, positional string) error {
	pol, err := p.policy(cmd)
	if err != nil {
		return err
	}
	c, err := o.open(e, positional)
	if err != nil {
		return err
	}
	defer c.close()
	if pol.Empty() {
		if pol, err = configPolicy(c.cfg.Snapshot); err != nil {
			return err
		}
	}
	if pol.Empty() {
		return fmt.Errorf("prune: %w: give --keep-last, --keep-daily, ... or --keep-within, or set keep_* in the [snapshot] section of .relink.toml", snapshot.ErrEmptyPolicy)
	}
	if c.st == nil {
		fmt.Fprintf(e.stdout, "nothing to prune: no snapshots (store %s)\n", c.dir)
		return nil
	}
	st := c.st
	if !p.dryRun {
		if _, err := st.Lock(); err != nil {
			return storeErr(err)
		}
	}
	res, err := st.Prune(pol, time.Now(), p.dryRun)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	removed := "removed"
	if p.dryRun {
		removed = "would remove"
	}
	if !p.quiet {
		for _, m := range res.Keep {
			fmt.Fprintf(tw, "keep\t%s\t%s\t%s\t(%s)\n", m.ID, localTime(m.Time), m.Op, strings.Join(res.Reasons[m.ID], ", "))
		}
		for _, m := range res.Remove {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", removed, m.ID, localTime(m.Time), m.Op)
		}
		tw.Flush()
	}
	fmt.Fprintf(e.stdout, "policy %s: %s %s and %s (%s); kept %d\n", pol, removed,
		plural(len(res.Remove), "snapshot"), plural(res.Objects, "stored content"), humanBytes(res.Bytes), len(res.Keep))
	return nil
}

func (p *pruneOptions) policy(cmd *cobra.Command) (snapshot.Policy, error) {
	var pol snapshot.Policy
	counts := []struct {
		flag string
		val  string
		dst  *int
	}{
		{"keep-last", p.last, &pol.KeepLast}, {"keep-hourly", p.hourly, &pol.KeepHourly},
		{"keep-daily", p.daily, &pol.KeepDaily}, {"keep-weekly", p.weekly, &pol.KeepWeekly},
		{"keep-monthly", p.monthly, &pol.KeepMonthly}, {"keep-yearly", p.yearly, &pol.KeepYearly},
	}
	for _, c := range counts {
		if !cmd.Flags().Changed(c.flag) {
			continue
		}
		n, err := snapshot.ParseCount(c.val)
		if err != nil {
			return pol, fmt.Errorf("--%s: %w", c.flag, err)
		}
		*c.dst = n
	}
	if cmd.Flags().Changed("keep-within") {
		d, err := snapshot.ParseDuration(p.within)
		if err != nil {
			return pol, fmt.Errorf("--keep-within: %w", err)
		}
		pol.KeepWithin = d
	}
	return pol, nil
}

// configPolicy reads the retention policy of .relink.toml's [snapshot]
// section; a negative count means unlimited.
func configPolicy(s config.Snapshot) (snapshot.Policy, error) {
	pol := snapshot.Policy{
		KeepLast: s.KeepLast, KeepHourly: s.KeepHourly, KeepDaily: s.KeepDaily,
		KeepWeekly: s.KeepWeekly, KeepMonthly: s.KeepMonthly, KeepYearly: s.KeepYearly,
	}
	if s.KeepWithin != "" {
		d, err := snapshot.ParseDuration(s.KeepWithin)
		if err != nil {
			return pol, fmt.Errorf("%s: [snapshot] keep_within: %w", config.FileName, err)
		}
		pol.KeepWithin = d
	}
	return pol, nil
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, u := float64(n)/unit, "KiB"
	for _, next := range []string{"MiB", "GiB", "TiB"} {
		if f < unit {
			break
		}
		f, u = f/unit, next
	}
	return fmt.Sprintf("%.1f %s", f, u)
}
