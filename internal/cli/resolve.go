package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

type resolveOptions struct {
	scanOptions
	vault string
	from  string
}

func newResolveCmd(e *env) *cobra.Command {
	var o resolveOptions
	cmd := &cobra.Command{
		Use:   "resolve NAME...",
		Short: "Tell what a link [[NAME]] would do in the vault: its note, or why not",
		Long: `resolve tells, for each NAME, what a link [[NAME]] written in a note at the
root of the vault (--vault, default the current folder; --from: in another
note) would do, by the rules check and plan apply to the vault's own links.
A NAME may carry a #heading or #^block. One line each:

  exact: [[NAME]] (the note it names)
  variant: [[NAME]] -> [[Canonical]] (the note; at level L)   also renamed
  ambiguous: [[NAME]] (candidates: ...)
  alias: [[NAME]] (alias "NAME" of the note ...; canonical: [[Name]])
  duplicate: [[NAME]] (duplicate of the canonical note ...; canonical: [[Name]])
  broken: [[NAME]] (no note matches; did you mean: ...)
  heading: [[NAME#h]] -> [[NAME#H]] (the note exists, its heading is spelled H)

--format json prints one document with a result a name (docs/resolve.md).
Nothing is written.

` + classesHelp + `

Exit status:
  0  every NAME resolves exactly, its #heading included
  1  some NAME does not (a variant, renamed, ambiguous, alias, duplicate,
     broken or external name, or a #heading that needs repair or is missing)
  2  usage or operational error: a NAME that cannot be a link's target,
     a bad flag, a vault that cannot be read`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runResolve(cmd, e, &o, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.vault, "vault", ".", "the vault to resolve the names in")
	fs.StringVar(&o.from, "from", "", "the note (path from the vault root) the links would be written in; it need not exist (default: a note at the vault root)")
	o.addFlags(fs, true)
	return cmd
}

// resolveDocument is what resolve --format json prints.
type resolveDocument struct {
	Version int    `json:"version"`
	Vault   string `json:"vault"`
	Dialect string `json:"dialect"`
	Level   string `json:"level"`
	// From is the note the links would be written in, "" for the root.
	From    string                 `json:"from"`
	Results []workspace.Resolution `json:"results"`
}

func runResolve(cmd *cobra.Command, e *env, o *resolveOptions, names []string) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("unknown --format %q (want text or json)", o.format)
	}
	wo := o.workspaceOptions(cmd)
	wo.Once = true
	rep, err := workspace.Load(o.vault, wo)
	if err != nil {
		return err
	}
	defer rep.Vault.Close()
	warnPendingOp(e, rep)
	rs, err := workspace.Resolve(rep, names, workspace.ResolveOptions{From: o.from})
	if err != nil {
		return err
	}
	report.Problems(e.stderr, rep.Problems)
	report.Warnings(e.stderr, rep.Warnings)
	if o.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err := enc.Encode(resolveDocument{
			Version: 1, Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(),
			From: o.from, Results: rs,
		})
		if err != nil {
			return err
		}
	} else {
		var b []byte
		for i := range rs {
			b = appendResolution(b, &rs[i])
		}
		if _, err := e.stdout.Write(b); err != nil {
			return err
		}
	}
	for i := range rs {
		if !rs[i].Exact() {
			return exitCode(ExitFindings)
		}
	}
	return nil
}

// appendResolution appends one line of resolve's text output: the class
// (heading for a name whose note resolves but whose #heading does not),
// the link as asked, the link to write when apply would write it, and
// why, in the words check uses for the same link.
func appendResolution(b []byte, r *workspace.Resolution) []byte {
	class := r.Class
	if class == workspace.ResolveExact && !r.Exact() {
		class = "heading"
	}
	b = append(b, class...)
	b = append(b, ": "...)
	asked := "[[" + r.Name + "]]"
	if r.Apply && r.Link != "" {
		b = report.AppendChange(b, asked, r.Link)
	} else {
		b = append(b, asked...)
	}
	var parts []string
	switch {
	case r.Class == workspace.ResolveAmbiguous || r.Class == workspace.ResolveBroken ||
		(r.Class == workspace.ResolveAlias || r.Class == workspace.ResolveDuplicate) && !r.Apply:
		f := plan.Finding{Class: r.Class, Candidates: r.Candidates, Aliases: r.Aliases, Hints: r.Hints, Level: r.Level, Message: r.Message}
		if r.Class == workspace.ResolveAlias && len(f.Candidates) == 0 || r.Class == workspace.ResolveDuplicate {
			f.Candidates = []string{r.Note}
		}
		if d := report.Detail(f); d != "" {
			parts = append(parts, strings.TrimSuffix(strings.TrimPrefix(d, " ("), ")"))
		}
		if r.Link != "" && !r.Apply {
			parts = append(parts, "canonical: "+r.Link)
		}
	case r.Class == workspace.ResolveExternal:
		parts = append(parts, "another vault's note: not checked")
	default:
		if r.Note != "" && (r.Heading == nil || r.Heading.Message == "") {
			// A heading's message names the note itself.
			parts = append(parts, report.Name(r.Note))
		}
		for _, a := range r.Aliases {
			parts = append(parts, fmt.Sprintf("alias %q", a.Alias))
		}
		if r.Duplicate != "" {
			parts = append(parts, "instead of its duplicate "+report.Name(r.Duplicate))
		}
		if r.Message != "" {
			parts = append(parts, r.Message)
		}
		if r.Level != "" && r.Level != "exact" {
			parts = append(parts, "at level "+r.Level)
		}
	}
	if h := r.Heading; h != nil && h.Message != "" {
		parts = append(parts, h.Message)
		if len(h.Candidates) > 0 {
			parts = append(parts, "candidates: "+strings.Join(h.Candidates, ", "))
		}
	}
	if len(parts) > 0 {
		b = append(b, " ("...)
		b = append(b, strings.Join(parts, "; ")...)
		b = append(b, ')')
	}
	return append(b, '\n')
}
