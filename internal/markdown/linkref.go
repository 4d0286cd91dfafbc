package markdown

import "bytes"

// Link reference definitions ("[label]: destination "title"") at the start
// of a paragraph are not part of it, as in goldmark's
// LinkReferenceParagraphTransformer: their lines get no inline parsing,
// and their labels make reference links.

// transformParagraph removes the link reference definitions that start a
// paragraph, as goldmark's LinkReferenceParagraphTransformer does. It
// reports whether nothing is left of the paragraph.
func (s *scanner) transformParagraph(id int32) bool {
	n := &s.nodes[id]
	lines := s.lines[n.lfirst : n.lfirst+n.lcount]
	// Fast path: a definition starts with up to 3 spaces and '['.
	if len(lines) == 0 {
		return false
	}
	first := lines[0]
	if i := trimLeftSpaceLen(s.src[first.start:first.stop]); first.start+i >= first.stop || s.src[first.start+i] != '[' {
		return false
	}
	br := &s.br
	br.reset(s.src, lines)
	var removes [][2]int
	for {
		start, end, ok := s.parseLinkReferenceDefinition()
		if !ok {
			break
		}
		if start == end {
			end++
		}
		removes = append(removes, [2]int{start, end})
	}
	if len(removes) == 0 {
		return false
	}
	if p := n.parent; p >= 0 {
		s.nodes[p].children += int32(len(removes))
	}
	s.lastRef = max(s.lastRef, first.start)
	// goldmark's way of removing the lines, offset and all. Definitions
	// one after another from the first line (the usual case) come off
	// the front, which takes no copying.
	offset := 0
	for _, rm := range removes {
		if len(lines) == 0 {
			break
		}
		a, b := rm[0]-offset, rm[1]-offset
		if a < 0 || a > b || b > len(lines) {
			break // goldmark would panic here
		}
		if a == 0 {
			lines = lines[b:]
		} else {
			lines = append(lines[:a], lines[b:]...)
		}
		offset = rm[1]
	}
	// The lines left start at lines[0]; move them to where the paragraph
	// keeps them.
	all := s.lines[n.lfirst : n.lfirst+n.lcount]
	if len(lines) > 0 && &lines[0] != &all[0] {
		copy(all, lines)
	}
	lines = all[:len(lines)]
	n.lcount = int32(len(lines))
	if len(lines) == 0 {
		s.removeNode(id)
		return true
	}
	if lines[0].start != first.start {
		n.line += int32(bytes.Count(s.src[first.start:lines[0].start], []byte{'\n'}))
	}
	return false
}

// parseLinkReferenceDefinition is goldmark's function of that name on
// s.br. It returns the lines the definition takes.
func (s *scanner) parseLinkReferenceDefinition() (startLine, endLine int, ok bool) {
	br := &s.br
	br.skipSpaces()
	line := br.peekLine()
	if line == nil {
		return -1, -1, false
	}
	startLine, _ = br.position()
	width, pos := indentWidth(line, 0)
	if width > 3 {
		return -1, -1, false
	}
	if width != 0 {
		pos++
	}
	if pos >= len(line) || line[pos] != '[' {
		return -1, -1, false
	}
	br.advance(pos + 1)
	segs, found := br.findClosure('[', ']', s.segTmp[:0])
	s.segTmp = segs
	if !found {
		return -1, -1, false
	}
	label := s.labelBuf[:0]
	for _, sg := range segs {
		label = br.value(label, sg)
	}
	s.labelBuf = label
	if isBlank(label) {
		return -1, -1, false
	}
	if br.peek() != ':' {
		return -1, -1, false
	}
	br.advance(1)
	br.skipSpaces()
	if !parseLinkDestination(br) {
		return -1, -1, false
	}
	line = br.peekLine()
	isNewLine := line == nil || isBlank(line)
	endLine, _ = br.position()
	spaces := br.skipSpaces()
	opener := br.peek()
	if opener != '"' && opener != '\'' && opener != '(' {
		if !isNewLine {
			return -1, -1, false
		}
		s.addRef(label)
		return startLine, endLine + 1, true
	}
	if spaces == 0 {
		return -1, -1, false
	}
	br.advance(1)
	closer := opener
	if opener == '(' {
		closer = ')'
	}
	s.segTmp, found = br.findClosure(opener, closer, s.segTmp[:0])
	if !found {
		if !isNewLine {
			return -1, -1, false
		}
		s.addRef(label)
		br.advanceLine()
		return startLine, endLine + 1, true
	}
	line = br.peekLine()
	if line != nil && !isBlank(line) {
		if !isNewLine {
			return -1, -1, false
		}
		s.addRef(label)
		return startLine, endLine, true
	}
	endLine, _ = br.position()
	s.addRef(label)
	return startLine, endLine + 1, true
}

// parseLinkDestination is goldmark's function of that name; only whether it
// succeeds matters here.
func parseLinkDestination(br *breader) bool {
	br.skipSpaces()
	line := br.peekLine()
	if br.peek() == '<' {
		for i := 1; i < len(line); i++ {
			c := line[i]
			if c == '\\' && i < len(line)-1 && isPunct(line[i+1]) {
				i++
				continue
			}
			if c == '>' {
				br.advance(i + 1)
				return true
			}
		}
		return false
	}
	opened := 0
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' && i < len(line)-1 && isPunct(line[i+1]) {
			i += 2
			continue
		} else if c == '(' {
			opened++
		} else if c == ')' {
			opened--
			if opened < 0 {
				break
			}
		} else if isSpace(c) {
			break
		}
		i++
	}
	br.advance(i)
	return i != 0
}
