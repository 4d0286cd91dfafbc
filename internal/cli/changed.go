package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// changedHelp is check --changed's part of check's help.
const changedHelp = `With --changed [REF], in a git work tree, check reports only what a change
touched: the links in the files changed since REF (default HEAD: the
uncommitted changes, files git does not track yet included, the ones it
ignores left out), and the links anywhere else that the change broke or
changed: to a note deleted, moved or retitled, an alias or heading removed, a
name a new note made ambiguous. REF is any commit git knows (main,
origin/main, HEAD~3, a hash); write --changed=REF when REF is also the name
of a folder. Outside a git work tree, or with a commit git does not know,
check fails (exit 2). docs/changed.md has the details.`

// addChangedFlag adds check's --changed, whose commit may be left out.
func addChangedFlag(cmd *cobra.Command, o *scanOptions) {
	cmd.Flags().StringVar(&o.changed, "changed", "", "in a git work tree: report only what the change since this commit touched (default HEAD: the uncommitted changes)")
	cmd.Flags().Lookup("changed").NoOptDefVal = "HEAD"
	// Before the exit status, which ends every command's help.
	cmd.Long = strings.Replace(cmd.Long, reportExitHelp, changedHelp+"\n\n"+reportExitHelp, 1)
}

// changedArgs are check's arguments: [VAULT], and with a bare --changed
// the commit may come as an argument too (--changed REF [VAULT]).
func changedArgs(cmd *cobra.Command, args []string) error {
	if f := cmd.Flags().Lookup("changed"); f != nil && f.Changed && f.Value.String() == f.NoOptDefVal {
		return cobra.MaximumNArgs(2)(cmd, args)
	}
	return cobra.MaximumNArgs(1)(cmd, args)
}

// changedRefAndVault tells the commit of a bare --changed from the vault
// among the arguments: the flag parser cannot, as the commit may be left
// out. An argument that is an existing folder is the vault; another is
// the commit.
func changedRefAndVault(ref string, args []string) (string, string) {
	isDir := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && st.IsDir()
	}
	switch {
	case len(args) == 2 && isDir(args[0]) && !isDir(args[1]):
		return args[1], args[0]
	case len(args) == 2:
		return args[0], args[1]
	case len(args) == 1 && !isDir(args[0]):
		return args[0], "."
	case len(args) == 1:
		return ref, args[0]
	}
	return ref, "."
}
