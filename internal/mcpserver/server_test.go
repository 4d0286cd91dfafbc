package mcpserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/relinkmd/relink/internal/mcpserver"
)

// relinkBin is relink built for these tests: the server runs as the
// real command, in its own process, as an MCP client starts it. (The test
// cache does not see the build's sources outside this package: after a
// change elsewhere, run these tests with -count=1.)
var relinkBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "relink-mcp-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tmp)
	// The snapshot stores and caches of the servers started here are
	// the tests' own.
	os.Setenv("XDG_STATE_HOME", filepath.Join(tmp, "state"))
	if gobin, err := exec.LookPath("go"); err == nil {
		bin := filepath.Join(tmp, "relink")
		cmd := exec.Command(gobin, "build", "-o", bin, "github.com/relinkmd/relink/cmd/relink")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			panic("building relink: " + err.Error())
		}
		relinkBin = bin
	}
	return m.Run()
}

// connect starts `relink mcp dir args...` and returns a client session
// with it.
func connect(t *testing.T, dir string, args ...string) *mcp.ClientSession {
	t.Helper()
	if relinkBin == "" {
		t.Skip("no go command to build relink with")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.Command(relinkBin, append([]string{"mcp", dir}, args...)...)
	cmd.Stderr = os.Stderr
	client := mcp.NewClient(&mcp.Implementation{Name: "relink-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool that must succeed and decodes its structured output.
func call[Out any](t *testing.T, cs *mcp.ClientSession, tool string, args any) Out {
	t.Helper()
	res := callRaw(t, cs, tool, args)
	if res.IsError {
		t.Fatalf("%s: tool error: %s", tool, text(res))
	}
	var out Out
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: output %s: %v", tool, b, err)
	}
	return out
}

func callRaw(t *testing.T, cs *mcp.ClientSession, tool string, args any) *mcp.CallToolResult {
	t.Helper()
	if args == nil {
		args = map[string]any{}
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// newVault writes a small vault: a variant link, a broken one and a
// heading.
func newVault(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "a.md", "# A\n\nSee [[b note]] and [[Nowhere]].\n")
	write(t, dir, "B Note.md", "# Details\n\nback to [[a]]\n")
	write(t, dir, "c.md", "[[B Note#Details]]\n")
	return dir
}

func write(t *testing.T, dir, p, s string) {
	t.Helper()
	full := filepath.Join(dir, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var allTools = []string{"apply", "check", "merge", "mv", "plan", "resolve", "snapshots", "undo"}

func TestListTools(t *testing.T) {
	cs := connect(t, newVault(t))
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		for what, schema := range map[string]any{"input": tool.InputSchema, "output": tool.OutputSchema} {
			m, ok := schema.(map[string]any)
			if !ok || m["type"] != "object" {
				t.Errorf("%s: %s schema %v; want an object schema", tool.Name, what, schema)
			}
		}
		if tool.Description == "" {
			t.Errorf("%s has no description", tool.Name)
		}
		if tool.Annotations == nil {
			t.Errorf("%s has no annotations", tool.Name)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, allTools) {
		t.Fatalf("tools %v, want %v", names, allTools)
	}
	// The schemas are the typed structs': a field of each is there.
	for _, tool := range res.Tools {
		if tool.Name == "apply" {
			props := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
			if _, ok := props["edits"]; !ok {
				t.Errorf("apply's input schema has no edits: %v", props)
			}
			out := tool.OutputSchema.(map[string]any)["properties"].(map[string]any)
			if _, ok := out["snapshot"]; !ok {
				t.Errorf("apply's output schema has no snapshot: %v", out)
			}
		}
	}
}

func TestCheckAndPlan(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir)
	chk := call[mcpserver.CheckResult](t, cs, "check", nil)
	if chk.Stats.Notes != 3 || chk.Stats.Variant != 1 || chk.Stats.Broken != 1 || chk.Edits != 1 || len(chk.Findings) != 1 {
		t.Fatalf("check: %+v", chk)
	}
	if f := chk.Findings[0]; f.File != "a.md" || f.Class != "broken" || f.Link != "[[Nowhere]]" {
		t.Fatalf("finding %+v", f)
	}
	only := call[mcpserver.CheckResult](t, cs, "check", map[string]any{"paths": []string{"c.md"}})
	if len(only.Findings) != 0 || only.Edits != 0 || only.SelectedNotes != 1 {
		t.Fatalf("check of c.md: %+v", only)
	}
	if res := callRaw(t, cs, "check", map[string]any{"paths": []string{"nope.md"}}); !res.IsError || !strings.Contains(text(res), "nope.md") {
		t.Fatalf("check of a missing note: %v %s; want a tool error naming it", res.IsError, text(res))
	}
	pl := call[mcpserver.PlanResult](t, cs, "plan", nil)
	if len(pl.Edits) != 1 || pl.Edits[0].New != "[[B Note]]" || pl.Edits[0].ID == "" || pl.Truncated {
		t.Fatalf("plan: %+v", pl)
	}
	// A limit lists fewer, says so, and counts everything.
	write(t, dir, "d.md", "[[Gone One]] [[Gone Two]] [[a note]]\n")
	lim := call[mcpserver.CheckResult](t, cs, "check", map[string]any{"limit": 2})
	if len(lim.Findings) != 2 || !lim.Truncated || lim.Stats.Broken != 4 {
		t.Fatalf("check with limit 2: %+v", lim)
	}
	if pl := call[mcpserver.PlanResult](t, cs, "plan", map[string]any{"limit": 1}); len(pl.Edits) != 1 || pl.Truncated {
		t.Fatalf("plan with limit 1 of 1 edit: %+v", pl)
	}
	for _, tool := range []string{"check", "plan"} {
		if res := callRaw(t, cs, tool, map[string]any{"limit": -1}); !res.IsError || !strings.Contains(text(res), "limit -1") {
			t.Errorf("%s with limit -1: error %v %q; want a tool error naming the limit", tool, res.IsError, text(res))
		}
	}
	if res := callRaw(t, cs, "snapshots", nil); res.IsError {
		t.Fatalf("snapshots: %s", text(res))
	}
}

func TestResolve(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir)
	out := call[mcpserver.ResolveResult](t, cs, "resolve", map[string]any{"names": []string{"a", "b note", "Nowhere", "B Note#Details", "B Note#Nope"}})
	got := map[string]string{}
	for _, r := range out.Results {
		got[r.Name] = r.Class
	}
	want := map[string]string{"a": "exact", "b note": "variant", "Nowhere": "broken", "B Note#Details": "exact", "B Note#Nope": "exact"}
	if len(out.Results) != 5 || !maps.Equal(got, want) {
		t.Fatalf("resolve: %+v", out.Results)
	}
	if r := out.Results[1]; r.Write != "B Note" || r.Note != "B Note.md" {
		t.Fatalf("b note: %+v; want the note B Note.md and the name to write", r)
	}
	if r := out.Results[3]; r.Heading == nil || r.Heading.State != "ok" || !r.Exact() {
		t.Fatalf("B Note#Details: %+v", r)
	}
	if r := out.Results[4]; r.Heading == nil || r.Heading.State != "broken" || r.Exact() {
		t.Fatalf("B Note#Nope: %+v", r)
	}
	// A note written after the server started is resolved at once.
	write(t, dir, "Nowhere.md", "# N\n")
	out = call[mcpserver.ResolveResult](t, cs, "resolve", map[string]any{"names": []string{"Nowhere"}, "from": filepath.Join(dir, "a.md")})
	if out.Results[0].Class != "exact" {
		t.Fatalf("Nowhere after it was written: %+v", out.Results[0])
	}
}

func TestReadOnlyRefusal(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir)
	before := read(t, dir, "a.md")
	for tool, args := range map[string]any{
		"apply": nil,
		"undo":  nil,
		"mv":    map[string]any{"from": "a.md", "to": "z.md"},
		"merge": map[string]any{"duplicate": "c.md", "canonical": "a.md"},
	} {
		res := callRaw(t, cs, tool, args)
		if !res.IsError || !strings.Contains(text(res), "--allow-writes") {
			t.Errorf("%s on a read-only server: error %v %q; want a tool error naming --allow-writes", tool, res.IsError, text(res))
		}
	}
	if read(t, dir, "a.md") != before {
		t.Fatal("a read-only server changed a.md")
	}
	if _, err := os.Stat(filepath.Join(dir, "z.md")); err == nil {
		t.Fatal("a read-only server moved a.md")
	}
	// A dry run answers.
	mv := call[mcpserver.MoveResult](t, cs, "mv", map[string]any{"from": "B Note.md", "to": "sub/B Moved.md", "dry_run": true})
	if mv.To != "sub/B Moved.md" || len(mv.Edits) == 0 || mv.Snapshot != "" {
		t.Fatalf("mv dry run: %+v", mv)
	}
	mg := call[mcpserver.MergeResult](t, cs, "merge", map[string]any{"duplicate": "c.md", "canonical": "a.md", "dry_run": true})
	if mg.Duplicate != "c.md" || mg.Canonical != "a.md" || mg.Snapshot != "" {
		t.Fatalf("merge dry run: %+v", mg)
	}
	if read(t, dir, "c.md") != "[[B Note#Details]]\n" {
		t.Fatal("a dry run changed c.md")
	}
}

func TestApplyThenUndoByteExact(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir, "--allow-writes")
	files := []string{"a.md", "B Note.md", "c.md"}
	before := map[string]string{}
	for _, f := range files {
		before[f] = read(t, dir, f)
	}
	pl := call[mcpserver.PlanResult](t, cs, "plan", nil)
	ap := call[mcpserver.WriteResult](t, cs, "apply", map[string]any{"edits": []string{pl.Edits[0].ID}})
	if ap.Snapshot == "" || len(ap.Changed) != 1 || ap.Changed[0].Path != "a.md" {
		t.Fatalf("apply: %+v", ap)
	}
	if got := read(t, dir, "a.md"); got != "# A\n\nSee [[B Note]] and [[Nowhere]].\n" {
		t.Fatalf("a.md after apply: %q", got)
	}
	// The server saw its own write.
	if chk := call[mcpserver.CheckResult](t, cs, "check", nil); chk.Edits != 0 || chk.Stats.Variant != 0 {
		t.Fatalf("check after apply: %+v", chk)
	}
	snaps := call[mcpserver.SnapshotsResult](t, cs, "snapshots", nil)
	if len(snaps.Snapshots) != 1 || snaps.Snapshots[0].ID != ap.Snapshot || !snaps.Snapshots[0].InEffect || snaps.Snapshots[0].Op != "apply" {
		t.Fatalf("snapshots: %+v", snaps)
	}
	un := call[mcpserver.UndoResult](t, cs, "undo", map[string]any{"snapshot": ap.Snapshot})
	if un.Undone != ap.Snapshot || !slices.Equal(un.Restored, []string{"a.md"}) {
		t.Fatalf("undo: %+v", un)
	}
	for _, f := range files {
		if got := read(t, dir, f); got != before[f] {
			t.Fatalf("%s after undo: %q, want %q", f, got, before[f])
		}
	}
	if chk := call[mcpserver.CheckResult](t, cs, "check", nil); chk.Edits != 1 {
		t.Fatalf("check after undo: %+v", chk)
	}
}

func TestFileEditedBetweenCalls(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir, "--allow-writes")
	pl := call[mcpserver.PlanResult](t, cs, "plan", nil)
	if chk := call[mcpserver.CheckResult](t, cs, "check", nil); chk.Stats.Broken != 1 {
		t.Fatalf("check: %+v", chk)
	}
	edited := "# A\n\nSee [[b note]] and [[Nowhere]] and [[Elsewhere]].\n"
	write(t, dir, "a.md", edited)
	// The next call sees the edit.
	if chk := call[mcpserver.CheckResult](t, cs, "check", nil); chk.Stats.Broken != 2 {
		t.Fatalf("check after the edit: %+v; want 2 broken", chk)
	}
	// An edit planned before the file changed is refused, and nothing
	// is written.
	res := callRaw(t, cs, "apply", map[string]any{"edits": []string{pl.Edits[0].ID}})
	if !res.IsError || !strings.Contains(text(res), "plan again") {
		t.Fatalf("apply of a stale edit: error %v %q; want a refusal", res.IsError, text(res))
	}
	if read(t, dir, "a.md") != edited {
		t.Fatal("a stale edit was applied")
	}
	// Planned again, it applies.
	pl = call[mcpserver.PlanResult](t, cs, "plan", map[string]any{"paths": []string{"a.md"}})
	ap := call[mcpserver.WriteResult](t, cs, "apply", map[string]any{"edits": []string{pl.Edits[0].ID}})
	if len(ap.Changed) != 1 || read(t, dir, "a.md") != "# A\n\nSee [[B Note]] and [[Nowhere]] and [[Elsewhere]].\n" {
		t.Fatalf("apply after planning again: %+v, a.md %q", ap, read(t, dir, "a.md"))
	}
}

func TestMoveAndMerge(t *testing.T) {
	dir := newVault(t)
	cs := connect(t, dir, "--allow-writes")
	mv := call[mcpserver.MoveResult](t, cs, "mv", map[string]any{"from": "B Note.md", "to": "sub/B Moved.md"})
	if mv.Snapshot == "" || len(mv.Moves) != 1 || mv.Moves[0].To != "sub/B Moved.md" {
		t.Fatalf("mv: %+v", mv)
	}
	if got := read(t, dir, "c.md"); got != "[[B Moved#Details]]\n" {
		t.Fatalf("c.md after mv: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "B Note.md")); err == nil {
		t.Fatal("B Note.md is still there")
	}
	// The server holds the moved note: its links resolve.
	chk := call[mcpserver.CheckResult](t, cs, "check", nil)
	if chk.Stats.Notes != 3 || chk.Stats.Heading != 0 || chk.Stats.Broken != 1 || chk.Edits != 0 {
		t.Fatalf("check after mv: %+v", chk)
	}
	mg := call[mcpserver.MergeResult](t, cs, "merge", map[string]any{"duplicate": "c.md", "canonical": "a.md"})
	if mg.Snapshot == "" || !strings.Contains(read(t, dir, "c.md"), "duplicate_of") {
		t.Fatalf("merge: %+v, c.md %q", mg, read(t, dir, "c.md"))
	}
	// Undo takes the last one in effect: the merge.
	un := call[mcpserver.UndoResult](t, cs, "undo", nil)
	if un.Undone != mg.Snapshot || read(t, dir, "c.md") != "[[B Moved#Details]]\n" {
		t.Fatalf("undo: %+v, c.md %q", un, read(t, dir, "c.md"))
	}
}

// TestConcurrentWrites: write calls that arrive together each get their
// turn, rather than finding the snapshot store locked by the server
// itself; each apply has its own snapshot, and undoing them all gives the
// bytes back.
func TestConcurrentWrites(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Target Note.md", "# Target\n")
	const n = 8
	before := map[string]string{}
	for i := range n {
		f := fmt.Sprintf("n%d.md", i)
		write(t, dir, f, fmt.Sprintf("note %d links [[target-note]]\n", i))
		before[f] = read(t, dir, f)
	}
	cs := connect(t, dir, "--allow-writes")
	pl := call[mcpserver.PlanResult](t, cs, "plan", nil)
	if len(pl.Edits) != n {
		t.Fatalf("plan: %d edits, want %d", len(pl.Edits), n)
	}
	results := make([]*mcp.CallToolResult, n)
	var wg sync.WaitGroup
	for i, e := range pl.Edits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "apply", Arguments: map[string]any{"edits": []string{e.ID}}})
			if err != nil {
				t.Errorf("apply %s: %v", e.ID, err)
				return
			}
			results[i] = res
		}()
	}
	wg.Wait()
	for i, res := range results {
		if res != nil && res.IsError {
			t.Errorf("apply %s: tool error: %s", pl.Edits[i].ID, text(res))
		}
	}
	if t.Failed() {
		return
	}
	for f := range before {
		if got := read(t, dir, f); !strings.Contains(got, "[[Target Note]]") {
			t.Errorf("%s after the applies: %q", f, got)
		}
	}
	snaps := call[mcpserver.SnapshotsResult](t, cs, "snapshots", nil)
	if len(snaps.Snapshots) != n {
		t.Fatalf("%d snapshots, want %d: %+v", len(snaps.Snapshots), n, snaps)
	}
	for range n {
		call[mcpserver.UndoResult](t, cs, "undo", nil)
	}
	for f, want := range before {
		if got := read(t, dir, f); got != want {
			t.Errorf("%s after undo: %q, want %q", f, got, want)
		}
	}
}
