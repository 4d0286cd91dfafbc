package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/atomicfile"
)

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil || strings.TrimSpace(string(b)) != `{"version":2}` {
		t.Errorf("config = %q, %v", b, err)
	}
	for _, d := range []string{packsDir, snapsDir} {
		if fi, err := os.Stat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
			t.Errorf("%s: %v", d, err)
		}
	}
	if s.Dir() != dir {
		t.Errorf("Dir() = %q", s.Dir())
	}
	s.Close()
	// Reopen.
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A newer format is refused.
	os.WriteFile(filepath.Join(dir, "config"), []byte(`{"version":4}`), 0o600)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a v4 store: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "config"), []byte(`{`), 0o600)
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open with a bad config: %v", err)
	}
}

func TestOpenRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Note.md"), []byte("mine"), 0o644)
	if _, err := Open(dir); !errors.Is(err, ErrNotStore) {
		t.Fatalf("Open of a non-empty dir: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Open littered the dir: %v", ents)
	}
	// A temp file from an interrupted creation does not count.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, atomicfile.TempPrefix+"x"), nil, 0o600)
	s, err := Open(dir2)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestDefaultDir(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	id, err := VaultID("/home/ann/Notes")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, goos string
		env        map[string]string
		home       string
		vault      string
		want       string
		wantErr    bool
	}{
		{desc: "linux", goos: "linux", home: "/home/ann", vault: "/home/ann/Notes",
			want: filepath.Join("/home/ann", ".local", "state", "relink", id)},
		{desc: "linux xdg", goos: "linux", env: map[string]string{"XDG_STATE_HOME": "/xdg"}, home: "/home/ann", vault: "/home/ann/Notes",
			want: filepath.Join("/xdg", "relink", id)},
		{desc: "relative xdg ignored", goos: "linux", env: map[string]string{"XDG_STATE_HOME": "xdg"}, home: "/home/ann", vault: "/home/ann/Notes",
			want: filepath.Join("/home/ann", ".local", "state", "relink", id)},
		{desc: "macOS", goos: "darwin", home: "/Users/ann", vault: "/home/ann/Notes",
			want: filepath.Join("/Users/ann", "Library", "Application Support", "relink", id)},
		{desc: "windows", goos: "windows", env: map[string]string{"LocalAppData": "/C/Users/ann/AppData/Local"}, vault: "/home/ann/Notes",
			want: filepath.Join("/C/Users/ann/AppData/Local", "relink", id)},
		{desc: "windows without LocalAppData", goos: "windows", vault: "/home/ann/Notes", wantErr: true},
		{desc: "no home", goos: "linux", vault: "/home/ann/Notes", wantErr: true},
		{desc: "relative vault", goos: "linux", home: "/h", vault: "Notes", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, err := defaultDir(tt.goos, env(tt.env), tt.home, tt.vault)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %q, want error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("defaultDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := DefaultDir("/some/vault"); err != nil {
		t.Errorf("DefaultDir on this machine: %v", err)
	}
}

func TestVaultID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give, wantSlug string
	}{
		{"/home/ann/Notes", "notes"},
		{"/home/ann/My Vault (2024)!", "my-vault-2024"},
		{"/home/ann/--x--", "x"},
		{"/", "vault"},
		{"/home/ann/日本語", "vault"},
		{"/home/ann/Zettelkasten über alles und noch viel mehr Text", "zettelkasten-ber-alles-und-noch"},
	}
	for _, tt := range tests {
		got, err := VaultID(tt.give)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.LastIndex(got, "-")
		slug, hash := got[:i], got[i+1:]
		if slug != tt.wantSlug || len(hash) != 16 {
			t.Errorf("VaultID(%q) = %q, want slug %q + 16 hex", tt.give, got, tt.wantSlug)
		}
	}
	a, _ := VaultID("/home/ann/Notes")
	b, _ := VaultID("/home/ann/Notes/")
	c, _ := VaultID("/home/bob/Notes")
	if a != b || a == c {
		t.Errorf("ids: %s %s %s", a, b, c)
	}
	sum := sha256.Sum256([]byte("/home/ann/Notes"))
	if want := "notes-" + hex.EncodeToString(sum[:8]); a != want {
		t.Errorf("VaultID = %q, want %q", a, want)
	}
}

// A store written before packs (version 1, one file per object) stays
// readable; the first snapshot written into it makes it version 2, and
// old and new snapshots then live side by side until prune.
func TestLegacyStore(t *testing.T) {
	old := Manifest{
		Version: FormatVersion, ID: "20261101T000000Z-00000001", Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Op: OpApply, Vault: "/v", State: StateCommitted,
		Files: []FileEntry{{Path: "a.md", Before: &ObjectRef{SHA256: Sum([]byte("a0")), Size: 2, Mode: 0o644}, After: &ObjectRef{SHA256: Sum([]byte("a1")), Size: 2, Mode: 0o644}}},
	}
	dir := legacyStore(t, old, "a0", "a1", "unreferenced")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = fakeClock(time.Date(2026, 11, 25, 10, 15, 30, 0, time.UTC), time.Minute)
	if ms, err := s.List(); err != nil || len(ms) != 1 || ms[0].ID != old.ID {
		t.Fatalf("List: %v, %v", ms, err)
	}
	for _, d := range []string{"a0", "a1"} {
		if got, err := s.Read(ObjectRef{SHA256: Sum([]byte(d)), Size: 2}); err != nil || string(got) != d {
			t.Errorf("Read %s: %q, %v", d, got, err)
		}
	}
	if ps, err := s.Verify(""); err != nil || len(ps) != 0 {
		t.Fatalf("Verify: %v, %v", ps, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, configName)); strings.TrimSpace(string(b)) != `{"version":1}` {
		t.Errorf("reading changed the config: %s", b)
	}

	mustLock(t, s)
	// a1 is stored already (loose): only a2 goes into the new pack.
	m := commit(t, s, change("a.md", "a1", "a2"))
	if b, _ := os.ReadFile(filepath.Join(dir, configName)); strings.TrimSpace(string(b)) != `{"version":2}` {
		t.Errorf("config after the first pack: %s", b)
	}
	if file, _ := locate(t, s, "a2"); file == "" {
		t.Error("a2 not packed")
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(objectName(Sum([]byte("a1")))))); err != nil {
		t.Errorf("a1 is no longer loose: %v", err)
	}
	if ps, err := s.Verify(""); err != nil || len(ps) != 0 {
		t.Fatalf("Verify after a new snapshot: %v, %v", ps, err)
	}

	res, err := s.Prune(Policy{KeepLast: 1}, time.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Keep) != 1 || res.Keep[0].ID != m.ID || res.Objects != 2 {
		t.Errorf("prune kept %v, removed %d objects; want %s kept, a0 and unreferenced removed", res.Keep, res.Objects, m.ID)
	}
	if diff := cmp.Diff(hashes("a1", "a2"), storedObjects(t, s)); diff != "" {
		t.Errorf("objects after prune (-want +got):\n%s", diff)
	}
	if got, err := s.Read(*m.Files[0].Before); err != nil || string(got) != "a1" {
		t.Errorf("Read a1 after prune: %q, %v", got, err)
	}
}
