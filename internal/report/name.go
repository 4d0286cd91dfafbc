package report

import (
	"strconv"

	"github.com/relinkmd/relink/internal/filename"
)

// Name returns a file name as text output shows it: see [filename.Quote].
func Name(s string) string { return filename.Quote(s) }

// DiffName returns prefix+file as a diff header names it: a name that Name
// would quote is quoted whole, prefix and all, as git does ("a/new\nline.md").
func DiffName(prefix, file string) string {
	if filename.IsPlain(file) {
		return prefix + file
	}
	return strconv.Quote(prefix + file)
}

// AppendName appends Name(s) to b.
func AppendName(b []byte, s string) []byte { return filename.AppendQuote(b, s) }
