package review

import (
	"os"
	"testing"
)

// TestMain gives the tests a state folder of their own (snapshot stores and
// the note cache), unless one is set already, so that they never read or
// write the user's default one.
func TestMain(m *testing.M) {
	if os.Getenv("XDG_STATE_HOME") != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "relink-test-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
