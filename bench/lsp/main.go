// Command lsp measures relink lsp as an editor sees it: a language client
// that starts the server on a vault over its stdio and prints, as a
// Markdown table,
//
//   - ready: from starting the process to the diagnostics of the first
//     opened note;
//   - keystroke: from a didChange (one character typed) to the new
//     diagnostics of that note, median and p99;
//   - completion: the round trip of a completion after "[[" and a few
//     letters of a note's title, median and p99;
//   - title change: from a didChange that retitles a note to the new
//     diagnostics of another open note that links to it;
//   - peak RSS (VmHWM) and the CPU the server uses while idle.
//
// Usage:
//
//	go run ./bench/lsp -relink BIN -vault DIR [-keys 300] [-completions 200]
//
// The vault is read, never written: every change is an unsaved buffer.
// docs/performance.md explains the figures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

func main() {
	bin := flag.String("relink", "relink", "the relink binary")
	vault := flag.String("vault", "", "the vault (required)")
	keys := flag.Int("keys", 300, "keystrokes to time")
	completions := flag.Int("completions", 200, "completions to time")
	idle := flag.Duration("idle", 3*time.Second, "how long to measure idle CPU")
	flag.Parse()
	if *vault == "" {
		fmt.Fprintln(os.Stderr, "bench/lsp: -vault is required")
		os.Exit(2)
	}
	if err := run(*bin, *vault, *keys, *completions, *idle); err != nil {
		fmt.Fprintln(os.Stderr, "bench/lsp:", err)
		os.Exit(1)
	}
}

type pipes struct {
	io.ReadCloser
	io.WriteCloser
}

func (p pipes) Close() error {
	p.WriteCloser.Close()
	return p.ReadCloser.Close()
}

// client is the benchmark's language client.
type client struct {
	conn  *jsonrpc2.Conn
	vault string

	mu    sync.Mutex
	diags map[string]published
	wake  chan struct{}
}

type published struct {
	version int
	at      time.Time
	body    string // the diagnostics, as sent
}

func (c *client) handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	if req.Method != "textDocument/publishDiagnostics" || req.Params == nil {
		return nil, nil
	}
	now := time.Now()
	var p struct {
		URI         string          `json:"uri"`
		Version     int             `json:"version"`
		Diagnostics json.RawMessage `json:"diagnostics"`
	}
	if json.Unmarshal(*req.Params, &p) != nil {
		return nil, nil
	}
	c.mu.Lock()
	c.diags[p.URI] = published{p.Version, now, string(p.Diagnostics)}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil, nil
}

// wait waits for diagnostics of uri that satisfy ok.
func (c *client) wait(uri string, ok func(published) bool) (published, error) {
	deadline := time.After(2 * time.Minute)
	for {
		c.mu.Lock()
		p, seen := c.diags[uri]
		c.mu.Unlock()
		if seen && ok(p) {
			return p, nil
		}
		select {
		case <-c.wake:
		case <-deadline:
			return p, fmt.Errorf("no diagnostics as wanted for %s", uri)
		}
	}
}

func (c *client) uri(rel string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(c.vault, rel))}).String()
}

func (c *client) notify(method string, params any) error {
	return c.conn.Notify(context.Background(), method, params)
}

func (c *client) change(rel string, version int, text string) error {
	return c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(rel), "version": version},
		"contentChanges": []any{map[string]any{"text": text}},
	})
}

func (c *client) open(rel, text string) error {
	return c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(rel), "languageId": "markdown", "version": 1, "text": text,
	}})
}

// target is a note the benchmark links to: its path, title and text.
type target struct {
	path, title, text string
}

// pickNotes finds a note with wikilinks to type in, and a note with a
// title in frontmatter to complete and retitle.
func pickNotes(vault string) (typing, titled target, err error) {
	err = filepath.WalkDir(vault, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != vault {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") || typing.path != "" && titled.path != "" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(vault, p)
		text := string(b)
		if typing.path == "" && strings.Count(text, "[[") >= 3 {
			typing = target{path: filepath.ToSlash(rel), text: text}
			return nil // the other note is another one
		}
		if titled.path == "" && strings.HasPrefix(text, "---\n") {
			for _, line := range strings.Split(text, "\n")[1:] {
				if line == "---" {
					break
				}
				if t, ok := strings.CutPrefix(line, "title: "); ok && len(strings.TrimSpace(t)) >= 4 && !strings.ContainsAny(t, "\"'[]#|:") {
					titled = target{path: filepath.ToSlash(rel), title: strings.TrimSpace(t), text: text}
				}
			}
		}
		return nil
	})
	if err == nil && (typing.path == "" || titled.path == "") {
		err = fmt.Errorf("%s: no note with links or no note with a title", vault)
	}
	return typing, titled, err
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func run(bin, vault string, keys, completions int, idle time.Duration) error {
	vault, err := filepath.Abs(vault)
	if err != nil {
		return err
	}
	typing, titled, err := pickNotes(vault)
	if err != nil {
		return err
	}
	started := time.Now()
	cmd := exec.Command(bin, "lsp")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()
	c := &client{vault: vault, diags: map[string]published{}, wake: make(chan struct{}, 1)}
	// The server closing its stdout at exit is no error worth a line.
	quiet := jsonrpc2.SetLogger(log.New(io.Discard, "", 0))
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(pipes{out, in}, jsonrpc2.VSCodeObjectCodec{}), jsonrpc2.HandlerWithError(c.handle), quiet)
	ctx := context.Background()
	initStart := time.Now()
	if err := c.conn.Call(ctx, "initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": c.uri(""), "capabilities": map[string]any{},
	}, nil); err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	initialized := time.Since(initStart)
	if err := c.notify("initialized", map[string]any{}); err != nil {
		return err
	}
	openStart := time.Now()
	if err := c.open(typing.path, typing.text); err != nil {
		return err
	}
	if _, err := c.wait(c.uri(typing.path), func(published) bool { return true }); err != nil {
		return err
	}
	ready := time.Since(started)
	opened := time.Since(openStart)

	// Keystrokes: one character typed at the end of the note, each
	// waited for; every tenth a link's letter, so that the findings change.
	text := typing.text
	var keyLat []time.Duration
	for i := 0; i < keys; i++ {
		version := i + 2
		if i%10 == 9 {
			text += "[[x" + strconv.Itoa(i) + "]]"
		} else {
			text += "a"
		}
		t0 := time.Now()
		if err := c.change(typing.path, version, text); err != nil {
			return err
		}
		p, err := c.wait(c.uri(typing.path), func(p published) bool { return p.version >= version })
		if err != nil {
			return err
		}
		keyLat = append(keyLat, p.at.Sub(t0))
	}

	// Completion after "[[" and the title's first letters.
	prefix := titled.title[:min(len(titled.title), 6)]
	line := "\n[[" + prefix
	compText := text + line
	if err := c.change(typing.path, keys+2, compText); err != nil {
		return err
	}
	lines := strings.Count(compText, "\n")
	char := len([]rune(compText[strings.LastIndex(compText, "\n")+1:]))
	var compLat []time.Duration
	found := false
	for i := 0; i < completions; i++ {
		var res struct {
			Items []struct {
				Label string `json:"label"`
			} `json:"items"`
		}
		t0 := time.Now()
		if err := c.conn.Call(ctx, "textDocument/completion", map[string]any{
			"textDocument": map[string]any{"uri": c.uri(typing.path)},
			"position":     map[string]any{"line": lines, "character": char},
		}, &res); err != nil {
			return fmt.Errorf("completion: %w", err)
		}
		compLat = append(compLat, time.Since(t0))
		found = found || len(res.Items) > 0
	}
	if !found {
		return fmt.Errorf("completion of [[%s offered nothing", prefix)
	}

	// A title change: the typing note links to the titled note by the
	// title it is about to get, a broken link until the note is retitled
	// in its buffer.
	newTitle := titled.title + " Renamed"
	linker := text + "\n[[" + newTitle + "]]\n"
	if err := c.change(typing.path, keys+3, linker); err != nil {
		return err
	}
	before, err := c.wait(c.uri(typing.path), func(p published) bool { return p.version >= keys+3 })
	if err != nil {
		return err
	}
	if err := c.open(titled.path, titled.text); err != nil {
		return err
	}
	if _, err := c.wait(c.uri(titled.path), func(published) bool { return true }); err != nil {
		return err
	}
	retitled := strings.Replace(titled.text, "title: "+titled.title, "title: "+newTitle, 1)
	t0 := time.Now()
	if err := c.change(titled.path, 2, retitled); err != nil {
		return err
	}
	after, err := c.wait(c.uri(typing.path), func(p published) bool { return p.body != before.body })
	if err != nil {
		return err
	}
	titleLat := after.at.Sub(t0)

	// Idle: the CPU the server spends with nothing to do.
	cpu0, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return err
	}
	time.Sleep(idle)
	cpu1, _ := cpuTime(cmd.Process.Pid)
	rss, _ := peakRSS(cmd.Process.Pid)

	_ = c.conn.Call(ctx, "shutdown", nil, nil)
	_ = c.notify("exit", nil)
	cmd.Wait()

	fmt.Printf("| vault | %s |\n|---|---|\n", vault)
	fmt.Printf("| ready (start to the first note's diagnostics) | %s |\n", ms(ready))
	fmt.Printf("| of which initialize (the vault loaded) / didOpen to diagnostics | %s / %s |\n", ms(initialized), ms(opened))
	fmt.Printf("| keystroke to diagnostics, median / p99 (%d) | %s / %s |\n", keys, ms(percentile(keyLat, 0.5)), ms(percentile(keyLat, 0.99)))
	fmt.Printf("| completion, median / p99 (%d) | %s / %s |\n", completions, ms(percentile(compLat, 0.5)), ms(percentile(compLat, 0.99)))
	fmt.Printf("| title change to another note's diagnostics | %s |\n", ms(titleLat))
	fmt.Printf("| peak RSS | %d MB |\n", rss/1024)
	fmt.Printf("| idle CPU over %s | %.1f%% |\n", idle, 100*cpu1.Seconds()/idle.Seconds()-100*cpu0.Seconds()/idle.Seconds())
	return nil
}

// cpuTime is the user and system CPU time of process pid (Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command's closing parenthesis; utime and
	// stime are the 14th and 15th of the line.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz, nil
}

// peakRSS is the process's peak resident set in KB (VmHWM, Linux).
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM")
}
