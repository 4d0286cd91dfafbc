package vault

import "sync"

// pathQueue hands the walk's note paths to the readers. It never blocks
// the walk: listing a 100k vault takes a fraction of a second, and a walk
// held back by a bounded channel kept the number of notes found (the
// progress line's total) only a channel's length ahead of the notes read
// until the very end. Readers take paths in small batches, one lock for
// several notes.
type pathQueue struct {
	mu     sync.Mutex
	ready  sync.Cond
	paths  []string
	next   int
	closed bool
}

func newPathQueue() *pathQueue {
	q := &pathQueue{}
	q.ready.L = &q.mu
	return q
}

// push adds a path; it reports how many paths were pushed so far.
func (q *pathQueue) push(p string) int {
	q.mu.Lock()
	q.paths = append(q.paths, p)
	n := len(q.paths)
	q.mu.Unlock()
	q.ready.Signal()
	return n
}

// close says no path will be pushed any more.
func (q *pathQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.ready.Broadcast()
}

// take returns up to max paths not taken yet, appended to dst[:0], waiting
// for some while the queue is open; an empty result means the queue is
// closed and drained.
func (q *pathQueue) take(dst []string, max int) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.next == len(q.paths) && !q.closed {
		q.ready.Wait()
	}
	n := min(max, len(q.paths)-q.next)
	dst = append(dst[:0], q.paths[q.next:q.next+n]...)
	q.next += n
	return dst
}
