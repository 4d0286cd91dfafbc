package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/review"
	"github.com/relinkmd/relink/internal/workspace"
)

type reviewOptions struct {
	scanOptions
	store  string
	addr   string
	noOpen bool
}

func newReviewCmd(e *env) *cobra.Command {
	var o reviewOptions
	cmd := &cobra.Command{
		Use:   "review [VAULT]",
		Short: "Review the plan in a browser, choose, apply and undo",
		Long: `review plans VAULT (default: the current folder) as ` + "`relink plan`" + ` does, with the
same flags, and serves a page on this machine's loopback interface where you:

  - see the links of each class, by ladder level, and which spellings point
    to which note;
  - untick the variant edits you do not want (a whole note, a spelling or a
    single link);
  - pick a note for an ambiguous link, accept an alias or a duplicate's
    canonical note, or a near name for a broken link;
  - apply exactly the chosen edits (snapshot first, atomic writes; a file
    changed on disk since the page loaded is left alone and reported), and
    undo them.

It prints the page's address and opens it in the browser (--no-open does
not). The address carries a secret token for this run; the browser is
started on a file only you can read that leads to it, so the token is on no
command line. The server answers only on loopback (127.0.0.1, ::1,
localhost) and refuses requests without the token. Files that cannot be read
are reported on stderr, as check reports them. Ctrl-C stops it.
docs/review.md describes the page.

` + storeHelp + `

Exit status:
  0  stopped with Ctrl-C
  2  error: the address cannot be listened on, or the vault cannot be read`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReview(cmd, e, &o, vaultArg(args))
		},
	}
	o.addFlags(cmd.Flags(), false)
	addStoreFlag(cmd.Flags(), &o.store)
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:0", "address to listen on: a loopback HOST:PORT (port 0: a free port)")
	cmd.Flags().BoolVar(&o.noOpen, "no-open", false, "do not open the page in a browser, only print its address")
	return cmd
}

func runReview(cmd *cobra.Command, e *env, o *reviewOptions, dir string) error {
	ln, err := review.Listen(o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	stop := startProgress(e, false)
	wo := o.workspaceOptions(cmd)
	wo.Store = o.store
	wo.Progress = stop.update
	wo.ResolveProgress = stop.resolve
	srv, err := review.New(dir, review.Options{Load: wo, Store: o.store})
	stop.done()
	if err != nil {
		return err
	}
	defer srv.Close()
	// The page's server lives on with what it loaded: from here on, a
	// server's pacing, not a command's (cmd/relink's tuneGC).
	serverMemory()
	report.Problems(e.stderr, srv.Problems())
	url := srv.URL(ln.Addr())
	fmt.Fprintf(e.stdout, "relink review: %s\n(Ctrl-C to stop)\n", url)
	if !o.noOpen {
		served := make(chan struct{})
		defer close(served)
		remove, err := launchBrowser(srv, url, served)
		if err != nil {
			fmt.Fprintf(e.stderr, "relink: could not open a browser (%v); open the address above\n", err)
		} else {
			defer remove()
		}
	}
	if err := srv.Serve(e.ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "relink review: stopped")
	return nil
}

// launchBrowser opens the browser on a file that redirects to url, so that
// the token never appears on a command line (which other users of the
// machine can read). The file goes as soon as the browser has followed it,
// or when the server stops (served is closed; the caller also calls
// remove then, so that it is gone before the process ends).
func launchBrowser(srv *review.Server, url string, served <-chan struct{}) (func(), error) {
	path, remove, err := review.WriteLauncher(url)
	if err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-srv.Opened():
		case <-served:
		}
		remove()
	}()
	if err := openBrowser(path); err != nil {
		remove()
		return nil, err
	}
	return remove, nil
}

// browserCommand is the command that opens target (a file or an address)
// in the system's browser.
func browserCommand(target string) *exec.Cmd {
	switch runtime.GOOS {
	case "darwin":
		return exec.Command("open", target)
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	}
	return exec.Command("xdg-open", target)
}

// openBrowser starts the system's browser on target without waiting for
// it. It is a variable so that tests never start a browser.
var openBrowser = func(target string) error {
	c := browserCommand(target)
	if err := c.Start(); err != nil {
		return err
	}
	go c.Wait() // reap it
	return nil
}

type reportOptions struct {
	scanOptions
	output string
}

func newReportCmd(e *env) *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report [VAULT]",
		Short: "Write the review page as one static HTML file",
		Long: `report plans VAULT (default: the current folder) as ` + "`relink plan`" + ` does, with the
same flags, and writes what ` + "`relink review`" + ` shows — the overview, the
variants with their lines and the hard cases with their candidates — as one
self-contained HTML file: styles, script and data inline, no request to any
server. Nothing in the vault is written.

  relink report ~/notes -o report.html

Without -o (or with -o -) the page goes to standard output.

Exit status:
  0  written
  2  error: the vault cannot be read, or the file cannot be written`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVaultArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHTMLReport(cmd, e, &o, vaultArg(args))
		},
	}
	o.addFlags(cmd.Flags(), false)
	cmd.Flags().StringVarP(&o.output, "output", "o", "-", "file to write the HTML page to (- is standard output)")
	return cmd
}

func runHTMLReport(cmd *cobra.Command, e *env, o *reportOptions, dir string) error {
	wo := o.workspaceOptions(cmd)
	wo.Once = true
	stop := startProgress(e, o.output == "-")
	wo.Progress = stop.update
	wo.ResolveProgress = stop.resolve
	rep, err := workspace.Load(dir, wo)
	stop.done()
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	report.Problems(e.stderr, rep.Problems)
	report.Warnings(e.stderr, rep.Warnings)
	var buf bytes.Buffer
	if err := review.WriteReport(&buf, rep); err != nil {
		return err
	}
	if o.output == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	out, err := filepath.Abs(o.output)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "relink: wrote %s (%s, %s)\n", out, plural(len(rep.Plan.Edits), "edit"), plural(len(rep.Plan.Findings), "finding"))
	return nil
}
