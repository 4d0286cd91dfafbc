package cli

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for a command writing in one
// goroutine while the test reads in another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func sampleVaultCopy(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", "sample-vault")
	dst := filepath.Join(t.TempDir(), "vault")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+`)

// startReview runs `relink review` on dir with args in the background,
// with openBrowser replaced by open, and returns the printed address, the
// command's output and a function that stops it (as Ctrl-C does) and
// returns its exit code.
func startReview(t *testing.T, dir string, open func(string) error, args ...string) (url string, stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	old := openBrowser
	openBrowser = open
	t.Cleanup(func() { openBrowser = old })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, append([]string{"review", dir, "--store", t.TempDir()}, args...), strings.NewReader(""), stdout, stderr)
	}()
	for deadline := time.Now().Add(20 * time.Second); url == ""; {
		url = urlRE.FindString(stdout.String())
		if url == "" {
			select {
			case c := <-code:
				t.Fatalf("review exited with %d: %s", c, stderr.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no address printed; stdout %q stderr %q", stdout.String(), stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	stop = func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("review did not stop after its context was cancelled")
		}
		return -1
	}
	return url, stdout, stderr, stop
}

// TestReviewCommand starts `relink review`, finds the printed address,
// checks how the browser is opened, fetches the page through the address,
// and stops the server with the context (as Ctrl-C does).
func TestReviewCommand(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := sampleVaultCopy(t)
	opened := make(chan string, 1)
	url, _, stderr, stop := startReview(t, dir, func(target string) error {
		opened <- target
		return nil
	})
	token := url[strings.Index(url, "token=")+len("token="):]
	var launcher string
	select {
	case launcher = <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("the browser was not opened")
	}
	// The browser is started on a file only the user can read, which sends
	// it on to the address: the token is on no command line.
	for _, arg := range browserCommand(launcher).Args {
		if strings.Contains(arg, token) {
			t.Errorf("the browser's command line carries the token: %q", browserCommand(launcher).Args)
		}
	}
	fi, err := os.Stat(launcher)
	if err != nil {
		t.Fatalf("the file the browser was opened on: %v", err)
	}
	di, err := os.Stat(filepath.Dir(launcher))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && (fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700) {
		t.Errorf("launcher mode %v in a folder of mode %v, want 0600 in 0700", fi.Mode().Perm(), di.Mode().Perm())
	}
	b, err := os.ReadFile(launcher)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<meta http-equiv="refresh" content="0;url=([^"]*)">`).FindSubmatch(b)
	if m == nil || html.UnescapeString(string(m[1])) != url {
		t.Errorf("the launcher does not redirect to %s:\n%s", url, b)
	}
	// The printed address sets the run's cookie and sends the browser to
	// the page (the page itself is tested in internal/review).
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
		t.Errorf("GET %s: %d with %d cookies, want 303 with the run's cookie", url, res.StatusCode, len(res.Cookies()))
	}
	// Once the address was opened, the launcher is gone.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Dir(launcher)); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the launcher is still there after the page was opened")
		}
	}
	if c := stop(); c != ExitClean {
		t.Errorf("exit code after cancel = %d, want 0; stderr %s", c, stderr.String())
	}
}

// TestReviewLauncherRemoved: a launcher the browser never followed is
// removed when the server stops; a browser that cannot be started is
// reported, and its launcher removed at once.
func TestReviewLauncherRemoved(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := sampleVaultCopy(t)
	for _, fail := range []bool{false, true} {
		var launcher string
		_, _, stderr, stop := startReview(t, dir, func(target string) error {
			launcher = target
			if fail {
				return errors.New("no browser here")
			}
			return nil
		})
		if c := stop(); c != ExitClean {
			t.Errorf("exit code after cancel = %d, want 0; stderr %s", c, stderr.String())
		}
		if launcher == "" {
			t.Fatal("the browser was not opened")
		}
		if _, err := os.Stat(filepath.Dir(launcher)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("fail %v: the launcher is still there after the server stopped (%v)", fail, err)
		}
		if got := strings.Contains(stderr.String(), "could not open a browser"); got != fail {
			t.Errorf("fail %v: stderr %q", fail, stderr.String())
		}
	}
}

func TestReviewRefusesNonLoopback(t *testing.T) {
	dir := sampleVaultCopy(t)
	for _, addr := range []string{"0.0.0.0:0", ":8080", "192.0.2.7:80"} {
		var stdout, stderr bytes.Buffer
		c := Main(context.Background(), []string{"review", dir, "--no-open", "--addr", addr}, strings.NewReader(""), &stdout, &stderr)
		if c != ExitError || !strings.Contains(stderr.String(), "loopback") {
			t.Errorf("--addr %s: exit %d, stderr %q", addr, c, stderr.String())
		}
	}
}

func TestReportCommand(t *testing.T) {
	dir := sampleVaultCopy(t)
	out := filepath.Join(t.TempDir(), "report.html")
	var stdout, stderr bytes.Buffer
	if c := Main(context.Background(), []string{"report", dir, "-o", out}, strings.NewReader(""), &stdout, &stderr); c != ExitClean {
		t.Fatalf("report: exit %d: %s", c, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("<!doctype html>")) || !bytes.Contains(b, []byte(`id="relink-data"`)) {
		t.Errorf("not a report: %.200s", b)
	}
	stdout.Reset()
	if c := Main(context.Background(), []string{"report", dir}, strings.NewReader(""), &stdout, &stderr); c != ExitClean || !strings.HasPrefix(stdout.String(), "<!doctype html>") {
		t.Errorf("report to stdout: exit %d, %.100q", c, stdout.String())
	}
}

// TestReviewPrintsProblems: review reports the files it skipped on stderr,
// in the same lines as check.
func TestReviewPrintsProblems(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := sampleVaultCopy(t)
	for name, body := range map[string]string{
		"latin1.md": "bad \xff bytes [[x]]\n",
		"binary.md": "nul\x00[[x]]\n",
		"yaml.md":   "---\ntitle: [unclosed\n---\n[[x]]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	problemLines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "relink: ") && strings.Contains(l, ".md: ") {
				out = append(out, l)
			}
		}
		return out
	}
	var stdout, stderr bytes.Buffer
	Main(context.Background(), []string{"check", dir}, strings.NewReader(""), &stdout, &stderr)
	want := problemLines(stderr.String())
	for _, f := range []string{"latin1.md", "binary.md", "yaml.md"} {
		if !strings.Contains(strings.Join(want, "\n"), "relink: "+f+": ") {
			t.Fatalf("check does not report %s: %s", f, stderr.String())
		}
	}
	_, _, rstderr, stop := startReview(t, dir, func(string) error { return nil }, "--no-open")
	got := problemLines(rstderr.String())
	stop()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("review printed\n%s\ncheck printed\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
