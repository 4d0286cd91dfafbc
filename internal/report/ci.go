package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relinkmd/relink/internal/plan"
	"github.com/relinkmd/relink/internal/vault"
)

// CIPlace says where the paths of a CI report start. CI reads paths from
// the folder it runs in, the repository's checkout, which may hold the
// vault in a subfolder: Root is that folder (absolute) and Prefix the
// vault's path from it, "" or ending in '/'.
type CIPlace struct {
	Root, Prefix string
}

// ciRule is what a CI report says of a class: its severity and help.
type ciRule struct {
	id string
	// level is SARIF's result level (error, warning, note); GitHub's
	// command is the same but for note, which it calls notice.
	level       string
	short, full string
	// anchor is the section of docs/link-resolution.md that explains it.
	anchor string
}

// ciRules are the rules of a CI report, one a class of check's text
// output, and problem for a file that could not be checked in full.
// A broken link is an error: it leads nowhere, and nothing repairs it. A
// link apply repairs, or that needs a choice (ambiguous), is a warning;
// an alias or a duplicate note reaches a note today and is a note.
var ciRules = []ciRule{
	{"broken", "error", "The link matches no note or file.",
		"No note's name matches the link's target, as written or on the normalization ladder up to the configured level; a file link names no file, or a path leaves the vault. relink reports near names and never rewrites it.", "3-resolution"},
	{"variant", "warning", "The link is another spelling of one note.",
		"The target matches no name as written but one note's name on the normalization ladder (Unicode form, case, width, separators). relink apply rewrites it to the note's canonical name; the fix shows the new link.", "3-resolution"},
	{"renamed", "warning", "The link uses a name its note had before it was renamed.",
		"The note was moved, renamed or retitled since relink last saw the vault (or since the commit given to --since). relink apply rewrites the link to the note's new canonical name; the fix shows the new link.", "renamed-notes"},
	{"heading", "warning", "The note exists but the link's #heading or #^block does not.",
		"The target resolves but its fragment names no heading or block of the note. When exactly one heading matches on the ladder, relink apply rewrites the fragment (the fix shows it); otherwise the link is left to you.", "4-anchors"},
	{"ambiguous", "warning", "The link matches two or more notes.",
		"At the first ladder level where anything matches, names or aliases of two or more different notes match. relink lists the candidates and never rewrites it: pick one.", "3-resolution"},
	{"alias", "note", "Only an alias of a note matches the link.",
		"An alias matches but no name does. Aliases never resolve a link by themselves; relink apply --allow-alias rewrites it to the note's canonical name.", "3-resolution"},
	{"duplicate", "note", "The link names a note marked as a duplicate of another.",
		"The target resolves to a note whose duplicate_of or canonical_id points to another note. relink apply --follow-duplicates redirects it to the canonical note.", "3-resolution"},
	{"problem", "warning", "A file relink could not read or check in full.",
		"The file is not valid UTF-8, is binary or too large, has frontmatter that does not parse, or is part of a canonical chain with a cycle; its links were not checked or it cannot be a canonical note. Fix the file and run relink again.", "7-bad-files"},
}

// ciDocs is where the help of each rule lives.
const ciDocs = "https://github.com/relinkmd/relink/blob/main/docs/link-resolution.md#"

func ciRuleIndex(id string) int {
	for i, r := range ciRules {
		if r.id == id {
			return i
		}
	}
	return -1
}

// editMessage is what check's text line says of an edit, after the place.
func editMessage(e *plan.Edit) string {
	b := append([]byte(e.Class), ": "...)
	return string(AppendChange(b, e.Old, e.New))
}

// findingMessage is what check's text line says of a finding, after the
// place.
func findingMessage(f *plan.Finding) string {
	return f.Class + ": " + f.Link + Detail(*f)
}

// problemMessage is what check's stderr line says of a problem, after
// "relink: ".
func problemMessage(p vault.Problem) string {
	if p.File == "" {
		return p.Message
	}
	return Name(p.File) + ": " + p.Message
}

// ciItem is one line of check's text output: an edit or a finding.
type ciItem struct {
	edit    *plan.Edit
	finding *plan.Finding
}

// ciItems merges edits and findings in the order check prints them.
func ciItems(p *plan.Plan) []ciItem {
	out := make([]ciItem, 0, len(p.Edits)+len(p.Findings))
	i, j := 0, 0
	for i < len(p.Edits) || j < len(p.Findings) {
		if j >= len(p.Findings) || i < len(p.Edits) && before(p.Edits[i], p.Findings[j]) {
			out = append(out, ciItem{edit: &p.Edits[i]})
			i++
		} else {
			out = append(out, ciItem{finding: &p.Findings[j]})
			j++
		}
	}
	return out
}

// GitHub writes check's report as GitHub Actions workflow commands, one a
// line of check's text output: each edit and finding as an annotation on
// its file, line and columns, each problem on its file, each warning on
// none; the summary goes to errw. Values are escaped as the Actions
// runner reads them back (docs/ci.md).
func GitHub(w, errw io.Writer, in Input, at CIPlace) error {
	ew := &errWriter{w: w}
	var b []byte
	for _, it := range ciItems(in.Plan) {
		var class, file, msg string
		var line, col, n int
		if e := it.edit; e != nil {
			class, file, line, col, msg = e.Class, e.File, e.Line, e.Col, editMessage(e)
			n = utf8.RuneCountInString(e.Old)
		} else {
			f := it.finding
			class, file, line, col, msg = f.Class, f.File, f.Line, f.Col, findingMessage(f)
			n = utf8.RuneCountInString(f.Link)
		}
		b = appendGitHubCommand(b, class, []ghProperty{
			{"file", at.Prefix + file},
			{"line", strconv.Itoa(line)},
			{"col", strconv.Itoa(col)},
			{"endColumn", strconv.Itoa(col + n)},
			{"title", "relink " + class},
		}, msg)
		if len(b) > 64<<10 {
			ew.Write(b)
			b = b[:0]
		}
	}
	for _, p := range in.Problems {
		props := []ghProperty{{"title", "relink problem"}}
		if p.File != "" {
			props = append([]ghProperty{{"file", at.Prefix + p.File}}, props...)
		}
		b = appendGitHubCommand(b, "problem", props, problemMessage(p))
	}
	for _, s := range in.Warnings {
		b = appendGitHubCommand(b, "", []ghProperty{{"title", "relink"}}, s)
	}
	ew.Write(b)
	fmt.Fprintln(errw, Summary(in.Plan, len(in.Problems)))
	return ew.err
}

type ghProperty struct{ key, value string }

// appendGitHubCommand appends "::command key=value,...::message\n", the
// command being the GitHub severity of the rule id ("" is warning).
func appendGitHubCommand(b []byte, id string, props []ghProperty, msg string) []byte {
	level := "warning"
	if i := ciRuleIndex(id); i >= 0 {
		level = ciRules[i].level
	}
	if level == "note" {
		level = "notice"
	}
	b = append(b, "::"...)
	b = append(b, level...)
	for i, p := range props {
		if i == 0 {
			b = append(b, ' ')
		} else {
			b = append(b, ',')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, GitHubProperty(p.value)...)
	}
	b = append(b, "::"...)
	b = append(b, GitHubData(msg)...)
	return append(b, '\n')
}

// GitHubData escapes a workflow command's message as the Actions runner
// unescapes it: '%' as %25, CR as %0D, LF as %0A ('%' first, so that an
// escape in the text stays text). A line break left raw would end the
// command.
func GitHubData(s string) string {
	if !strings.ContainsAny(s, "%\r\n") {
		return s
	}
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// GitHubProperty escapes a workflow command's property value: as
// GitHubData, and ':' as %3A and ',' as %2C, which would end the value.
func GitHubProperty(s string) string {
	if !strings.ContainsAny(s, "%\r\n:,") {
		return s
	}
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SARIF writes check's report as a SARIF 2.1.0 log (docs/ci.md): one run
// whose tool has a rule per class; each edit and finding a result on its
// file's region, each edit with a fix that replaces the link; each problem
// a result of rule problem on its file; each warning a notification of
// the invocation.
func SARIF(w io.Writer, in Input, at CIPlace) error {
	rules := make([]sarifRule, len(ciRules))
	for i, r := range ciRules {
		rules[i] = sarifRule{
			ID:                   r.id,
			Name:                 r.id,
			ShortDescription:     sarifMessage{Text: r.short},
			FullDescription:      sarifMessage{Text: r.full},
			Help:                 sarifMessage{Text: r.full + " See " + ciDocs + r.anchor},
			HelpURI:              ciDocs + r.anchor,
			DefaultConfiguration: sarifConfig{Level: r.level},
		}
	}
	artifact := func(file string) sarifArtifact {
		return sarifArtifact{URI: uriPath(at.Prefix + file), URIBaseID: sarifRoot}
	}
	result := func(id, file, msg string, line, col int, text string) sarifResult {
		i := ciRuleIndex(id)
		return sarifResult{
			RuleID: id, RuleIndex: i, Level: ciRules[i].level,
			Message: sarifMessage{Text: msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifact(file),
				Region:           &sarifRegion{StartLine: line, StartColumn: col, EndLine: line, EndColumn: col + utf8.RuneCountInString(text)},
			}}},
		}
	}
	results := make([]sarifResult, 0, len(in.Plan.Edits)+len(in.Plan.Findings)+len(in.Problems))
	for _, it := range ciItems(in.Plan) {
		if e := it.edit; e != nil {
			r := result(e.Class, e.File, editMessage(e), e.Line, e.Col, e.Old)
			deleted := *r.Locations[0].PhysicalLocation.Region
			off, n := e.Start, e.End-e.Start
			deleted.ByteOffset, deleted.ByteLength = &off, &n
			r.Fixes = []sarifFix{{
				Description: sarifMessage{Text: "Rewrite " + e.Old + " to " + e.New},
				ArtifactChanges: []sarifChange{{
					ArtifactLocation: artifact(e.File),
					Replacements:     []sarifReplacement{{DeletedRegion: deleted, InsertedContent: &sarifContent{Text: e.New}}},
				}},
			}}
			r.Properties = map[string]any{"target": e.Target, "level": e.Level}
			results = append(results, r)
			continue
		}
		f := it.finding
		r := result(f.Class, f.File, findingMessage(f), f.Line, f.Col, f.Link)
		props := map[string]any{}
		if len(f.Candidates) > 0 {
			props["candidates"] = f.Candidates
		}
		if len(f.Hints) > 0 {
			props["hints"] = f.Hints
		}
		if f.Level != "" {
			props["level"] = f.Level
		}
		if len(props) > 0 {
			r.Properties = props
		}
		results = append(results, r)
	}
	for _, p := range in.Problems {
		i := ciRuleIndex("problem")
		r := sarifResult{RuleID: "problem", RuleIndex: i, Level: ciRules[i].level, Message: sarifMessage{Text: problemMessage(p)}}
		if p.File != "" {
			r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(p.File)}}}
		}
		results = append(results, r)
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, s := range in.Warnings {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning", Message: sarifMessage{Text: s}})
	}
	log := sarifLog{
		Schema:  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{Name: "relink", InformationURI: "https://github.com/relinkmd/relink", Rules: rules}},
			OriginalURIBaseIDs: map[string]sarifArtifact{
				sarifRoot: {URI: dirURI(at.Root)},
			},
			ColumnKind:  "unicodeCodePoints",
			Results:     results,
			Invocations: []sarifInvocation{inv},
			Properties:  map[string]any{"dialect": in.Dialect, "level": in.Level, "stats": in.Plan.Stats},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifRoot names the folder the results' paths start from.
const sarifRoot = "SRCROOT"

// uriPath writes a '/'-separated relative path as a URI reference: every
// byte but the unreserved ones and '/' percent-encoded (a space, '#',
// '?', ':' and every byte of a non-ASCII name included), so that any file
// name, even one that is not UTF-8, stands for itself.
func uriPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// dirURI is the file: URI of an absolute folder, ending in '/' as SARIF
// wants a base URI to.
func dirURI(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	u := url.URL{Scheme: "file", Path: p}
	s := u.String()
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds"`
	ColumnKind         string                   `json:"columnKind"`
	Results            []sarifResult            `json:"results"`
	Invocations        []sarifInvocation        `json:"invocations"`
	Properties         map[string]any           `json:"properties"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	FullDescription      sarifMessage `json:"fullDescription"`
	Help                 sarifMessage `json:"help"`
	HelpURI              string       `json:"helpUri"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations,omitempty"`
	Fixes      []sarifFix      `json:"fixes,omitempty"`
	Properties map[string]any  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion is a text region on one line, in columns of characters
// (columnKind unicodeCodePoints), endColumn one past its last character;
// a fix's region also gives its bytes.
type sarifRegion struct {
	StartLine   int  `json:"startLine"`
	StartColumn int  `json:"startColumn"`
	EndLine     int  `json:"endLine"`
	EndColumn   int  `json:"endColumn"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage  `json:"description"`
	ArtifactChanges []sarifChange `json:"artifactChanges"`
}

type sarifChange struct {
	ArtifactLocation sarifArtifact      `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifContent `json:"insertedContent,omitempty"`
}

type sarifContent struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}
