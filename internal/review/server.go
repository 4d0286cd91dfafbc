// Package review is relink's browser front end: `relink review` serves a
// page on the loopback interface where a person reviews the plan — ticks
// and unticks edits, settles ambiguous, alias, duplicate and broken links —
// and applies exactly the chosen edits through workspace.Apply (snapshot
// first, atomic writes, conflict checks), with undo; `relink report` writes
// the same page, with its data inlined, as one static HTML file.
//
// # Security
//
// The server listens on loopback only. Every request must carry a loopback
// Host header (a DNS-rebinding page cannot talk to it). The page itself is
// served only to a browser that opened the printed address, which carries
// a random per-run token (it is then kept in a cookie); every API request
// carries the same token in the X-Relink-Token header, and state-changing
// requests are POSTs with a JSON body and, when the browser sends one, a
// same-origin Origin header. Anything else is refused with 403, and its
// connection closed. Reading a request, body included, is bounded by
// ReadTimeout, so a client trickling a body cannot hold a connection. The
// browser is opened on a private launcher file (WriteLauncher), never with
// the token on its command line.
//
// # Edits
//
// The page never computes an edit: the plan's edits come from plan.Build,
// and a choice for a finding from plan.RetargetEdit, so the page writes
// exactly what `relink apply` would write for the same decision.
package review

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/snapshot"
	"github.com/relinkmd/relink/internal/vault"
	"github.com/relinkmd/relink/internal/workspace"
)

// Options configure a review server.
type Options struct {
	Load  workspace.Options // what check and plan take
	Store string            // the snapshot store folder (--store); "": config or default
}

// TokenHeader is the request header that carries the run's token.
const TokenHeader = "X-Relink-Token"

// maxBody bounds a request body.
const maxBody = 16 << 20

// DefaultReadTimeout bounds the reading of one request, body included: the
// page's requests are small JSON documents, and a client that trickles its
// body must not hold a connection open.
const DefaultReadTimeout = 30 * time.Second

// Server serves one vault's review page and API.
type Server struct {
	// ReadTimeout bounds the reading of one request, headers and body
	// (0: DefaultReadTimeout). Set it before Serve.
	ReadTimeout time.Duration

	opt      Options
	token    string
	opened   chan struct{} // closed when the printed address is first opened
	openOnce sync.Once

	// eng keeps the vault loaded and follows its files: a reload takes
	// its current report instead of reading the vault again.
	eng *workspace.Engine

	mu      sync.Mutex // guards everything below; held through apply and undo
	rep     *workspace.Report
	m       *model
	gen     int
	ch      *choices
	applied *ApplyResponse // the last apply made here, as answered
}

// New loads the vault at dir and returns a server for it. Close releases
// the vault.
func New(dir string, opt Options) (*Server, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	s := &Server{opt: opt, token: hex.EncodeToString(b[:]), ch: newChoices(), opened: make(chan struct{})}
	eng, err := workspace.OpenEngine(dir, workspace.EngineOptions{Options: opt.Load, Watch: true})
	if err != nil {
		return nil, err
	}
	s.eng = eng
	if err := s.reload(); err != nil {
		eng.Close()
		return nil, err
	}
	return s, nil
}

// Token is the run's secret: the page and every API request carry it.
func (s *Server) Token() string { return s.token }

// Problems are the files the last load of the vault skipped, and why.
func (s *Server) Problems() []vault.Problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.data.Problems
}

// Opened is closed when a browser first opens the address that carries the
// token (URL): from then on the browser holds the token in a cookie.
func (s *Server) Opened() <-chan struct{} { return s.opened }

// URL is the address to open for a server listening on addr: it carries
// the token, which the page then keeps in a cookie.
func (s *Server) URL(addr net.Addr) string {
	return "http://" + addr.String() + "/?token=" + s.token
}

// Close releases the vault.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rep = nil
	return s.eng.Close()
}

// reload takes the engine's current report — the vault as it is, with the
// files changed (the ones written here, and the ones the watcher has seen)
// read again — and plans the page anew; the choices made that still apply
// to a link are kept. The caller holds s.mu (or owns s).
func (s *Server) reload(changed ...string) error {
	if len(changed) > 0 {
		if _, err := s.eng.Refresh(changed...); err != nil {
			return err
		}
	} else if err := s.eng.Flush(); err != nil {
		return err
	}
	rep := s.eng.Report()
	store, err := workspace.StoreDir(rep.Vault.Dir, rep.Settings.Config, s.opt.Store)
	if err != nil {
		return err
	}
	m := build(rep, store, s.ch)
	if pe, err := workspace.Pending(rep.Vault.Dir, rep.Settings.Config, s.opt.Store); err == nil && pe != nil {
		m.data.Warnings = append(m.data.Warnings, pe.Error())
	}
	// The apply that Undo reverts, so that a page opened or reloaded after
	// an apply still offers to undo it.
	last, err := workspace.LastApply(rep.Vault.Dir, rep.Settings.Config, s.opt.Store)
	if err != nil {
		m.data.Warnings = append(m.data.Warnings, "cannot tell which apply is in effect: "+err.Error())
	}
	if last != nil {
		m.data.LastApply = &LastApply{Snapshot: last.ID, Time: last.Time, Files: len(last.Files)}
		if s.applied != nil && s.applied.Snapshot == last.ID {
			m.data.Applied = s.applied
		}
	}
	s.gen++
	m.data.Generation = s.gen
	s.rep, s.m = rep, m
	return nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /assets/{name}", handleAsset)
	mux.HandleFunc("GET /api/plan", s.api(s.handlePlan))
	mux.HandleFunc("POST /api/choose", s.api(s.handleChoose))
	mux.HandleFunc("POST /api/apply", s.api(s.handleApply))
	mux.HandleFunc("POST /api/undo", s.api(s.handleUndo))
	mux.HandleFunc("POST /api/reload", s.api(s.handleReload))
	return guard(mux)
}

// guard refuses requests whose Host is not a loopback name: a page on
// another site that rebinds its domain to 127.0.0.1 sends its own name.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !LoopbackHost(r.Host) {
			refuse(w)
			http.Error(w, "relink review answers only to a loopback address (Host "+r.Host+")", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// LoopbackHost reports whether a Host header (host or host:port) names
// this machine's loopback interface.
func LoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// cookieName is per run, so that two review servers do not clobber each
// other's cookie (cookies ignore ports).
func (s *Server) cookieName() string {
	h := sha256.Sum256([]byte("relink-cookie:" + s.token))
	return "relink_" + hex.EncodeToString(h[:6])
}

func (s *Server) validToken(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	if t := r.URL.Query().Get("token"); t != "" {
		if !s.validToken(t) {
			forbidden(w)
			return
		}
		// Lax, not Strict: the browser comes here from the launcher, a
		// file: page, and a Strict cookie set at the end of a navigation
		// that began on another site is not sent on its redirect to "/".
		// Lax lets another site only navigate the user to the page, which
		// it can neither frame nor read; the API wants the token header.
		http.SetCookie(w, &http.Cookie{
			Name: s.cookieName(), Value: s.token, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteLaxMode,
		})
		s.openOnce.Do(func() { close(s.opened) })
		// Drop the token from the address bar and history.
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || !s.validToken(c.Value) {
		forbidden(w)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Write(servedPage(s.token))
}

// refuse marks the connection of a refused request to be closed after the
// answer: the server then does not read the rest of a body it will not use
// (which a slow client could make last).
func refuse(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
}

func forbidden(w http.ResponseWriter) {
	refuse(w)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, "relink review: open the address that `relink review` printed; it carries this run's token.\n")
}

func handleAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil || name == "index.html" {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Write(b)
}

// api wraps an API handler: token, and for POST a JSON body from this
// origin.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.validToken(r.Header.Get(TokenHeader)) {
			refuse(w)
			writeError(w, http.StatusForbidden, "missing or wrong "+TokenHeader+" header")
			return
		}
		if r.Method == http.MethodPost {
			if o := r.Header.Get("Origin"); o != "" {
				u, err := url.Parse(o)
				if err != nil || u.Host != r.Host {
					refuse(w)
					writeError(w, http.StatusForbidden, "cross-origin request refused")
					return
				}
			}
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				refuse(w)
				writeError(w, http.StatusUnsupportedMediaType, "want a JSON body (Content-Type: application/json)")
				return
			}
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorResponse struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorResponse{Error: msg})
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad request body: %w", err)
	}
	return nil
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.m.data)
}

// ChooseRequest changes choices: ticks or unticks plan edits, and points
// findings to one of their options (-1: leave the link alone).
type ChooseRequest struct {
	Generation int          `json:"generation"`
	Edits      []EditChoice `json:"edits,omitempty"`
	Findings   []FindChoice `json:"findings,omitempty"`
}

// EditChoice ticks (On) or unticks a plan edit.
type EditChoice struct {
	ID int  `json:"id"`
	On bool `json:"on"`
}

// FindChoice picks an option of a finding; Choice -1 leaves it.
type FindChoice struct {
	ID     int        `json:"id"`
	Choice int        `json:"choice"`
	Edit   *plan.Edit `json:"edit,omitempty"` // in the response: the edit the choice makes
}

// ChooseResponse confirms the choices and gives the edits they make.
type ChooseResponse struct {
	Generation int          `json:"generation"`
	Edits      []EditChoice `json:"edits"`
	Findings   []FindChoice `json:"findings"`
	Chosen     int          `json:"chosen"` // edits apply would make now
}

func (s *Server) handleChoose(w http.ResponseWriter, r *http.Request) {
	var req ChooseRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.m.data
	if req.Generation != s.gen {
		writeError(w, http.StatusConflict, "the plan was reloaded since this page got it; reload the page")
		return
	}
	// Check everything before changing anything.
	for _, e := range req.Edits {
		if e.ID < 0 || e.ID >= len(d.Edits) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("no edit %d", e.ID))
			return
		}
	}
	for _, f := range req.Findings {
		if f.ID < 0 || f.ID >= len(d.Findings) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("no finding %d", f.ID))
			return
		}
		it := &d.Findings[f.ID]
		if f.Choice < -1 || f.Choice >= len(it.Options) || f.Choice >= 0 && it.Options[f.Choice].Edit == nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("finding %d has no option %d", f.ID, f.Choice))
			return
		}
	}
	resp := ChooseResponse{Generation: s.gen, Edits: []EditChoice{}, Findings: []FindChoice{}}
	for _, e := range req.Edits {
		it := &d.Edits[e.ID]
		it.On = e.On
		if e.On {
			delete(s.ch.off, editKey(it.Edit))
		} else {
			s.ch.off[editKey(it.Edit)] = true
		}
		resp.Edits = append(resp.Edits, EditChoice{ID: e.ID, On: e.On})
	}
	for _, f := range req.Findings {
		it := &d.Findings[f.ID]
		it.Choice = f.Choice
		k := findingKey(it.Finding)
		fc := FindChoice{ID: f.ID, Choice: f.Choice}
		if f.Choice < 0 {
			delete(s.ch.picks, k)
		} else {
			o := it.Options[f.Choice]
			s.ch.picks[k] = o.Path
			fc.Edit = o.Edit
		}
		resp.Findings = append(resp.Findings, fc)
	}
	resp.Chosen = len(s.chosen())
	writeJSON(w, http.StatusOK, resp)
}

// chosen returns the edits the choices make, sorted by file and offset.
// The caller holds s.mu.
func (s *Server) chosen() []plan.Edit {
	d := s.m.data
	var es []plan.Edit
	for _, e := range d.Edits {
		if e.On {
			es = append(es, e.Edit)
		}
	}
	for _, f := range d.Findings {
		if f.Choice >= 0 {
			es = append(es, *f.Options[f.Choice].Edit)
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].File != es[j].File {
			return es[i].File < es[j].File
		}
		return es[i].Start < es[j].Start
	})
	return es
}

// ApplyRequest asks to apply the chosen edits. The page says which it
// shows as chosen; if that is not exactly the server's choice (another tab
// changed it), nothing is applied.
type ApplyRequest struct {
	Generation int         `json:"generation"`
	Edits      []int       `json:"edits"`    // ids of the plan edits ticked
	Findings   map[int]int `json:"findings"` // finding id -> option chosen
}

// FileResult is a file apply rewrote, with its edits.
type FileResult struct {
	Path  string      `json:"path"`
	Edits []plan.Edit `json:"edits"`
}

// Skip is a file left alone, and why.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ApplyResponse is what apply did. Generation is the plan loaded after it.
type ApplyResponse struct {
	Snapshot    string         `json:"snapshot"` // "" when no file was changed
	Store       string         `json:"store"`
	Chosen      int            `json:"chosen"`  // edits chosen
	Planned     int            `json:"planned"` // files they are in
	Files       int            `json:"files"`   // files written (len(Changed))
	Links       int            `json:"links"`   // links rewritten
	ByClass     map[string]int `json:"by_class"`
	Changed     []FileResult   `json:"changed"`
	Skipped     []Skip         `json:"skipped"`
	Interrupted bool           `json:"interrupted"`
	Error       string         `json:"error,omitempty"`
	Generation  int            `json:"generation"`
}

func (s *Server) handleApply(w http.ResponseWriter, r *http.Request) {
	var req ApplyRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Generation != s.gen {
		writeError(w, http.StatusConflict, "the plan was reloaded since this page got it; reload the page")
		return
	}
	if !s.sameChoice(req) {
		writeError(w, http.StatusConflict, "the choices on this page are not the ones the server holds (changed in another tab?); reload the page")
		return
	}
	edits := s.chosen()
	files, byFile := report.FileEdits(edits)
	resp := ApplyResponse{Chosen: len(edits), Planned: len(files), ByClass: map[string]int{}, Changed: []FileResult{}, Skipped: []Skip{}}

	// A file that changed on disk since the page got the plan is left
	// alone, even if its links are still where they were.
	var keep []plan.Edit
	for _, f := range files {
		cur, err := s.rep.Vault.ReadFile(f)
		h, ok := s.m.hashes[f]
		switch {
		case err != nil:
			resp.Skipped = append(resp.Skipped, Skip{f, "cannot be read: " + err.Error() + "; not changed"})
		case !ok || sha256.Sum256(cur) != h:
			resp.Skipped = append(resp.Skipped, Skip{f, "changed on disk since the page loaded the plan; not overwritten (reload the plan)"})
		default:
			keep = append(keep, byFile[f]...)
		}
	}
	rep := *s.rep
	pl := *s.rep.Plan
	pl.Edits = keep
	rep.Plan = &pl
	// The apply finishes even if the browser goes away: an interrupted
	// apply needs `relink recover`.
	ctx := context.WithoutCancel(r.Context())
	res, err := workspace.Apply(ctx, &rep, workspace.ApplyOptions{Store: s.opt.Store})
	status := http.StatusOK
	if res != nil {
		resp.Store = res.Store
		resp.Snapshot = res.Snapshot.ID
		resp.Interrupted = res.Interrupted
		for _, c := range res.Changed {
			resp.Changed = append(resp.Changed, FileResult{Path: c.Path, Edits: c.Edits})
		}
		for _, sk := range res.Skipped {
			resp.Skipped = append(resp.Skipped, Skip{sk.Path, sk.Reason})
		}
		resp.Files = len(resp.Changed)
		resp.Links = res.Links()
		for k, v := range res.ByClass() {
			resp.ByClass[k] = v
		}
	}
	sort.SliceStable(resp.Skipped, func(i, j int) bool { return resp.Skipped[i].Path < resp.Skipped[j].Path })
	if err != nil {
		resp.Error = err.Error()
		status = http.StatusInternalServerError
		if errors.Is(err, workspace.ErrWrongDialect) || errors.Is(err, workspace.ErrUnread) || errors.Is(err, snapshot.ErrPending) || errors.Is(err, snapshot.ErrLocked) {
			status = http.StatusConflict
		}
	}
	if resp.Snapshot != "" {
		kept := resp
		s.applied = &kept
	}
	var written []string
	for _, c := range resp.Changed {
		written = append(written, c.Path)
	}
	if err := s.reload(written...); err != nil && resp.Error == "" {
		resp.Error = "applied, but reloading the plan failed: " + err.Error()
	}
	resp.Generation = s.gen
	if s.applied != nil && s.applied.Snapshot == resp.Snapshot {
		s.applied.Generation = s.gen
	}
	writeJSON(w, status, resp)
}

// sameChoice reports whether the page's choices are the server's.
func (s *Server) sameChoice(req ApplyRequest) bool {
	d := s.m.data
	on := 0
	for _, e := range d.Edits {
		if e.On {
			on++
		}
	}
	if len(req.Edits) != on {
		return false
	}
	seen := map[int]bool{}
	for _, id := range req.Edits {
		if id < 0 || id >= len(d.Edits) || !d.Edits[id].On || seen[id] {
			return false
		}
		seen[id] = true
	}
	picked := 0
	for _, f := range d.Findings {
		if f.Choice >= 0 {
			picked++
			if c, ok := req.Findings[f.ID]; !ok || c != f.Choice {
				return false
			}
		}
	}
	for id, c := range req.Findings {
		if c < 0 {
			picked++ // "leave" sent explicitly: check it is so
			if id < 0 || id >= len(d.Findings) || d.Findings[id].Choice >= 0 {
				return false
			}
		}
	}
	return len(req.Findings) == picked
}

// UndoRequest names the snapshot to undo; "" is the last apply still in
// effect.
type UndoRequest struct {
	Snapshot string `json:"snapshot"`
}

// UndoResponse is what undo did. Generation is the plan loaded after it.
type UndoResponse struct {
	Undone      string   `json:"undone"`   // the snapshot reverted
	Snapshot    string   `json:"snapshot"` // the snapshot recording the undo
	Restored    []string `json:"restored"`
	Already     []string `json:"already"`
	Skipped     []Skip   `json:"skipped"`
	Interrupted bool     `json:"interrupted"`
	Error       string   `json:"error,omitempty"`
	Generation  int      `json:"generation"`
}

func (s *Server) handleUndo(w http.ResponseWriter, r *http.Request) {
	var req UndoRequest
	if err := decode(r, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := context.WithoutCancel(r.Context())
	// The engine's Undo reads back the files it restored.
	res, err := s.eng.Undo(ctx, workspace.UndoOptions{Store: s.opt.Store, Snapshot: req.Snapshot})
	resp := UndoResponse{Restored: []string{}, Already: []string{}, Skipped: []Skip{}}
	status := http.StatusOK
	if res != nil {
		resp.Undone = res.Target.ID
		resp.Snapshot = res.Snapshot.ID
		resp.Restored = append(resp.Restored, res.Restored...)
		resp.Already = append(resp.Already, res.Already...)
		for _, sk := range res.Skipped {
			resp.Skipped = append(resp.Skipped, Skip{sk.Path, sk.Reason})
		}
		resp.Interrupted = res.Interrupted
	}
	if err != nil {
		resp.Error = err.Error()
		status = http.StatusInternalServerError
		if errors.Is(err, workspace.ErrNothingToUndo) || errors.Is(err, snapshot.ErrPending) || errors.Is(err, snapshot.ErrLocked) || errors.Is(err, snapshot.ErrNotFound) {
			status = http.StatusConflict
		}
	}
	if err := s.reload(); err != nil && resp.Error == "" {
		resp.Error = "undone, but reloading the plan failed: " + err.Error()
	}
	resp.Generation = s.gen
	writeJSON(w, status, resp)
}

// ReloadResponse gives the generation of the plan loaded.
type ReloadResponse struct {
	Generation int `json:"generation"`
}

func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	var req struct{}
	if err := decode(r, &req); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, ReloadResponse{Generation: s.gen})
}

// Listen listens on addr, which must be a loopback address ("" is
// 127.0.0.1 on a free port).
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: %w (want HOST:PORT on loopback, e.g. 127.0.0.1:8080)", addr, err)
	}
	if host == "" || !LoopbackHost(host) {
		return nil, fmt.Errorf("--addr %q is not a loopback address: relink review serves only this machine (use 127.0.0.1, ::1 or localhost)", addr)
	}
	if strings.EqualFold(host, "localhost") {
		ips, err := net.LookupIP("localhost")
		if err != nil {
			return nil, fmt.Errorf("--addr %q: %w", addr, err)
		}
		for _, ip := range ips {
			if !ip.IsLoopback() {
				return nil, fmt.Errorf("--addr %q: localhost resolves to %s, which is not loopback", addr, ip)
			}
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if ta, ok := ln.Addr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("--addr %q: listening on %s, which is not loopback", addr, ln.Addr())
	}
	return ln, nil
}

// Serve serves the page and API on ln until ctx is done, then shuts down,
// letting a request in progress (an apply) finish. Reading a request, its
// body included, may take at most ReadTimeout: a client that sends its
// headers and then trickles the body is cut off. Writing has no time
// limit, since an apply of a large vault may take long.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	rt := s.ReadTimeout
	if rt <= 0 {
		rt = DefaultReadTimeout
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: min(rt, 10*time.Second),
		ReadTimeout:       rt,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
