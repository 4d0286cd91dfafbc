package vault

import "github.com/relinkmd/relink/internal/regularfile"

// openFlags open a note without blocking on a named pipe put where the
// walk saw a note; readUncached checks the opened file's type next (and
// the ring its statx).
const openFlags = regularfile.OpenFlags
