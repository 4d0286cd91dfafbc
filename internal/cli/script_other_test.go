//go:build !unix

package cli

import "github.com/rogpeppe/go-internal/testscript"

func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mkfifo: no named pipes here (guard the script with [unix])")
}

func cmdMksock(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("mksock: no unix socket files here (guard the script with [unix])")
}
