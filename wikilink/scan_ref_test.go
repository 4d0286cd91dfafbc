package wikilink

import (
	"bytes"
	"testing"
)

// refScanWiki is scanWiki as it was before it was tuned, the oracle for
// TestScanWikiMatchesReference and FuzzScanWikiMatchesReference: it reads
// a wikilink whose "[[" is at p.
func refScanWiki(src []byte, p, to int, opt Options) (Link, bool) {
	start := p
	embed := p > 0 && src[p-1] == '!'
	if embed {
		start = p - 1
	}
	innerStart := p + 2
	end := innerStart
	for {
		if end+1 >= to {
			return Link{}, false
		}
		c := src[end]
		if c == '\n' || c == '\r' {
			return Link{}, false
		}
		if c == ']' && src[end+1] == ']' {
			break
		}
		if c == '[' && src[end+1] == '[' {
			// "[[a [[b]]": the inner "[[" starts the link.
			return Link{}, false
		}
		end++
	}
	l := Link{Kind: Wiki, Whole: span(start, end+2), Embed: embed, Target: none, Frag: none, Display: none}
	// Split at the first pipe, escaped or not.
	head := span(innerStart, end)
	tail := none
	for k := innerStart; k < end; k++ {
		if src[k] == '|' {
			if k > innerStart && src[k-1] == '\\' {
				l.EscapedPipe = true
				head = span(innerStart, k-1)
			} else {
				head = span(innerStart, k)
			}
			tail = span(k+1, end)
			break
		}
	}
	ref := head
	if opt.LabelFirst && tail.Valid() {
		ref = tail
		l.Display = head
	} else {
		l.Display = tail
	}
	// The target ends at the first '#'.
	tgt := ref
	if k := bytes.IndexByte(src[ref.Start:ref.End], '#'); k >= 0 {
		tgt = Span{ref.Start, ref.Start + int32(k)}
		l.Frag = trim(src, Span{ref.Start + int32(k) + 1, ref.End})
	}
	l.Target = trim(src, tgt)
	if l.Target.Len() == 0 && !l.Frag.Valid() {
		return Link{}, false // [[]] and [[|x]] are not links
	}
	if l.Target.Len() == 0 && l.Frag.Len() == 0 {
		return Link{}, false // [[#]]
	}
	return l, true
}

// checkWikiSame compares scanWiki with refScanWiki at every "[[" of src.
func checkWikiSame(t *testing.T, src []byte) {
	t.Helper()
	for p := 0; p+1 < len(src); p++ {
		if src[p] != '[' || src[p+1] != '[' {
			continue
		}
		for _, opt := range []Options{{}, {LabelFirst: true}} {
			got, gok := scanWiki(src, p, len(src), opt)
			want, wok := refScanWiki(src, p, len(src), opt)
			if got != want || gok != wok {
				t.Fatalf("%q at %d (%+v): %+v %v, want %+v %v", src, p, opt, got, gok, want, wok)
			}
		}
	}
}

func TestScanWikiMatchesReference(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"[[T]]", "![[T#H|d]]", "[[T\\|d]]", "[[a [[b]]", "[[#]]", "[[ a # b | c ]]", "[[a|b#c]]", "[[a#b|c#d]]",
		"[[a\\|b|c#d]]", "[[#x|y]]", "[[|#]]", "[[a\nb]]", "[[a\rb]]", "[[a]", "[[a]]]", "[[a[b]]", "[[a#]]",
		"[[dendron://v/n#h|L]]", "[[L|dendron://v/n#h]]", "[[##|##]]", "[[ | ]]", "[[a|]]",
	} {
		checkWikiSame(t, []byte(s))
	}
}

func FuzzScanWikiMatchesReference(f *testing.F) {
	for _, s := range []string{"[[T]]", "![[T#H|d]]", "[[T\\|d]]", "[[a [[b]]", "[[ a # b | c ]]", "[[a#b|c#d]] [[x|y#z]]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkWikiSame(t, src)
	})
}

// refScan is Scan without skip spans written plainly, the oracle for
// TestScanMatchesReference and FuzzScanMatchesReference: escapes are
// worked out in one pass from the start, and each '[' is tried in turn.
func refScan(src []byte, opt Options) []Link {
	esc := make([]bool, len(src)) // esc[p]: src[p] follows an odd run of '\'
	run := 0
	for p, c := range src {
		esc[p] = run%2 == 1
		if c == '\\' {
			run++
		} else {
			run = 0
		}
	}
	var links []Link
	for p := 0; p < len(src); p++ {
		if src[p] != '[' || esc[p] && !opt.NoMarkdown {
			continue
		}
		if p+1 < len(src) && src[p+1] == '[' {
			if p+2 < len(src) && src[p+2] == '[' {
				continue
			}
			if l, ok := refScanWiki(src, p, len(src), opt); ok {
				links = append(links, l)
				p = int(l.Whole.End) - 1
			}
			continue
		}
		if !opt.NoMarkdown {
			if l, ok := scanMarkdown(src, p, len(src)); ok {
				links = append(links, l)
				p = int(l.Whole.End) - 1
			}
		}
	}
	return links
}

func checkScanSame(t *testing.T, src []byte) {
	t.Helper()
	for _, opt := range []Options{{}, {LabelFirst: true}, {NoMarkdown: true}} {
		got := Scan(src, 0, len(src), nil, opt)
		want := refScan(src, opt)
		if len(got) != len(want) {
			t.Fatalf("%q (%+v): %d links %+v, want %d %+v", src, opt, len(got), got, len(want), want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q (%+v): link %d is %+v, want %+v", src, opt, i, got[i], want[i])
			}
		}
	}
}

func TestScanMatchesReference(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"[[T]]", `List\[[[RunnableConfig]]\]`, `\[[X]]`, `\\[[X]]`, `\\\[[X]]`, "[[[X]]]", "Union[[[X]]]",
		"[[[[X]]]]", "![[[X]]]", `\[x](a.md)`, `\\[x](a.md)`, "[x](a.md) [[b]] [[[c]]", `a\b[[c]]`, `[[a\]]`,
	} {
		checkScanSame(t, []byte(s))
	}
}

func FuzzScanMatchesReference(f *testing.F) {
	for _, s := range []string{`List\[[[T]]\]`, "[[[X]]]", `\\[[X]] \[y](b.md)`, "![[T#H|d]] [x](<a b.md>)"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkScanSame(t, src)
	})
}
