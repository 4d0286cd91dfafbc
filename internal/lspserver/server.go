// Package lspserver is relink's Language Server: the JSON-RPC shell that
// turns an editor's requests into calls on a workspace.View and the
// answers back into LSP types. It decides nothing about links itself:
// findings, fixes, completion, where a link goes and what a rename
// rewrites all come from internal/workspace, the same code as check,
// apply and mv.
package lspserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/workspace"
)

// Loader reads the vault at dir into a Report. The server calls it at
// initialize and again when files change on disk.
type Loader func(dir string) (*workspace.Report, error)

// LoadVault is the Loader of relink lsp: the vault with the config file
// and the caches, and each note's hash kept, so that a fix written to
// disk refuses a file that changed since it was read.
func LoadVault(dir string) (*workspace.Report, error) {
	return workspace.Load(dir, workspace.Options{Hash: true})
}

// ErrNoShutdown is Serve's error when the client sent exit without
// shutdown first; the process then exits 1, as LSP asks.
var ErrNoShutdown = errors.New("exit without shutdown")

// Server holds what the editor has open and the vault's last report.
type Server struct {
	load Loader

	mu        sync.Mutex
	rep       *workspace.Report
	docs      map[string]*document // by vault-relative path
	view      *workspace.View      // nil when a buffer or the report changed since
	severity  severities
	shutdown  bool
	exited    bool
	notify    func(method string, params any)
	loadError error
}

// New returns a server that reads vaults with load.
func New(load Loader) *Server {
	return &Server{load: load, docs: map[string]*document{}, severity: defaultSeverities()}
}

// Serve answers the client on in and out until it exits or in ends.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	stream := jsonrpc2.NewBufferedStream(readWriteCloser{in, out}, jsonrpc2.VSCodeObjectCodec{})
	h := s.handler()
	conn := jsonrpc2.NewConn(ctx, stream, jsonrpc2.HandlerWithError(func(ctx context.Context, c *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		gc := &glsp.Context{
			Method: req.Method,
			Notify: func(method string, params any) { _ = c.Notify(ctx, method, params) },
		}
		if req.Params != nil {
			gc.Params = *req.Params
		}
		s.mu.Lock()
		s.notify = gc.Notify
		s.mu.Unlock()
		if req.Method == "exit" {
			s.mu.Lock()
			s.exited = true
			s.mu.Unlock()
			c.Close()
			return nil, nil
		}
		r, validMethod, validParams, err := h.Handle(gc)
		switch {
		case !validMethod:
			return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
		case !validParams:
			msg := "invalid params"
			if err != nil {
				msg = err.Error()
			}
			return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
		case err != nil:
			return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
		}
		return r, nil
	}))
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rep != nil {
		s.rep.Vault.Close()
	}
	if s.exited && !s.shutdown {
		return ErrNoShutdown
	}
	return ctx.Err()
}

type readWriteCloser struct {
	io.Reader
	io.Writer
}

func (rw readWriteCloser) Close() error {
	if c, ok := rw.Reader.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (s *Server) handler() *protocol.Handler {
	h := &protocol.Handler{}
	h.Initialize = s.initialize
	h.Initialized = func(*glsp.Context, *protocol.InitializedParams) error { return nil }
	h.Shutdown = func(*glsp.Context) error {
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		return nil
	}
	h.SetTrace = func(*glsp.Context, *protocol.SetTraceParams) error { return nil }
	h.CancelRequest = func(*glsp.Context, *protocol.CancelParams) error { return nil }
	h.TextDocumentDidOpen = s.didOpen
	h.TextDocumentDidChange = s.didChange
	h.TextDocumentDidClose = s.didClose
	h.TextDocumentDidSave = s.didSave
	h.WorkspaceDidChangeWatchedFiles = s.didChangeWatchedFiles
	h.WorkspaceDidChangeConfiguration = func(*glsp.Context, *protocol.DidChangeConfigurationParams) error { return nil }
	h.TextDocumentCodeAction = s.codeAction
	h.WorkspaceExecuteCommand = s.executeCommand
	h.TextDocumentCompletion = s.completion
	h.TextDocumentDefinition = s.definition
	h.TextDocumentReferences = s.references
	h.TextDocumentHover = s.hover
	h.TextDocumentDocumentLink = s.documentLink
	h.TextDocumentDocumentSymbol = s.documentSymbol
	h.WorkspaceSymbol = s.workspaceSymbol
	h.TextDocumentPrepareRename = s.prepareRename
	h.TextDocumentRename = s.rename
	h.WorkspaceWillRenameFiles = s.willRenameFiles
	return h
}

// initOptions are the initializationOptions relink reads.
type initOptions struct {
	// Severity maps a class to error, warning, information, hint or off,
	// over the config file's [lsp.severity].
	Severity map[string]string `json:"severity"`
}

func (s *Server) initialize(_ *glsp.Context, p *protocol.InitializeParams) (any, error) {
	root := ""
	switch {
	case p.RootURI != nil && *p.RootURI != "":
		root = uriPath(*p.RootURI)
	case len(p.WorkspaceFolders) > 0:
		root = uriPath(p.WorkspaceFolders[0].URI)
	case p.RootPath != nil:
		root = *p.RootPath
	}
	if root == "" {
		return nil, errors.New("relink lsp needs a workspace folder: the vault")
	}
	rep, err := s.load(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	sev := defaultSeverities()
	if err := sev.set(rep.Settings.Config.LSP.Severity); err != nil {
		return nil, err
	}
	if p.InitializationOptions != nil {
		b, _ := json.Marshal(p.InitializationOptions)
		var opt initOptions
		if err := json.Unmarshal(b, &opt); err != nil {
			return nil, fmt.Errorf("initializationOptions: %w", err)
		}
		if err := sev.set(opt.Severity); err != nil {
			return nil, fmt.Errorf("initializationOptions: %w", err)
		}
	}
	s.mu.Lock()
	s.rep, s.severity, s.view = rep, sev, nil
	s.mu.Unlock()
	return protocol.InitializeResult{Capabilities: capabilities(), ServerInfo: &protocol.InitializeResultServerInfo{Name: "relink"}}, nil
}

func capabilities() protocol.ServerCapabilities {
	full := protocol.TextDocumentSyncKindFull
	t := true
	notes := []protocol.FileOperationFilter{
		{Pattern: protocol.FileOperationPattern{Glob: "**/*.md"}},
		{Pattern: protocol.FileOperationPattern{Glob: "**/*.markdown"}},
	}
	return protocol.ServerCapabilities{
		TextDocumentSync: protocol.TextDocumentSyncOptions{OpenClose: &t, Change: &full, Save: protocol.SaveOptions{IncludeText: &t}},
		CompletionProvider: &protocol.CompletionOptions{
			TriggerCharacters: []string{"[", "#", "^", "(", "/"},
		},
		HoverProvider:           true,
		DefinitionProvider:      true,
		ReferencesProvider:      true,
		DocumentSymbolProvider:  true,
		WorkspaceSymbolProvider: true,
		DocumentLinkProvider:    &protocol.DocumentLinkOptions{},
		CodeActionProvider: protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{
			protocol.CodeActionKindQuickFix, kindSourceFixAll, protocol.CodeActionKindSource,
		}},
		RenameProvider:         protocol.RenameOptions{PrepareProvider: &t},
		ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{commandFixVault}},
		Workspace: &protocol.ServerCapabilitiesWorkspace{
			FileOperations: &protocol.ServerCapabilitiesWorkspaceFileOperations{
				WillRename: &protocol.FileOperationRegistrationOptions{Filters: notes},
			},
		},
	}
}

// document is a note the editor has open.
type document struct {
	uri     string
	path    string
	version protocol.Integer
	text    []byte
	lines   lines
	// unsaved says the text may differ from the file: it is then what the
	// view reads in the file's place.
	unsaved bool
}

func (s *Server) setText(d *document, text []byte) {
	d.text = text
	d.lines = newLines(text)
}

// pathOf is the vault-relative path of uri, or ok false for a file
// outside the vault.
func (s *Server) pathOf(uri string) (string, bool) {
	if s.rep == nil {
		return "", false
	}
	p := uriPath(uri)
	if p == "" {
		return "", false
	}
	dir := s.rep.Vault.Dir
	rel, err := filepath.Rel(dir, p)
	if err != nil || !filepath.IsLocal(rel) {
		// The vault's folder as the system names it (a symlink resolved)
		// against the file's as the editor names it.
		if real, err2 := filepath.EvalSymlinks(filepath.Dir(p)); err2 == nil {
			rel, err = filepath.Rel(dir, filepath.Join(real, filepath.Base(p)))
		}
		if err != nil || !filepath.IsLocal(rel) {
			return "", false
		}
	}
	return filepath.ToSlash(rel), true
}

// uriOf is the file URI of the vault-relative path p.
func (s *Server) uriOf(p string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(s.rep.Vault.Dir, filepath.FromSlash(p)))}
	if runtime.GOOS == "windows" {
		u.Path = "/" + u.Path
	}
	return u.String()
}

func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		p = strings.TrimPrefix(p, "/")
	}
	return filepath.FromSlash(p)
}

func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	path, ok := s.pathOf(p.TextDocument.URI)
	if !ok {
		return nil
	}
	d := &document{uri: p.TextDocument.URI, path: path, version: p.TextDocument.Version}
	s.setText(d, []byte(p.TextDocument.Text))
	disk, err := s.rep.Vault.ReadFile(path)
	d.unsaved = err != nil || !bytes.Equal(disk, d.text)
	s.docs[path] = d
	if d.unsaved {
		s.view = nil
	}
	s.publishLocked()
	return nil
}

func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	path, ok := s.pathOf(p.TextDocument.URI)
	if !ok {
		return nil
	}
	d := s.docs[path]
	if d == nil {
		return nil
	}
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEventWhole:
			s.setText(d, []byte(c.Text))
		case protocol.TextDocumentContentChangeEvent:
			start, end := d.lines.offset(d.text, c.Range.Start), d.lines.offset(d.text, c.Range.End)
			if start > end {
				start, end = end, start
			}
			next := append(append(append([]byte(nil), d.text[:start]...), c.Text...), d.text[end:]...)
			s.setText(d, next)
		}
	}
	d.version = p.TextDocument.Version
	d.unsaved = true
	s.view = nil
	s.publishLocked()
	return nil
}

func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	path, ok := s.pathOf(p.TextDocument.URI)
	if !ok {
		return nil
	}
	if d := s.docs[path]; d != nil {
		delete(s.docs, path)
		if d.unsaved {
			s.view = nil
		}
		s.notifyLocked(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: d.uri, Diagnostics: []protocol.Diagnostic{}})
		s.publishLocked()
	}
	return nil
}

// didSave reads the vault again: the saved note may have changed names
// that other notes' links use.
func (s *Server) didSave(_ *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path, ok := s.pathOf(p.TextDocument.URI); ok {
		if d := s.docs[path]; d != nil {
			if p.Text != nil {
				s.setText(d, []byte(*p.Text))
			}
			disk, err := s.rep.Vault.ReadFile(path)
			d.unsaved = err != nil || !bytes.Equal(disk, d.text)
		}
	}
	s.reloadLocked()
	s.publishLocked()
	return nil
}

func (s *Server) didChangeWatchedFiles(_ *glsp.Context, _ *protocol.DidChangeWatchedFilesParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reloadLocked()
	s.publishLocked()
	return nil
}

// reloadLocked reads the vault again. A vault that cannot be read keeps
// the last report, and the error is shown once.
func (s *Server) reloadLocked() {
	rep, err := s.load(s.rep.Vault.Dir)
	if err != nil {
		if s.loadError == nil || s.loadError.Error() != err.Error() {
			s.notifyLocked(protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: protocol.MessageTypeError, Message: "relink: " + err.Error()})
		}
		s.loadError = err
		return
	}
	s.loadError = nil
	s.rep.Vault.Close()
	s.rep, s.view = rep, nil
	for _, d := range s.docs {
		if d.unsaved {
			continue
		}
		if disk, err := rep.Vault.ReadFile(d.path); err != nil || !bytes.Equal(disk, d.text) {
			d.unsaved = true
		}
	}
}

// viewLocked is the vault as the editor shows it: the report with the
// unsaved buffers in place of their files.
func (s *Server) viewLocked() *workspace.View {
	if s.view != nil {
		return s.view
	}
	buffers := map[string][]byte{}
	for p, d := range s.docs {
		if d.unsaved {
			buffers[p] = d.text
		}
	}
	s.view = s.rep.View(buffers)
	return s.view
}

func (s *Server) notifyLocked(method string, params any) {
	if s.notify != nil {
		s.notify(method, params)
	}
}

// publishLocked sends the diagnostics of every open note: a change in one
// note (a title, a heading) can change the findings of another.
func (s *Server) publishLocked() {
	if s.rep == nil {
		return
	}
	v := s.viewLocked()
	for _, d := range s.docs {
		version := protocol.UInteger(d.version)
		s.notifyLocked(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
			URI: d.uri, Version: &version, Diagnostics: diagnostics(v, d.path, d.text, d.lines, s.severity),
		})
	}
}

// docLocked is the open document at uri with the current view, or the
// note's file when it is not open.
func (s *Server) docLocked(uri string) (*document, *workspace.View, bool) {
	if s.rep == nil {
		return nil, nil, false
	}
	path, ok := s.pathOf(uri)
	if !ok {
		return nil, nil, false
	}
	v := s.viewLocked()
	if d := s.docs[path]; d != nil {
		return d, v, true
	}
	text, err := v.Text(path)
	if err != nil {
		return nil, nil, false
	}
	d := &document{uri: uri, path: path}
	s.setText(d, text)
	return d, v, true
}
