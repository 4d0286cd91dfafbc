package cli

// progress reports reading progress on stderr for long runs. The
// terminal-aware implementation lives in progress_term.go.
type progress struct {
	update func(done, total int)
	done   func()
}

var startProgress = func(e *env, quiet bool) progress {
	return progress{update: nil, done: func() {}}
}
