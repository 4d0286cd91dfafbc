package report

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/plan"
)

// detailReference is Detail built the straightforward way, from strings
// and fmt: what appendDetail must append.
func detailReference(f plan.Finding) string {
	var parts []string
	switch f.Class {
	case "ambiguous":
		parts = append(parts, "candidates: "+strings.Join(withAliasesReference(f.Candidates, f.Aliases, "%s (alias %q)", "%s"), ", "))
	case "alias":
		parts = append(parts, "alias "+strings.Join(withAliasesReference(f.Candidates, f.Aliases, "%[2]q of %[1]s", "of %s"), ", ")+" (--allow-alias rewrites it)")
	case "duplicate":
		parts = append(parts, "duplicate of "+namesReference(f.Candidates)+" (--follow-duplicates redirects it)")
	default:
		if f.Message != "" {
			parts = append(parts, f.Message)
		}
		if len(f.Candidates) > 0 && f.Class == "heading" {
			parts = append(parts, "candidates: "+namesReference(f.Candidates))
		}
	}
	if len(f.Hints) > 0 {
		parts = append(parts, "did you mean: "+namesReference(f.Hints))
	}
	if f.Level != "" && f.Level != "exact" {
		parts = append(parts, "at level "+f.Level)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// withAliasesReference writes each candidate that only an alias matched with that
// alias (withAlias: "%s (alias %q)" gives `A.md (alias "X")`), and each
// other candidate with plain.
func withAliasesReference(cands []string, aliases []plan.CandidateAlias, withAlias, plain string) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = fmt.Sprintf(plain, Name(c))
		for _, a := range aliases {
			if a.Note == c {
				out[i] = fmt.Sprintf(withAlias, Name(c), a.Alias)
				break
			}
		}
	}
	return out
}

// namesReference joins names with ", ", each as Name shows it.
func namesReference(ss []string) string {
	var b []byte
	for i, s := range ss {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = AppendName(b, s)
	}
	return string(b)
}

// TestAppendDetail holds appendDetail to detailReference on random
// findings of every class, with candidates that an alias alone matched,
// hints, levels and names that need quoting; and appended after bytes
// already there.
func TestAppendDetail(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	pick := func(ss ...string) string { return ss[r.IntN(len(ss))] }
	some := func() []string {
		var out []string
		for range r.IntN(4) {
			out = append(out, pick("A.md", "dir/B.md", "with space.md", "new\nline.md", "카페.md", "caf\xe9.md"))
		}
		return out
	}
	for range 20000 {
		f := plan.Finding{
			Class:      pick("ambiguous", "alias", "duplicate", "broken", "heading", "variant", ""),
			Candidates: some(),
			Hints:      some(),
			Level:      pick("", "exact", "case", "separators"),
			Message:    pick("", "no note matches", "the anchor \"x\" matches several headings"),
		}
		for _, c := range f.Candidates {
			if r.IntN(2) == 0 {
				f.Aliases = append(f.Aliases, plan.CandidateAlias{Note: c, Alias: pick("X", "an \"alias\"", "별칭", "tab\there")})
			}
		}
		if r.IntN(5) == 0 {
			f.Aliases = append(f.Aliases, plan.CandidateAlias{Note: "elsewhere.md", Alias: "Y"})
		}
		want := detailReference(f)
		if got := Detail(f); got != want {
			t.Fatalf("Detail(%+v) = %q, want %q", f, got, want)
		}
		if got := string(appendDetail([]byte("prefix"), &f)); got != "prefix"+want {
			t.Fatalf("appendDetail after a prefix = %q, want %q", got, "prefix"+want)
		}
	}
}
