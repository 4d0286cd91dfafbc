package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/relinkmd/relink/internal/atomicfile"
	"github.com/relinkmd/relink/internal/regularfile"
)

// ErrLocked reports that another process (or another Store in this process)
// holds the store lock. The error returned by Lock is a *LockedError that
// matches ErrLocked with errors.Is and carries the holder's identity.
var ErrLocked = errors.New("snapshot store is locked")

// LockInfo identifies the holder of a store lock; it is the content of the
// lock file.
type LockInfo struct {
	PID  int       `json:"pid"`
	Host string    `json:"host"`
	Time time.Time `json:"time"`
}

// LockedError is returned by Lock when the store is locked.
type LockedError struct {
	Path   string   // the lock file
	Holder LockInfo // zero if the lock file could not be read
}

func (e *LockedError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("%v (%s)", ErrLocked, e.Path)
	}
	return fmt.Sprintf("%v by pid %d on %s since %s (%s)", ErrLocked,
		e.Holder.PID, e.Holder.Host, e.Holder.Time.Local().Format(time.DateTime), e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// staleUnreadable is how old a lock file with no readable holder must be
// before it counts as left behind by a process that died while creating it.
const staleUnreadable = time.Minute

// Lock takes the store's exclusive lock, which Begin, Commit, Abort and Prune
// require. It never waits: if the lock is held it returns a *LockedError.
//
// The lock is the file <store>/lock, created with O_EXCL and holding the
// holder's pid, host name and start time as JSON. Where the platform has
// flock(2), the holder also keeps an flock on it. A lock is stale, and Lock
// takes it over, when its holder is on this host, its pid is not alive and
// (with flock) nobody holds the flock. A lock from another host is never
// broken automatically: see BreakLock.
//
// unlock removes the lock file; it is idempotent. Close also releases it.
func (s *Store) Lock() (unlock func() error, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock != nil {
		return nil, &LockedError{Path: s.lockPath(), Holder: s.selfInfo()}
	}
	for range 5 {
		f, err := s.root.OpenFile(lockName, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
		if err == nil {
			if err := s.initLock(f); err != nil {
				f.Close()
				_ = s.root.Remove(lockName)
				return nil, fmt.Errorf("lock %s: %w", s.lockPath(), err)
			}
			s.lock = f
			return s.unlock, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", s.lockPath(), err)
		}
		retry, info, err := s.takeStale()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", s.lockPath(), err)
		}
		if !retry {
			return nil, &LockedError{Path: s.lockPath(), Holder: info}
		}
	}
	return nil, &LockedError{Path: s.lockPath()}
}

func (s *Store) lockPath() string { return s.dir + string(os.PathSeparator) + lockName }

func (s *Store) selfInfo() LockInfo {
	host, _ := os.Hostname()
	return LockInfo{PID: os.Getpid(), Host: host, Time: s.now().UTC()}
}

// initLock flocks and fills a freshly created lock file.
func (s *Store) initLock(f *os.File) error {
	var err error
	for range 100 { // a checker holds the flock for microseconds at most
		var ok bool
		if ok, err = tryFlock(f); ok {
			break
		}
		if err == nil {
			err = errors.New("lock file is flocked by another process")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	b, _ := json.Marshal(s.selfInfo())
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return atomicfile.SyncDir(s.root, ".")
}

// takeStale inspects an existing lock file. It removes it if it is stale and
// reports retry=true (also when the file vanished meanwhile); otherwise it
// returns the holder.
func (s *Store) takeStale() (retry bool, holder LockInfo, err error) {
	f, err := s.root.OpenFile(lockName, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return true, holder, nil
	}
	if err != nil {
		return false, holder, err
	}
	defer f.Close() // also drops our flock, after the removal below

	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return false, holder, err
	}
	readable := json.Unmarshal(b, &holder) == nil && holder.PID > 0
	free, err := tryFlock(f)
	if err != nil {
		return false, holder, err
	}
	if !free {
		return false, holder, nil // a live process holds the flock
	}
	host, _ := os.Hostname()
	stale := false
	if readable {
		stale = holder.Host == host && holder.PID != os.Getpid() && !pidAlive(holder.PID)
	} else if fi, err := f.Stat(); err == nil {
		stale = time.Since(fi.ModTime()) > staleUnreadable
	}
	if !stale {
		return false, holder, nil
	}
	// Remove the file only if it is still the one we inspected and flocked:
	// another process may have taken the stale lock over already.
	cur, err := s.root.Lstat(lockName)
	if errors.Is(err, fs.ErrNotExist) {
		return true, holder, nil
	}
	if err != nil {
		return false, holder, err
	}
	if mine, err := f.Stat(); err != nil || !os.SameFile(cur, mine) {
		return true, holder, nil
	}
	if err := s.root.Remove(lockName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, holder, err
	}
	return true, holder, nil
}

// unlock releases the lock held by this Store. If the lock file was removed
// or replaced behind our back (BreakLock), it leaves the new one alone and
// reports it.
func (s *Store) unlock() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.lock
	if f == nil {
		return nil
	}
	s.lock = nil
	defer f.Close()
	cur, err := s.root.Lstat(lockName)
	if err == nil {
		if mine, serr := f.Stat(); serr == nil && os.SameFile(cur, mine) {
			if err := s.root.Remove(lockName); err != nil {
				return fmt.Errorf("unlock %s: %w", s.lockPath(), err)
			}
			return atomicfile.SyncDir(s.root, ".")
		}
	}
	return fmt.Errorf("unlock %s: the lock was broken by someone else while held", s.lockPath())
}

// locked reports ErrNotLocked unless this Store holds the lock.
func (s *Store) locked() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return ErrNotLocked
	}
	return nil
}

// BreakLock removes the lock file whoever holds it, for `relink unlock` after
// the user confirmed that no other relink runs. It reports the holder it
// removed (zero if none or unreadable).
func (s *Store) BreakLock() (LockInfo, error) {
	var info LockInfo
	b, err := regularfile.Read(s.root, lockName)
	if errors.Is(err, fs.ErrNotExist) {
		return info, nil
	}
	if err == nil {
		_ = json.Unmarshal(b, &info)
	}
	if err := s.root.Remove(lockName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return info, fmt.Errorf("break lock %s: %w", s.lockPath(), err)
	}
	return info, atomicfile.SyncDir(s.root, ".")
}
