package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relinkmd/relink/internal/atomicfile"
)

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil || strings.TrimSpace(string(b)) != `{"version":1}` {
		t.Errorf("config = %q, %v", b, err)
	}
	for _, d := range []string{objectsDir, snapsDir} {
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
	os.WriteFile(filepath.Join(dir, "config"), []byte(`{"version":2}`), 0o600)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a v2 store: %v", err)
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
