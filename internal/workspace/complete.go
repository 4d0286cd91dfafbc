package workspace

import (
	"github.com/relinkmd/relink/internal/config"
	"github.com/relinkmd/relink/internal/snapshot"
)

// openStoreQuietly opens the store of the vault at vaultDir (or the one
// storeFlag names) for reading. It creates nothing, takes no lock and
// reports no pending operation: shell completion calls it on every Tab.
// It returns nil, nil when there is no store yet.
func openStoreQuietly(vaultDir, storeFlag string) (*snapshot.Store, error) {
	vdir, cfg := "", config.Config{}
	v, c, err := OpenVault(vaultDir)
	switch {
	case err == nil:
		vdir, cfg = v.Dir, c
		v.Close()
	case storeFlag == "":
		return nil, err
	}
	return peekVaultStore(vdir, cfg, storeFlag)
}

// Snapshots lists the snapshots of a vault's store, oldest first, with
// their undo state; none when it has no store. See openStoreQuietly.
func Snapshots(vaultDir, storeFlag string) ([]HistoryEntry, error) {
	st, err := openStoreQuietly(vaultDir, storeFlag)
	if st == nil || err != nil {
		return nil, err
	}
	defer st.Close()
	ms, err := st.List()
	if err != nil {
		return nil, err
	}
	return History(ms), nil
}

// SnapshotPaths lists the vault-relative paths of the files of snapshot
// ref (an id, a prefix of one, latest or latest~N). See openStoreQuietly.
func SnapshotPaths(vaultDir, storeFlag, ref string) ([]string, error) {
	st, err := openStoreQuietly(vaultDir, storeFlag)
	if st == nil || err != nil {
		return nil, err
	}
	defer st.Close()
	m, err := LoadSnapshot(st, ref)
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(m.Files))
	for i, f := range m.Files {
		paths[i] = f.Path
	}
	return paths, nil
}
