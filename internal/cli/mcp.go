package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/mcpserver"
	"github.com/relinkmd/relink/internal/workspace"
)

type mcpOptions struct {
	scanOptions
	store       string
	allowWrites bool
}

func newMCPCmd(e *env) *cobra.Command {
	var o mcpOptions
	cmd := &cobra.Command{
		Use:   "mcp [VAULT]",
		Short: "Serve the vault to MCP clients (LLM agents) on stdio",
		Long: `mcp serves VAULT (default: the current folder) to a Model Context Protocol
client on stdin and stdout: an MCP client (Claude Desktop, VS Code, an agent)
starts it and calls its tools.

  resolve    what a link [[NAME]] would do: the note, or the name to write
  check      the vault's links, or those of some notes: counts and findings
  plan       the edits relink would make, each with an id
  apply      make the plan's edits, or those whose ids are given
  undo       revert a snapshot (the last one in effect by default)
  mv         move or rename a note, folder or heading; links follow
  merge      send the links of a duplicate note to its canonical note
  snapshots  list the snapshots

The server keeps the vault loaded and follows its files: a note saved by
any program is read again before the next call answers. It is read-only
unless started with --allow-writes: apply, undo, mv and merge then refuse
(their dry_run still answers). Writes go through the same safe path as the
commands (snapshot first, a file changed since it was planned is refused,
atomic writes). Files that cannot be read are reported by check, not on
stderr; stderr has only errors. docs/mcp.md shows how to register the
server with MCP clients.

` + storeHelp + `

Exit status:
  0  the client closed the connection
  2  error: the vault cannot be read`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMCP(cmd, e, &o, vaultArg(args))
		},
	}
	o.addFlags(cmd.Flags(), false)
	addStoreFlag(cmd.Flags(), &o.store)
	cmd.Flags().BoolVar(&o.allowWrites, "allow-writes", false, "let apply, undo, mv and merge change files")
	return cmd
}

func runMCP(cmd *cobra.Command, e *env, o *mcpOptions, dir string) error {
	serverMemory()
	wo := o.workspaceOptions(cmd)
	wo.Store = o.store
	eng, err := workspace.OpenEngine(dir, workspace.EngineOptions{
		Options: wo,
		Watch:   true,
		OnError: func(err error) { fmt.Fprintf(e.stderr, "relink: %v\n", err) },
	})
	if err != nil {
		return err
	}
	defer eng.Close()
	return mcpserver.Run(e.ctx, eng, mcpserver.Options{AllowWrites: o.allowWrites, Store: o.store, Version: buildVersion()})
}
