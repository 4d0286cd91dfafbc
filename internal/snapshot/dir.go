package snapshot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultDir returns the default store directory for the vault at
// vaultAbsPath, outside the vault so that sync tools, `git add -A` and
// relink's own scans never see it, and deleting the vault keeps its history:
//
//	$XDG_STATE_HOME/relink/<vault id>              if XDG_STATE_HOME is set (any OS)
//	~/.local/state/relink/<vault id>               Linux and other Unix
//	~/Library/Application Support/relink/<vault id>  macOS
//	%LocalAppData%\relink\<vault id>               Windows
//
// See VaultID for <vault id>. vaultAbsPath must be absolute; it is cleaned
// but symlinks are not resolved (callers wanting one store per physical vault
// pass filepath.EvalSymlinks' result). DefaultDir creates nothing.
func DefaultDir(vaultAbsPath string) (string, error) {
	home, _ := os.UserHomeDir()
	return defaultDir(runtime.GOOS, os.Getenv, home, vaultAbsPath)
}

func defaultDir(goos string, getenv func(string) string, home, vault string) (string, error) {
	id, err := VaultID(vault)
	if err != nil {
		return "", err
	}
	state, err := stateDir(goos, getenv, home)
	if err != nil {
		return "", err
	}
	return filepath.Join(state, id), nil
}

// StateDir returns the folder that holds relink's state for every vault:
// the default stores (DefaultDir is StateDir/<vault id>) and what relink
// records about stores (see workspace). It creates nothing.
func StateDir() (string, error) {
	home, _ := os.UserHomeDir()
	return stateDir(runtime.GOOS, os.Getenv, home)
}

func stateDir(goos string, getenv func(string) string, home string) (string, error) {
	if x := getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "relink"), nil
	}
	var base string
	switch goos {
	case "windows":
		base = getenv("LocalAppData")
		if base == "" {
			return "", errors.New("snapshot dir: %LocalAppData% is not set")
		}
	case "darwin", "ios":
		if home == "" {
			return "", errors.New("snapshot dir: no home directory")
		}
		base = filepath.Join(home, "Library", "Application Support")
	default:
		if home == "" {
			return "", errors.New("snapshot dir: no home directory")
		}
		base = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(base, "relink"), nil
}

// VaultID names a vault's store: a readable slug of the vault folder's name
// and the first 16 hex digits of the SHA-256 of its cleaned absolute path,
// e.g. "notes-1a2b3c4d5e6f7a8b" for /home/ann/Notes. The slug keeps ASCII
// letters and digits (lowercased), turns other runs into "-", is at most 32
// bytes, and is "vault" when nothing is left.
func VaultID(vaultAbsPath string) (string, error) {
	if !filepath.IsAbs(vaultAbsPath) {
		return "", fmt.Errorf("vault id: %q is not an absolute path", vaultAbsPath)
	}
	clean := filepath.Clean(vaultAbsPath)
	sum := sha256.Sum256([]byte(clean))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(filepath.Base(clean)) {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			dash = true
			continue
		}
		need := 1
		if dash && b.Len() > 0 {
			need = 2
		}
		if b.Len()+need > 32 {
			break
		}
		if need == 2 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
	}
	slug := b.String()
	if slug == "" {
		slug = "vault"
	}
	return slug + "-" + hex.EncodeToString(sum[:8]), nil
}
