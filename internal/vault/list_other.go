//go:build !linux

package vault

import "os"

// readEntries lists a folder opened through the vault's root, with each
// entry's type (File.ReadDir stats each entry of a folder opened in an
// os.Root).
func readEntries(f *os.File) ([]entry, error) {
	des, err := f.ReadDir(-1)
	entries := make([]entry, len(des))
	for i, de := range des {
		entries[i] = entry{name: de.Name(), typ: de.Type()}
	}
	return entries, err
}
