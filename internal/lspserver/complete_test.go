package lspserver_test

import (
	"testing"
)

type completionItem struct {
	Label      string   `json:"label"`
	Detail     string   `json:"detail"`
	SortText   string   `json:"sortText"`
	FilterText string   `json:"filterText"`
	TextEdit   textEdit `json:"textEdit"`
}

// completeAfter opens a note whose text is line, asks for completion at
// its end, and returns the items.
func (c *client) completeAfter(rel, line string) []completionItem {
	c.t.Helper()
	c.openText(rel, line)
	var res struct {
		IsIncomplete bool             `json:"isIncomplete"`
		Items        []completionItem `json:"items"`
	}
	c.call("textDocument/completion", textDoc(c.uri(rel), 0, len([]rune(line))), &res)
	return res.Items
}

func labels(items []completionItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return out
}

// TestCompletion: after "[[" notes by the ladder (canonical names first,
// then aliases inserting [[Canonical|alias]]), after "#" headings, after
// "#^" block ids, after "](" relative paths; each inserting over what
// was typed.
func TestCompletion(t *testing.T) {
	c := start(t, sampleVault(t), nil)

	line := "See [[disaster-rec"
	items := c.completeAfter("New.md", line)
	if len(items) == 0 || items[0].Label != "Disaster Recovery" {
		t.Fatalf("[[disaster-rec offers %q, want Disaster Recovery first", labels(items))
	}
	it := items[0]
	if got := applyEdits(t, line, []textEdit{it.TextEdit}); got != "See [[Disaster Recovery]]" {
		t.Errorf("inserting Disaster Recovery gives %q", got)
	}
	if it.FilterText != "disaster-rec" || it.Detail != "Topics/Disaster Recovery.md" {
		t.Errorf("item %+v: want the typed text as filter text and the path as detail", it)
	}
	for _, l := range labels(items) {
		if l == "Disaster Recovery (2019)" {
			t.Errorf("the duplicate note is offered under its own name: %q", labels(items))
		}
	}

	line = "Ask [[D"
	items = c.completeAfter("New2.md", line)
	var alias *completionItem
	for i := range items {
		if items[i].Label == "DR" {
			alias = &items[i]
		}
	}
	if alias == nil {
		t.Fatalf("[[D offers no alias DR: %q", labels(items))
	}
	if got := applyEdits(t, line, []textEdit{alias.TextEdit}); got != "Ask [[Disaster Recovery|DR]]" {
		t.Errorf("the alias inserts %q", got)
	}
	if labels(items)[0] == "DR" {
		t.Errorf("an alias before the names: %q", labels(items))
	}

	line = "[[Disaster Recovery#back"
	items = c.completeAfter("New3.md", line)
	if len(items) != 1 || items[0].Label != "Backup Strategy" {
		t.Fatalf("headings offered: %q", labels(items))
	}
	if got := applyEdits(t, line, []textEdit{items[0].TextEdit}); got != "[[Disaster Recovery#Backup Strategy]]" {
		t.Errorf("the heading inserts %q", got)
	}

	line = "[[Disaster Recovery#^"
	items = c.completeAfter("New4.md", line)
	if len(items) != 1 || items[0].Label != "^failover" {
		t.Fatalf("block ids offered: %q", labels(items))
	}
	if got := applyEdits(t, line, []textEdit{items[0].TextEdit}); got != "[[Disaster Recovery#^failover]]" {
		t.Errorf("the block id inserts %q", got)
	}

	line = "[the plan](pager"
	items = c.completeAfter("Ops/New5.md", line)
	if len(items) == 0 || items[0].Label != "Pager Rotation" {
		t.Fatalf("](pager offers %q", labels(items))
	}
	if got := applyEdits(t, line, []textEdit{items[0].TextEdit}); got != "[the plan](Pager%20Rotation.md" {
		t.Errorf("the path inserts %q", got)
	}

	// Outside a link, nothing.
	if items := c.completeAfter("New6.md", "plain text"); len(items) != 0 {
		t.Errorf("plain text offers %q", labels(items))
	}
	// A closed link keeps its "]]".
	c.openText("New7.md", "[[pager]]")
	var res struct {
		Items []completionItem `json:"items"`
	}
	c.call("textDocument/completion", textDoc(c.uri("New7.md"), 0, 7), &res)
	if len(res.Items) == 0 || applyEdits(t, "[[pager]]", []textEdit{res.Items[0].TextEdit}) != "[[Pager Rotation]]" {
		t.Errorf("completing inside [[pager]] gives %+v", res.Items)
	}
}
