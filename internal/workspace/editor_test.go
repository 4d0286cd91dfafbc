package workspace

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func editorVault(t *testing.T) *Report {
	t.Helper()
	dir, _ := newVault(t, map[string]string{
		"Topics/Disaster Recovery.md": "---\ntitle: Disaster Recovery\naliases: [DR]\n---\n# Disaster Recovery\n\n## Backup Strategy\n\ntext ^failover\n",
		"Cache-Line.md":               "# Cache-Line\n",
		"Cache_Line.md":               "# Cache_Line\n",
		"Home.md":                     "[[disaster-recovery]] [[cache line]] [[DR]] [[Nowhere]] [[Disaster Recovry]]\n",
	})
	return loadVault(t, dir)
}

// TestViewComplete: what the text before the cursor asks for, as a table.
func TestViewComplete(t *testing.T) {
	v := editorVault(t).View(nil)
	tests := []struct {
		text string // the cursor at "¶"
		want []string
	}{
		{"[[disaster-rec¶", []string{"note Disaster Recovery => Disaster Recovery]]"}},
		{"x [[dr¶", []string{"alias DR => Disaster Recovery|DR]]"}},
		{"[[disaster-rec¶]]", []string{"note Disaster Recovery => Disaster Recovery"}},
		{"![[Disaster Recovery#back¶", []string{"heading Backup Strategy => Backup Strategy]]"}},
		{"[[Disaster Recovery#^f¶", []string{"block ^failover => ^failover]]"}},
		{"[[Disaster Recovery#^x¶", nil},
		{"[[Nowhere#¶", nil},
		{"[[cache line#¶", nil}, // ambiguous: no single note's headings
		{"[[x|disp¶", nil},      // the display text
		{"[[a]] then ¶", nil},
		{"[t](topics/dis¶", []string{"note Disaster Recovery => Topics/Disaster%20Recovery.md"}},
		{"[t](https://x¶", nil},
		{"(dis¶", nil},
		{"[[cache-l¶", []string{"note Cache-Line => Cache-Line]]", "note Cache_Line => Cache_Line]]"}},
	}
	kinds := map[CompletionKind]string{CompleteNote: "note", CompleteAlias: "alias", CompleteHeading: "heading", CompleteBlock: "block"}
	for _, tt := range tests {
		off := strings.Index(tt.text, "¶")
		text := tt.text[:off] + tt.text[off+len("¶"):]
		var got []string
		for _, it := range v.Complete("New.md", []byte(text), off) {
			if it.End != off || it.Start > off {
				t.Errorf("%q: item %+v does not end at the cursor", tt.text, it)
			}
			got = append(got, fmt.Sprintf("%s %s => %s", kinds[it.Kind], it.Label, it.Insert))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

// TestViewChoices: the fixes offered for each class of link.
func TestViewChoices(t *testing.T) {
	rep := editorVault(t)
	v := rep.View(nil)
	text, err := v.Text("Home.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		link string
		want []string
	}{
		{"[[disaster-recovery]]", []string{"variant preferred: Change to [[Disaster Recovery]] => [[Disaster Recovery]]"}},
		{"[[cache line]]", []string{"ambiguous: Pick [[Cache-Line]] (Cache-Line.md) => [[Cache-Line]]", "ambiguous: Pick [[Cache_Line]] (Cache_Line.md) => [[Cache_Line]]"}},
		{"[[DR]]", []string{"alias: Accept the alias: [[Disaster Recovery]] (Topics/Disaster Recovery.md) => [[Disaster Recovery]]"}},
		{"[[Nowhere]]", []string{"broken: Create note Nowhere.md => create Nowhere.md: # Nowhere\n"}},
		{"[[Disaster Recovry]]", []string{
			"broken: Did you mean [[Disaster Recovery]]? (Topics/Disaster Recovery.md) => [[Disaster Recovery]]",
			"broken: Create note Disaster Recovry.md => create Disaster Recovry.md: # Disaster Recovry\n",
		}},
	}
	for _, tt := range tests {
		off := strings.Index(string(text), tt.link) + 2
		var got []string
		for _, c := range v.Choices("Home.md", off) {
			s := c.Class
			if c.Preferred {
				s += " preferred"
			}
			s += ": " + c.Title + " => "
			if c.Create != "" {
				s += "create " + c.Create + ": " + c.NewText
			} else {
				s += c.Edit.New
			}
			got = append(got, s)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.link, diff)
		}
	}
}

// TestViewBuffers: an engine's buffer is planned from its text, a new
// note's names resolve links, and the files are not touched; the view
// reads the buffers' texts.
func TestViewBuffers(t *testing.T) {
	dir, _ := newVault(t, map[string]string{
		"Topics/Disaster Recovery.md": "# Disaster Recovery\n",
		"Home.md":                     "[[disaster-recovery]]\n",
	})
	e, err := OpenEngine(dir, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	home := []byte("[[pager_rotation]] [[disaster-recovery]]\n")
	if err := e.SetBuffer("Home.md", home); err != nil {
		t.Fatal(err)
	}
	if err := e.SetBuffer("Pager Rotation.md", []byte("# Pager Rotation\n")); err != nil {
		t.Fatal(err)
	}
	v := e.Report().View(map[string][]byte{"Home.md": home})
	edits, findings := v.Plan("Home.md")
	var got []string
	for _, ed := range edits {
		got = append(got, ed.Old+" -> "+ed.New)
	}
	if diff := cmp.Diff([]string{"[[pager_rotation]] -> [[Pager Rotation]]", "[[disaster-recovery]] -> [[Disaster Recovery]]"}, got); diff != "" || len(findings) != 0 {
		t.Errorf("buffer plan (-want +got):\n%s\nfindings %+v", diff, findings)
	}
	if text, _ := v.Text("Home.md"); string(text) != string(home) {
		t.Errorf("the view reads Home.md as %q", text)
	}
	wantTree(t, dir, map[string]string{
		"Topics/Disaster Recovery.md": "# Disaster Recovery\n",
		"Home.md":                     "[[disaster-recovery]]\n",
	})
}
