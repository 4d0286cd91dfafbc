package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/text/unicode/norm"

	"github.com/relinkmd/relink/internal/notecache"
)

var update = flag.Bool("update", false, "rewrite testscript files with actual output")

func TestMain(m *testing.M) {
	// The tests' state folder (snapshot stores, note cache) is their own,
	// never the user's default one. A relink that a test or script runs is
	// this binary again: it keeps the folder its parent or script set.
	// (testscript.Main exits without returning: the folder stays in the
	// system's temp dir.)
	if os.Getenv("XDG_STATE_HOME") == "" {
		dir, err := os.MkdirTemp("", "relink-test-state-")
		if err != nil {
			panic(err)
		}
		os.Setenv("XDG_STATE_HOME", dir)
	}
	testscript.Main(m, map[string]func(){
		"relink": func() {
			os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs every testdata/script/*.txtar: the CLI end to end, one
// command and exit code at a time.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			env.Setenv("HOME", filepath.Join(env.WorkDir, ".home"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sha256":   cmdSHA256,
			"tree":     cmdTree,
			"nfd":      cmdNFD,
			"crlf":     cmdCRLF,
			"settle":   cmdSettle,
			"mkfifo":   cmdMkfifo,
			"mksock":   cmdMksock,
			"follow":   cmdFollow,
			"lspframe": cmdLSPFrame,
		},
	})
}

// sha256 FILE... prints each file's hash, to compare trees byte for byte.
func cmdSHA256(ts *testscript.TestScript, neg bool, args []string) {
	for _, a := range args {
		b, err := os.ReadFile(ts.MkAbs(a))
		ts.Check(err)
		sum := sha256.Sum256(b)
		fmt.Fprintf(ts.Stdout(), "%s  %s\n", hex.EncodeToString(sum[:]), a)
	}
}

// tree DIR prints every file under DIR with its hash, sorted.
func cmdTree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: tree DIR")
	}
	root := ts.MkAbs(args[0])
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(b)
		lines = append(lines, hex.EncodeToString(sum[:8])+"  "+filepath.ToSlash(rel))
		return nil
	})
	ts.Check(err)
	sort.Strings(lines)
	fmt.Fprintln(ts.Stdout(), strings.Join(lines, "\n"))
}

// lspframe IN OUT writes the JSON-RPC messages of IN, one a line, to OUT
// as a language client sends them: each with its Content-Length header.
// $WORK in a line is the script's work folder (a workspace URI needs it).
func cmdLSPFrame(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lspframe IN OUT")
	}
	var b strings.Builder
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		line = strings.ReplaceAll(line, "$WORK", filepath.ToSlash(ts.Getenv("WORK")))
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(line), line)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// follow REGEXP runs the relink command that the last command printed on
// stdout, as printed: the first submatch of REGEXP, split into words as a
// POSIX shell splits it (single quotes only, as relink quotes), and runs
// it like exec. A hint that does not work fails the script.
func cmdFollow(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: follow REGEXP")
	}
	m := regexp.MustCompile(args[0]).FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("no advice matching %s in stdout", args[0])
	}
	words := shellWords(ts, m[1])
	if len(words) == 0 || words[0] != "relink" {
		ts.Fatalf("advice %q is no relink command", m[1])
	}
	ts.Logf("follow: %s", m[1])
	err := ts.Exec(words[0], words[1:]...)
	if err != nil && !neg {
		ts.Fatalf("%s: %v", m[1], err)
	}
	if err == nil && neg {
		ts.Fatalf("%s: unexpected success", m[1])
	}
}

// shellWords splits s into words at spaces, keeping what single quotes
// hold ('\” being a quote inside quotes).
func shellWords(ts *testscript.TestScript, s string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			w.WriteByte(c)
		case c == '\'':
			quoted, in = true, true
		case c == ' ':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			in = true
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if quoted {
		ts.Fatalf("unbalanced quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// nfd SRC DST renames SRC to the NFD spelling DST (txtar cannot hold an
// NFD file name reliably).
// cmdSettle waits until the files written so far are old enough for the
// note cache to keep them (the index and plan caches are written beside
// it only).
func cmdSettle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: settle")
	}
	time.Sleep(notecache.Settle + 100*time.Millisecond)
}

func cmdNFD(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: nfd SRC DST")
	}
	ts.Check(os.Rename(ts.MkAbs(args[0]), ts.MkAbs(norm.NFD.String(args[1]))))
}

// crlf FILE converts FILE's line endings to CRLF.
func cmdCRLF(ts *testscript.TestScript, neg bool, args []string) {
	for _, a := range args {
		p := ts.MkAbs(a)
		b, err := os.ReadFile(p)
		ts.Check(err)
		ts.Check(os.WriteFile(p, []byte(strings.ReplaceAll(string(b), "\n", "\r\n")), 0o644))
	}
}
