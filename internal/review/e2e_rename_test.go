package review

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/relinkmd/relink/internal/plan"
)

// TestBrowserRenameGroup: on the Variants view each renamed note is one
// card, whatever the spellings and forms of the links that still use its
// old name, and one checkbox rejects all of them at once (the server
// sees every one unticked, nothing else); the apply then rewrites the
// other renamed note's links and leaves the rejected ones as written.
func TestBrowserRenameGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bctx := browser(t)
	s := newRenamedServer(t)
	base := serve(t, s)
	d := s.plan(t)
	if len(d.Renames) != 2 {
		t.Fatalf("renames: %+v", d.Renames)
	}
	var plan0 RenameGroup
	for _, g := range d.Renames {
		if g.Note == "projects/Plan.md" {
			plan0 = g
		}
	}
	rejected := map[int]bool{}
	for _, id := range plan0.Edits {
		rejected[id] = true
	}
	before := readTree(t, s.vault)
	var kept []plan.Edit
	for _, e := range d.Edits {
		if !rejected[e.ID] {
			kept = append(kept, e.Edit)
		}
	}
	want := expectTree(t, before, kept)

	steps(t, bctx, "open the Variants view",
		chromedp.Navigate(s.Server.URL(addrOf(base))),
		chromedp.WaitVisible(chromedp.CSS(`.cls[data-class="variant"]`)),
		chromedp.Click(chromedp.CSS(`#tab-variants`)),
		chromedp.WaitVisible(chromedp.CSS(`article.rename-group`)),
	)
	cards := eval[[]string](t, bctx, `Array.from(document.querySelectorAll('article.rename-group')).map(function (a) { return a.getAttribute('aria-label') + ' | ' + a.querySelectorAll('li.linkrow').length; })`)
	wantCards := []string{"Renamed Old Plan.md → projects/Plan.md | 4", "Renamed Idea.md → Ideas.md | 2"}
	if strings.Join(cards, "\n") != strings.Join(wantCards, "\n") {
		t.Errorf("rename cards:\n%s\nwant:\n%s", strings.Join(cards, "\n"), strings.Join(wantCards, "\n"))
	}
	// The renamed links are in their note's card alone, not under their
	// spellings in another card.
	if n := eval[int](t, bctx, `document.querySelectorAll('article.group:not(.rename-group) .badge.c-renamed').length`); n != 0 {
		t.Errorf("%d renamed spellings outside the rename cards", n)
	}

	sel := `article.rename-group[data-rename="` + strconv.Itoa(plan0.ID) + `"] .group-head input[type=checkbox]`
	steps(t, bctx, "reject the rename at once", chromedp.Click(chromedp.CSS(sel)))
	for deadline := time.Now().Add(10 * time.Second); ; {
		got := s.plan(t)
		ok := true
		for _, e := range got.Edits {
			if e.On == rejected[e.ID] {
				ok = false
			}
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never saw the rename rejected: %+v", got.Edits)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if on := eval[int](t, bctx, `document.querySelectorAll('article.rename-group[data-rename="`+strconv.Itoa(plan0.ID)+`"] li.linkrow input:checked').length`); on != 0 {
		t.Errorf("%d links of the rejected rename still ticked", on)
	}

	steps(t, bctx, "apply",
		chromedp.Click(chromedp.CSS(`#tab-apply`)),
		chromedp.Click(chromedp.CSS(`#apply`)),
		chromedp.WaitVisible(chromedp.CSS(`#snapshot-id`)),
	)
	diffTrees(t, want, readTree(t, s.vault))
}
