package workspace

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/wikilink"
)

// TestFoamDocs reads Foam's own documentation (../shared/corpora/foam-docs,
// a Foam workspace) with the foam dialect. Every link below was checked by
// hand against the notes and Foam's rules: no note is named "publishing"
// (user/publishing/ has no index.md or README.md for Foam's directory
// links) or "cli-grep" (the note is cli/grep.md), and the two Markdown
// links name a file outside the workspace and a path that does not exist.
// Everything else resolves; nothing is rewritten.
func TestFoamDocs(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpora", "foam-docs", "docs")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/corpora/foam-docs not present")
	}
	rep, err := Load(dir, Options{Dialect: "foam", Cache: new(bool)})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	verifyEdits(t, rep)
	if len(rep.Plan.Edits) != 0 {
		t.Errorf("%d edits on a clean workspace, first %+v", len(rep.Plan.Edits), rep.Plan.Edits[0])
	}
	var broken []string
	wikilinks := 0
	for _, f := range rep.Plan.Findings {
		if f.Message == "file not found" { // images the copy left out
			continue
		}
		broken = append(broken, f.File+":"+strconv.Itoa(f.Line)+":"+strconv.Itoa(f.Col)+" "+f.Class+" "+f.Link)
		if strings.HasPrefix(f.Link, "[[") {
			wikilinks++
		}
	}
	want := []string{
		"dev/contribution-guide.md:3:37 broken [CONTRIBUTING.md](../../CONTRIBUTING.md)",
		"dev/design/static-site-publishing-research.md:11:3 broken [Publishing pages](../../user/publishing/publishing.md)",
		"user/index.md:69:5 broken [[publishing]]",
		"user/tools/cli/search.md:11:35 broken [[cli-grep|foam grep]]",
	}
	if diff := cmp.Diff(want, broken); diff != "" {
		t.Errorf("broken links to notes (-want +got):\n%s", diff)
	}
	if wikilinks != 2 {
		t.Errorf("%d broken wikilinks, want 2", wikilinks)
	}
	// The corpus's own count: 199 wikilinks outside code point at notes,
	// and 16 Markdown links do.
	wiki, md := 0, 0
	var links []note.Link
	for i, n := range rep.Index.Notes {
		links = n.LinkList(links[:0])
		for j := range links {
			r := rep.Index.Resolve(int32(i), &links[j])
			if r.Attachment || r.Class == index.External {
				continue
			}
			if links[j].Kind == wikilink.Markdown {
				md++
			} else {
				wiki++
			}
		}
	}
	if wiki != 199 || md != 16 || rep.Plan.NoteLinks != wiki+md || rep.Plan.NoteLinksOff != len(want) {
		t.Errorf("%d wikilinks and %d Markdown links to notes (plan: %d, %d off); want 199, 16 and %d off", wiki, md, rep.Plan.NoteLinks, rep.Plan.NoteLinksOff, len(want))
	}
}
