// Command relink finds and repairs broken [[wikilinks]] in a Markdown vault.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/relinkmd/relink/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
