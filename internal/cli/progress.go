package cli

import (
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports on stderr how a long run is going: after progressDelay,
// a line "reading notes N/M", then "resolving links N/M" (notes whose links
// are resolved), redrawn every progressEvery and erased when the run's
// reading and planning end. It is shown only when stderr is a terminal and
// the output is for people (not --format json); else update and resolve
// are nil, and neither the vault reader nor the planner does progress work.
type progress struct {
	update  func(done, total int) // notes read
	resolve func(done, total int) // notes whose links are resolved
	done    func()
}

const (
	progressDelay = time.Second            // runs shorter than this show nothing
	progressEvery = 100 * time.Millisecond // redraw rate
)

var startProgress = func(e *env, quiet bool) progress {
	if quiet {
		return noProgress
	}
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return noProgress
	}
	return newProgressLine(f, progressDelay, progressEvery)
}

var noProgress = progress{done: func() {}}

// newProgressLine starts the drawing goroutine. update and resolve, called
// by the workers once per note, only store two counters; all formatting and
// writing happens on the drawing goroutine, at most once per tick, so the
// hot path pays a few nanoseconds per note.
func newProgressLine(w *os.File, delay, every time.Duration) progress {
	// A phase's done and total are stored together: read apart, the
	// drawer could take an old total with a newer count, which reads as
	// the phase finished (the bar erased) while the total still grows.
	type phase struct {
		what  string
		count atomic.Uint64 // total<<32 | done, each at most 2^32-1
	}
	load := func(ph *phase) (done, total int64) {
		c := ph.count.Load()
		return int64(c & math.MaxUint32), int64(c >> 32)
	}
	phases := [...]*phase{{what: "reading notes"}, {what: "resolving links"}}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-stop:
			return
		case <-time.After(delay):
		}
		var bar *progressbar.ProgressBar
		shown := -1 // the phase the bar is drawing
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			// The latest phase that has started is the one to show.
			cur := -1
			for i, ph := range phases {
				if _, t := load(ph); t > 0 {
					cur = i
				}
			}
			if cur >= 0 {
				ph := phases[cur]
				d, t := load(ph)
				if cur != shown {
					if bar != nil && !bar.IsFinished() {
						bar.Clear()
					}
					bar = progressbar.NewOptions64(t,
						progressbar.OptionSetWriter(w),
						progressbar.OptionSetDescription(ph.what),
						progressbar.OptionShowCount(),
						progressbar.OptionSetWidth(30),
						progressbar.OptionSetPredictTime(false),
						progressbar.OptionSetElapsedTime(false),
						progressbar.OptionClearOnFinish(),
					)
					shown = cur
				}
				// The total grows while the walk is still finding notes
				// (on a slow disk, past the first drawing).
				if t > bar.GetMax64() {
					bar.ChangeMax64(t)
				}
				// Reaching the total would finish the bar, which erases
				// it for good, while the walk may still be finding notes
				// (the readers caught up with it): the bar stops one short
				// and is erased when the next phase starts or the run
				// ends.
				if d < t {
					bar.Set64(d)
				}
			}
			select {
			case <-stop:
				if bar != nil && !bar.IsFinished() {
					bar.Clear()
				}
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	counter := func(ph *phase) func(d, t int) {
		return func(d, t int) {
			d, t = min(max(d, 0), math.MaxUint32), min(max(t, 0), math.MaxUint32)
			ph.count.Store(uint64(t)<<32 | uint64(d))
		}
	}
	return progress{
		update:  counter(phases[0]),
		resolve: counter(phases[1]),
		done: func() {
			once.Do(func() {
				close(stop)
				<-finished
			})
		},
	}
}
