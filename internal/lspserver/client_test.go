package lspserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
)

// relinkBin is the relink binary the tests start as a language server,
// built once by TestMain.
var relinkBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "relink-lsp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	relinkBin = filepath.Join(dir, "relink")
	build := exec.Command("go", "build", "-o", relinkBin, "../../cmd/relink")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building relink:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sampleVault copies examples/sample-vault into a temporary folder.
func sampleVault(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "vault")
	src := filepath.Join("..", "..", "examples", "sample-vault")
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

// diagnostic is a Diagnostic as the client reads it.
type diagnostic struct {
	Range    lspRange `json:"range"`
	Severity int      `json:"severity"`
	Code     string   `json:"code"`
	Source   string   `json:"source"`
	Message  string   `json:"message"`
}

type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// workspaceEdit holds both forms a server may answer with.
type workspaceEdit struct {
	Changes         map[string][]textEdit `json:"changes"`
	DocumentChanges []documentChange      `json:"documentChanges"`
}

type documentChange struct {
	Kind         string `json:"kind"`
	URI          string `json:"uri"`
	OldURI       string `json:"oldUri"`
	NewURI       string `json:"newUri"`
	TextDocument struct {
		URI     string `json:"uri"`
		Version *int   `json:"version"`
	} `json:"textDocument"`
	Edits []textEdit `json:"edits"`
}

type codeAction struct {
	Title       string         `json:"title"`
	Kind        string         `json:"kind"`
	IsPreferred bool           `json:"isPreferred"`
	Edit        *workspaceEdit `json:"edit"`
	Command     *struct {
		Command   string `json:"command"`
		Arguments []any  `json:"arguments"`
	} `json:"command"`
}

type showMessage struct {
	Type    int    `json:"type"`
	Message string `json:"message"`
}

// client is a language client driving relink lsp over its stdio.
type client struct {
	t     *testing.T
	vault string
	state string // XDG_STATE_HOME of the server: its snapshots
	cmd   *exec.Cmd
	conn  *jsonrpc2.Conn

	mu       sync.Mutex
	diags    map[string][]diagnostic
	changed  chan struct{}
	messages chan showMessage
	exited   chan error
}

type pipes struct {
	io.ReadCloser
	io.WriteCloser
}

func (p pipes) Close() error {
	p.WriteCloser.Close()
	return p.ReadCloser.Close()
}

// start runs relink lsp and initializes it on vault with options as
// initializationOptions (nil for none).
func start(t *testing.T, vault string, options any) *client {
	t.Helper()
	c := launch(t, vault)
	var res struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := c.initialize(options, &res); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if res.Capabilities["completionProvider"] == nil {
		t.Fatalf("initialize: no completion provider in %v", res.Capabilities)
	}
	c.notify("initialized", map[string]any{})
	return c
}

func (c *client) initialize(options, result any) error {
	params := map[string]any{
		"processId":    os.Getpid(),
		"rootUri":      fileURI(c.vault),
		"capabilities": map[string]any{},
	}
	if options != nil {
		params["initializationOptions"] = options
	}
	return c.tryCall("initialize", params, result)
}

// launch runs relink lsp on vault, not initialized yet.
func launch(t *testing.T, vault string) *client {
	t.Helper()
	cmd := exec.Command(relinkBin, "lsp")
	state := t.TempDir()
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, "HOME="+state)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, vault: vault, state: state, cmd: cmd, diags: map[string][]diagnostic{},
		changed: make(chan struct{}, 1), messages: make(chan showMessage, 16), exited: make(chan error, 1)}
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(pipes{out, in}, jsonrpc2.VSCodeObjectCodec{}),
		jsonrpc2.HandlerWithError(c.handle))
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	})
	return c
}

func (c *client) handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	switch req.Method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI         string       `json:"uri"`
			Diagnostics []diagnostic `json:"diagnostics"`
		}
		if err := json.Unmarshal(*req.Params, &p); err != nil {
			c.t.Errorf("publishDiagnostics: %v", err)
			return nil, nil
		}
		c.mu.Lock()
		c.diags[p.URI] = p.Diagnostics
		c.mu.Unlock()
		select {
		case c.changed <- struct{}{}:
		default:
		}
	case "window/showMessage":
		var m showMessage
		if err := json.Unmarshal(*req.Params, &m); err == nil {
			c.messages <- m
		}
	}
	return nil, nil
}

// relink runs the relink binary with the server's state folder.
func (c *client) relink(args ...string) (string, error) {
	cmd := exec.Command(relinkBin, args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+c.state, "HOME="+c.state)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func uriPathOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Path
}

func fileURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// uri is the URI of the vault-relative path rel.
func (c *client) uri(rel string) string { return fileURI(filepath.Join(c.vault, rel)) }

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	if err := c.tryCall(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) tryCall(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// open opens the note rel with its text on disk and returns that text.
func (c *client) open(rel string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.vault, rel))
	if err != nil {
		c.t.Fatal(err)
	}
	c.openText(rel, string(b))
	return string(b)
}

func (c *client) openText(rel, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": c.uri(rel), "languageId": "markdown", "version": 1, "text": text,
	}})
}

func (c *client) change(rel string, version int, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": c.uri(rel), "version": version},
		"contentChanges": []any{map[string]any{"text": text}},
	})
}

// waitDiags waits until the diagnostics of rel satisfy ok.
func (c *client) waitDiags(rel string, ok func([]diagnostic) bool) []diagnostic {
	c.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		ds, seen := c.diags[c.uri(rel)]
		c.mu.Unlock()
		if seen && ok(ds) {
			return ds
		}
		select {
		case <-c.changed:
		case <-deadline:
			c.t.Fatalf("diagnostics of %s: never as wanted; last %+v", rel, ds)
		}
	}
}

func (c *client) waitMessage() showMessage {
	c.t.Helper()
	select {
	case m := <-c.messages:
		return m
	case <-time.After(30 * time.Second):
		c.t.Fatal("no window/showMessage")
	}
	return showMessage{}
}

func textDoc(uri string, line, char int) map[string]any {
	return map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"position":     map[string]any{"line": line, "character": char},
	}
}

// positionOf is the position of the first occurrence of sub in text,
// plus delta characters (text here is ASCII before sub).
func positionOf(t *testing.T, text, sub string, delta int) (line, char int) {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in the text", sub)
	}
	before := text[:i]
	line = strings.Count(before, "\n")
	lineStart := strings.LastIndex(before, "\n") + 1
	return line, len([]rune(before[lineStart:])) + delta
}

// applyEdits applies text edits (LSP positions, UTF-16, no overlap) to text.
func applyEdits(t *testing.T, text string, edits []textEdit) string {
	t.Helper()
	offset := func(p position) int {
		lines := strings.SplitAfter(text, "\n")
		off := 0
		for i := 0; i < p.Line && i < len(lines); i++ {
			off += len(lines[i])
		}
		units := 0
		for _, r := range text[off:] {
			if units >= p.Character || r == '\n' {
				break
			}
			if r >= 0x10000 {
				units += 2
			} else {
				units++
			}
			off += len(string(r))
		}
		return off
	}
	type span struct {
		s, e int
		text string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{offset(e.Range.Start), offset(e.Range.End), e.NewText})
	}
	for i := len(spans) - 1; i >= 0; i-- { // edits come in order
		sp := spans[i]
		text = text[:sp.s] + sp.text + text[sp.e:]
	}
	return text
}

// shutdown ends the server as an editor does and checks its exit status.
func (c *client) shutdown() {
	c.t.Helper()
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	select {
	case err := <-c.exited:
		if err != nil {
			c.t.Errorf("relink lsp after shutdown and exit: %v", err)
		}
		c.exited <- err
	case <-time.After(10 * time.Second):
		c.t.Fatal("relink lsp did not exit")
	}
}
