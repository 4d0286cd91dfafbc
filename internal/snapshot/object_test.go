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

	"github.com/relinkmd/relink/internal/atomicfile"
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
			file, e := locate(t, s, string(tt.data))
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw = raw[e.frameOff : e.frameOff+e.frameN]
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
	file, at := locate(t, s, string(data))
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	frame := func(b []byte) []byte {
		out := append([]byte(nil), good...)
		copy(out[at.frameOff:at.frameOff+at.frameN], b)
		return out
	}
	enc, _ := encodeObject(data, nil)
	other, _ := encodeObject([]byte(strings.Repeat("abd", 100)), nil)
	for _, bad := range [][]byte{
		frame([]byte("x")),                            // unknown tag
		frame(append([]byte{tagRaw}, enc[1:]...)),     // zstd bytes read as raw
		frame(append([]byte{tagZstd}, data...)),       // raw bytes read as zstd
		frame(other),                                  // another content
		good[:len(good)-1],                            // truncated: no trailer
		append([]byte("RLPACK\x00\x02"), good[8:]...), // unknown pack version
	} {
		overwrite(t, file, bad)
		s.closePacks()
		if _, err := s.GetObject(h); err == nil {
			t.Errorf("damaged pack read without error")
		} else if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want ErrCorrupt or ErrNotFound", err)
		}
	}
	// A damaged loose object of a version 1 store.
	loose := filepath.Join(s.Dir(), filepath.FromSlash(objectName(h)))
	os.MkdirAll(filepath.Dir(loose), 0o700)
	for _, bad := range [][]byte{{}, []byte("x" + string(data)), append([]byte{tagRaw}, data[1:]...), append([]byte{tagZstd}, data...)} {
		overwrite(t, loose, bad)
		s2, err := Open(s.Dir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s2.GetObject(h); !errors.Is(err, ErrCorrupt) {
			t.Errorf("loose %.10q: err = %v, want ErrCorrupt", bad, err)
		}
		s2.Close()
	}
	os.Remove(loose)
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
	for _, f := range storeFiles(t, s) {
		if strings.Contains(f, atomicfile.TempPrefix) {
			t.Errorf("temp file left: %s", f)
		}
	}
	if ps, err := s.Verify(""); err != nil || len(ps) != 0 {
		t.Errorf("Verify: %v, %v", ps, err)
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
