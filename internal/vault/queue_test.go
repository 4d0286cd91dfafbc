package vault

import (
	"fmt"
	"sync"
	"testing"
)

func TestPathQueueHandsEachPathOnce(t *testing.T) {
	t.Parallel()
	const n = 5000
	q := newPathQueue()
	go func() {
		for i := range n {
			if got := q.push(fmt.Sprint(i)); got != i+1 {
				t.Errorf("push %d reported %d pushed", i, got)
			}
		}
		q.close()
	}()
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for range 6 {
		wg.Go(func() {
			var batch []string
			for {
				batch = q.take(batch, 7)
				if len(batch) == 0 {
					return
				}
				if len(batch) > 7 {
					t.Errorf("batch of %d", len(batch))
				}
				mu.Lock()
				for _, p := range batch {
					seen[p]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d distinct paths taken, want %d", len(seen), n)
	}
	for p, c := range seen {
		if c != 1 {
			t.Errorf("%s taken %d times", p, c)
		}
	}
	if b := q.take(nil, 7); len(b) != 0 {
		t.Errorf("a drained, closed queue gave %v", b)
	}
}

// The progress callback's total is every note once the walk is done, and
// never below the notes read.
func TestReadProgress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("d%d/n%d.md", i%7, i)] = "[[x]]"
	}
	files["pic.png"] = "not a note"
	write(t, dir, files)
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	var last [2]int
	calls := 0
	scan, err := v.Read(ReadOptions{Workers: 3, Progress: func(done, total int) {
		calls++
		if done > total || done != last[0]+1 || total < last[1] {
			t.Errorf("progress %d/%d after %d/%d", done, total, last[0], last[1])
		}
		last = [2]int{done, total}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 300 || last != [2]int{300, 300} || len(scan.Notes) != 300 {
		t.Errorf("%d calls, last %d/%d, %d notes; want 300 calls ending 300/300", calls, last[0], last[1], len(scan.Notes))
	}
}
