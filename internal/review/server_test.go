package review

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/splice"
	"github.com/relinkmd/relink/internal/workspace"
)

// copyVault copies examples/sample-vault into a temporary folder.
func copyVault(t testing.TB) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", "sample-vault")
	dst := filepath.Join(t.TempDir(), "vault")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// readTree returns every file of dir by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expectTree applies edits to the files of before.
func expectTree(t testing.TB, before map[string][]byte, edits []plan.Edit) map[string][]byte {
	t.Helper()
	files, by := report.FileEdits(edits)
	out := map[string][]byte{}
	for k, v := range before {
		out[k] = v
	}
	for _, f := range files {
		es := by[f]
		sort.Slice(es, func(i, j int) bool { return es[i].Start < es[j].Start })
		b, err := splice.Apply(before[f], report.SpliceEdits(es))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = b
	}
	return out
}

func diffTrees(t testing.TB, want, got map[string][]byte) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: missing", k)
		} else if !bytes.Equal(w, g) {
			t.Errorf("%s differs (-want +got):\n%s", k, cmp.Diff(string(w), string(g)))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: unexpected file", k)
		}
	}
}

type testServer struct {
	*Server
	ts    *httptest.Server
	vault string
	store string
}

func newTestServer(t testing.TB, opt Options) *testServer {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := copyVault(t)
	if opt.Store == "" {
		opt.Store = filepath.Join(t.TempDir(), "store")
	}
	s, err := New(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &testServer{Server: s, ts: ts, vault: dir, store: opt.Store}
}

// call sends a request with the run's token and decodes the JSON answer
// into out (if not nil); it returns the status.
func (s *testServer) call(t testing.TB, method, path string, body, out any) int {
	t.Helper()
	return s.callWith(t, method, path, body, out, func(r *http.Request) { r.Header.Set(TokenHeader, s.Token()) })
}

func (s *testServer) callWith(t testing.TB, method, path string, body, out any, mod func(*http.Request)) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if mod != nil {
		mod(req)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && len(b) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return res.StatusCode
}

func (s *testServer) plan(t testing.TB) *Data {
	t.Helper()
	var d Data
	if st := s.call(t, "GET", "/api/plan", nil, &d); st != 200 {
		t.Fatalf("GET /api/plan: %d", st)
	}
	return &d
}

// applyReq is the request a page showing d would send.
func applyReq(d *Data) ApplyRequest {
	r := ApplyRequest{Generation: d.Generation, Edits: []int{}, Findings: map[int]int{}}
	for _, e := range d.Edits {
		if e.On {
			r.Edits = append(r.Edits, e.ID)
		}
	}
	for _, f := range d.Findings {
		if f.Choice >= 0 {
			r.Findings[f.ID] = f.Choice
		}
	}
	return r
}

func findEdit(t testing.TB, d *Data, file, old string) EditItem {
	t.Helper()
	for _, e := range d.Edits {
		if e.File == file && e.Old == old {
			return e
		}
	}
	t.Fatalf("no edit of %s in %s", old, file)
	return EditItem{}
}

func findFinding(t testing.TB, d *Data, file, class, link string) FindingItem {
	t.Helper()
	for _, f := range d.Findings {
		if f.File == file && f.Class == class && f.Link == link {
			return f
		}
	}
	t.Fatalf("no %s finding %s in %s", class, link, file)
	return FindingItem{}
}

func TestTokenRequired(t *testing.T) {
	s := newTestServer(t, Options{})
	noToken := func(r *http.Request) {}
	wrong := func(r *http.Request) { r.Header.Set(TokenHeader, strings.Repeat("0", 64)) }
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/plan", nil},
		{"POST", "/api/choose", ChooseRequest{Generation: 1}},
		{"POST", "/api/apply", ApplyRequest{Generation: 1}},
		{"POST", "/api/undo", UndoRequest{}},
		{"POST", "/api/reload", struct{}{}},
	} {
		for name, mod := range map[string]func(*http.Request){"none": noToken, "wrong": wrong} {
			if st := s.callWith(t, c.method, c.path, c.body, nil, mod); st != http.StatusForbidden {
				t.Errorf("%s %s with %s token: %d, want 403", c.method, c.path, name, st)
			}
		}
	}
	// With the token but from another origin, or not JSON: refused too.
	cross := func(r *http.Request) {
		r.Header.Set(TokenHeader, s.Token())
		r.Header.Set("Origin", "http://evil.example")
	}
	if st := s.callWith(t, "POST", "/api/choose", ChooseRequest{Generation: 1}, nil, cross); st != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d, want 403", st)
	}
	form := func(r *http.Request) {
		r.Header.Set(TokenHeader, s.Token())
		r.Header.Set("Content-Type", "text/plain")
	}
	if st := s.callWith(t, "POST", "/api/choose", ChooseRequest{Generation: 1}, nil, form); st != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain POST: %d, want 415", st)
	}
	// Nothing was changed by the refused requests.
	d := s.plan(t)
	for _, e := range d.Edits {
		if !e.On {
			t.Errorf("edit %d was unticked by a refused request", e.ID)
		}
	}
	// And with the token a POST goes through.
	var cr ChooseResponse
	if st := s.call(t, "POST", "/api/choose", ChooseRequest{Generation: d.Generation, Edits: []EditChoice{{ID: 0, On: false}}}, &cr); st != 200 {
		t.Fatalf("choose with token: %d", st)
	}
	if cr.Chosen != len(d.Edits)-1 {
		t.Errorf("chosen = %d, want %d", cr.Chosen, len(d.Edits)-1)
	}
}

func TestLoopbackOnly(t *testing.T) {
	s := newTestServer(t, Options{})
	for _, host := range []string{"evil.example", "evil.example:80", "10.0.0.1", "relink.localhost.evil.example"} {
		h := host
		st := s.callWith(t, "GET", "/api/plan", nil, nil, func(r *http.Request) {
			r.Host = h
			r.Header.Set(TokenHeader, s.Token())
		})
		if st != http.StatusForbidden {
			t.Errorf("Host %s: %d, want 403", host, st)
		}
		st = s.callWith(t, "GET", "/?token="+s.Token(), nil, nil, func(r *http.Request) { r.Host = h })
		if st != http.StatusForbidden {
			t.Errorf("page with Host %s: %d, want 403", host, st)
		}
	}
	for _, host := range []string{"localhost", "LOCALHOST:1234", "127.0.0.1:9", "[::1]:80", "127.1.2.3"} {
		h := host
		st := s.callWith(t, "GET", "/api/plan", nil, nil, func(r *http.Request) {
			r.Host = h
			r.Header.Set(TokenHeader, s.Token())
		})
		if st != 200 {
			t.Errorf("Host %s: %d, want 200", host, st)
		}
	}

	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0", "127.0.0.1"} {
		if ln, err := Listen(addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) succeeded; want a refusal", addr)
		}
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	ln, err = Listen("")
	if err != nil {
		t.Fatal(err)
	}
	if !LoopbackHost(ln.Addr().String()) {
		t.Errorf("default address %s is not loopback", ln.Addr())
	}
	ln.Close()
}

func TestPage(t *testing.T) {
	s := newTestServer(t, Options{})
	get := func(path string, cookie *http.Cookie) *http.Response {
		req, _ := http.NewRequest("GET", s.ts.URL+path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get("/", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("page without token: %d", res.StatusCode)
	}
	if res := get("/?token=nope", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("page with a wrong token: %d", res.StatusCode)
	}
	res := get("/?token="+s.Token(), nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("page with token: %d to %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	cs := res.Cookies()
	if len(cs) != 1 || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie: %+v", cs)
	}
	req, _ := http.NewRequest("GET", s.ts.URL+"/", nil)
	req.AddCookie(cs[0])
	r2, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != 200 {
		t.Fatalf("page with cookie: %d", r2.StatusCode)
	}
	if !strings.Contains(string(body), `<meta name="relink-token" content="`+s.Token()+`">`) {
		t.Error("page does not carry the token")
	}
	if csp := r2.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	for _, a := range []string{"/assets/app.js", "/assets/app.css", "/assets/icon.svg"} {
		if res := get(a, nil); res.StatusCode != 200 {
			t.Errorf("%s: %d", a, res.StatusCode)
		}
	}
	if res := get("/assets/nope.js", nil); res.StatusCode != 404 {
		t.Errorf("missing asset: %d", res.StatusCode)
	}
}

// TestAssetsOffline checks that the page asks nothing of the network: the
// only URL in the script is the SVG namespace, and the stylesheet imports
// nothing.
func TestAssetsOffline(t *testing.T) {
	js, css, html := asset("app.js"), asset("app.css"), asset("index.html")
	for name, s := range map[string]string{"app.js": js, "app.css": css, "index.html": html} {
		rest := strings.ReplaceAll(s, "http://www.w3.org/2000/svg", "")
		for _, bad := range []string{"http://", "https://", "//cdn", "@import", "url("} {
			if strings.Contains(rest, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		if strings.Contains(strings.ToLower(s), "</script") || strings.Contains(strings.ToLower(s), "</style") {
			t.Errorf("%s contains a closing script or style tag: it cannot be inlined", name)
		}
	}
}

// TestPlanShape checks that the page's edits and findings are the plan's,
// with the same JSON fields as `relink plan --format json`.
func TestPlanShape(t *testing.T) {
	s := newTestServer(t, Options{})
	var raw struct {
		Edits    []map[string]any `json:"edits"`
		Findings []map[string]any `json:"findings"`
	}
	s.call(t, "GET", "/api/plan", nil, &raw)
	var doc struct {
		Edits    []plan.Edit    `json:"edits"`
		Findings []plan.Finding `json:"findings"`
	}
	s.call(t, "GET", "/api/plan", nil, &doc)

	rep, err := workspace.Load(s.vault, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	var buf bytes.Buffer
	if err := report.JSON(&buf, report.Input{Plan: rep.Plan}); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Edits    []map[string]any `json:"edits"`
		Findings []map[string]any `json:"findings"`
	}
	json.Unmarshal(buf.Bytes(), &want)
	if diff := cmp.Diff(rep.Plan.Edits, doc.Edits); diff != "" {
		t.Errorf("edits differ from the plan's (-plan +page):\n%s", diff)
	}
	if diff := cmp.Diff(rep.Plan.Findings, doc.Findings, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("findings differ from the plan's (-plan +page):\n%s", diff)
	}
	if len(raw.Edits) == 0 || len(raw.Findings) == 0 {
		t.Fatal("the sample vault should have edits and findings")
	}
	// Every key of plan's JSON is there with the same value.
	for i, w := range want.Edits {
		for k, v := range w {
			if !cmp.Equal(raw.Edits[i][k], v) {
				t.Errorf("edit %d: %s = %v, plan has %v", i, k, raw.Edits[i][k], v)
			}
		}
	}
	for i, w := range want.Findings {
		for k, v := range w {
			if !cmp.Equal(raw.Findings[i][k], v) {
				t.Errorf("finding %d: %s = %v, plan has %v", i, k, raw.Findings[i][k], v)
			}
		}
	}
	// Context lines come from the files.
	d := s.plan(t)
	e := findEdit(t, d, "Home.md", "[[disaster-recovery]]")
	if e.Ctx.Before != "- " || e.Ctx.After != " — a case and separator variant" {
		t.Errorf("context = %+v", e.Ctx)
	}
	if e.Spelling != "disaster-recovery" {
		t.Errorf("spelling = %q", e.Spelling)
	}
	f := findFinding(t, d, "Home.md", "ambiguous", "[[cache line]]")
	if len(f.Options) != 2 || f.Options[0].Edit == nil || f.Options[0].Edit.New != "[[Cache-Line]]" || f.Options[1].Edit.New != "[[Cache_Line]]" {
		t.Errorf("options = %+v", f.Options)
	}
	if d.Notes["Topics/Cache-Line.md"].First == "" {
		t.Error("candidate has no first lines")
	}
	b := findFinding(t, d, "Home.md", "broken", "[[Disaster Recovry]]")
	if len(b.Options) != 1 || b.Options[0].Path != "Topics/Disaster Recovery.md" || b.Options[0].Kind != "hint" {
		t.Errorf("broken options = %+v", b.Options)
	}
}

func TestChooseApplyUndo(t *testing.T) {
	s := newTestServer(t, Options{})
	before := readTree(t, s.vault)
	d := s.plan(t)
	off := findEdit(t, d, "Ops/On-Call.md", "[[Disaster_Recovery]]")
	amb := findFinding(t, d, "Home.md", "ambiguous", "[[cache line]]")
	alias := findFinding(t, d, "Home.md", "alias", "[[DR]]")

	var cr ChooseResponse
	st := s.call(t, "POST", "/api/choose", ChooseRequest{
		Generation: d.Generation,
		Edits:      []EditChoice{{ID: off.ID, On: false}},
		Findings:   []FindChoice{{ID: amb.ID, Choice: 1}, {ID: alias.ID, Choice: 0}},
	}, &cr)
	if st != 200 {
		t.Fatalf("choose: %d", st)
	}
	// The server computes the edit: the same as plan.RetargetEdit.
	rep, err := workspace.Load(s.vault, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, _ := rep.Index.NoteByPath("Home.md")
	var want []plan.Edit
	for _, fc := range []struct {
		f      FindingItem
		target string
	}{{amb, "Topics/Cache_Line.md"}, {alias, "Topics/Disaster Recovery.md"}} {
		tgt, _ := rep.Index.NoteByPath(fc.target)
		var e plan.Edit
		links := rep.Index.Notes[src].LinkList(nil)
		for i := range links {
			l := &links[i]
			if int(l.Line) == fc.f.Line && int(l.Col) == fc.f.Col {
				e, err = plan.RetargetEdit(rep.Index, src, l, tgt, rep.Settings.Plan)
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		want = append(want, e)
	}
	rep.Vault.Close()
	if len(cr.Findings) != 2 || cr.Findings[0].Edit == nil || *cr.Findings[0].Edit != want[0] || *cr.Findings[1].Edit != want[1] {
		t.Fatalf("choose answered %+v, want edits %+v", cr.Findings, want)
	}
	if want[0].New != "[[Cache_Line]]" || want[1].New != "[[Disaster Recovery]]" {
		t.Errorf("new links %q, %q", want[0].New, want[1].New)
	}

	// The page's view of the choices must be the server's.
	d = s.plan(t)
	req := applyReq(d)
	bad := req
	bad.Edits = append([]int{}, req.Edits...)
	bad.Edits = append(bad.Edits, off.ID)
	if st := s.call(t, "POST", "/api/apply", bad, nil); st != http.StatusConflict {
		t.Errorf("apply with other choices: %d, want 409", st)
	}
	stale := req
	stale.Generation--
	if st := s.call(t, "POST", "/api/apply", stale, nil); st != http.StatusConflict {
		t.Errorf("apply of an old plan: %d, want 409", st)
	}
	diffTrees(t, before, readTree(t, s.vault)) // nothing written yet

	var ar ApplyResponse
	if st := s.call(t, "POST", "/api/apply", req, &ar); st != 200 {
		t.Fatalf("apply: %d %+v", st, ar)
	}
	var edits []plan.Edit
	for _, e := range d.Edits {
		if e.ID != off.ID {
			edits = append(edits, e.Edit)
		}
	}
	edits = append(edits, want...)
	if ar.Snapshot == "" || ar.Links != len(edits) || len(ar.Skipped) != 0 || ar.Error != "" {
		t.Fatalf("apply result: %+v (want %d links)", ar, len(edits))
	}
	if ar.ByClass["ambiguous"] != 1 || ar.ByClass["alias"] != 1 {
		t.Errorf("by class: %v", ar.ByClass)
	}
	diffTrees(t, expectTree(t, before, edits), readTree(t, s.vault))
	if ar.Generation != d.Generation+1 {
		t.Errorf("generation after apply = %d, want %d", ar.Generation, d.Generation+1)
	}
	// The reloaded plan has only the unticked edit left, still unticked.
	d2 := s.plan(t)
	if len(d2.Edits) != 1 || d2.Edits[0].Old != off.Old || d2.Edits[0].On {
		t.Errorf("edits after apply: %+v", d2.Edits)
	}

	var ur UndoResponse
	if st := s.call(t, "POST", "/api/undo", UndoRequest{Snapshot: ar.Snapshot}, &ur); st != 200 {
		t.Fatalf("undo: %d %+v", st, ur)
	}
	if ur.Undone != ar.Snapshot || len(ur.Restored) != len(ar.Changed) || ur.Error != "" {
		t.Errorf("undo result: %+v", ur)
	}
	diffTrees(t, before, readTree(t, s.vault))
	// After the undo the choices made are back on the same links.
	d3 := s.plan(t)
	if e := findEdit(t, d3, "Ops/On-Call.md", "[[Disaster_Recovery]]"); e.On {
		t.Error("the unticked edit is ticked again after undo")
	}
	if f := findFinding(t, d3, "Home.md", "ambiguous", "[[cache line]]"); f.Choice != 1 {
		t.Errorf("choice after undo = %d, want 1", f.Choice)
	}
	if st := s.call(t, "POST", "/api/undo", UndoRequest{}, &ur); st != http.StatusConflict {
		t.Errorf("second undo: %d, want 409 (nothing to undo)", st)
	}
}

// TestApplyConflict: a file changed on disk after the page loaded the plan
// is left alone, even though its links are still where they were.
func TestApplyConflict(t *testing.T) {
	s := newTestServer(t, Options{})
	before := readTree(t, s.vault)
	d := s.plan(t)
	changed := "Ops/On-Call.md"
	mod := append(append([]byte{}, before[changed]...), "\nA line added in the editor.\n"...)
	if err := os.WriteFile(filepath.Join(s.vault, filepath.FromSlash(changed)), mod, 0o644); err != nil {
		t.Fatal(err)
	}
	var ar ApplyResponse
	if st := s.call(t, "POST", "/api/apply", applyReq(d), &ar); st != 200 {
		t.Fatalf("apply: %d %+v", st, ar)
	}
	if len(ar.Skipped) != 1 || ar.Skipped[0].Path != changed || !strings.Contains(ar.Skipped[0].Reason, "changed on disk") {
		t.Fatalf("skipped = %+v", ar.Skipped)
	}
	var edits []plan.Edit
	for _, e := range d.Edits {
		if e.File != changed {
			edits = append(edits, e.Edit)
		}
	}
	want := expectTree(t, before, edits)
	want[changed] = mod
	diffTrees(t, want, readTree(t, s.vault))
	if ar.Links != len(edits) {
		t.Errorf("links = %d, want %d", ar.Links, len(edits))
	}
	// Files counts the files written, not those the choices were in.
	planned := map[string]bool{}
	for _, e := range d.Edits {
		planned[e.File] = true
	}
	if ar.Planned != len(planned) || ar.Files != len(planned)-1 || ar.Files != len(ar.Changed) {
		t.Errorf("planned %d, files %d, changed %d; want %d planned, %d written", ar.Planned, ar.Files, len(ar.Changed), len(planned), len(planned)-1)
	}
}

// TestLastApply: the page data names the apply that Undo reverts, so that
// a reloaded page (or a new server on the same vault) still offers it.
func TestLastApply(t *testing.T) {
	s := newTestServer(t, Options{})
	d := s.plan(t)
	if d.LastApply != nil || d.Applied != nil {
		t.Fatalf("before any apply: %+v %+v", d.LastApply, d.Applied)
	}
	var ar ApplyResponse
	if st := s.call(t, "POST", "/api/apply", applyReq(d), &ar); st != 200 || ar.Snapshot == "" {
		t.Fatalf("apply: %d %+v", st, ar)
	}
	d = s.plan(t)
	if d.LastApply == nil || d.LastApply.Snapshot != ar.Snapshot || d.LastApply.Files != ar.Files {
		t.Fatalf("last apply after apply: %+v, want %s with %d files", d.LastApply, ar.Snapshot, ar.Files)
	}
	if d.Applied == nil || d.Applied.Snapshot != ar.Snapshot || d.Applied.Links != ar.Links || len(d.Applied.Changed) != len(ar.Changed) {
		t.Fatalf("applied after apply: %+v", d.Applied)
	}
	// Another server (the command run again) knows the apply from the store.
	s2, err := New(s.vault, Options{Store: s.store})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if la := s2.m.data.LastApply; la == nil || la.Snapshot != ar.Snapshot || s2.m.data.Applied != nil {
		t.Errorf("a new server: last apply %+v, applied %+v", la, s2.m.data.Applied)
	}
	var ur UndoResponse
	if st := s.call(t, "POST", "/api/undo", UndoRequest{Snapshot: d.LastApply.Snapshot}, &ur); st != 200 {
		t.Fatalf("undo: %d %+v", st, ur)
	}
	if d = s.plan(t); d.LastApply != nil || d.Applied != nil {
		t.Errorf("after the undo: %+v %+v", d.LastApply, d.Applied)
	}
}

// TestSlowBody: a client that sends its headers and then trickles the body
// is cut off after the read timeout, with or without the token.
func TestSlowBody(t *testing.T) {
	s := newTestServer(t, Options{})
	s.ReadTimeout = 300 * time.Millisecond
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	for _, token := range []string{"", s.Token()} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /api/reload HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n", ln.Addr())
		if token != "" {
			fmt.Fprintf(c, "%s: %s\r\n", TokenHeader, token)
		}
		fmt.Fprint(c, "\r\n{")
		closed := make(chan struct{})
		go func() { io.Copy(io.Discard, c); close(closed) }()
		start := time.Now()
		cut := false
		for time.Since(start) < 5*time.Second && !cut {
			select {
			case <-closed:
				cut = true
			case <-time.After(50 * time.Millisecond):
				c.Write([]byte(" "))
			}
		}
		c.Close()
		if !cut {
			t.Errorf("token %v: a trickled body kept the connection open for %v", token != "", time.Since(start).Round(time.Millisecond))
		} else if el := time.Since(start); el > 2*time.Second {
			t.Errorf("token %v: cut off only after %v", token != "", el)
		}
	}
}

func TestChooseValidation(t *testing.T) {
	s := newTestServer(t, Options{})
	d := s.plan(t)
	amb := findFinding(t, d, "Home.md", "ambiguous", "[[cache line]]")
	broken := findFinding(t, d, "Home.md", "broken", "[[Nonexistent Topic]]")
	for name, req := range map[string]ChooseRequest{
		"no such edit":        {Generation: d.Generation, Edits: []EditChoice{{ID: len(d.Edits)}}},
		"negative edit":       {Generation: d.Generation, Edits: []EditChoice{{ID: -1}}},
		"no such finding":     {Generation: d.Generation, Findings: []FindChoice{{ID: len(d.Findings)}}},
		"no such option":      {Generation: d.Generation, Findings: []FindChoice{{ID: amb.ID, Choice: 2}}},
		"nothing to offer":    {Generation: d.Generation, Findings: []FindChoice{{ID: broken.ID, Choice: 0}}},
		"bad choice":          {Generation: d.Generation, Findings: []FindChoice{{ID: amb.ID, Choice: -2}}},
		"half bad is refused": {Generation: d.Generation, Edits: []EditChoice{{ID: 0}}, Findings: []FindChoice{{ID: amb.ID, Choice: 9}}},
	} {
		if st := s.call(t, "POST", "/api/choose", req, nil); st != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, st)
		}
	}
	if st := s.call(t, "POST", "/api/choose", ChooseRequest{Generation: d.Generation + 1}, nil); st != http.StatusConflict {
		t.Errorf("other generation: %d, want 409", st)
	}
	if d2 := s.plan(t); !cmp.Equal(applyReq(d), applyReq(d2)) {
		t.Error("a refused choice changed something")
	}
}

func TestReload(t *testing.T) {
	s := newTestServer(t, Options{})
	d := s.plan(t)
	e := findEdit(t, d, "Home.md", "[[disaster-recovery]]")
	s.call(t, "POST", "/api/choose", ChooseRequest{Generation: d.Generation, Edits: []EditChoice{{ID: e.ID}}}, nil)
	// A new broken link appears on disk.
	p := filepath.Join(s.vault, "Home.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "\nSee [[Pager-Rotation]].\n"...), 0o644)
	var rr ReloadResponse
	if st := s.call(t, "POST", "/api/reload", struct{}{}, &rr); st != 200 || rr.Generation != d.Generation+1 {
		t.Fatalf("reload: %d %+v", st, rr)
	}
	d2 := s.plan(t)
	if len(d2.Edits) != len(d.Edits)+1 {
		t.Errorf("edits after reload: %d, want %d", len(d2.Edits), len(d.Edits)+1)
	}
	if findEdit(t, d2, "Home.md", "[[disaster-recovery]]").On {
		t.Error("reload lost the unticked edit")
	}
	if !findEdit(t, d2, "Home.md", "[[Pager-Rotation]]").On {
		t.Error("a new edit is not ticked")
	}
}

func TestStaticReport(t *testing.T) {
	dir := copyVault(t)
	rep, err := workspace.Load(dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	var buf bytes.Buffer
	if err := WriteReport(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<!doctype html>", `http-equiv="Content-Security-Policy" content="default-src 'none'`, `<script type="application/json" id="relink-data">`, "<style>", "relinkReview"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{` src="`, ` href="http`, "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("report loads something: %q", bad)
		}
	}
	i := strings.Index(page, `id="relink-data">`) + len(`id="relink-data">`)
	j := strings.Index(page[i:], "</script>")
	var d Data
	if err := json.Unmarshal([]byte(page[i:i+j]), &d); err != nil {
		t.Fatal(err)
	}
	if !d.Static || len(d.Edits) != len(rep.Plan.Edits) || len(d.Findings) != len(rep.Plan.Findings) || d.Stats != rep.Plan.Stats {
		t.Errorf("report data: static %v, %d edits, %d findings", d.Static, len(d.Edits), len(d.Findings))
	}
}

func TestContext(t *testing.T) {
	src := []byte("first\r\nbefore [[x]] after\r\nlast")
	c := lineContext(src, 14, 19)
	if c.Before != "before " || c.After != " after" {
		t.Errorf("%+v", c)
	}
	long := []byte(strings.Repeat("가", 300) + "[[x]]" + strings.Repeat("b", 300))
	c = lineContext(long, 900, 905)
	if !strings.HasPrefix(c.Before, "…") || !strings.HasSuffix(c.After, "…") || len([]rune(c.Before)) != ctxRunes+1 {
		t.Errorf("long line context: %d runes before", len([]rune(c.Before)))
	}
	if got := firstLines([]byte("---\ntitle: T\n---\n\n# T\n\nOne.\nTwo.\nThree.\n"), 2, "T"); got != "One.\nTwo." {
		t.Errorf("firstLines = %q", got)
	}
}

// A reload reads again only what changed on disk: the notes not written
// keep their plans, and a note written just before the reload is seen.
func TestReloadReadsOnlyChangedNotes(t *testing.T) {
	s := newTestServer(t, Options{})
	d := s.plan(t)
	p := filepath.Join(s.vault, "Home.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "\nSee [[Pager-Rotation]].\n"...), 0o644)
	if st := s.call(t, "POST", "/api/reload", struct{}{}, nil); st != 200 {
		t.Fatalf("reload: %d", st)
	}
	d2 := s.plan(t)
	if len(d2.Edits) != len(d.Edits)+1 {
		t.Fatalf("edits after reload: %d, want %d", len(d2.Edits), len(d.Edits)+1)
	}
	s.mu.Lock()
	reused, planned := s.rep.PlansReused, 0
	for _, n := range s.rep.Index.Notes {
		if n.Err == nil { // a note that cannot be read has no plan
			planned++
		}
	}
	s.mu.Unlock()
	if reused != planned-1 {
		t.Fatalf("reload re-planned %d of %d notes; want only the note written", planned-reused, planned)
	}
}
