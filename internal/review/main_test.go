package review

import (
	"os"
	"testing"
)

// TestMain gives the tests a note cache of their own, so that they never
// read or write the user's (and start from an empty one each run).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "relink-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
