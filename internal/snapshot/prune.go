package snapshot

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
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
		if err := s.removeTemps(".", snapsDir, objectsDir, packsDir); err != nil {
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
	if err := s.prunePacks(live, &res, dryRun); err != nil {
		return res, fmt.Errorf("prune: %w", err)
	}
	if dryRun {
		return res, nil
	}
	fans, err := fs.ReadDir(s.root.FS(), objectsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
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

// prunePacks deletes the packs holding only unreferenced objects, and
// replaces each pack holding some by a new pack of its referenced objects
// (made durable before the old one goes, so a crash leaves at worst both).
// A pack that cannot be read is left for Verify to report: what it holds
// is unknown.
func (s *Store) prunePacks(live map[Hash]bool, res *PruneResult, dryRun bool) error {
	if err := s.loadPacks(true); err != nil {
		return err
	}
	s.packs.mu.RLock()
	packs := slices.Clone(s.packs.packs)
	s.packs.mu.RUnlock()
	changed := false
	for _, p := range packs {
		var keep []int
		liveFrames := map[int64]bool{}
		frames := map[int64]int64{}
		for i := range p.len() {
			e := p.entry(i)
			frames[e.frameOff] = e.frameN
			if live[e.hash] {
				keep = append(keep, i)
				liveFrames[e.frameOff] = true
				continue
			}
			res.Objects++
		}
		// Bytes counts the frames that hold only unreferenced objects: the
		// share of a frame that other objects keep is not freed whole.
		for off, n := range frames {
			if !liveFrames[off] {
				res.Bytes += n
			}
		}
		if dryRun || len(keep) == p.len() && p.len() > 0 {
			continue
		}
		if len(keep) > 0 {
			if err := s.repack(p, keep); err != nil {
				return err
			}
		}
		if err := s.remove(p.name); err != nil {
			return err
		}
		changed = true
	}
	if !changed {
		return nil
	}
	if err := atomicfile.SyncDir(s.root, packsDir); err != nil {
		return err
	}
	return s.loadPacks(true)
}

// repack writes the entries keep of p into a new, durable pack: the
// objects of each frame that are kept, compressed together again.
func (s *Store) repack(p *pack, keep []int) error {
	pw, err := s.newPackWriter()
	if err != nil {
		return err
	}
	fail := func(err error) error {
		pw.discard()
		return err
	}
	ents := make([]packEntry, len(keep))
	for k, i := range keep {
		ents[k] = p.entry(i)
	}
	slices.SortFunc(ents, func(a, b packEntry) int { return cmp.Compare(a.frameOff, b.frameOff) })
	var sc scratch
	for len(ents) > 0 {
		n := 1
		for n < len(ents) && ents[n].frameOff == ents[0].frameOff {
			n++
		}
		frame, err := p.frame(ents[0])
		if err != nil {
			return fail(err)
		}
		sc.datas, sc.hashes, sc.sizes = sc.datas[:0], sc.hashes[:0], sc.sizes[:0]
		for _, e := range ents[:n] {
			data, err := p.objectIn(e, frame)
			if err != nil {
				return fail(err)
			}
			sc.datas, sc.hashes, sc.sizes = append(sc.datas, data), append(sc.hashes, e.hash), append(sc.sizes, e.n)
		}
		if err := sc.encode(sc.datas); err != nil {
			return fail(err)
		}
		if err := pw.add(sc.enc, sc.hashes, sc.sizes); err != nil {
			return fail(err)
		}
		ents = ents[n:]
	}
	st, err := pw.finish(true)
	if err != nil {
		return err
	}
	if err := st.Publish(); err != nil {
		return err
	}
	return atomicfile.SyncDir(s.root, packsDir)
}

// removeTemps deletes temp files left in dirs by interrupted writes. Under
// the lock every temp file is a leftover (an unlocked PutObject racing with
// Prune may lose its temp file and fail, but never leaves a torn object).
// A folder that does not exist holds none.
func (s *Store) removeTemps(dirs ...string) error {
	for _, dir := range dirs {
		ents, err := fs.ReadDir(s.root.FS(), dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
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
