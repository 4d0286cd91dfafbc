//go:build linux

package vault

import (
	"sync"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
	"github.com/relinkmd/relink/internal/uring"
)

// ringOff makes every reader read one system call at a time (tests).
var ringOff bool

// noteRing reads a reader's notes a batch at a time through an io_uring
// ring (internal/uring): the same openat2 beneath the vault folder as
// beneath.open, then an fstat, one read and a close, each step but the
// fstat one system call for the whole batch. Every file it does not read
// whole (any error, another kind of file, a large one) is read again by
// readUncached, which says why.
type noteRing struct {
	r      *uring.Reader
	paths  []string
	files  []uring.File
	failed bool
}

// ringPossible says whether a reader may read through a ring: notes are
// opened by openat2.
func (v *Vault) ringPossible() bool {
	return !ringOff && v.notes != nil && !v.notes.off.Load()
}

// ringsWork says whether the kernel gives this process io_uring rings
// (asked once).
var ringsWork = sync.OnceValue(func() bool {
	r, err := uring.NewReader()
	if err != nil {
		return false
	}
	r.Close()
	return true
})

// newNoteRing returns nil where notes are not opened by openat2 or the
// kernel refuses io_uring.
func (v *Vault) newNoteRing() *noteRing {
	if !v.ringPossible() {
		return nil
	}
	r, err := uring.NewReader()
	if err != nil {
		return nil
	}
	return &noteRing{r: r}
}

func (nr *noteRing) close() {
	if nr != nil {
		nr.r.Close()
	}
}

// usable says whether n notes to read are worth a batch.
func (nr *noteRing) usable(v *Vault, n int) bool {
	return nr != nil && !nr.failed && n >= 2 && n <= uring.MaxBatch && !v.notes.off.Load()
}

// lookupBatch stats paths for the note cache and hands each note it gives
// to record; it returns, appended to misses, the notes it does not give.
func (nr *noteRing) lookupBatch(v *Vault, paths []string, opt ReadOptions, misses []miss, record func(p string, n *note.Note, why string)) []miss {
	nr.files = nr.r.Stat(v.notes.fd, paths, nr.files)
	for k, p := range paths {
		var n *note.Note
		var cacheable bool
		if f := &nr.files[k]; f.OK {
			n, cacheable = lookupCached(p, keyOf(f), opt), true
		} else {
			// Not a regular file, or not stat'ed: as the calls find it.
			n, cacheable = v.cachedNote(p, opt)
		}
		if n != nil {
			record(p, n, "")
		} else {
			misses = append(misses, miss{p, cacheable})
		}
	}
	return misses
}

func keyOf(f *uring.File) notecache.Key {
	return notecache.Key{Size: f.Size, Mtime: f.Mtime, Ctime: f.Ctime, Ino: f.Ino, Dev: f.Dev}
}

// readBatch reads and parses the notes of misses, handing each to record.
func (nr *noteRing) readBatch(v *Vault, misses []miss, opt ReadOptions, buf []byte, arena *note.Arena, record func(p string, n *note.Note, why string)) []byte {
	nr.paths = nr.paths[:0]
	for _, m := range misses {
		nr.paths = append(nr.paths, m.path)
	}
	nr.files = nr.r.Read(v.notes.fd, &beneathHow, nr.paths, opt.MaxFileSize, nr.files)
	read, readAfter := 0, 0
	for k, m := range misses {
		if f := &nr.files[k]; f.OK {
			key := keyOf(f)
			record(m.path, v.parseNote(m.path, opt, f.Data, &key, m.cacheable, arena), "")
			read++
			continue
		}
		n, why, nbuf := v.readUncached(m.path, opt, m.cacheable, buf, arena)
		buf = nbuf
		if n != nil && n.Err == nil {
			readAfter++
		}
		record(m.path, n, why)
	}
	if read == 0 && readAfter > 0 {
		// What the ring could not read, system calls could: a filter
		// that lets openat2 through but not its io_uring form. The
		// calls read the rest.
		nr.failed = true
	}
	return buf
}
