package review

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"path/filepath"
	"strings"

	"github.com/relinkmd/relink/internal/workspace"
)

// assetFS holds the page: its skeleton, stylesheet, script and icon. Nothing
// is loaded from anywhere else.
//
//go:embed assets
var assetFS embed.FS

func asset(name string) string {
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		panic("review: missing embedded asset " + name)
	}
	return string(b)
}

// fill puts head and body into the page skeleton.
func fill(title, head, body string) []byte {
	r := strings.NewReplacer("{{TITLE}}", html.EscapeString(title), "{{HEAD}}", head, "{{BODY}}", body)
	return []byte(r.Replace(asset("index.html")))
}

// servedPage is the page the server serves: assets by URL, the token in a
// meta element for the script to send back.
func servedPage(token string) []byte {
	head := `<meta name="relink-token" content="` + html.EscapeString(token) + `">
<link rel="icon" href="/assets/icon.svg">
<link rel="stylesheet" href="/assets/app.css">`
	body := `<script src="/assets/app.js"></script>`
	return fill("relink review", head, body)
}

// StaticPage renders data as one self-contained HTML file: stylesheet,
// script and data inline, and a content security policy that forbids every
// request.
func StaticPage(d *Data) ([]byte, error) {
	// json.Marshal escapes <, > and &, so the data cannot close its
	// script element.
	js, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	icon := "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(asset("icon.svg")))
	head := `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="` + icon + `">
<style>
` + asset("app.css") + `</style>`
	var body bytes.Buffer
	body.WriteString(`<script type="application/json" id="relink-data">`)
	body.Write(js)
	body.WriteString("</script>\n<script>\n")
	body.WriteString(asset("app.js"))
	body.WriteString("</script>")
	return fill("relink report — "+filepath.Base(d.Vault), head, body.String()), nil
}

// WriteReport writes the static report of a loaded vault to w.
func WriteReport(w io.Writer, rep *workspace.Report) error {
	m := build(rep, "", newChoices())
	m.data.Static = true
	b, err := StaticPage(m.data)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
