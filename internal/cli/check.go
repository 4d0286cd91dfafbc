package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

// scanOptions are the flags shared by every command that reads a vault.
type scanOptions struct {
	format           string
	dialect          string
	level            string
	strict           bool
	allowAlias       bool
	followDuplicates bool
	keepDisplay      bool
	exclude          []string
	noCache          bool
	since            string
	changed          string // check --changed: the commit ("" without the flag)
}

func (o *scanOptions) addFlags(fs *pflag.FlagSet, withFormat bool) {
	if withFormat {
		fs.StringVar(&o.format, "format", "text", "output format: text or json")
	}
	o.addRuleFlags(fs)
	fs.BoolVar(&o.allowAlias, "allow-alias", false, "also rewrite links that only an alias matches")
	fs.BoolVar(&o.followDuplicates, "follow-duplicates", false, "redirect links to duplicate notes to their canonical note")
	fs.BoolVar(&o.keepDisplay, "keep-display", false, "keep the old spelling as display text: [[old]] -> [[New|old]]")
	fs.StringVar(&o.since, "since", "", "in a git work tree: also take the renames of notes git records since this commit (renamed links)")
}

// addRuleFlags adds the flags that decide which files are read and how
// their links resolve: what mv and merge take too.
func (o *scanOptions) addRuleFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.dialect, "dialect", "", "link rules: "+strings.Join(dialect.Names, ", ")+" (default: detected)")
	fs.StringVar(&o.level, "level", "", "highest ladder level: unicode, case, width, separators or compact (default separators)")
	fs.BoolVar(&o.strict, "strict", false, "resolve a link only when it equals a name exactly, whatever the dialect forgives")
	fs.StringArrayVar(&o.exclude, "exclude", nil, "skip files and folders matching this glob (repeatable)")
	fs.BoolVar(&o.noCache, "no-cache", false, "read, parse and resolve every note, ignoring and not writing the caches")
}

// workspaceOptions turns flags into workspace options; only flags the user
// set override the config file.
func (o *scanOptions) workspaceOptions(cmd *cobra.Command) workspace.Options {
	wo := workspace.Options{Dialect: o.dialect, Level: o.level, Exclude: o.exclude, Since: o.since}
	set := func(name string, v bool) *bool {
		if cmd.Flags().Changed(name) {
			return &v
		}
		return nil
	}
	wo.Strict = set("strict", o.strict)
	wo.AllowAlias = set("allow-alias", o.allowAlias)
	wo.FollowDuplicates = set("follow-duplicates", o.followDuplicates)
	wo.KeepDisplay = set("keep-display", o.keepDisplay)
	if o.noCache {
		off := false
		wo.Cache = &off
	}
	return wo
}

func vaultArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

func newCheckCmd(e *env) *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "check [VAULT]",
		Short: "Report the links that need attention, one line each",
		Long: `check reads every note of VAULT (default: the current folder) and reports
each link that needs attention, one line each, in file order, then a summary:

  path:line:col: class: [[link]] -> [[Repair]]     apply will repair it
  path:line:col: class: [[link]] (why; hints)      left to you

Nothing is written. ` + "`relink plan`" + ` shows the same edits with the lines they
change.

` + nfdHelp + `

` + classesHelp + "\n\n" + reportExitHelp,
		Args:              changedArgs,
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := vaultArg(args)
			if f := cmd.Flags().Lookup("changed"); f.Changed && o.changed == f.NoOptDefVal {
				o.changed, dir = changedRefAndVault(o.changed, args)
			}
			return runReport(cmd, e, &o, dir, showCheck)
		},
	}
	o.addFlags(cmd.Flags(), true)
	cmd.Flags().Lookup("format").Usage = "output format: text, json, sarif (SARIF 2.1.0) or github (workflow commands); docs/ci.md"
	addChangedFlag(cmd, &o)
	return cmd
}

type planOptions struct {
	scanOptions
	diff bool
}

func newPlanCmd(e *env) *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [VAULT]",
		Short: "Show the edits apply would make, line by line, then the findings",
		Long: `plan computes exactly what apply would do and shows it: first the edits,
each as a line

  path:line:col: class: [[old]] -> [[new]]

followed by the line of the note it changes, before (-) and after (+) the
edit (cut around the edits when it is long); then the findings that apply
leaves alone, one line each, as check prints them; then the summary. With
--diff it prints a unified diff of the files instead, and the findings and
summary go to stderr. --format json prints the JSON document described in
docs/json.md, the same document as ` + "`relink check --format json`" + `.
Nothing is written.

` + nfdHelp + `

` + classesHelp + "\n\n" + reportExitHelp,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			show := showPlan
			if o.diff {
				show = showDiff
			}
			return runReport(cmd, e, &o.scanOptions, vaultArg(args), show)
		},
	}
	o.addFlags(cmd.Flags(), true)
	cmd.Flags().BoolVar(&o.diff, "diff", false, "print a unified diff of the planned edits")
	return cmd
}

// nfdHelp explains the (NFD) mark of report.AppendChange.
const nfdHelp = `A spelling marked (NFD), as in [[상태 관리]] (NFD) -> [[상태 관리]], differs
from the other side only by Unicode normalization (decomposed characters, as
macOS writes file names): a terminal shows both the same. docs/output.md
describes the output.`

// reportView is how runReport prints a plan as text.
type reportView int

const (
	showCheck reportView = iota // one line a link, in file order: what is wrong
	showPlan                    // the edits with their lines before and after, then the findings
	showDiff                    // a unified diff of the files; findings on stderr
)

func runReport(cmd *cobra.Command, e *env, o *scanOptions, dir string, show reportView) error {
	ci := show == showCheck && (o.format == "sarif" || o.format == "github")
	switch {
	case ci, o.format == "text", o.format == "json":
	case show == showCheck:
		return fmt.Errorf("unknown --format %q (want text, json, sarif or github)", o.format)
	default:
		return fmt.Errorf("unknown --format %q (want text or json)", o.format)
	}
	wo := o.workspaceOptions(cmd)
	wo.Once = true
	stop := startProgress(e, o.format != "text")
	wo.Progress = stop.update
	wo.ResolveProgress = stop.resolve
	var rep *workspace.Report
	var err error
	if o.changed != "" {
		rep, _, err = workspace.LoadChanged(dir, o.changed, wo)
	} else {
		rep, err = workspace.Load(dir, wo)
	}
	stop.done()
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	warnPendingOp(e, rep)
	in := report.Input{
		Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(),
		Plan: rep.Plan, Problems: rep.Problems, Warnings: rep.Warnings,
	}
	switch {
	case o.format == "sarif":
		if err := report.SARIF(e.stdout, in, ciPlace(rep.Vault.Dir)); err != nil {
			return err
		}
		report.Problems(e.stderr, rep.Problems)
		report.Warnings(e.stderr, rep.Warnings)
	case o.format == "github":
		if err := report.GitHub(e.stdout, e.stderr, in, ciPlace(rep.Vault.Dir)); err != nil {
			return err
		}
	case o.format == "json":
		if err := report.JSON(e.stdout, in); err != nil {
			return err
		}
		report.Problems(e.stderr, rep.Problems)
		report.Warnings(e.stderr, rep.Warnings)
	case show == showDiff:
		if err := printDiff(e, rep); err != nil {
			return err
		}
		// Findings still matter: print them to stderr with the summary.
		report.Problems(e.stderr, rep.Problems)
		report.Warnings(e.stderr, rep.Warnings)
		fmt.Fprintln(e.stderr, report.Summary(rep.Plan, len(rep.Problems)))
	case show == showPlan:
		if err := report.PlanText(e.stdout, e.stderr, in, rep.Vault.ReadFile); err != nil {
			return err
		}
	default:
		if err := report.Text(e.stdout, e.stderr, in); err != nil {
			return err
		}
	}
	if len(rep.Plan.Edits) > 0 || len(rep.Plan.Findings) > 0 || len(rep.Problems) > 0 {
		return exitCode(ExitFindings)
	}
	return nil
}

func printDiff(e *env, rep *workspace.Report) error {
	files, by := report.FileEdits(rep.Plan.Edits)
	sort.Strings(files)
	for _, f := range files {
		src, err := rep.Vault.ReadFile(f)
		if err != nil {
			fmt.Fprintf(e.stderr, "relink: %s: %v\n", f, err)
			continue
		}
		if err := report.Diff(e.stdout, f, src, by[f]); err != nil {
			fmt.Fprintf(e.stderr, "relink: %v\n", err)
		}
	}
	return nil
}

// ciPlace is where a CI report's paths start: the current folder, where
// CI runs (the repository's checkout), when the vault is in it; else the
// vault itself.
func ciPlace(vaultDir string) report.CIPlace {
	cwd, err := os.Getwd()
	if err != nil {
		return report.CIPlace{Root: vaultDir}
	}
	// Through symbolic links (a checkout under /tmp on macOS is
	// /private/tmp): the two are compared as the system sees them.
	real := func(p string) string {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		return p
	}
	rel, err := filepath.Rel(real(cwd), real(vaultDir))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return report.CIPlace{Root: vaultDir}
	}
	if rel == "." {
		return report.CIPlace{Root: cwd}
	}
	return report.CIPlace{Root: cwd, Prefix: filepath.ToSlash(rel) + "/"}
}
