package note

import "github.com/relinkmd/relink/internal/frontmatter"

// ParseNames reads only what gives a note its names: its frontmatter
// fields (title, id, aliases, duplicate_of, ...), after the same checks of
// its bytes as Parse. The note has no links, headings, block ids or
// anchors; Err is what Parse would set, except for a note with too many
// links, which only a full parse counts.
func ParseNames(p string, src []byte) Note {
	n := Note{Path: p}
	if err := checkText(src); err != nil {
		n.Err = err
		return n
	}
	fm, ok := frontmatter.Split(src)
	if !ok {
		return n
	}
	f, err := frontmatter.Decode(src[fm.Start:fm.End])
	if err != nil {
		n.Err = err
		return n
	}
	n.Fields = f
	return n
}
