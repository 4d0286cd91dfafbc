package markdown

import (
	"maps"
	"slices"
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
		"nested brackets":     "[a]: /u\n\n" + strings.Repeat("[", n/2) + strings.Repeat("]", n/2),
		"segments":            segments(),
		"emphasis and stars":  strings.Repeat("*a_ ", n/4),
		"fences":              strings.Repeat("```\n", n/4),
		"list items":          strings.Repeat("- a\n", n/4),
		"tabs":                strings.Repeat("-\t>\t", n/4),
	}
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			src := []byte(inputs[name])
			// The best of three, so that a busy machine does not fail it.
			var d time.Duration
			for i := range 3 {
				t0 := time.Now()
				r := Analyze(src, 0)
				if e := time.Since(t0); i == 0 || e < d {
					d = e
				}
				if msg := checkInvariants(src, 0, r); msg != "" {
					t.Fatal(msg)
				}
				if d < time.Second {
					break
				}
			}
			t.Logf("%-20s %6d KB %v", name, len(src)>>10, d)
			if d > 3*time.Second {
				t.Errorf("%v for %d bytes", d, len(src))
			}
		})
	}
}

// segments is a long paragraph of short lines with a backtick each.
func segments() string {
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString("a ` b\n")
	}
	return b.String()
}
