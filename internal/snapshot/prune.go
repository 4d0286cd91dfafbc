package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
)

// PruneResult reports what Prune removed, or would remove in a dry run.
type PruneResult struct {
	Keep    []Manifest          // oldest first
	Remove  []Manifest          // oldest first
	Reasons map[string][]string // why each kept snapshot is kept, by id
	Objects int                 // objects no longer referenced
	Bytes   int64               // their size on disk (compressed)
}

// Prune forgets the snapshots p does not keep (see Policy.Apply), then
// deletes every object that neither a remaining manifest nor the pending
// journal references (mark and sweep), and leftover temp files.
//
// Manifests go first, objects second, so a crash in between only leaves
// garbage for the next Prune. Prune refuses an empty policy (ErrEmptyPolicy)
// rather than delete everything, and requires the lock unless dryRun, which
// changes nothing.
func (s *Store) Prune(p Policy, now time.Time, dryRun bool) (PruneResult, error) {
	var res PruneResult
	if p.Empty() {
		return res, fmt.Errorf("prune: %w", ErrEmptyPolicy)
	}
	if !dryRun {
		if err := s.locked(); err != nil {
			return res, fmt.Errorf("prune: %w", err)
		}
	}
	ms, err := s.List()
	if err != nil {
		return res, fmt.Errorf("prune: %w", err)
	}
	res.Keep, res.Remove, res.Reasons = p.Apply(ms, now)

	if !dryRun {
		for _, m := range res.Remove {
			if err := s.remove(manifestName(m.ID)); err != nil {
				return res, fmt.Errorf("prune: remove snapshot %s: %w", m.ID, err)
			}
		}
		if err := atomicfile.SyncDir(s.root, snapsDir); err != nil {
			return res, fmt.Errorf("prune: %w", err)
		}
		if err := s.removeTemps(".", snapsDir, objectsDir); err != nil {
			return res, fmt.Errorf("prune: %w", err)
		}
		// Mark from what is on disk now, not from res.Keep.
		if res.Keep, err = s.List(); err != nil {
			return res, fmt.Errorf("prune: %w", err)
		}
	}

	live := map[Hash]bool{}
	mark := func(m Manifest) {
		for _, f := range m.Files {
			for _, r := range []*ObjectRef{f.Before, f.After} {
				if r != nil {
					live[r.SHA256] = true
				}
			}
		}
	}
	for _, m := range res.Keep {
		mark(m)
	}
	// Pending journal: its objects are needed for recovery. A corrupt
	// journal stops the sweep, since we cannot know what it references.
	if j, err := s.readManifest(journalName, StatePending); err == nil {
		mark(j)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("prune: journal: %w", err)
	}

	dirty := map[string]bool{}
	err = s.walkObjects(func(name string, h Hash, ok bool) error {
		if !ok || live[h] {
			return nil
		}
		fi, err := s.root.Lstat(name)
		if err != nil {
			return err
		}
		res.Objects++
		res.Bytes += fi.Size()
		if dryRun {
			return nil
		}
		dirty[path.Dir(name)] = true
		return s.remove(name)
	})
	if err != nil {
		return res, fmt.Errorf("prune: %w", err)
	}
	if dryRun {
		return res, nil
	}
	fans, err := fs.ReadDir(s.root.FS(), objectsDir)
	if err != nil {
		return res, fmt.Errorf("prune: %w", err)
	}
	for _, fan := range fans {
		if fan.IsDir() {
			dir := path.Join(objectsDir, fan.Name())
			if err := s.removeTemps(dir); err != nil {
				return res, fmt.Errorf("prune: %w", err)
			}
			if dirty[dir] {
				if err := atomicfile.SyncDir(s.root, dir); err != nil {
					return res, fmt.Errorf("prune: %w", err)
				}
			}
		}
	}
	return res, nil
}

// removeTemps deletes temp files left in dirs by interrupted writes. Under
// the lock every temp file is a leftover (an unlocked PutObject racing with
// Prune may lose its temp file and fail, but never leaves a torn object).
func (s *Store) removeTemps(dirs ...string) error {
	for _, dir := range dirs {
		ents, err := fs.ReadDir(s.root.FS(), dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
				if err := s.remove(path.Join(dir, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
