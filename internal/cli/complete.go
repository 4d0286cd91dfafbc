package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/dialect"
	"github.com/relinkmd/relink/internal/fold"
	"github.com/relinkmd/relink/internal/workspace"
)

// Shell completion (relink completion bash|zsh|fish|powershell): the
// values of the flags that take one of a few words, vault folders for
// VAULT, and the snapshots of the vault's store for an ID. Completion
// runs on every Tab: it reads the store, never creates or locks one, and
// prints nothing of its own.

// formats are the values of --format.
var formats = []string{"text", "json"}

// checkFormats are check's values of --format: the CI formats too.
var checkFormats = []string{"text", "json", "sarif", "github"}

func levelNames() []string {
	names := make([]string, len(fold.Levels))
	for i, l := range fold.Levels {
		names[i] = l.String()
	}
	return names
}

// completeWords completes a flag to one of words.
func completeWords(words []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeDirs completes to folders (VAULT, --vault, --store).
func completeDirs(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// completeVaultArg completes a command's only argument, VAULT, to folders.
func completeVaultArg(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return completeDirs(cmd, args, toComplete)
}

// snapshotIDs completes to the snapshots of the store of the vault at
// vault (or of store), newest first, each described by its operation,
// number of files, local time and undo state, then "latest".
func snapshotIDs(vault, store string) ([]cobra.Completion, cobra.ShellCompDirective) {
	h, err := workspace.Snapshots(vault, store)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	out := make([]cobra.Completion, 0, len(h)+1)
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		desc := fmt.Sprintf("%s, %s, %s", m.Op, plural(len(m.Files), "file"), localTime(m.Time))
		if m.UndoneBy != "" {
			desc += ", undone"
		}
		out = append(out, cobra.CompletionWithDesc(m.ID, desc))
	}
	if len(h) > 0 {
		out = append(out, cobra.CompletionWithDesc("latest", "the newest snapshot"))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeSnapshotArgs completes a snapshot subcommand's arguments: the
// ID first, then (with paths) the paths of that snapshot's files.
func completeSnapshotArgs(o *snapOptions, paths bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		vault := o.vault
		if vault == "" {
			vault = "."
		}
		if len(args) == 0 {
			return snapshotIDs(vault, o.store)
		}
		if !paths {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ps, err := workspace.SnapshotPaths(vault, o.store, args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		return ps, cobra.ShellCompDirectiveNoFileComp
	}
}

// registerCompletions adds the completions of every command of the tree
// under root, by flag name: a flag means the same on every command.
func registerCompletions(root *cobra.Command) {
	byFlag := map[string]cobra.CompletionFunc{
		"format":  completeWords(formats),
		"dialect": completeWords(dialect.Names),
		"level":   completeWords(levelNames()),
		"store":   completeDirs,
		"vault":   completeDirs,
		"to":      completeDirs,
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range byFlag {
			if name == "format" && c.Name() == "check" && c.Parent() == root {
				fn = completeWords(checkFormats)
			}
			if c.LocalFlags().Lookup(name) != nil {
				// A flag inherited from a parent was registered there.
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
