package workspace

import (
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/snapshot"
)

// TestPendingErrorCountsFiles: an interrupted operation on one file reads
// "1 file", as every count relink prints.
func TestPendingErrorCountsFiles(t *testing.T) {
	j := &snapshot.Journal{Manifest: snapshot.Manifest{ID: "20261206T000000Z-00000000", Op: snapshot.OpApply, Files: make([]snapshot.FileEntry, 1)}}
	for _, e := range []*PendingError{{Journal: j}, {Journal: j, Running: &snapshot.LockInfo{PID: 1, Host: "h"}}} {
		if msg := e.Error(); !strings.Contains(msg, ", 1 file)") {
			t.Errorf("%q: want \"1 file\"", msg)
		}
	}
}
