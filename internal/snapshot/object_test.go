package snapshot

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestObjectRoundTrip(t *testing.T) {
	s := newStore(t)
	random := make([]byte, 4096)
	rand.Read(random)
	tests := []struct {
		desc    string
		data    []byte
		wantTag byte
	}{
		{"compressible", []byte(strings.Repeat("[[Some Link]] and prose.\n", 400)), tagZstd},
		{"incompressible", random, tagRaw},
		{"empty", []byte{}, tagRaw},
		{"tiny", []byte("x"), tagRaw},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			h, err := s.PutObject(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if h != Sum(tt.data) {
				t.Errorf("hash = %s, want %s", h, Sum(tt.data))
			}
			raw, err := os.ReadFile(filepath.Join(s.Dir(), filepath.FromSlash(objectName(h))))
			if err != nil {
				t.Fatal(err)
			}
			if raw[0] != tt.wantTag {
				t.Errorf("tag = %q, want %q", raw[0], tt.wantTag)
			}
			if tt.wantTag == tagZstd && len(raw) >= len(tt.data) {
				t.Errorf("compressed %d bytes to %d", len(tt.data), len(raw))
			}
			got, err := s.GetObject(h)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Errorf("GetObject returned %d different bytes", len(got))
			}
			// Idempotent.
			if h2, err := s.PutObject(tt.data); err != nil || h2 != h {
				t.Errorf("second PutObject = %v, %v", h2, err)
			}
		})
	}
}

func TestGetObjectErrors(t *testing.T) {
	s := newStore(t)
	if _, err := s.GetObject(Sum([]byte("nope"))); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: err = %v, want ErrNotFound", err)
	}
	data := []byte(strings.Repeat("abc", 100))
	h, err := s.PutObject(data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Dir(), filepath.FromSlash(objectName(h)))
	for _, bad := range [][]byte{
		{},
		[]byte("x" + string(data)),
		append([]byte{tagRaw}, data[1:]...),
		append([]byte{tagZstd}, data...),
	} {
		os.Chmod(p, 0o600)
		if err := os.WriteFile(p, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetObject(h); !errors.Is(err, ErrCorrupt) {
			t.Errorf("content %.10q: err = %v, want ErrCorrupt", bad, err)
		}
	}
	if _, err := s.Read(ObjectRef{SHA256: Sum(nil), Size: 0}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read missing: %v", err)
	}
	e, _ := s.PutObject(nil)
	if _, err := s.Read(ObjectRef{SHA256: e, Size: 3}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Read with wrong size: %v", err)
	}
}

func TestConcurrentPutObject(t *testing.T) {
	s := newStore(t)
	data := []byte(strings.Repeat("same content\n", 1000))
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			if _, err := s.PutObject(data); err != nil {
				errs <- err
			}
			if _, err := s.PutObject([]byte("other")); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, err := s.GetObject(Sum(data)); err != nil || !bytes.Equal(got, data) {
		t.Errorf("GetObject: %v", err)
	}
	if files := storeFiles(t, s); len(files) != 3 { // config + 2 objects
		t.Errorf("store files = %v", files)
	}
}

func TestHashText(t *testing.T) {
	h := Sum([]byte("hello"))
	b, _ := h.MarshalText()
	var g Hash
	if err := g.UnmarshalText(b); err != nil || g != h {
		t.Errorf("round trip: %v %v", g, err)
	}
	for _, bad := range []string{"", "abc", strings.Repeat("g", 64), strings.Repeat("a", 66)} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) succeeded", bad)
		}
	}
	if !(Hash{}).IsZero() || h.IsZero() {
		t.Error("IsZero")
	}
}
