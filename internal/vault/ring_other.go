//go:build !linux

package vault

import "github.com/relinkmd/relink/internal/note"

// noteRing is Linux's batch reader; elsewhere every note is read one
// system call at a time.
type noteRing struct{}

func (v *Vault) ringPossible() bool { return false }

func (v *Vault) newNoteRing() *noteRing { return nil }

func (nr *noteRing) close() {}

func (nr *noteRing) usable(*Vault, int) bool { return false }

func ringsWork() bool { return false }

func (nr *noteRing) lookupBatch(_ *Vault, _ []string, _ ReadOptions, misses []miss, _ func(string, *note.Note, string)) []miss {
	return misses
}

func (nr *noteRing) readBatch(_ *Vault, _ []miss, _ ReadOptions, buf []byte, _ *note.Arena, _ func(string, *note.Note, string)) []byte {
	return buf
}
