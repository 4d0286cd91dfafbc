package markdown

import (
	"strings"
	"testing"
	"time"
)

// TestPathological checks that adversarial inputs of about 1 MB take
// about linear time: each must finish within a generous budget.
func TestPathological(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const n = 1 << 20
	runs := func(max int) string {
		var b strings.Builder
		for k := 1; b.Len() < n && k <= max; k++ {
			b.WriteString(strings.Repeat("`", k))
			b.WriteString(" x ")
		}
		return b.String()
	}
	inputs := map[string]string{
		"dollars on a line":   strings.Repeat("$a ", n/3),
		"open comments":       strings.Repeat("<!-- a ", n/7),
		"open brackets":       strings.Repeat("[", n/2) + strings.Repeat("]", n/2),
		"brackets and links":  strings.Repeat("[", n/4) + strings.Repeat("[a](b)", n/12),
		"backtick runs":       runs(1400),
		"percent pairs":       strings.Repeat("%% a %% ", n/8),
		"open percent":        strings.Repeat("a %%\n\n", n/6),
		"display math lines":  strings.Repeat("$$\n\n", n/4),
		"nested lists":        strings.Repeat("- ", 2000) + "a\n" + strings.Repeat("  a\n", n/4),
		"nested quotes":       strings.Repeat(">", 5000) + " a\n" + strings.Repeat("a\n", n/2),
		"unclosed link tails": strings.Repeat("[a](b \"", n/7),
		"unclosed tags":       strings.Repeat("<a b='", n/6),
		"unclosed PI":         strings.Repeat("<?a ", n/4),
		"refdefs":             strings.Repeat("[a]: /u\n", n/8) + strings.Repeat("[a][a] ", n/7),
		"emphasis and stars":  strings.Repeat("*a_ ", n/4),
		"fences":              strings.Repeat("```\n", n/4),
		"list items":          strings.Repeat("- a\n", n/4),
		"tabs":                strings.Repeat("-\t>\t", n/4),
	}
	for name, src := range inputs {
		t0 := time.Now()
		r := Analyze([]byte(src), 0)
		d := time.Since(t0)
		if msg := checkInvariants([]byte(src), 0, r); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
		t.Logf("%-20s %6d KB %v", name, len(src)>>10, d)
		if d > 3*time.Second {
			t.Errorf("%s: %v for %d bytes", name, d, len(src))
		}
	}
}
