package lspserver_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

type location struct {
	URI   string   `json:"uri"`
	Range lspRange `json:"range"`
}

// TestDefinition: a link leads to its note, and to the line of the
// heading or block its fragment names, a repaired heading included.
func TestDefinition(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	home := c.open("Home.md")
	runbook := c.open("Ops/Runbook.md")
	tests := []struct {
		rel, text, link string
		wantRel         string
		wantLine        int // 0-based
	}{
		{"Home.md", home, "[[Disaster Recovery]]", "Topics/Disaster Recovery.md", 0},
		{"Home.md", home, "[[disaster-recovery]]", "Topics/Disaster Recovery.md", 0},
		{"Home.md", home, "[[Home#^intro]]", "Home.md", 14},
		{"Home.md", home, "[[#Topics]]", "Home.md", 16},
		{"Ops/Runbook.md", runbook, "[[Disaster Recovery#backup strategy]]", "Topics/Disaster Recovery.md", 15},
		{"Ops/Runbook.md", runbook, "[the plan](../Topics/disaster%20recovery.md)", "Topics/Disaster Recovery.md", 0},
	}
	for _, tt := range tests {
		line, char := positionOf(t, tt.text, tt.link, 3)
		var loc *location
		c.call("textDocument/definition", textDoc(c.uri(tt.rel), line, char), &loc)
		if loc == nil || loc.URI != c.uri(tt.wantRel) || loc.Range.Start.Line != tt.wantLine {
			t.Errorf("definition of %s: %+v, want %s line %d", tt.link, loc, tt.wantRel, tt.wantLine)
		}
	}
	// An ambiguous link leads nowhere.
	line, char := positionOf(t, home, "[[cache line]]", 3)
	var loc *location
	c.call("textDocument/definition", textDoc(c.uri("Home.md"), line, char), &loc)
	if loc != nil {
		t.Errorf("definition of an ambiguous link: %+v", loc)
	}
}

// TestReferences: the backlinks of a note (from anywhere in it), the
// links to one heading (from its line), the links that lead where the
// link under the cursor leads.
func TestReferences(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	dr := c.open("Topics/Disaster Recovery.md")
	refs := func(rel string, line, char int) []string {
		var locs []location
		c.call("textDocument/references", map[string]any{
			"textDocument": map[string]any{"uri": c.uri(rel)},
			"position":     map[string]any{"line": line, "character": char},
			"context":      map[string]any{"includeDeclaration": true},
		}, &locs)
		var out []string
		for _, l := range locs {
			rel := strings.TrimPrefix(l.URI, c.uri("")+"/")
			out = append(out, rel+":"+strconv.Itoa(l.Range.Start.Line+1))
		}
		slices.Sort(out)
		return out
	}
	line, _ := positionOf(t, dr, "How we get back", 0)
	all := refs("Topics/Disaster Recovery.md", line, 0)
	for _, want := range []string{"Home.md:19", "Home.md:20", "Ops/On-Call.md:15", "Ops/Runbook.md:15", "Ops/Runbook.md:17"} {
		if !slices.Contains(all, want) {
			t.Errorf("backlinks of Disaster Recovery %q lack %s", all, want)
		}
	}
	line, _ = positionOf(t, dr, "## Backup Strategy", 0)
	if got := refs("Topics/Disaster Recovery.md", line, 4); !slices.Equal(got, []string{"Ops/Runbook.md:15"}) {
		t.Errorf("links to the heading Backup Strategy: %q", got)
	}
	home := c.open("Home.md")
	line, char := positionOf(t, home, "[[Disaster Recovery]]", 3)
	if got := refs("Home.md", line, char); !slices.Equal(got, all) {
		t.Errorf("references from a link to Disaster Recovery %q, want its backlinks %q", got, all)
	}
}

// TestHover: the target's title, path and first lines.
func TestHover(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	home := c.open("Home.md")
	line, char := positionOf(t, home, "[[disaster-recovery]]", 3)
	var h struct {
		Contents struct {
			Kind  string `json:"kind"`
			Value string `json:"value"`
		} `json:"contents"`
		Range lspRange `json:"range"`
	}
	c.call("textDocument/hover", textDoc(c.uri("Home.md"), line, char), &h)
	want := "**Disaster Recovery**\n\n`Topics/Disaster Recovery.md`\n\n# Disaster Recovery\nHow we get back up after losing a region.\n## Backup Strategy\nNightly snapshots, see [[V8 Snapshot]] for the unrelated heap kind.\n## Failover"
	if h.Contents.Kind != "markdown" || h.Contents.Value != want {
		t.Errorf("hover %q, want %q", h.Contents.Value, want)
	}
	if h.Range.Start.Line != line {
		t.Errorf("hover range %+v", h.Range)
	}
}

// TestDocumentLinksAndSymbols: a link per link that leads to a note;
// the headings as nested symbols; notes as workspace symbols.
func TestDocumentLinksAndSymbols(t *testing.T) {
	c := start(t, sampleVault(t), nil)
	c.open("Home.md")
	var links []struct {
		Range  lspRange `json:"range"`
		Target string   `json:"target"`
	}
	c.call("textDocument/documentLink", map[string]any{"textDocument": map[string]any{"uri": c.uri("Home.md")}}, &links)
	targets := map[string]int{}
	for _, l := range links {
		targets[strings.TrimPrefix(l.Target, c.uri("")+"/")]++
	}
	if targets["Topics/Disaster%20Recovery.md"] != 4 || targets["Home.md#L15"] != 1 || targets["Home.md#L17"] != 1 {
		t.Errorf("document links %v", targets)
	}
	type symbol struct {
		Name     string   `json:"name"`
		Range    lspRange `json:"range"`
		Children []symbol `json:"children"`
	}
	var syms []symbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": c.uri("Home.md")}}, &syms)
	if len(syms) != 1 || syms[0].Name != "Home" || len(syms[0].Children) != 1 || syms[0].Children[0].Name != "Topics" {
		t.Errorf("document symbols %+v", syms)
	}
	var ws []struct {
		Name     string   `json:"name"`
		Location location `json:"location"`
	}
	c.call("workspace/symbol", map[string]any{"query": "disaster-rec"}, &ws)
	if len(ws) != 1 || ws[0].Name != "Disaster Recovery" || ws[0].Location.URI != c.uri("Topics/Disaster Recovery.md") {
		t.Errorf("workspace symbols %+v", ws)
	}
}
