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
	"sync/atomic"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/index"
	"github.com/relinkmd/relink/internal/workspace"
)

// Opener opens the vault at dir as an engine that calls onUpdate with
// each new state and onError with what goes wrong in the background.
type Opener func(dir string, onUpdate func(*workspace.State), onError func(error)) (*workspace.Engine, error)

// OpenVault is the Opener of relink lsp: the vault with its config file
// and caches, kept loaded and following its files on disk.
func OpenVault(dir string, onUpdate func(*workspace.State), onError func(error)) (*workspace.Engine, error) {
	return workspace.OpenEngine(dir, workspace.EngineOptions{Watch: true, OnUpdate: onUpdate, OnError: onError})
}

// ErrNoShutdown is Serve's error when the client sent exit without
// shutdown first; the process then exits 1, as LSP asks.
var ErrNoShutdown = errors.New("exit without shutdown")

// Server holds what the editor has open and the vault's engine.
type Server struct {
	open Opener

	mu       sync.Mutex
	engine   *workspace.Engine
	docs     map[string]*document // by vault-relative path
	severity severities
	shutdown bool
	exited   bool
	// notify sends a notification to the client; set once by Serve.
	notify func(method string, params any)
	// updates wakes the publisher: the engine has a new state.
	updates chan struct{}
	done    chan struct{}
}

// New returns a server that opens vaults with open.
func New(open Opener) *Server {
	return &Server{open: open, docs: map[string]*document{}, severity: defaultSeverities(),
		updates: make(chan struct{}, 1), done: make(chan struct{})}
}

// Serve answers the client on in and out until it exits or in ends.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	stream := jsonrpc2.NewBufferedStream(readWriteCloser{in, out}, jsonrpc2.VSCodeObjectCodec{})
	h := s.handler()
	// One notify for the connection, set before it reads: the engine's
	// background errors and the publisher send through it too.
	var connection atomic.Pointer[jsonrpc2.Conn]
	s.notify = func(method string, params any) {
		if c := connection.Load(); c != nil {
			_ = c.Notify(ctx, method, params)
		}
	}
	conn := jsonrpc2.NewConn(ctx, stream, jsonrpc2.HandlerWithError(func(ctx context.Context, c *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
		connection.CompareAndSwap(nil, c)
		gc := &glsp.Context{Method: req.Method, Notify: s.notify}
		if req.Params != nil {
			gc.Params = *req.Params
		}
		if req.Method == protocol.MethodInitialize {
			// The few fields relink reads, decoded alone: the 3.16 types
			// of the client's capabilities would refuse a newer client's
			// (a field that became an object) and fail the whole start.
			var p initializeParams
			if err := json.Unmarshal(gc.Params, &p); err != nil {
				return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()}
			}
			r, err := s.initialize(gc, &p)
			if err != nil {
				return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
			}
			h.SetInitialized(true)
			return r, nil
		}
		if req.Method == "exit" {
			s.mu.Lock()
			s.exited = true
			s.mu.Unlock()
			c.Close()
			return nil, nil
		}
		r, validMethod, validParams, err := h.Handle(gc)
		switch {
		case !validMethod && req.Notif:
			// A notification the server does not know ($/progress, a
			// newer protocol's) is ignored, as LSP asks.
			return nil, nil
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
	connection.Store(conn)
	go s.publisher()
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	close(s.done)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine != nil {
		s.engine.Close()
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

// initializeParams are the fields of initialize's params relink reads.
type initializeParams struct {
	RootPath              *string                    `json:"rootPath"`
	RootURI               *string                    `json:"rootUri"`
	InitializationOptions any                        `json:"initializationOptions"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
}

func (s *Server) initialize(_ *glsp.Context, p *initializeParams) (any, error) {
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
	s.mu.Lock()
	opened := s.engine != nil
	s.mu.Unlock()
	if opened {
		return nil, errors.New("initialize: the server is initialized already")
	}
	e, err := s.open(root, func(*workspace.State) { s.wake() }, s.backgroundError)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	sev := defaultSeverities()
	err = sev.set(e.Report().Settings.Config.LSP.Severity)
	if err == nil && p.InitializationOptions != nil {
		b, _ := json.Marshal(p.InitializationOptions)
		var opt initOptions
		if err = json.Unmarshal(b, &opt); err == nil {
			err = sev.set(opt.Severity)
		}
		if err != nil {
			err = fmt.Errorf("initializationOptions: %w", err)
		}
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	s.mu.Lock()
	s.engine, s.severity = e, sev
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
	// unsaved says the text may differ from the file.
	unsaved bool
	// note says the engine holds the text as a note of the vault.
	note bool
	// published and publishedVersion are the engine state and document
	// version whose diagnostics were sent last.
	published        uint64
	publishedVersion protocol.Integer
}

func (s *Server) setText(d *document, text []byte) {
	d.text = text
	d.lines = newLines(text)
}

// pathOf is the vault-relative path of uri, or ok false for a file
// outside the vault.
func (s *Server) pathOf(uri string) (string, bool) {
	if s.engine == nil {
		return "", false
	}
	p := uriPath(uri)
	if p == "" {
		return "", false
	}
	dir := s.engine.Dir()
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
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(s.engine.Dir(), filepath.FromSlash(p)))}
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

// setBufferLocked gives the engine the document's text: the note is
// checked as the editor has it. A file the vault does not read as a note
// (excluded, not .md) is kept for positions only.
func (s *Server) setBufferLocked(d *document) {
	if err := s.engine.SetBuffer(d.path, d.text); err != nil {
		d.note = false
		return
	}
	d.note = true
}

// savedLocked tells whether the document's text is its file's.
func (s *Server) savedLocked(d *document) bool {
	disk, err := s.engine.Latest().Report.Vault.ReadFile(d.path)
	return err == nil && bytes.Equal(disk, d.text)
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
	d.unsaved = !s.savedLocked(d)
	s.docs[path] = d
	s.setBufferLocked(d)
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
	s.setBufferLocked(d)
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
		s.notifyLocked(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: d.uri, Diagnostics: []protocol.Diagnostic{}})
		if d.note {
			// The file counts again; its diagnostics go with the editor's
			// copy, and the other open notes' follow the new state.
			if err := s.engine.DropBuffer(path); err != nil {
				s.backgroundError(err)
			}
		}
		s.publishLocked()
	}
	return nil
}

// didSave notes that the document's text is its file's now: the engine
// keeps the buffer (the same text) until the document is closed.
func (s *Server) didSave(_ *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path, ok := s.pathOf(p.TextDocument.URI); ok {
		if d := s.docs[path]; d != nil {
			if p.Text != nil && *p.Text != string(d.text) {
				s.setText(d, []byte(*p.Text))
				s.setBufferLocked(d)
			}
			d.unsaved = !s.savedLocked(d)
		}
	}
	return nil
}

// didChangeWatchedFiles reads the files the client names again; the
// engine's own watcher sees them too, and a path read twice costs little.
func (s *Server) didChangeWatchedFiles(_ *glsp.Context, p *protocol.DidChangeWatchedFilesParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var paths []string
	for _, c := range p.Changes {
		if path, ok := s.pathOf(c.URI); ok {
			paths = append(paths, path)
		}
	}
	if len(paths) > 0 && s.engine != nil {
		if _, err := s.engine.Refresh(paths...); err != nil {
			s.backgroundError(err)
		}
	}
	return nil
}

// backgroundError shows what went wrong outside a request: a watch that
// could not be set, a vault that could not be read again.
func (s *Server) backgroundError(err error) {
	s.notify(protocol.ServerWindowShowMessage, protocol.ShowMessageParams{Type: protocol.MessageTypeError, Message: "relink: " + err.Error()})
}

// wake tells the publisher that the engine has a new state. It never
// blocks: the engine calls it with its lock held.
func (s *Server) wake() {
	select {
	case s.updates <- struct{}{}:
	default:
	}
}

// publisher sends the diagnostics of the open notes whenever the engine
// has a new state that no request has published: a note changed on disk,
// a title another note's links use.
func (s *Server) publisher() {
	var warmed *index.Index
	for {
		select {
		case <-s.done:
			return
		case <-s.updates:
			s.mu.Lock()
			s.publishLocked()
			var ix *index.Index
			// Once a document is open and its diagnostics are out: the
			// first ones are not kept waiting for the table's CPU.
			if s.engine != nil && len(s.docs) > 0 {
				ix = s.engine.Latest().Report.Index
			}
			s.mu.Unlock()
			if ix != nil && ix != warmed {
				// A new index (a name changed) builds its completion table
				// now, not in the next completion request, and beside the
				// publisher: the next diagnostics do not wait for it.
				warmed = ix
				go ix.WarmCompletions()
			}
		}
	}
}

// viewLocked is the vault as the editor shows it: the engine's state,
// whose buffers are the open documents.
func (s *Server) viewLocked() *workspace.View {
	texts := make(map[string][]byte, len(s.docs))
	for p, d := range s.docs {
		if d.note {
			texts[p] = d.text
		}
	}
	return s.engine.Latest().Report.View(texts)
}

func (s *Server) notifyLocked(method string, params any) {
	if s.notify != nil {
		s.notify(method, params)
	}
}

// publishLocked sends the diagnostics of every open note, from the
// engine's current state: a change in one note (a title, a heading) can
// change the findings of another. A state already published for the
// same texts is not sent again.
func (s *Server) publishLocked() {
	if s.engine == nil {
		return
	}
	st := s.engine.Latest()
	v := st.Report.View(nil)
	for _, d := range s.docs {
		if d.published == st.Version && d.publishedVersion == d.version {
			continue
		}
		d.published, d.publishedVersion = st.Version, d.version
		version := protocol.UInteger(d.version)
		ds := []protocol.Diagnostic{}
		if d.note {
			ds = diagnostics(v, d.path, d.text, d.lines, s.severity)
		}
		s.notifyLocked(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
			URI: d.uri, Version: &version, Diagnostics: ds,
		})
	}
}

// docLocked is the open document at uri with the current view, or the
// note's file when it is not open.
func (s *Server) docLocked(uri string) (*document, *workspace.View, bool) {
	if s.engine == nil {
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
	d := &document{uri: uri, path: path, note: true}
	s.setText(d, text)
	return d, v, true
}
