package lspserver

import (
	"fmt"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/workspace"
)

// source names relink in every diagnostic.
const source = "relink"

// severities maps a class to its diagnostics' severity; 0 shows none.
type severities map[string]protocol.DiagnosticSeverity

// defaultSeverities: a link relink can repair is a warning with its fix;
// a link that needs a person's choice (ambiguous) or leads nowhere
// (broken) is a warning too, as a broken link is in marksman and
// markdown-oxide; an alias or a duplicate works in the tool as it is, so
// it is information.
func defaultSeverities() severities {
	return severities{
		"variant": protocol.DiagnosticSeverityWarning, "renamed": protocol.DiagnosticSeverityWarning,
		"heading": protocol.DiagnosticSeverityWarning, "ambiguous": protocol.DiagnosticSeverityWarning,
		"broken": protocol.DiagnosticSeverityWarning, "alias": protocol.DiagnosticSeverityInformation,
		"duplicate": protocol.DiagnosticSeverityInformation,
	}
}

var severityByName = map[string]protocol.DiagnosticSeverity{
	"error": protocol.DiagnosticSeverityError, "warning": protocol.DiagnosticSeverityWarning,
	"information": protocol.DiagnosticSeverityInformation, "hint": protocol.DiagnosticSeverityHint, "off": 0,
}

// set overrides the severities of the classes in m (class → name).
func (s severities) set(m map[string]string) error {
	for class, name := range m {
		if err := config.CheckSeverity(class, name); err != nil {
			return fmt.Errorf("severity: %w", err)
		}
		s[class] = severityByName[name]
	}
	return nil
}

// diagnostics are the findings and planned edits of the note at p, as
// check reports them: the class is the code, check's line (without its
// place) the message.
func diagnostics(v *workspace.View, p string, text []byte, ls lines, sev severities) []protocol.Diagnostic {
	out := []protocol.Diagnostic{}
	src := source
	if err := v.Problem(p); err != nil {
		s := protocol.DiagnosticSeverityError
		out = append(out, protocol.Diagnostic{Range: lineRange(1), Severity: &s, Source: &src,
			Code: &protocol.IntegerOrString{Value: "unreadable"}, Message: "relink cannot read this note: " + err.Error()})
		return out
	}
	edits, findings := v.Plan(p)
	for i := range edits {
		e := &edits[i]
		s := sev[e.Class]
		if s == 0 {
			continue
		}
		out = append(out, protocol.Diagnostic{Range: ls.span(text, e.Start, e.End), Severity: &s, Source: &src,
			Code: &protocol.IntegerOrString{Value: e.Class}, Message: report.EditLine(e)})
	}
	for i := range findings {
		f := &findings[i]
		s := sev[f.Class]
		if s == 0 {
			continue
		}
		start := ls.lineCol(text, f.Line, f.Col)
		end := min(start+len(f.Link), len(text))
		out = append(out, protocol.Diagnostic{Range: ls.span(text, start, end), Severity: &s, Source: &src,
			Code: &protocol.IntegerOrString{Value: f.Class}, Message: report.FindingLine(f)})
	}
	return out
}
