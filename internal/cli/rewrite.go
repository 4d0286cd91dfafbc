package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

// rewriteOptions are what mv and merge share: the vault, the link rules,
// the store, and the two ways to write nothing (--dry-run, --diff).
type rewriteOptions struct {
	scanOptions
	vault  string
	store  string
	dryRun bool
	diff   bool
}

// addFlags defines the shared flags; the usage strings say what the
// command's vault holds and what its dry run and diff print.
func (o *rewriteOptions) addFlags(fs *pflag.FlagSet, vaultUsage, dryRunUsage, diffUsage string) {
	fs.StringVar(&o.vault, "vault", ".", vaultUsage)
	fs.StringVar(&o.format, "format", "text", "output format: text or json")
	o.addRuleFlags(fs)
	addStoreFlag(fs, &o.store)
	fs.BoolVarP(&o.dryRun, "dry-run", "n", false, "change nothing: "+dryRunUsage)
	fs.BoolVar(&o.diff, "diff", false, "change nothing: "+diffUsage)
}

// load checks the output flags and reads the vault as a rewrite needs it:
// every note hashed (a file edited between reading and writing is
// refused), the caches read but not written. It prints the vault's
// problems and warnings; the caller closes the report's vault.
func (o *rewriteOptions) load(cmd *cobra.Command, e *env, quiet, skipNames bool) (*workspace.Report, error) {
	if o.format != "text" && o.format != "json" {
		return nil, fmt.Errorf("unknown --format %q (want text or json)", o.format)
	}
	if o.diff && o.format == "json" {
		return nil, errors.New("--diff and --format json cannot be combined")
	}
	wo := o.workspaceOptions(cmd)
	wo.Once = true
	wo.Rewrites = true
	wo.Hash = true
	wo.Store = o.store
	wo.SkipNames = skipNames
	stop := startProgress(e, o.format == "json" || quiet)
	wo.Progress = stop.update
	wo.ResolveProgress = stop.resolve
	rep, err := workspace.Load(o.vault, wo)
	stop.done()
	if err != nil {
		return nil, err
	}
	report.Problems(e.stderr, rep.Problems)
	report.Warnings(e.stderr, rep.Warnings)
	return rep, nil
}
