package review

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/workspace"
)

// findChromium returns a Chromium or Chrome binary: $RELINK_CHROMIUM, else
// the first of the usual names on PATH.
func findChromium() string {
	if p := os.Getenv("RELINK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium that talks to nothing but loopback.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := findChromium()
	if exe == "" {
		t.Skip("no Chromium found (install the chromium package, or set RELINK_CHROMIUM to a Chrome binary): skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 1000),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`1`)); err != nil {
		t.Skipf("Chromium %s does not start: %v", exe, err)
	}
	return ctx
}

func screenshotDir(t *testing.T) string {
	if d := os.Getenv("RELINK_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestBrowser drives the page in headless Chromium on a copy of the sample
// vault: it unticks one edit, picks a candidate for an ambiguous link,
// applies, checks every file byte for byte, undoes, and checks the original
// bytes are back.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bctx := browser(t)
	shots := screenshotDir(t)

	s := newTestServer(t, Options{})
	before := readTree(t, s.vault)
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()

	// The plan, and the expected result, computed without the page.
	d := s.plan(t)
	off := findEdit(t, d, "Ops/On-Call.md", "[[Disaster_Recovery]]")
	amb := findFinding(t, d, "Home.md", "ambiguous", "[[cache line]]")
	choice := -1
	for k, o := range amb.Options {
		if o.Path == "Topics/Cache-Line.md" {
			choice = k
		}
	}
	if choice < 0 {
		t.Fatalf("no option Topics/Cache-Line.md in %+v", amb.Options)
	}
	chosen := retarget(t, s.vault, "Home.md", amb.Line, amb.Col, "Topics/Cache-Line.md")
	if chosen.New != "[[Cache-Line]]" {
		t.Fatalf("chosen edit writes %s", chosen.New)
	}
	var edits []plan.Edit
	for _, e := range d.Edits {
		if e.ID != off.ID {
			edits = append(edits, e.Edit)
		}
	}
	want := expectTree(t, before, append(edits, chosen))

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
			t.Fatalf("scroll: %v", err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(shots, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	waitServer := func(what string, ok func(*Data) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			if ok(s.plan(t)) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never saw: %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Without the token the page is refused; the printed address works.
	run("open the page",
		chromedp.Navigate(s.URL(ln.Addr())),
		chromedp.WaitVisible(chromedp.CSS(`.cls[data-class="variant"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)),
	)
	loc, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`location.href`))
	if strings.Contains(loc, "token") || !strings.HasPrefix(loc, base+"/") {
		t.Errorf("after opening, the address is %s: the token should be gone", loc)
	}
	shot("overview.png")

	// Variants: untick one link.
	run("untick an edit",
		chromedp.Click(chromedp.CSS(`#tab-variants`)),
		chromedp.WaitVisible(chromedp.CSS(`li.linkrow`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`li.linkrow[data-edit="%d"] input[type=checkbox]`, off.ID))),
	)
	waitServer("the unticked edit", func(d *Data) bool { return !d.Edits[off.ID].On })
	shot("variants.png")

	// Hard cases: pick a candidate for the ambiguous link.
	run("pick a candidate",
		chromedp.Click(chromedp.CSS(`#tab-hard`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`article[data-finding="%d"]`, amb.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`article[data-finding="%d"] label[data-choice="%d"] input`, amb.ID, choice))),
	)
	waitServer("the chosen candidate", func(d *Data) bool { return d.Findings[amb.ID].Choice == choice })
	run("see the choice",
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`article[data-finding="%d"] .ctx ins`, amb.ID))),
	)
	shot("hard-cases.png")
	diffTrees(t, before, readTree(t, s.vault)) // nothing written before Apply

	// Apply, through the keyboard: the button is a real, focusable button.
	run("apply",
		chromedp.Click(chromedp.CSS(`#tab-apply`)),
		chromedp.WaitVisible(chromedp.CSS(`#apply`)),
		chromedp.Focus(chromedp.CSS(`#apply`)),
		chromedp.SendKeys(chromedp.CSS(`#apply`), "\r"),
		chromedp.WaitVisible(chromedp.CSS(`#snapshot-id`)),
	)
	snap, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#snapshot-id`)))
	if err != nil || snap == "" {
		t.Fatalf("snapshot id: %q %v", snap, err)
	}
	diffTrees(t, want, readTree(t, s.vault))
	shot("applied.png")

	run("undo",
		chromedp.Click(chromedp.CSS(`#undo`)),
		chromedp.WaitVisible(chromedp.CSS(`#undo-result`)),
	)
	diffTrees(t, before, readTree(t, s.vault))
	msg, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#undo-result`)))
	if !strings.Contains(msg, fmt.Sprintf("restored %d files", len(fileSet(want, before)))) {
		t.Errorf("undo says %q", msg)
	}

	// The static report renders the same overview without any server.
	rep, err := workspace.Load(s.vault, workspace.Options{})
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
	f.Close()
	run("open the report",
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)),
		chromedp.Click(chromedp.CSS(`#tab-hard`)),
		chromedp.WaitVisible(chromedp.CSS(`article.case`)),
	)
	shot("report-hard-cases.png")
}

// fileSet returns the files whose content differs between a and b.
func fileSet(a, b map[string][]byte) []string {
	var out []string
	for k, v := range a {
		if string(b[k]) != string(v) {
			out = append(out, k)
		}
	}
	return out
}

// retarget computes, with the plan package alone, the edit that points the
// link at file:line:col to note target.
func retarget(t *testing.T, vault, file string, line, col int, target string) plan.Edit {
	t.Helper()
	rep, err := workspace.Load(vault, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	src, ok := rep.Index.NoteByPath(file)
	tgt, ok2 := rep.Index.NoteByPath(target)
	if !ok || !ok2 {
		t.Fatalf("no note %s or %s", file, target)
	}
	links := rep.Index.Notes[src].LinkList(nil)
	for i := range links {
		l := &links[i]
		if int(l.Line) == line && int(l.Col) == col {
			e, err := plan.RetargetEdit(rep.Index, src, l, tgt, rep.Settings.Plan)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
	}
	t.Fatalf("no link at %s:%d:%d", file, line, col)
	return plan.Edit{}
}

// TestBrowserLargeVault times the page on a big vault: set
// RELINK_PERF_VAULT to one (cmd/relink-vaultgen -n 10000 makes one). It
// changes nothing on disk.
func TestBrowserLargeVault(t *testing.T) {
	dir := os.Getenv("RELINK_PERF_VAULT")
	if dir == "" {
		t.Skip("set RELINK_PERF_VAULT to a vault (e.g. from cmd/relink-vaultgen -n 10000) to time the page on it")
	}
	bctx := browser(t)
	t0 := time.Now()
	s, err := New(dir, Options{Store: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("load and plan: %v (%d edits, %d findings)", time.Since(t0), len(s.m.data.Edits), len(s.m.data.Findings))
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	go s.Serve(sctx, ln)
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
		defer cancel()
		t0 := time.Now()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%-28s %v", what, time.Since(t0).Round(time.Millisecond))
	}
	step("open, fetch, overview", chromedp.Navigate(s.URL(ln.Addr())), chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)))
	step("variants view", chromedp.Click(chromedp.CSS(`#tab-variants`)), chromedp.WaitVisible(chromedp.CSS(`li.linkrow`)))
	step("untick all edits", chromedp.Click(chromedp.CSS(`#untick-all`)), chromedp.Poll[chromedp.Void](`document.getElementById('chosen').textContent.startsWith('0 ')`))
	step("tick all edits", chromedp.Click(chromedp.CSS(`#tick-all`)), chromedp.Poll[chromedp.Void](`!document.getElementById('chosen').textContent.startsWith('0 ')`))
	step("next page", chromedp.Click(chromedp.CSS(`.pager button:nth-of-type(3)`)), chromedp.WaitVisible(chromedp.CSS(`li.linkrow`)))
	step("filter variants", chromedp.SendKeys(chromedp.CSS(`[data-search]`), "risk"), chromedp.Poll[chromedp.Void](`document.querySelector('.pager .info').textContent.indexOf('4,048') < 0`))
	step("hard cases view", chromedp.Click(chromedp.CSS(`#tab-hard`)), chromedp.WaitVisible(chromedp.CSS(`article.case`)))
	step("overview again", chromedp.Click(chromedp.CSS(`#tab-overview`)), chromedp.WaitVisible(chromedp.CSS(`.graph svg .note`)))
	if d := os.Getenv("RELINK_SCREENSHOTS"); d != "" {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err == nil {
			os.WriteFile(filepath.Join(d, "large-overview.png"), png, 0o644)
		}
	}
}
