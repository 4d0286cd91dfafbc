package review

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/relinkmd/relink/internal/workspace"
)

// serve starts s on a loopback port for the test and returns its base
// address.
func serve(t *testing.T, s *testServer) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// steps runs chromedp actions with a deadline, failing the test with what.
func steps(t *testing.T, bctx context.Context, what string, acts ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, acts...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, bctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestBrowserApplyReloadUndo: the browser is sent to the page by the
// launcher file; an apply that leaves a file changed on disk alone counts
// only the files written and lists the one left; after a reload the page
// still offers Undo, which puts the files back.
func TestBrowserApplyReloadUndo(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bctx := browser(t)
	s := newTestServer(t, Options{})
	base := serve(t, s)
	d := s.plan(t)
	planned := map[string]bool{}
	for _, e := range d.Edits {
		planned[e.File] = true
	}

	launcher, remove, err := WriteLauncher(s.Server.URL(addrOf(base)))
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	steps(t, bctx, "open the launcher",
		chromedp.Navigate("file://"+launcher),
		chromedp.WaitVisible(chromedp.CSS(`.cls[data-class="variant"]`)),
	)
	if loc := eval[string](t, bctx, `location.href`); !strings.HasPrefix(loc, base+"/") || strings.Contains(loc, "token") {
		t.Errorf("the launcher led to %s", loc)
	}
	select {
	case <-s.Opened():
	default:
		t.Error("Opened was not closed after the browser followed the address")
	}

	// A file is edited after the page loaded the plan.
	changed := "Ops/On-Call.md"
	p := filepath.Join(s.vault, filepath.FromSlash(changed))
	mod, _ := os.ReadFile(p)
	mod = append(mod, "\nEdited meanwhile.\n"...)
	if err := os.WriteFile(p, mod, 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, s.vault)
	steps(t, bctx, "apply",
		chromedp.Click(chromedp.CSS(`#tab-apply`)),
		chromedp.Click(chromedp.CSS(`#apply`)),
		chromedp.WaitVisible(chromedp.CSS(`#snapshot-id`)),
	)
	head := eval[string](t, bctx, `document.getElementById('apply-heading').textContent`)
	want := fmt.Sprintf("in %d files of %d (1 left alone)", len(planned)-1, len(planned))
	if !strings.Contains(head, want) {
		t.Errorf("the result says %q, want %q", head, want)
	}
	if sk := eval[string](t, bctx, `document.getElementById('skipped').textContent`); !strings.Contains(sk, changed) {
		t.Errorf("skipped list %q lacks %s", sk, changed)
	}
	snap := eval[string](t, bctx, `document.getElementById('snapshot-id').textContent`)

	// Reload: the page comes back on the Apply view with Undo; the
	// overview says an apply is in effect and leads there.
	steps(t, bctx, "reload",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#undo`)),
		chromedp.Click(chromedp.CSS(`#tab-overview`)),
		chromedp.WaitVisible(chromedp.CSS(`#in-effect`)),
		chromedp.Click(chromedp.CSS(`#in-effect button`)),
		chromedp.WaitVisible(chromedp.CSS(`#undo`)),
	)
	if got := eval[string](t, bctx, `document.getElementById('snapshot-id').textContent`); got != snap {
		t.Errorf("after reload the page shows snapshot %q, want %q", got, snap)
	}
	steps(t, bctx, "undo after reload",
		chromedp.Click(chromedp.CSS(`#undo`)),
		chromedp.WaitVisible(chromedp.CSS(`#undo-result`)),
	)
	diffTrees(t, before, readTree(t, s.vault))
	steps(t, bctx, "reload after undo",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#apply`)),
	)
	if n := eval[int](t, bctx, `document.querySelectorAll('#undo, #undo-last').length`); n != 0 {
		t.Errorf("after the undo the page still offers %d Undo buttons", n)
	}

	// An apply made by another run (relink apply) is offered for undo too,
	// once the page reloads the plan.
	rep, err := workspace.Load(s.vault, workspace.Options{Hash: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := workspace.Apply(context.Background(), rep, workspace.ApplyOptions{Store: s.store})
	rep.Vault.Close()
	if err != nil || res.Snapshot.ID == "" {
		t.Fatalf("apply from outside: %+v %v", res, err)
	}
	steps(t, bctx, "reload the plan",
		chromedp.Click(chromedp.CSS(`#reload`)),
		chromedp.WaitVisible(chromedp.CSS(`#last-apply #undo`)),
	)
	if got := eval[string](t, bctx, `document.getElementById('last-snapshot-id').textContent`); got != res.Snapshot.ID {
		t.Errorf("the page offers to undo %q, want %q", got, res.Snapshot.ID)
	}
	steps(t, bctx, "undo the other run's apply",
		chromedp.Click(chromedp.CSS(`#last-apply #undo`)),
		chromedp.WaitVisible(chromedp.CSS(`#undo-result`)),
	)
	diffTrees(t, before, readTree(t, s.vault))
}

// addrOf is the net.Addr of a base address, for Server.URL.
func addrOf(base string) fakeAddr {
	return fakeAddr(strings.TrimPrefix(base, "http://"))
}

type fakeAddr string

func (a fakeAddr) Network() string { return "tcp" }
func (a fakeAddr) String() string  { return string(a) }

// reportPage writes the static report of vault to a file and returns its
// file: address.
func reportPage(t *testing.T, vault string, opt workspace.Options) string {
	t.Helper()
	rep, err := workspace.Load(vault, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReport(f, rep); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return "file://" + page
}

// TestBrowserReportReadOnly: the static report shows no control that
// cannot work there: no checkbox, no choice, no Apply, Undo or Reload.
func TestBrowserReportReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bctx := browser(t)
	page := reportPage(t, copyVault(t), workspace.Options{})
	steps(t, bctx, "open the report", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)))
	const dead = `input[type=checkbox], input[type=radio], input:disabled, #apply, #undo, #undo-last, #reload, #to-apply, #tick-all, #untick-all, #tab-apply`
	for _, tab := range []string{"overview", "variants", "hard"} {
		steps(t, bctx, "open "+tab,
			chromedp.Click(chromedp.CSS(`#tab-`+tab)),
			chromedp.WaitVisible(chromedp.CSS(`#view`)),
		)
		if got := eval[[]string](t, bctx, `Array.from(document.querySelectorAll('`+dead+`')).map(e => e.outerHTML.slice(0, 120))`); len(got) > 0 {
			t.Errorf("%s view of the report has %d controls that cannot work, e.g. %s", tab, len(got), got[0])
		}
	}
	// The hard cases still show their options, to read.
	if n := eval[int](t, bctx, `document.querySelectorAll('article.case .option').length`); n == 0 {
		t.Error("the report's hard cases show no options")
	}
	if n := eval[int](t, bctx, `document.querySelectorAll('article.case .option input').length`); n != 0 {
		t.Errorf("the report's options have %d inputs", n)
	}
}

// labelVault writes a vault with a Latin and a Korean note, each linked
// under many spellings.
func labelVault(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Cache Line Management.md", "# Cache Line Management\n")
	write("상태 관리 전략.md", "# 상태 관리 전략\n")
	var b strings.Builder
	seps := []string{"-", "_", " "}
	for i, a := range []string{"cache", "Cache", "CACHE"} {
		for j, c := range []string{"line", "Line"} {
			for k, sep := range seps {
				sp := a + sep + c + sep + "management"
				if sp == "Cache Line Management" {
					continue
				}
				for r := 0; r <= (i+j+k)%3; r++ {
					fmt.Fprintf(&b, "See [[%s]].\n", sp)
				}
			}
		}
	}
	for i, s1 := range []string{" ", "-", "_", ""} {
		for j, s2 := range []string{" ", "-", "_", ""} {
			sp := "상태" + s1 + "관리" + s2 + "전략"
			if sp == "상태 관리 전략" {
				continue
			}
			for r := 0; r <= (i+j)%3; r++ {
				fmt.Fprintf(&b, "보기 [[%s]].\n", sp)
			}
		}
	}
	// Notes whose titles are wide letters, each with a few spellings: a
	// label's width is not its number of characters times a constant.
	for i, title := range []string{"WWW MEMO WORKFLOW MAMMOTH", "MQTT QOS WILDCARD MAPPING", "WOMM MAXIMUM WINDOW MODEM", "HMM WAVEFORM MOMENTUM WAM", "MOW WHOM WAM MEMO WARM", "WARM MEMORY MOMENTUM"} {
		write(title+".md", "# "+title+"\n")
		words := strings.Fields(title)
		for k, sep := range []string{"-", "_", "  "} {
			sp := strings.ToLower(strings.Join(words, sep))
			for r := 0; r <= (i+k)%3; r++ {
				fmt.Fprintf(&b, "See [[%s]].\n", sp)
			}
			fmt.Fprintf(&b, "See [[%s]].\n", strings.Join(words, sep))
		}
	}
	write("Links.md", b.String())
	return dir
}

// TestBrowserGraphLabels: on a graph whose notes have many spellings, no
// two labels overlap, the notes keep theirs, and a Korean label is drawn in
// a font stack that has a Hangul face, with a width.
func TestBrowserGraphLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bctx := browser(t)
	page := reportPage(t, labelVault(t), workspace.Options{Level: "compact"})
	steps(t, bctx, "open the report", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)))
	type box struct {
		Text       string
		X, Y, W, H float64
	}
	boxes := eval[[]box](t, bctx, `Array.from(document.querySelectorAll('.graph svg text')).map(e => { const b = e.getBBox(); return {Text: e.textContent, X: b.x, Y: b.y, W: b.width, H: b.height}; })`)
	notes := eval[int](t, bctx, `document.querySelectorAll('.graph svg .note text').length`)
	spellings := eval[int](t, bctx, `document.querySelectorAll('.graph svg .sp text').length`)
	if notes != 8 || spellings < 12 {
		t.Errorf("%d note labels and %d spelling labels drawn; want all 8 notes and at least 12 spellings", notes, spellings)
	}
	const slack = 0.5
	view := eval[box](t, bctx, `(() => { const v = document.querySelector('.graph svg').viewBox.baseVal; return {X: v.x, Y: v.y, W: v.width, H: v.height}; })()`)
	for _, b := range boxes {
		if b.X < view.X-slack || b.Y < view.Y-slack || b.X+b.W > view.X+view.W+slack || b.Y+b.H > view.Y+view.H+slack {
			t.Errorf("label %q at (%.0f,%.0f %.0fx%.0f) is cut off by the edge of the graph", b.Text, b.X, b.Y, b.W, b.H)
		}
	}
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			a, b := boxes[i], boxes[j]
			if a.X+slack < b.X+b.W && b.X+slack < a.X+a.W && a.Y+slack < b.Y+b.H && b.Y+slack < a.Y+a.H {
				t.Errorf("labels overlap: %q at (%.0f,%.0f %.0fx%.0f) and %q at (%.0f,%.0f %.0fx%.0f)", a.Text, a.X, a.Y, a.W, a.H, b.Text, b.X, b.Y, b.W, b.H)
			}
		}
	}

	// Korean: the labels' font stacks name a Hangul face, and a Korean
	// label has a width.
	type font struct {
		Family string
		Width  float64
		Text   string
	}
	for _, sel := range []string{".graph svg .sp text", ".graph svg .note text", "body"} {
		f := eval[font](t, bctx, `(() => { const e = Array.from(document.querySelectorAll('`+sel+`')).find(e => /[가-힣]/.test(e.textContent)) || document.querySelector('`+sel+`'); return {Family: getComputedStyle(e).fontFamily, Width: e.getBBox ? e.getBBox().width : e.getBoundingClientRect().width, Text: e.textContent.slice(0, 40)}; })()`)
		cjk := false
		for _, name := range []string{"Apple SD Gothic Neo", "Noto Sans CJK KR", "Malgun Gothic"} {
			if strings.Contains(f.Family, name) {
				cjk = true
			}
		}
		if !cjk {
			t.Errorf("%s: font-family %s has no Hangul face", sel, f.Family)
		}
		if sel != "body" && (!strings.ContainsAny(f.Text, "상태관리") || f.Width <= 0) {
			t.Errorf("%s: the Korean label %q has width %v", sel, f.Text, f.Width)
		}
	}
	if d := os.Getenv("RELINK_SCREENSHOTS"); d != "" {
		if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(d, "graph-labels.png"), png, 0o644)
		}
	}
}
