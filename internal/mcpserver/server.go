// Package mcpserver serves a vault to Model Context Protocol clients (LLM
// agents) over stdio: the tools resolve, check, plan, apply, undo, mv,
// merge and snapshots, each with typed input and output schemas. It is a
// shell over workspace.Engine, which keeps the vault loaded and follows
// its files: every rule lives in the workspace.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/workspace"
)

// Options configure the server.
type Options struct {
	// AllowWrites lets apply, undo, mv and merge change files; without it
	// they refuse (read-only, the default).
	AllowWrites bool
	// Store is the snapshot store folder ("": the config's or the
	// default, as for the CLI).
	Store string
	// Version is relink's, announced to clients.
	Version string
}

// New returns an MCP server over the engine's vault.
func New(eng *workspace.Engine, opt Options) *mcp.Server {
	s := &server{eng: eng, opt: opt}
	srv := mcp.NewServer(&mcp.Implementation{Name: "relink", Title: "relink", Version: opt.Version}, &mcp.ServerOptions{
		Instructions: "relink knows the vault's notes and how its [[wikilinks]] resolve. Call resolve before writing a link, to write the name the vault knows; check or plan to find broken links and spelling variants; apply (with --allow-writes) to repair them with a snapshot that undo reverts.",
	})
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	writes := func(title string, destructive bool) *mcp.ToolAnnotations {
		return &mcp.ToolAnnotations{Title: title, DestructiveHint: &destructive, OpenWorldHint: new(bool)}
	}
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "resolve",
		Description: "Before writing a link [[NAME]], ask what it would do in this vault: exact (it works), variant or renamed (write the name in write instead), ambiguous (candidates), alias (the note the alias belongs to), duplicate (the canonical note), broken (near names in hints). A name may carry #heading. Give from, the note the link goes in, for relative paths and [[#heading]].",
		Annotations: readOnly,
	}, s.resolve)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "check",
		Description: "Check the vault's links, or only those of the given notes or folders: counts by class (resolved, variant, ambiguous, alias, broken, duplicate, heading, renamed) and every finding that needs a person (broken, ambiguous, alias-only, ...). Edits relink can make itself are counted here and listed by plan.",
		Annotations: readOnly,
	}, s.check)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "plan",
		Description: "The edits relink would make (spelling variants, renamed notes, with the options in force), for the vault or only in the given notes or folders. Each edit has an id that apply takes.",
		Annotations: readOnly,
	}, s.plan)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "snapshots",
		Description: "The vault's snapshots, oldest first: each apply, undo, mv and merge, with whether it is still in effect (undo reverts the last one in effect).",
		Annotations: readOnly,
	}, s.snapshots)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "apply",
		Description: "Rewrite the links of the current plan, or only the edits whose ids are given (from plan). Snapshots every file first; a file changed since it was planned is refused. Returns the snapshot id, which undo takes. Needs the server started with --allow-writes.",
		Annotations: writes("Apply the plan", false),
	}, s.apply)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "undo",
		Description: "Revert a snapshot (by id, default the last apply, mv or merge still in effect): each file it wrote gets its old bytes back, unless edited since (force overrides). dry_run only reports. Needs --allow-writes unless dry_run.",
		Annotations: writes("Undo a snapshot", true),
	}, s.undo)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "mv",
		Description: "Move or rename a note, a folder of notes, or a heading (from NOTE.md#Heading, to the new heading text); every link that pointed there is rewritten to follow. dry_run returns the plan and changes nothing. Needs --allow-writes unless dry_run.",
		Annotations: writes("Move a note", true),
	}, s.mv)
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "merge",
		Description: "Merge the note duplicate into the note canonical: every link to the duplicate is sent to the canonical note, and the duplicate is marked duplicate_of (or deleted with delete). dry_run returns the plan and changes nothing. Needs --allow-writes unless dry_run.",
		Annotations: writes("Merge a duplicate note", true),
	}, s.merge)
	return srv
}

// Run serves the engine's vault on stdio until the client goes away or
// ctx is cancelled.
func Run(ctx context.Context, eng *workspace.Engine, opt Options) error {
	return New(eng, opt).Run(ctx, &mcp.StdioTransport{})
}

type server struct {
	eng *workspace.Engine
	opt Options
}

// current is the report a call answers from: with the changes the watcher
// has seen so far.
func (s *server) current() *workspace.Report {
	s.eng.Flush()
	return s.eng.Report()
}

// refuseWrite is the read-only refusal, a tool error that says how to
// allow writes.
func refuseWrite(tool string) error {
	msg := fmt.Sprintf("%s changes files, and this server is read-only: start it with `relink mcp --allow-writes` to allow apply, undo, mv and merge", tool)
	if tool != "apply" {
		msg += "; dry_run changes nothing and needs no --allow-writes"
	}
	return errors.New(msg)
}

// ResolveInput names the links to resolve.
type ResolveInput struct {
	Names []string `json:"names" jsonschema:"link targets as they would be written inside [[ ]]: a title, a path, with #heading or #^block"`
	From  string   `json:"from,omitempty" jsonschema:"the vault path of the note the links would be written in (need not exist yet); the vault root when absent"`
}

// ResolveResult is resolve's output.
type ResolveResult struct {
	Results []workspace.Resolution `json:"results" jsonschema:"one per name, in order"`
}

func (s *server) resolve(ctx context.Context, _ *mcp.CallToolRequest, in ResolveInput) (*mcp.CallToolResult, ResolveResult, error) {
	from := in.From
	if from != "" {
		var err error
		if from, err = s.eng.VaultPath(from); err != nil {
			return nil, ResolveResult{Results: []workspace.Resolution{}}, err
		}
	}
	rs, err := workspace.Resolve(s.current(), in.Names, workspace.ResolveOptions{From: from})
	if rs == nil {
		rs = []workspace.Resolution{}
	}
	return nil, ResolveResult{Results: rs}, err
}

// Paths selects notes.
type Paths struct {
	Paths []string `json:"paths,omitempty" jsonschema:"vault paths (relative to the vault or absolute) of notes or folders to report on; the whole vault when empty"`
	Limit int      `json:"limit,omitempty" jsonschema:"list at most this many findings (check) or edits (plan), in file order; all when 0; a negative limit is refused. The counts always cover everything"`
}

// Counts are a report's counts: the vault's, and the selection's by class.
type Counts struct {
	Stats plan.Stats `json:"stats" jsonschema:"the vault's counts: notes, links, and links by class"`
	// Selected are set when paths were given.
	SelectedNotes int            `json:"selected_notes,omitempty" jsonschema:"notes at or under the paths given"`
	Selected      map[string]int `json:"selected,omitempty" jsonschema:"edits and findings in the paths given, by class"`
}

// CheckResult is check's output.
type CheckResult struct {
	Vault   string `json:"vault"`
	Dialect string `json:"dialect"`
	Level   string `json:"level"`
	Counts
	Edits    int            `json:"edits" jsonschema:"edits relink can make (see plan)"`
	Findings []plan.Finding `json:"findings" jsonschema:"links that need a person, with candidates and hints"`
	// Truncated says limit left findings out.
	Truncated bool            `json:"truncated,omitempty" jsonschema:"limit left some findings out"`
	Problems  []vault.Problem `json:"problems,omitempty" jsonschema:"files that could not be read as notes"`
	Warnings  []string        `json:"warnings,omitempty"`
}

func (s *server) check(ctx context.Context, _ *mcp.CallToolRequest, in Paths) (*mcp.CallToolResult, CheckResult, error) {
	rep := s.current()
	out := CheckResult{Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(), Warnings: rep.Warnings}
	out.Stats = rep.Plan.Stats
	if err := in.checkLimit(); err != nil {
		return nil, out, err
	}
	edits, findings, problems, err := s.selected(rep, in.Paths, &out.Counts)
	if err != nil {
		return nil, out, err
	}
	out.Edits, out.Findings, out.Problems = len(edits), findings, problems
	if in.Limit > 0 && len(out.Findings) > in.Limit {
		out.Findings, out.Truncated = out.Findings[:in.Limit], true
	}
	if out.Findings == nil {
		out.Findings = []plan.Finding{}
	}
	return nil, out, nil
}

// checkLimit refuses a negative limit: it would list everything, as 0
// does, and a caller who sent one meant something else.
func (in Paths) checkLimit() error {
	if in.Limit < 0 {
		return fmt.Errorf("limit %d: give 0 (everything) or a positive number", in.Limit)
	}
	return nil
}

// selected is the report's, or the paths' share of it.
func (s *server) selected(rep *workspace.Report, paths []string, c *Counts) ([]plan.Edit, []plan.Finding, []vault.Problem, error) {
	if len(paths) == 0 {
		return rep.Plan.Edits, rep.Plan.Findings, rep.Problems, nil
	}
	sel, err := s.eng.Select(rep, paths)
	if err != nil {
		return nil, nil, nil, err
	}
	c.SelectedNotes, c.Selected = sel.Notes, sel.Counts
	return sel.Edits, sel.Findings, sel.Problems, nil
}

// Edit is a planned edit with the id apply takes.
type Edit struct {
	ID string `json:"id" jsonschema:"names the edit for apply; it names no edit once its file changes"`
	plan.Edit
}

// PlanResult is plan's output.
type PlanResult struct {
	Vault   string `json:"vault"`
	Dialect string `json:"dialect"`
	Level   string `json:"level"`
	Counts
	Edits     []Edit   `json:"edits"`
	Truncated bool     `json:"truncated,omitempty" jsonschema:"limit left some edits out"`
	Warnings  []string `json:"warnings,omitempty"`
}

func (s *server) plan(ctx context.Context, _ *mcp.CallToolRequest, in Paths) (*mcp.CallToolResult, PlanResult, error) {
	rep := s.current()
	out := PlanResult{Vault: rep.Vault.Dir, Dialect: rep.Settings.Dialect.Name(), Level: rep.Settings.Level.String(), Warnings: rep.Warnings, Edits: []Edit{}}
	out.Stats = rep.Plan.Stats
	if err := in.checkLimit(); err != nil {
		return nil, out, err
	}
	edits, _, _, err := s.selected(rep, in.Paths, &out.Counts)
	if err != nil {
		return nil, out, err
	}
	if in.Limit > 0 && len(edits) > in.Limit {
		edits, out.Truncated = edits[:in.Limit], true
	}
	for i := range edits {
		out.Edits = append(out.Edits, Edit{ID: workspace.EditID(rep, &edits[i]), Edit: edits[i]})
	}
	return nil, out, nil
}

// ApplyInput chooses what apply applies.
type ApplyInput struct {
	Edits []string `json:"edits,omitempty" jsonschema:"ids of the edits to apply (from plan); the whole current plan when absent"`
}

// Skip is a file a write left alone.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// FileChange is a file a write rewrote.
type FileChange struct {
	Path  string      `json:"path"`
	Edits []plan.Edit `json:"edits,omitempty"`
}

// WriteResult is what a write did.
type WriteResult struct {
	Snapshot    string       `json:"snapshot,omitempty" jsonschema:"the snapshot recording the write, which undo takes; absent when nothing was written"`
	Changed     []FileChange `json:"changed"`
	Skipped     []Skip       `json:"skipped,omitempty" jsonschema:"files left alone, and why"`
	Interrupted bool         `json:"interrupted,omitempty"`
}

func writeResult(r *workspace.ApplyResult) WriteResult {
	out := WriteResult{Changed: []FileChange{}}
	if r == nil {
		return out
	}
	out.Snapshot, out.Interrupted = r.Snapshot.ID, r.Interrupted
	for _, c := range r.Changed {
		out.Changed = append(out.Changed, FileChange{Path: c.Path, Edits: c.Edits})
	}
	out.Skipped = skips(r.Skipped)
	return out
}

func skips(ss []workspace.Skip) []Skip {
	var out []Skip
	for _, k := range ss {
		out = append(out, Skip{Path: k.Path, Reason: k.Reason})
	}
	return out
}

func (s *server) apply(ctx context.Context, _ *mcp.CallToolRequest, in ApplyInput) (*mcp.CallToolResult, WriteResult, error) {
	if !s.opt.AllowWrites {
		return nil, WriteResult{}, refuseWrite("apply")
	}
	// A write finishes even if the client goes away: an interrupted write
	// leaves a journal for `relink recover`.
	res, err := s.eng.Apply(context.WithoutCancel(ctx), in.Edits, workspace.ApplyOptions{Store: s.opt.Store})
	return nil, writeResult(res), err
}

// UndoInput chooses the snapshot undo reverts.
type UndoInput struct {
	Snapshot string `json:"snapshot,omitempty" jsonschema:"the snapshot to undo (an id from snapshots or apply); the last one still in effect when absent"`
	Force    bool   `json:"force,omitempty" jsonschema:"also restore files edited since the snapshot (their content is kept in the new snapshot)"`
	DryRun   bool   `json:"dry_run,omitempty" jsonschema:"only report what would be restored"`
}

// UndoResult is undo's output.
type UndoResult struct {
	Undone      string   `json:"undone" jsonschema:"the snapshot reverted"`
	Snapshot    string   `json:"snapshot,omitempty" jsonschema:"the snapshot recording the undo (itself undoable)"`
	Restored    []string `json:"restored" jsonschema:"files given their old content (in a dry run: that would be)"`
	Already     []string `json:"already,omitempty" jsonschema:"files that held their old content already"`
	Overwritten []string `json:"overwritten,omitempty" jsonschema:"files edited since the snapshot that force overwrote"`
	Skipped     []Skip   `json:"skipped,omitempty"`
	DryRun      bool     `json:"dry_run,omitempty"`
}

func (s *server) undo(ctx context.Context, _ *mcp.CallToolRequest, in UndoInput) (*mcp.CallToolResult, UndoResult, error) {
	if !s.opt.AllowWrites && !in.DryRun {
		return nil, UndoResult{}, refuseWrite("undo")
	}
	res, err := s.eng.Undo(context.WithoutCancel(ctx), workspace.UndoOptions{Store: s.opt.Store, Snapshot: in.Snapshot, Force: in.Force, DryRun: in.DryRun})
	out := UndoResult{Restored: []string{}, DryRun: in.DryRun}
	if res != nil {
		out.Undone, out.Snapshot = res.Target.ID, res.Snapshot.ID
		out.Restored = append(out.Restored, res.Restored...)
		out.Already, out.Overwritten, out.Skipped = res.Already, res.Overwritten, skips(res.Skipped)
	}
	return nil, out, err
}

// MoveInput is mv's input.
type MoveInput struct {
	From   string `json:"from" jsonschema:"the note, folder, or NOTE.md#Heading to move or rename"`
	To     string `json:"to" jsonschema:"the new path (a folder receives the note under its own name), or the heading's new text"`
	DryRun bool   `json:"dry_run,omitempty" jsonschema:"only plan the move"`
}

// Moved is a file a move carries.
type Moved struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MoveResult is mv's output.
type MoveResult struct {
	From       string      `json:"from"`
	To         string      `json:"to"`
	Moves      []Moved     `json:"moves,omitempty" jsonschema:"the files moved, old and new path"`
	OldHeading string      `json:"old_heading,omitempty"`
	NewHeading string      `json:"new_heading,omitempty"`
	Edits      []plan.Edit `json:"edits" jsonschema:"the links rewritten (planned, in a dry run), by their files' new paths"`
	DryRun     bool        `json:"dry_run,omitempty"`
	WriteResult
}

func (s *server) mv(ctx context.Context, _ *mcp.CallToolRequest, in MoveInput) (*mcp.CallToolResult, MoveResult, error) {
	if !s.opt.AllowWrites && !in.DryRun {
		return nil, MoveResult{}, refuseWrite("mv")
	}
	mp, res, err := s.eng.Move(context.WithoutCancel(ctx), in.From, in.To, in.DryRun, workspace.ApplyOptions{Store: s.opt.Store})
	out := MoveResult{DryRun: in.DryRun, Edits: []plan.Edit{}}
	if mp != nil {
		out.From, out.To, out.OldHeading, out.NewHeading = mp.From, mp.To, mp.OldHeading, mp.NewHeading
		for _, m := range mp.Moved {
			out.Moves = append(out.Moves, Moved{From: m.From, To: m.To})
		}
		out.Edits = append(out.Edits, mp.Edits...)
	}
	if res != nil {
		out.WriteResult = writeResult(&res.ApplyResult)
	} else {
		out.Changed = []FileChange{}
	}
	return nil, out, err
}

// MergeInput is merge's input.
type MergeInput struct {
	Duplicate string `json:"duplicate" jsonschema:"the duplicate note, whose links go to the canonical one"`
	Canonical string `json:"canonical" jsonschema:"the note that stays"`
	Delete    bool   `json:"delete,omitempty" jsonschema:"delete the duplicate instead of marking it duplicate_of"`
	Alias     bool   `json:"alias,omitempty" jsonschema:"add the duplicate's title to the canonical note's aliases"`
	DryRun    bool   `json:"dry_run,omitempty" jsonschema:"only plan the merge"`
}

// MergeResult is merge's output.
type MergeResult struct {
	Duplicate       string         `json:"duplicate"`
	Canonical       string         `json:"canonical"`
	Edits           []plan.Edit    `json:"edits" jsonschema:"the links sent to the canonical note"`
	Findings        []plan.Finding `json:"findings,omitempty" jsonschema:"links sent whose #heading the canonical note lacks"`
	MissingHeadings []string       `json:"missing_headings,omitempty" jsonschema:"the duplicate's headings the canonical note lacks"`
	Alias           string         `json:"alias,omitempty" jsonschema:"the alias added to the canonical note"`
	Deleted         bool           `json:"deleted,omitempty"`
	DryRun          bool           `json:"dry_run,omitempty"`
	WriteResult
}

func (s *server) merge(ctx context.Context, _ *mcp.CallToolRequest, in MergeInput) (*mcp.CallToolResult, MergeResult, error) {
	if !s.opt.AllowWrites && !in.DryRun {
		return nil, MergeResult{}, refuseWrite("merge")
	}
	mp, res, err := s.eng.Merge(context.WithoutCancel(ctx), in.Duplicate, in.Canonical, workspace.MergeOptions{Delete: in.Delete, Alias: in.Alias}, in.DryRun, workspace.ApplyOptions{Store: s.opt.Store})
	out := MergeResult{DryRun: in.DryRun, Edits: []plan.Edit{}}
	if mp != nil {
		out.Duplicate, out.Canonical = mp.Dup, mp.Canon
		out.Edits = append(out.Edits, mp.Edits...)
		out.Findings, out.MissingHeadings, out.Alias = mp.Findings, mp.MissingHeadings, mp.Alias
	}
	if res != nil {
		out.WriteResult = writeResult(&res.ApplyResult)
		out.Deleted = res.Deleted
	} else {
		out.Changed = []FileChange{}
	}
	return nil, out, err
}

// Snapshot is one snapshot of the store.
type Snapshot struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Op       string    `json:"op" jsonschema:"apply, undo, restore, mv or merge"`
	Files    int       `json:"files"`
	UndoneBy string    `json:"undone_by,omitempty" jsonschema:"the undo that reverted it"`
	InEffect bool      `json:"in_effect" jsonschema:"some of its files were not reverted: undo has something to revert"`
}

// SnapshotsResult is snapshots' output.
type SnapshotsResult struct {
	Snapshots []Snapshot `json:"snapshots" jsonschema:"oldest first"`
}

func (s *server) snapshots(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, SnapshotsResult, error) {
	out := SnapshotsResult{Snapshots: []Snapshot{}}
	h, err := workspace.Snapshots(s.eng.Dir(), s.opt.Store)
	if err != nil {
		return nil, out, err
	}
	for _, e := range h {
		out.Snapshots = append(out.Snapshots, Snapshot{ID: e.ID, Time: e.Time, Op: string(e.Op), Files: len(e.Files), UndoneBy: e.UndoneBy, InEffect: e.InEffect()})
	}
	return nil, out, nil
}
