package workspace

import (
	"errors"
	"fmt"
	"strings"

	"github.com/relinkmd/relink/internal/report"
	"github.com/relinkmd/relink/internal/vault"
)

// ErrUnread is returned by Apply, PlanMove and PlanMerge when part of the
// vault could not be read at all: a folder relink could not list (or an
// entry it could not stat, a folder too deep to enter). The names of the
// notes there are unknown, so a link that matches none of the names
// relink knows may name one of them: its "repair" to a note of a similar
// name would be a guess (a link to locked/Foo.md written [[Foo]] would
// become [[foo]] for another note foo.md). Nothing is written until the
// folder can be read, or is left out of the vault by exclude in
// .relink.toml. A note that could not be opened is not such a part: like
// any bad file (SPEC §7) it keeps its path names and is skipped.
var ErrUnread = errors.New("part of the vault could not be read")

// Unread returns the problems of files and folders relink could not read
// at all (vault.Problem.Unread), in the report's order.
func (rep *Report) Unread() []vault.Problem {
	var out []vault.Problem
	for _, p := range rep.Problems {
		if p.Unread {
			out = append(out, p)
		}
	}
	return out
}

// refuseUnread is the guard of the commands that rewrite links: nil when
// every file of the vault was read, else an ErrUnread saying what could
// not be read and how to go on.
func refuseUnread(rep *Report, verb string) error {
	unread := rep.Unread()
	if len(unread) == 0 {
		return nil
	}
	return fmt.Errorf("%w (%s), refusing to %s: the names of the notes there are unknown, and a link could be repaired to the wrong note; %s",
		ErrUnread, unreadList(unread), verb, unreadWayOn(unread))
}

// unreadWarning is the warning a load prints when part of the vault could
// not be read, or "".
func unreadWarning(unread []vault.Problem) string {
	if len(unread) == 0 {
		return ""
	}
	return fmt.Sprintf("%s could not be read (%s): apply, mv and merge refuse while the names of the notes there are unknown; %s",
		report.Count(len(unread), "file or folder/files or folders"), unreadList(unread), unreadWayOn(unread))
}

// unreadWayOn is the advice that ends the refusal and the warning alike.
func unreadWayOn(unread []vault.Problem) string {
	them := "them"
	if len(unread) == 1 {
		them = "it"
	}
	return fmt.Sprintf("make %s readable, or leave %s out of the vault with %s in .relink.toml", them, them, excludeAdvice(unread))
}

func unreadList(unread []vault.Problem) string {
	const shown = 3
	var b strings.Builder
	for i, p := range unread[:min(len(unread), shown)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(report.Name(p.File) + ": " + p.Message)
	}
	if len(unread) > shown {
		fmt.Fprintf(&b, "; and %d more", len(unread)-shown)
	}
	return b.String()
}

// maxExcludeLine is the most paths excludeLine names; past it (a vault
// that ran out of file descriptors, say) the advice says where the list is.
const maxExcludeLine = 5

// excludeAdvice is "exclude = [...]", or for more than maxExcludeLine
// paths an "exclude" line of the paths relink check lists on stderr.
func excludeAdvice(unread []vault.Problem) string {
	if len(unread) > maxExcludeLine {
		return "an exclude line of the paths relink check lists"
	}
	return excludeLine(unread)
}

// excludeLine is the .relink.toml line that leaves the unread files and
// folders out: exclude = ["a", "b/c.md"], each path a glob that matches
// itself (its *, ?, [ and \ escaped) written as a TOML basic string.
func excludeLine(unread []vault.Problem) string {
	q := make([]string, len(unread))
	for i, p := range unread {
		q[i] = tomlString(globLiteral(p.File))
	}
	return "exclude = [" + strings.Join(q, ", ") + "]"
}

// globLiteral escapes the characters path.Match reads as a pattern.
func globLiteral(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tomlString quotes s as a TOML basic string: '"' and '\' escaped,
// control characters as \uXXXX.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
