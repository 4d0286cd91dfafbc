//go:build !linux

package vault

import (
	"io/fs"
	"os"

	"github.com/relinkmd/relink/internal/notecache"
)

// beneath is the Linux one-call opener; elsewhere every note is opened
// through os.Root.
type beneath struct{}

func openBeneath(*os.Root) *beneath { return nil }

func (b *beneath) close() error { return nil }

func (b *beneath) open(string) (noteFile, bool) { return noteFile{}, false }

type noteFile struct{ f *os.File }

func (b *beneath) statKey(string) (k notecache.Key, ok, done bool) {
	return notecache.Key{}, false, false
}

func (n noteFile) stat() (size int64, typ fs.FileMode, key *notecache.Key, err error) {
	return statFile(n.f)
}

func (n noteFile) readFull(buf []byte) error { return readFull(n.f, buf) }

func (n noteFile) close() { n.f.Close() }
