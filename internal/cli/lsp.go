package cli

import (
	"errors"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/lspserver"
)

func newLspCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "lsp",
		Short: "Serve the Language Server Protocol on stdio, for editors",
		Long: `lsp is a Language Server on stdin and stdout. An editor starts it and
names the vault as its workspace folder; the vault's .relink.toml applies.

It shows every link check reports as a diagnostic (its class is the code),
offers the fixes as code actions (the canonical name, a candidate, the alias,
the duplicate's canonical note, a near name, a new note; all in the file; all
in the vault, written as apply writes it, with a snapshot that relink undo
reverts), completes links by the names the ladder matches, goes to a link's
note or heading, lists backlinks, and renames a note or heading with every
link to it, as relink mv does. docs/lsp.md has the editor setups.

Exit status:
  0  the editor sent shutdown, then exit (or closed stdin)
  1  the editor sent exit without shutdown
  2  error`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			serverMemory()
			err := lspserver.New(lspserver.OpenVault).Serve(e.ctx, e.stdin, e.stdout)
			if errors.Is(err, lspserver.ErrNoShutdown) {
				return exitCode(1)
			}
			return err
		},
	}
}

// serverMemory sets the garbage collector of a long-lived server (lsp,
// mcp, review): it lets the heap grow to half again the live data, not
// five times it as a one-shot command does, since a server's heap is
// mostly the vault it keeps, not garbage, and it lives on. At
// 100,000 notes the language server's peak goes from about 1.1 GB to
// 0.86 GB at no cost in time (docs/performance.md). GOGC, when set, wins.
func serverMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}

const serverGCPercent = 50
