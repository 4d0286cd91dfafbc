package plancache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/relinkmd/relink/internal/plan"
)

func digest(i int) [32]byte {
	var d [32]byte
	copy(d[:], fmt.Sprintf("digest %d", i))
	return d
}

// fill records n plans under tag and ctx and saves them.
func fill(t *testing.T, file string, n int, tag string, ctx [32]byte) {
	t.Helper()
	c := Open(file)
	c.Begin(tag, ctx)
	for i := range n {
		c.Record(fmt.Sprintf("n%03d.md", i), digest(i), []byte(fmt.Sprintf("plan %d", i)))
	}
	if err := c.Save(nil); err != nil {
		t.Fatal(err)
	}
}

func TestHitsMissesAndDamage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plans.cache")
	ctx := digest(100)
	fill(t, file, 50, "exe", ctx)

	c := Open(file)
	c.Begin("exe", ctx)
	for i := range 50 {
		enc, ok := c.Lookup(fmt.Sprintf("n%03d.md", i), digest(i))
		if !ok || string(enc) != fmt.Sprintf("plan %d", i) {
			t.Fatalf("note %d: %q, %v", i, enc, ok)
		}
	}
	if _, ok := c.Lookup("n001.md", digest(2)); ok {
		t.Error("a plan for other links was used")
	}
	if _, ok := c.Lookup("other.md", digest(1)); ok {
		t.Error("a plan for another path was used")
	}
	if c.Hits() != 50 {
		t.Errorf("%d hits", c.Hits())
	}

	for name, begin := range map[string]func(*Cache){
		"another executable": func(c *Cache) { c.Begin("exe2", ctx) },
		"another context":    func(c *Cache) { c.Begin("exe", digest(101)) },
	} {
		c := Open(file)
		begin(c)
		if _, ok := c.Lookup("n001.md", digest(1)); ok {
			t.Errorf("%s: plan used", name)
		}
	}

	// One damaged entry is a miss; the others still hit.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, []byte("plan 7"))
	b[at+5] = 'X'
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c = Open(file)
	c.Begin("exe", ctx)
	if _, ok := c.Lookup("n007.md", digest(7)); ok {
		t.Error("a damaged plan was used")
	}
	if _, ok := c.Lookup("n008.md", digest(8)); !ok {
		t.Error("an intact plan beside a damaged one was not used")
	}
	// Cut files are empty caches, never errors or panics.
	for _, cut := range []int{0, 5, len(b) / 3, len(b) - 1} {
		if err := os.WriteFile(file, b[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		c := Open(file)
		c.Begin("exe", ctx)
		if _, ok := c.Lookup("n049.md", digest(49)); ok && cut < len(b)-1 {
			t.Errorf("cut at %d: the last plan was used", cut)
		}
	}
}

// TestSaveKeepsWhatWasUsed: Save writes nothing when every plan was used
// and none recorded, and drops the plans of notes not seen in the run.
func TestSaveKeepsWhatWasUsed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plans.cache")
	ctx := digest(100)
	fill(t, file, 10, "exe", ctx)
	before, _ := os.Stat(file)

	c := Open(file)
	c.Begin("exe", ctx)
	for i := range 10 {
		c.Lookup(fmt.Sprintf("n%03d.md", i), digest(i))
	}
	if err := c.Save(nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(file); !os.SameFile(before, after) {
		t.Error("an unchanged cache was written again")
	}

	c = Open(file)
	c.Begin("exe", ctx)
	for i := range 5 {
		c.Lookup(fmt.Sprintf("n%03d.md", i), digest(i))
	}
	c.Record("new.md", digest(50), []byte("new plan"))
	if err := c.Save(nil); err != nil {
		t.Fatal(err)
	}
	c = Open(file)
	c.Begin("exe", ctx)
	if _, ok := c.Lookup("n007.md", digest(7)); ok {
		t.Error("the plan of a note not in the last run was kept")
	}
	if enc, ok := c.Lookup("new.md", digest(50)); !ok || string(enc) != "new plan" {
		t.Error("a recorded plan was not saved")
	}
	if _, ok := c.Lookup("n004.md", digest(4)); !ok {
		t.Error("a used plan was not kept")
	}
}

// The plan cache answers only under the context it was written in, so
// plan.Build may trust the note numbers in its entries.
var _ plan.StableNumbering = (*Cache)(nil)

// TestAcrossNames: what an entry keeps beside its plan (About) and the
// former names of its run come back from the file, and a run begun
// except some paths misses those and hits the rest although its context
// is another.
func TestAcrossNames(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plans.cache")
	ctx := digest(100)
	formers := []Former{{Path: "old.md", Title: "Old Title"}, {Title: "Only a title"}}
	c := Open(file)
	c.BeginAfresh("exe", ctx, formers)
	abouts := map[string]About{
		"a.md": {Keys: []uint64{1, 2, 3}, Names: []byte("names of a")},
		"b.md": {Keys: []uint64{4}, Names: []byte{}},
		"c.md": {Keys: []uint64{}, Hints: []string{"near", "nearer"}},
	}
	for i, p := range []string{"a.md", "b.md", "c.md"} {
		c.Record(p, digest(i), []byte("plan "+p))
	}
	if err := c.Save(func(p string) About { return abouts[p] }); err != nil {
		t.Fatal(err)
	}

	c = Open(file)
	got, gotFormers, ok := c.Context("exe")
	if !ok || got != ctx || fmt.Sprint(gotFormers) != fmt.Sprint(formers) {
		t.Fatalf("context %x, formers %v, %v", got, gotFormers, ok)
	}
	if _, _, ok := c.Context("exe2"); ok {
		t.Error("another executable's context was given")
	}
	for _, tt := range []struct {
		hashes map[uint64]bool
		want   string
	}{
		{map[uint64]bool{2: true}, "[a.md]"},
		{map[uint64]bool{4: true, 3: true}, "[a.md b.md]"},
		{map[uint64]bool{5: true}, "[]"},
	} {
		if paths, ok := c.Linking(tt.hashes); !ok || fmt.Sprint(paths) != tt.want {
			t.Errorf("Linking(%v) = %v, %v; want %s", tt.hashes, paths, ok, tt.want)
		}
	}
	var broken []string
	c.Broken(func(string) bool { return true }, func(p string, hints []string) { broken = append(broken, p+fmt.Sprint(hints)) })
	if fmt.Sprint(broken) != "[c.md[near nearer]]" {
		t.Errorf("broken: %v", broken)
	}
	for p, want := range map[string]string{"a.md": "names of a", "b.md": ""} {
		if names, ok := c.NamesOf(p); !ok || string(names) != want {
			t.Errorf("NamesOf(%s) = %q, %v", p, names, ok)
		}
	}
	if _, ok := c.NamesOf("c.md"); ok {
		t.Error("names given where none were recorded")
	}
	// A plain Begin does not take plans made under former names.
	c.Begin("exe", ctx)
	if _, ok := c.Lookup("a.md", digest(0)); ok {
		t.Error("a plan made under former names was used by a run without them")
	}
	c = Open(file)
	c.BeginExcept("exe", digest(101), nil, []string{"b.md"}, false)
	if _, ok := c.Lookup("a.md", digest(0)); !ok {
		t.Error("a plan kept across the change missed")
	}
	if _, ok := c.Lookup("b.md", digest(1)); ok {
		t.Error("a plan to make again was used")
	}
	if c.NumbersStable() {
		t.Error("numbers said stable across a change of names")
	}

	// An entry recorded without its keys makes Linking say no.
	c = Open(file)
	c.BeginAfresh("exe", ctx, nil)
	c.Record("d.md", digest(3), []byte("plan d"))
	if err := c.Save(nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open(file).Linking(map[uint64]bool{1: true}); ok {
		t.Error("Linking answered for an entry without keys")
	}
}
