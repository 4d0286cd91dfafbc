package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// TestReviewCommand starts `relink review`, finds the printed address,
// fetches the page through it, and stops the server with the context (as
// Ctrl-C does).
func TestReviewCommand(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := sampleVaultCopy(t)
	opened := make(chan string, 1)
	old := openBrowser
	openBrowser = func(url string) error {
		opened <- url
		return errors.New("no browser here")
	}
	defer func() { openBrowser = old }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	store := t.TempDir()
	go func() {
		code <- Main(ctx, []string{"review", dir, "--store", store}, strings.NewReader(""), &stdout, &stderr)
	}()

	var url string
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
	select {
	case u := <-opened:
		if u != url {
			t.Errorf("opened %s, printed %s", u, url)
		}
	case <-time.After(5 * time.Second):
		t.Error("the browser was not opened")
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
	cancel()
	select {
	case c := <-code:
		if c != ExitClean {
			t.Errorf("exit code after cancel = %d, want 0; stderr %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("review did not stop after its context was cancelled")
	}
	if !strings.Contains(stderr.String(), "could not open a browser") {
		t.Errorf("stderr does not mention the failed open: %s", stderr.String())
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
