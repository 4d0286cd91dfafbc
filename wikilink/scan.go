package wikilink

import "bytes"

// Options changes how the parts of a wikilink are read.
type Options struct {
	// LabelFirst reads [[display|target]] (Dendron) instead of [[target|display]].
	LabelFirst bool
	// NoMarkdown marks text that is not Markdown (frontmatter): it has no
	// [text](dest) links, and a backslash there is YAML's, not an escape
	// of the bracket after it.
	NoMarkdown bool
}

// Scan returns the links in src[from:to], in order, skipping any link that
// starts inside one of the sorted, non-overlapping skip spans. It never fails:
// text that is not a well-formed link is simply not a link, and a source of
// MaxSource bytes or more has none.
func Scan(src []byte, from, to int, skip []Span, opt Options) []Link {
	return AppendScan(nil, src, from, to, skip, opt)
}

// AppendScan is Scan appending to links, so that a caller can reuse one
// slice for many notes.
func AppendScan(links []Link, src []byte, from, to int, skip []Span, opt Options) []Link {
	if len(src) > MaxSource {
		return links
	}
	si := 0
	i := from
	for i < to {
		j := bytes.IndexByte(src[i:to], '[')
		if j < 0 {
			break
		}
		p := i + j
		for si < len(skip) && int(skip[si].End) <= p {
			si++
		}
		if si < len(skip) && int(skip[si].Start) <= p {
			i = int(skip[si].End)
			continue
		}
		if !opt.NoMarkdown && escaped(src, p, from, skip, si) {
			// "\[" is a literal '[' in Markdown: it opens nothing, and a
			// "[[" may start right after it ("List\[[[T]]\]" links T).
			i = p + 1
			continue
		}
		if p+1 < to && src[p+1] == '[' {
			if p+2 < to && src[p+2] == '[' {
				// A run of three or more '[' opens a link at its last two:
				// "[[[T]]]" is '[', the link [[T]], ']'. A target never
				// starts with '['.
				i = p + 1
				continue
			}
			if l, ok := scanWiki(src, p, to, opt); ok {
				unembedEscaped(&l, src, p, from, skip, si, opt)
				if !overlapsSkip(skip, si, l.Whole) {
					links = append(links, l)
					i = int(l.Whole.End)
					continue
				}
			}
			i = p + 1
			continue
		}
		if !opt.NoMarkdown {
			if l, ok := scanMarkdown(src, p, to); ok && !overlapsSkip(skip, si, l.Whole) {
				unembedEscaped(&l, src, p, from, skip, si, opt)
				links = append(links, l)
				i = int(l.Whole.End)
				continue
			}
		}
		i = p + 1
	}
	return links
}

// escaped reports whether the byte at p follows an odd run of backslashes,
// counting only backslashes at or after from and outside the skipped span
// before p (a backslash that ends a code span escapes nothing).
func escaped(src []byte, p, from int, skip []Span, si int) bool {
	lo := from
	if si > 0 && int(skip[si-1].End) > lo {
		lo = int(skip[si-1].End)
	}
	n := 0
	for k := p - 1; k >= lo && src[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// unembedEscaped makes l, opened at p, no embed when its '!' is escaped:
// "\![[T]]" is a literal '!' and the link [[T]] (CommonMark), so the '!'
// is no part of the link either.
func unembedEscaped(l *Link, src []byte, p, from int, skip []Span, si int, opt Options) {
	if l.Embed && !opt.NoMarkdown && escaped(src, p-1, from, skip, si) {
		l.Embed = false
		l.Whole.Start = int32(p)
	}
}

// overlapsSkip reports whether s reaches into a skipped span (a link may not
// run into code that starts later on its line).
func overlapsSkip(skip []Span, si int, s Span) bool {
	for k := si; k < len(skip) && skip[k].Start < s.End; k++ {
		if skip[k].End > s.Start {
			return true
		}
	}
	return false
}

// wikiStop marks the bytes scanWiki stops at inside "[[...]]".
var wikiStop = func() (t [256]bool) {
	for _, c := range []byte("\n\r[]|#") {
		t[c] = true
	}
	return t
}()

// scanWiki reads a wikilink whose "[[" is at p.
func scanWiki(src []byte, p, to int, opt Options) (Link, bool) {
	start := p
	embed := p > 0 && src[p-1] == '!'
	if embed {
		start = p - 1
	}
	innerStart := p + 2
	end := innerStart
	pipe := -1 // the first '|', escaped or not
	// The first '#' before the first pipe and after it: the target ends
	// at the first '#' of its side.
	hashHead, hashTail := -1, -1
	for {
		if end+1 >= to {
			return Link{}, false
		}
		c := src[end]
		if wikiStop[c] {
			switch c {
			case '\n', '\r':
				return Link{}, false
			case ']':
				if src[end+1] == ']' {
					goto closed
				}
			case '[':
				if src[end+1] == '[' {
					// "[[a [[b]]": the inner "[[" starts the link.
					return Link{}, false
				}
			case '|':
				if pipe < 0 {
					pipe = end
				}
			case '#':
				if pipe < 0 && hashHead < 0 {
					hashHead = end
				} else if pipe >= 0 && hashTail < 0 {
					hashTail = end
				}
			}
		}
		end++
	}
closed:
	l := Link{Kind: Wiki, Whole: span(start, end+2), Embed: embed, Target: none, Frag: none, Display: none}
	// Split at the first pipe.
	head := span(innerStart, end)
	tail := none
	if k := pipe; k >= 0 {
		if k > innerStart && src[k-1] == '\\' {
			l.EscapedPipe = true
			head = span(innerStart, k-1)
		} else {
			head = span(innerStart, k)
		}
		tail = span(k+1, end)
	}
	ref, hash := head, hashHead
	if opt.LabelFirst && tail.Valid() {
		ref, hash = tail, hashTail
		l.Display = head
	} else {
		l.Display = tail
	}
	// The target ends at the first '#'.
	tgt := ref
	if hash >= 0 {
		tgt = span(int(ref.Start), hash)
		l.Frag = trim(src, span(hash+1, int(ref.End)))
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

func trim(src []byte, s Span) Span {
	for s.Start < s.End && isSpace(src[s.Start]) {
		s.Start++
	}
	for s.End > s.Start && isSpace(src[s.End-1]) {
		s.End--
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// scanMarkdown reads an inline Markdown link whose '[' is at p. Reference
// links and autolinks are not note links and are not read.
func scanMarkdown(src []byte, p, to int) (Link, bool) {
	// Link text: balanced brackets on the same line, with backslash escapes.
	depth := 0
	k := p
	for ; k < to; k++ {
		c := src[k]
		if c == '\\' {
			k++
			continue
		}
		if c == '\n' {
			return Link{}, false
		}
		if c == '[' {
			depth++
		} else if c == ']' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if k+1 >= to || src[k] != ']' || src[k+1] != '(' {
		return Link{}, false
	}
	l := Link{Kind: Markdown, Target: none, Frag: none, Display: span(p+1, k)}
	start := p
	if p > 0 && src[p-1] == '!' {
		l.Embed = true
		start = p - 1
	}
	d := k + 2
	for d < to && src[d] == ' ' {
		d++
	}
	var dest Span
	if d < to && src[d] == '<' {
		e := d + 1
		for e < to && src[e] != '>' && src[e] != '\n' && src[e] != '<' {
			if src[e] == '\\' {
				e++
			}
			e++
		}
		if e >= to || src[e] != '>' {
			return Link{}, false
		}
		dest = span(d+1, e)
		l.Angle = true
		d = e + 1
	} else {
		e := d
		par := 0
		for e < to {
			c := src[e]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c < 0x20 {
				break
			}
			if c == '\\' && e+1 < to {
				e += 2
				continue
			}
			if c == '(' {
				par++
			} else if c == ')' {
				if par == 0 {
					break
				}
				par--
			}
			e++
		}
		dest = span(d, e)
		d = e
	}
	// Optional title, then ')'.
	for d < to && (src[d] == ' ' || src[d] == '\t') {
		d++
	}
	if d < to && (src[d] == '"' || src[d] == '\'' || src[d] == '(') {
		closer := src[d]
		if closer == '(' {
			closer = ')'
		}
		e := d + 1
		for e < to && src[e] != closer && src[e] != '\n' {
			if src[e] == '\\' {
				e++
			}
			e++
		}
		if e >= to || src[e] != closer {
			return Link{}, false
		}
		d = e + 1
		for d < to && (src[d] == ' ' || src[d] == '\t') {
			d++
		}
	}
	if d >= to || src[d] != ')' {
		return Link{}, false
	}
	l.Whole = span(start, d+1)
	if h := bytes.IndexByte(src[dest.Start:dest.End], '#'); h >= 0 {
		l.Frag = Span{dest.Start + int32(h) + 1, dest.End}
		dest.End = dest.Start + int32(h)
	}
	l.Target = dest
	return l, true
}

// span makes a Span of int offsets, which AppendScan keeps below MaxSource.
func span(start, end int) Span { return Span{int32(start), int32(end)} }
