package workspace

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/relinkmd/relink/internal/notecache"
)

// Names that meet under the ladder's keys (case, separators, Korean
// spacing, width) or nearly (hints), for titles, aliases, ids, file stems
// and link targets alike.
var acrossNames = []string{
	"Cache Line", "cache-line", "Cache Lane", "CACHE_LINE", "캐시 라인", "캐시라인",
	"Runbook", "Run Book", "run-books", "Ｒｕｎｂｏｏｋ", "Disaster Recovery", "disaster recover",
}

var acrossStems = []string{"cache-line", "Runbook", "Disaster Recovery", "캐시 라인", "notes", "Cache Lane"}

// acrossVault writes notes from r: stems, frontmatter names and links all
// drawn from the pools above.
type acrossVault struct {
	dir   string
	r     *fuzzReader
	notes map[string]string // path -> text
	k     int
}

func (v *acrossVault) name() string { return acrossNames[v.r.pick(len(acrossNames))] }

func (v *acrossVault) path() string {
	folders := []string{"", "a/", "b c/"}
	return folders[v.r.pick(len(folders))] + acrossStems[v.r.pick(len(acrossStems))] + ".md"
}

// text writes a note: frontmatter names maybe, a heading, and links.
func (v *acrossVault) text() string {
	var b strings.Builder
	var fm []string
	if v.r.pick(2) == 1 {
		fm = append(fm, "title: "+v.name())
	}
	if v.r.pick(3) == 1 {
		fm = append(fm, "aliases: ["+v.name()+"]")
	}
	if v.r.pick(4) == 1 {
		fm = append(fm, "id: "+v.name())
	}
	if v.r.pick(5) == 1 {
		fm = append(fm, "duplicate_of: "+v.name())
	}
	if len(fm) > 0 {
		b.WriteString("---\n" + strings.Join(fm, "\n") + "\n---\n")
	}
	b.WriteString("# Part\n")
	for range 1 + v.r.pick(4) {
		t := v.name()
		switch v.r.pick(5) {
		case 0:
			fmt.Fprintf(&b, "[[%s]]\n", t)
		case 1:
			fmt.Fprintf(&b, "[[%s#Part]]\n", t)
		case 2:
			fmt.Fprintf(&b, "[[%s|shown]]\n", t)
		case 3:
			fmt.Fprintf(&b, "[[%s]]\n", strings.TrimSuffix(v.path(), ".md"))
		default:
			fmt.Fprintf(&b, "[x](%s)\n", strings.ReplaceAll(v.path(), " ", "%20"))
		}
	}
	v.k++
	fmt.Fprintf(&b, "text %d\n", v.k)
	return b.String()
}

func (v *acrossVault) write(t *testing.T, p, text string) {
	t.Helper()
	writeTree(t, v.dir, map[string]string{p: text})
	v.notes[p] = text
}

func (v *acrossVault) remove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(filepath.Join(v.dir, filepath.FromSlash(p))); err != nil {
		t.Fatal(err)
	}
	delete(v.notes, p)
}

func (v *acrossVault) some() string {
	paths := make([]string, 0, len(v.notes))
	for p := range v.notes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths[v.r.pick(len(paths))]
}

// step changes the vault one way: a note's names, its body, a note added,
// removed or moved (its former path then a former name).
func (v *acrossVault) step(t *testing.T) {
	t.Helper()
	switch v.r.pick(6) {
	case 0, 1: // other names (and maybe links)
		v.write(t, v.some(), v.text())
	case 2: // only the body
		p := v.some()
		v.write(t, p, v.notes[p]+fmt.Sprintf("[[%s]]\n", v.name()))
	case 3:
		v.write(t, v.path(), v.text())
	case 4:
		if len(v.notes) > 1 {
			v.remove(t, v.some())
		}
	default:
		p, to := v.some(), v.path()
		if _, taken := v.notes[to]; !taken {
			text := v.notes[p]
			v.remove(t, p)
			v.write(t, to, text)
		}
	}
}

// FuzzPlansAcrossNames holds a one-shot run that keeps plans across a
// change of names (names_since.go), check's and apply's, to the reference
// path: a vault of
// notes whose names meet under the ladder's keys is checked, changed a
// few times (names, bodies, notes added, removed and moved), and checked
// again after each change, each report equal byte for byte to the one the
// reference path (no caches, no fast paths) makes of the same vault.
func FuzzPlansAcrossNames(f *testing.F) {
	for _, seed := range []string{
		"", "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
		"\x05\x00\x01\x00\x02\x01\x03\x00\x00\x01\x01\x00\x04\x02\x00\x01\x00\x00",
		"\x07\x03\x02\x01\x00\x01\x01\x02\x03\x04\x05\x00\x01\x00\x01\x00\x00\x03\x01\x02\x05\x01",
		"\x06\x04\x05\x03\x02\x01\x00\x01\x02\x03\x00\x01\x03\x00\x05\x02\x04\x01\x01\x00\x02",
		"\x08\x0b\x0a\x09\x00\x07\x05\x03\x01\x02\x03\x04\x00\x00\x00\x01\x02\x00\x03\x00\x04\x05\x00",
	} {
		f.Add([]byte(seed))
	}
	// And inputs drawn at random, the same in every run.
	rng := rand.New(rand.NewPCG(7, 11))
	for range 24 {
		in := make([]byte, 40+rng.IntN(60))
		for i := range in {
			in[i] = byte(rng.IntN(256))
		}
		f.Add(in)
	}
	const settle = 30 * time.Millisecond
	f.Fuzz(func(t *testing.T, in []byte) {
		defer notecache.SettleForTests(settle)()
		t.Setenv("XDG_STATE_HOME", t.TempDir())
		r := &fuzzReader{b: in}
		v := &acrossVault{dir: t.TempDir(), r: r, notes: map[string]string{}}
		for range 3 + r.pick(6) {
			v.write(t, v.path(), v.text())
		}
		run := func(what string) {
			t.Helper()
			time.Sleep(settle + 20*time.Millisecond) // the notes written are cached
			// apply's load first: it reads the caches and writes neither.
			applying := loadClosed(t, v.dir, Options{Once: true, Rewrites: true, Hash: true})
			got := loadClosed(t, v.dir, Options{Once: true})
			want := loadClosed(t, v.dir, Options{Reference: true})
			w := checkOutput(t, want)
			for _, rep := range []*Report{applying, got} {
				if g := checkOutput(t, rep); !bytes.Equal(g, w) {
					t.Fatalf("%s: the report differs from the reference path (%d plans reused, rewrites %v):\nreference:\n%s\nwith the caches:\n%s\nvault: %q",
						what, rep.PlansReused, rep == applying, w, g, v.notes)
				}
			}
		}
		run("first run")
		run("second run")
		for i := range 2 + r.pick(5) {
			v.step(t)
			run(fmt.Sprintf("after change %d", i+1))
		}
	})
}
