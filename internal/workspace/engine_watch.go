package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
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
}

func (e *Engine) startWatch() (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", e.v.Dir, err)
	}
	w := &watcher{e: e, fw: fw, exclude: e.parts.ro.Exclude, done: make(chan struct{}), pending: map[string]bool{}}
	if err := w.addTree(e.v.Dir); err != nil {
		fw.Close()
		return nil, err
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
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
}

// Flush applies the changes the watcher has seen and not yet read, now
// rather than after the debounce: a client calls it before it answers
// from the State, so that an answer reflects a file saved just before.
// Without Watch it does nothing.
func (e *Engine) Flush() error {
	if e.watch == nil {
		return nil
	}
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
