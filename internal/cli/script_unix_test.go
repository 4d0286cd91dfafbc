//go:build unix

package cli

import (
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// mkfifo PATH makes a named pipe.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

// mksock PATH makes a unix socket file (left behind by a closed listener).
func cmdMksock(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: mksock PATH")
	}
	// A socket's path is at most 108 bytes: bind it in a short folder,
	// then move it into place.
	dir, err := os.MkdirTemp("", "rl")
	ts.Check(err)
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	ts.Check(err)
	l.SetUnlinkOnClose(false)
	ts.Check(l.Close())
	ts.Check(os.Rename(tmp, ts.MkAbs(args[0])))
}
