package cli

import (
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports reading progress on stderr for long runs: after
// progressDelay, a line "reading notes N/M" that is redrawn every
// progressEvery and erased when reading ends. It is shown only when stderr
// is a terminal and the output is for people (not --format json); else
// update is nil, and the vault reader does no progress work at all.
type progress struct {
	update func(done, total int)
	done   func()
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

var noProgress = progress{update: nil, done: func() {}}

// newProgressLine starts the drawing goroutine. update, called by the
// parse workers once per note (under the reader's mutex), only stores two
// counters; all formatting and writing happens on the drawing goroutine, at
// most once per tick, so the hot path pays a few nanoseconds per note.
func newProgressLine(w *os.File, delay, every time.Duration) progress {
	var done, total atomic.Int64
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
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if t := total.Load(); t > 0 {
				if bar == nil {
					bar = progressbar.NewOptions64(t,
						progressbar.OptionSetWriter(w),
						progressbar.OptionSetDescription("reading notes"),
						progressbar.OptionShowCount(),
						progressbar.OptionSetWidth(30),
						progressbar.OptionSetPredictTime(false),
						progressbar.OptionSetElapsedTime(false),
						progressbar.OptionClearOnFinish(),
					)
				}
				// Reaching the total finishes the bar, which erases it.
				bar.Set64(min(done.Load(), t))
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
	return progress{
		update: func(d, t int) {
			done.Store(int64(d))
			total.Store(int64(t))
		},
		done: func() {
			once.Do(func() {
				close(stop)
				<-finished
			})
		},
	}
}
