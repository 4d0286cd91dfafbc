package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestAppendManifest holds appendManifest to json.MarshalIndent, byte for
// byte, on manifests with every optional part and awkward strings.
func TestAppendManifest(t *testing.T) {
	strs := []string{"", "a.md", "Topics/Snapshots.md", "상태 관리.md", "e\u0301.md", "a\"b\\c.md", "<x>&y.md",
		"tab\t\x01\x1f\x7f.md", "line\u2028sep\u2029.md", "bad\xff\xfeutf8.md", "emoji 🙂.md", "ＦＵＬＬ.md", "\x00"}
	rng := rand.New(rand.NewPCG(1, 2))
	ref := func() *ObjectRef {
		if rng.IntN(4) == 0 {
			return nil
		}
		var h Hash
		for i := range h {
			h[i] = byte(rng.IntN(256))
		}
		return &ObjectRef{SHA256: h, Size: rng.Int64N(1 << 40), Mode: []fs.FileMode{0, 0o644, 0o600, 0o777}[rng.IntN(4)]}
	}
	for n := range 200 {
		m := Manifest{
			Version: 1 + rng.IntN(3),
			ID:      fmt.Sprintf("20261125T101530Z-%08x", rng.Uint32()),
			Time:    time.Date(2026, 11, 25, 10, 15, 30, rng.IntN(1e9), time.UTC).Add(time.Duration(rng.IntN(1e6)) * time.Second),
			Op:      []Op{OpApply, OpUndo, OpRestore, OpMove, OpMerge}[rng.IntN(5)],
			Vault:   "/home/ann/" + strs[rng.IntN(len(strs))],
			State:   []State{StatePending, StateCommitted}[rng.IntN(2)],
		}
		if rng.IntN(2) == 0 {
			m.Parent = "20261125T101530Z-1a2b3c4d"
		}
		switch k := rng.IntN(10); {
		case k == 0:
		case k == 1:
			m.Files = []FileEntry{}
		default:
			for range rng.IntN(5) + 1 {
				m.Files = append(m.Files, FileEntry{Path: strs[rng.IntN(len(strs))], Before: ref(), After: ref()})
			}
		}
		for k := range rng.IntN(3) {
			mv := Move{From: strs[rng.IntN(len(strs))], To: strs[rng.IntN(len(strs))]}
			for range k {
				mv.Dirs = append(mv.Dirs, strs[rng.IntN(len(strs))])
			}
			m.Moves = append(m.Moves, mv)
		}
		if rng.IntN(2) == 0 {
			m.Subject = &Subject{From: strs[rng.IntN(len(strs))], To: strs[rng.IntN(len(strs))], Folder: rng.IntN(2) == 0, Deleted: rng.IntN(2) == 0}
			if rng.IntN(3) == 0 {
				m.Subject.OldHeading, m.Subject.NewHeading = strs[rng.IntN(len(strs))], strs[rng.IntN(len(strs))]
			}
		}
		if n%50 == 0 {
			m.Time = m.Time.In(time.FixedZone("x", 3600))
		}
		want, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		got, err := appendManifest(nil, &m)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("manifest %d:\ngot  %s\nwant %s", n, got, want)
		}
	}
}

func BenchmarkManifestJSON(b *testing.B) {
	m := Manifest{Version: 1, ID: "20261125T101530Z-1a2b3c4d", Time: time.Now().UTC(), Op: OpApply, Vault: "/v", State: StatePending}
	for i := range 40000 {
		m.Files = append(m.Files, FileEntry{Path: fmt.Sprintf("Area %d/Some note %d.md", i%800, i),
			Before: &ObjectRef{Sum([]byte{byte(i)}), 5000, 0o644}, After: &ObjectRef{Sum([]byte{byte(i), 1}), 5003, 0o644}})
	}
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			if _, err := appendManifest(nil, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reflect", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.MarshalIndent(m, "", "  "); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFileEntryNames: every name (a file's, the vault's) comes back from a
// manifest byte for byte, stored as "path" when it is UTF-8 and as
// "path_base64" when not (the vault as "vault" or "vault_base64"); entries
// as earlier stores wrote them still read.
func TestFileEntryNames(t *testing.T) {
	ref := &ObjectRef{SHA256: Sum([]byte("x")), Size: 1, Mode: 0o644}
	for _, c := range []struct {
		name, key string
	}{
		{"a.md", `"path": "a.md"`},
		{"new\nline.md", `"path": "new\nline.md"`},
		{"\xef\xbf\xbd.md", `"path": "` + "\ufffd" + `.md"`},
		{"bad\xff.md", `"path_base64": "YmFk/y5tZA=="`},
		{"dir/caf\xe9.md", `"path_base64": "ZGlyL2NhZukubWQ="`},
		{"\xc3(", `"path_base64": "wyg="`},
	} {
		m := Manifest{Version: FormatVersion, ID: "20261125T101530Z-1a2b3c4d", Op: OpApply, Vault: "/home/" + c.name, State: StateCommitted,
			Files: []FileEntry{{Path: c.name, Before: ref, After: ref}}}
		b, err := appendManifest(nil, &m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.key) {
			t.Errorf("%q: manifest lacks %s:\n%s", c.name, c.key, b)
		}
		var s Store
		got, err := s.decodeManifest("m.json", b, StateCommitted)
		if err != nil || len(got.Files) != 1 || got.Files[0].Path != c.name || got.Vault != m.Vault {
			t.Errorf("%q: read back %+v, %v", c.name, got.Files, err)
		}
	}
	bad := []string{
		`{"path": "a.md", "path_base64": "YS5tZA==", "before": {"sha256": "` + Sum(nil).String() + `", "size": 0}}`,
		`{"before": {"sha256": "` + Sum(nil).String() + `", "size": 0}}`,
		`{"path_base64": "not base64!", "before": {"sha256": "` + Sum(nil).String() + `", "size": 0}}`,
	}
	for _, e := range bad {
		doc := `{"version": 1, "id": "20261125T101530Z-1a2b3c4d", "op": "apply", "vault": "/v", "state": "committed", "files": [` + e + `]}`
		var s Store
		if _, err := s.decodeManifest("m.json", []byte(doc), StateCommitted); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want corrupt", e, err)
		}
	}
}
