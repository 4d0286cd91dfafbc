package workspace

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"sync/atomic"

	"github.com/relinkmd/relink/internal/index"
)

// memoryMemo is an Engine's plan.Memo: each note's plan, encoded by
// plan.Build, kept in memory for the next update. It is tied to one plan
// context (plan.ContextSum and the former names in force): begin with
// another context forgets every plan. After a change of names the engine
// forgets the plans the change can affect (engine_names.go) and adopts
// the new context, keeping the others.
type memoryMemo struct {
	mu      sync.Mutex
	context [32]byte
	plans   map[string]memoPlan
	hits    atomic.Int64
}

type memoPlan struct {
	digest [32]byte
	enc    []byte
}

func newMemoryMemo() *memoryMemo { return &memoryMemo{plans: map[string]memoPlan{}} }

// begin starts a plan.Build under a context: the plan context sum and the
// former names the index resolves (plans made with other former names say
// other things of the same links).
func (m *memoryMemo) begin(contextSum [32]byte, formers []index.Former) {
	sum := memoContext(contextSum, formers)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hits.Store(0)
	if sum != m.context {
		m.context = sum
		m.plans = map[string]memoPlan{}
	}
}

// adopt starts a plan.Build under a new context and keeps every plan: the
// caller has forgotten those the new context can change.
func (m *memoryMemo) adopt(contextSum [32]byte, formers []index.Former) {
	sum := memoContext(contextSum, formers)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hits.Store(0)
	m.context = sum
}

// forget drops the plans of the notes at paths.
func (m *memoryMemo) forget(paths []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range paths {
		delete(m.plans, p)
	}
}

// memoContext is the memo's context: the plan context sum and the former
// names in force.
func memoContext(contextSum [32]byte, formers []index.Former) [32]byte {
	h := sha256.New()
	h.Write(contextSum[:])
	var b []byte
	for _, f := range formers {
		b = binary.AppendUvarint(b[:0], uint64(len(f.Path)))
		b = append(b, f.Path...)
		b = binary.AppendUvarint(b, uint64(len(f.Title)))
		b = append(b, f.Title...)
		b = binary.AppendUvarint(b, uint64(f.Note))
		h.Write(b)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func (m *memoryMemo) Lookup(path string, d [32]byte) ([]byte, bool) {
	m.mu.Lock()
	p, ok := m.plans[path]
	m.mu.Unlock()
	if !ok || p.digest != d {
		return nil, false
	}
	m.hits.Add(1)
	return p.enc, true
}

func (m *memoryMemo) Record(path string, d [32]byte, enc []byte) {
	m.mu.Lock()
	m.plans[path] = memoPlan{digest: d, enc: enc}
	m.mu.Unlock()
}

// Hits counts the plans taken from the memo since begin.
func (m *memoryMemo) Hits() int { return int(m.hits.Load()) }
