package cli

import (
	"bytes"
	"os"
	"sync"
	"testing"
	"time"
)

// BenchmarkProgressUpdate is the cost the parse workers pay per note when
// the progress line is on: update under the reader's mutex.
func BenchmarkProgressUpdate(b *testing.B) {
	w, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	p := newProgressLine(w, 0, time.Millisecond)
	defer p.done()
	var mu sync.Mutex
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		mu.Lock()
		i++
		p.update(i, 1<<30)
		mu.Unlock()
	}
}

func TestProgressOffWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	for _, quiet := range []bool{false, true} {
		p := startProgress(&env{stderr: &buf}, quiet)
		if p.update != nil {
			t.Errorf("quiet=%v, stderr a buffer: update is set", quiet)
		}
		p.done()
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := startProgress(&env{stderr: f}, false); p.update != nil {
		t.Error("stderr a file: update is set")
	}
	if buf.Len() > 0 {
		t.Errorf("wrote %q", buf.String())
	}
}

func TestProgressLineDrawsAndErases(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := newProgressLine(f, 0, time.Millisecond)
	p.update(3, 10)
	time.Sleep(50 * time.Millisecond)
	p.done()
	p.done() // idempotent
	out, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("reading notes")) || !bytes.Contains(out, []byte("3/10")) {
		t.Errorf("no progress line in %q", out)
	}
	if !bytes.HasSuffix(out, []byte("\r")) {
		t.Errorf("line not erased at the end: %q", out)
	}
}

func TestProgressLineSilentOnShortRuns(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := newProgressLine(f, time.Hour, time.Millisecond)
	p.update(3, 10)
	p.done()
	if st, err := f.Stat(); err != nil || st.Size() != 0 {
		t.Errorf("a run shorter than the delay wrote %d bytes (%v)", st.Size(), err)
	}
}

func TestProgressLineShowsResolving(t *testing.T) {
	out := drawLine(t, func(p progress) {
		p.update(10, 10)
		time.Sleep(20 * time.Millisecond)
		p.resolve(4, 10)
		time.Sleep(50 * time.Millisecond)
	})
	if !bytes.Contains(out, []byte("resolving links")) || !bytes.Contains(out, []byte("4/10")) {
		t.Errorf("no resolving line in %q", out)
	}
	if !bytes.HasSuffix(out, []byte("\r")) {
		t.Errorf("line not erased at the end: %q", out)
	}
}

// TestProgressLineFollowsAGrowingTotal: the line follows the total while
// the walk still finds notes, also after the readers caught up with it
// (done equal to the total so far), which must not finish the bar.
func TestProgressLineFollowsAGrowingTotal(t *testing.T) {
	for _, first := range [][2]int{{3, 10}, {10, 10}} {
		out := drawLine(t, func(p progress) {
			p.update(first[0], first[1])
			time.Sleep(30 * time.Millisecond)
			p.update(15, 40)
			time.Sleep(30 * time.Millisecond)
		})
		if !bytes.Contains(out, []byte("15/40")) {
			t.Errorf("after %d/%d, the line did not follow the total to 40: %q", first[0], first[1], out)
		}
	}
}

// drawLine runs steps against a progress line drawn at once into a file
// standing for the terminal, and returns what was drawn.
func drawLine(t *testing.T, steps func(p progress)) []byte {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := newProgressLine(f, 0, time.Millisecond)
	steps(p)
	p.done()
	out, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return out
}
