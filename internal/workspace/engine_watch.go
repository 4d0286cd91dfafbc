package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/relinkmd/relink/internal/vault"
)

// watchDebounce is how long the watcher waits after a change for more
// before it updates: an editor's save is several events (write a temporary
// file, rename it over the note), and a git checkout is thousands.
const watchDebounce = 50 * time.Millisecond

// watcher follows the vault's folders on disk for an Engine: every folder
// the vault's walk enters (not hidden ones, node_modules, excluded ones or
// the snapshot store), and new ones as they appear.
type watcher struct {
	e  *Engine
	fw *fsnotify.Watcher
	// exclude is the walk's, as the vault was loaded.
	exclude []string
	done    chan struct{}
	wg      sync.WaitGroup

	mu      sync.Mutex
	pending map[string]bool
	timer   *time.Timer

	// barrier is a folder of the watcher's own, outside the vault: Flush
	// creates a file there and waits for its event, which the kernel
	// queues after every event of a change made before (one queue per
	// watcher), so that Flush sees every change made before it was called.
	barrier  string
	barrierN int
	arrived  map[string]chan struct{}
}

// newWatcher makes the file system watcher (a variable: tests make it
// fail).
var newWatcher = fsnotify.NewWatcher

func (e *Engine) startWatch() (*watcher, error) {
	fw, err := newWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", e.v.Dir, err)
	}
	w := &watcher{e: e, fw: fw, exclude: e.parts.ro.Exclude, done: make(chan struct{}), pending: map[string]bool{}, arrived: map[string]chan struct{}{}}
	if err := w.addFolders(e.parts.scan.Folders); err != nil {
		fw.Close()
		return nil, err
	}
	if dir, err := os.MkdirTemp("", "relink-watch-"); err == nil {
		if fw.Add(dir) == nil {
			w.barrier = dir
		} else {
			os.Remove(dir)
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// addFolders watches the folders the load's walk entered (vault paths):
// the vault is not walked a second time (a fifth of a second at 100,000
// notes). A folder made since is watched when its creation is seen.
func (w *watcher) addFolders(folders []string) error {
	if !slices.Contains(folders, ".") {
		// A scan that did not walk the vault (never the load's).
		return w.addTree(w.e.v.Dir)
	}
	for _, f := range folders {
		p := filepath.Join(w.e.v.Dir, filepath.FromSlash(f))
		if err := w.fw.Add(p); err != nil {
			if f == "." {
				return fmt.Errorf("watch %s: %w", p, err)
			}
			if !errors.Is(err, fs.ErrNotExist) { // gone since: its removal is an event already
				w.e.report(fmt.Errorf("watch %s: %w", p, err))
			}
		}
	}
	return nil
}

// addTree watches dir and every folder under it that the walk enters.
func (w *watcher) addTree(dir string) error {
	exclude := w.exclude
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // gone or unreadable: the walk reports it
		}
		if !d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(w.e.v.Dir, p)
		if err != nil {
			return nil
		}
		if rel = filepath.ToSlash(rel); rel != "." && vault.SkippedDir(rel, exclude) {
			return filepath.SkipDir
		}
		if err := w.fw.Add(p); err != nil {
			if p == w.e.v.Dir {
				return fmt.Errorf("watch %s: %w", p, err)
			}
			w.e.report(fmt.Errorf("watch %s: %w", p, err))
		}
		return nil
	})
}

func (w *watcher) loop() {
	defer w.wg.Done()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: read the whole vault again.
				w.add(".")
				continue
			}
			w.e.report(err)
		}
	}
}

func (w *watcher) event(ev fsnotify.Event) {
	if w.barrier != "" && filepath.Dir(ev.Name) == w.barrier {
		w.mu.Lock()
		if ch, ok := w.arrived[ev.Name]; ok {
			close(ch)
			delete(w.arrived, ev.Name)
		}
		w.mu.Unlock()
		return
	}
	rel, err := filepath.Rel(w.e.v.Dir, ev.Name)
	if err != nil {
		return
	}
	rel = filepath.ToSlash(rel)
	if ev.Has(fsnotify.Create) {
		if st, err := w.e.v.Root.Lstat(rel); err == nil && st.IsDir() && !vault.SkippedDir(rel, w.exclude) {
			// A new folder (made, or moved in): watch it and what it
			// holds, which the update reads whole.
			if err := w.addTree(ev.Name); err != nil {
				w.e.report(err)
			}
		}
	}
	if ev.Op == fsnotify.Chmod {
		return // no content changed
	}
	w.add(rel)
}

// add queues a changed path and (re)starts the debounce timer.
func (w *watcher) add(rel string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending[rel] = true
	if w.timer == nil {
		w.timer = time.AfterFunc(watchDebounce, w.fire)
	} else {
		w.timer.Reset(watchDebounce)
	}
}

// take returns the queued paths and empties the queue.
func (w *watcher) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 {
		return nil
	}
	out := make([]string, 0, len(w.pending))
	for p := range w.pending {
		out = append(out, p)
	}
	clear(w.pending)
	return out
}

func (w *watcher) fire() {
	select {
	case <-w.done:
		return
	default:
	}
	w.e.flush(w.take())
}

func (w *watcher) stop() {
	close(w.done)
	w.fw.Close()
	w.wg.Wait()
	w.mu.Lock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	if w.barrier != "" {
		os.RemoveAll(w.barrier)
	}
}

// barrierWait is the longest Flush waits for the watcher to catch up: a
// watcher that does not report within it is read as it is.
const barrierWait = 2 * time.Second

// catchUp returns once the watcher has taken every event of the changes
// made before it was called (or after barrierWait).
func (w *watcher) catchUp() {
	if w.barrier == "" {
		return
	}
	w.mu.Lock()
	w.barrierN++
	name := filepath.Join(w.barrier, strconv.Itoa(w.barrierN))
	ch := make(chan struct{})
	w.arrived[name] = ch
	w.mu.Unlock()
	defer os.Remove(name)
	if err := os.WriteFile(name, nil, 0o600); err != nil {
		w.mu.Lock()
		delete(w.arrived, name)
		w.mu.Unlock()
		return
	}
	select {
	case <-ch:
	case <-w.done:
	case <-time.After(barrierWait):
		w.mu.Lock()
		delete(w.arrived, name)
		w.mu.Unlock()
	}
}

// Flush applies every change made on disk before it was called that the
// engine has not read yet, now rather than after the debounce: a client
// calls it before it answers from the State, so that an answer reflects a
// file saved just before. It first waits (briefly) for the watcher to
// have received the file system's events up to the call. Without Watch it
// does nothing; with Watch but no watcher (the system would not give one),
// it reads the whole vault again.
func (e *Engine) Flush() error {
	if e.watch == nil {
		if e.rescan {
			_, err := e.Refresh()
			return err
		}
		return nil
	}
	e.watch.catchUp()
	return e.flush(e.watch.take())
}

func (e *Engine) flush(roots []string) error {
	if len(roots) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	err := e.update(roots)
	if err != nil {
		e.report(err)
	}
	return err
}

func (e *Engine) report(err error) {
	if e.opt.OnError != nil {
		e.opt.OnError(err)
	}
}
