package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Steps at which Write consults the fault seam; see the package doc.
const (
	StepAfterTempWrite = "after-temp-write"
	StepBeforeRename   = "before-rename"
	StepAfterRename    = "after-rename"
	// StepTempWrite is consulted after each Write to a [TempWriter]:
	// inside a streamed temp file, before it is complete.
	StepTempWrite = "temp-write"
)

// FaultEnv names the environment variable read once, on the first Write, for
// fault rules; see the package doc.
const FaultEnv = "RELINK_FAULT"

// KillExitCode is the exit code of a process ended by a "kill:" fault rule.
const KillExitCode = 137

// ErrInjected is the error returned (wrapped) by a Write failed on purpose by
// a RELINK_FAULT rule. Hooks installed with SetFaultHook may return it too.
var ErrInjected = errors.New("injected fault")

var hook atomic.Pointer[func(step, name string) error]

// SetFaultHook installs h, called by every Write at each step with the step
// name and the slash-separated target name. A non-nil result fails that Write
// as any I/O error would (before the rename: temp removed, target intact).
// h must be safe for concurrent use. SetFaultHook(nil) removes the hook.
//
// It is meant for tests only and is process-global; it returns a function
// that restores the previous hook, for use with t.Cleanup:
//
//	t.Cleanup(atomicfile.SetFaultHook(func(step, name string) error {
//		if step == atomicfile.StepBeforeRename && name == "b.md" {
//			return atomicfile.ErrInjected
//		}
//		return nil
//	}))
func SetFaultHook(h func(step, name string) error) (restore func()) {
	var p *func(step, name string) error
	if h != nil {
		p = &h
	}
	prev := hook.Swap(p)
	return func() { hook.Store(prev) }
}

type faultRule struct {
	kill  bool
	edit  bool // append EditText to the target in place, then go on
	step  string
	n     int64
	glob  string
	count atomic.Int64
}

var envRules = sync.OnceValues(func() ([]*faultRule, error) {
	return parseFaults(os.Getenv(FaultEnv))
})

// EditText is what an "edit:" fault rule appends to its target.
const EditText = "\nedited while relink was writing\n"

// parseFaults parses "[kill:|edit:]STEP:N[:GLOB]{,...}".
func parseFaults(s string) ([]*faultRule, error) {
	var rules []*faultRule
	for spec := range strings.SplitSeq(s, ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		r := &faultRule{glob: "*"}
		f := strings.Split(spec, ":")
		switch f[0] {
		case "kill":
			r.kill = true
			f = f[1:]
		case "edit":
			r.edit = true
			f = f[1:]
		}
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("invalid %s rule %q: want [kill:|edit:]STEP:N[:GLOB]", FaultEnv, spec)
		}
		if r.edit && f[0] != StepBeforeRename {
			return nil, fmt.Errorf("invalid %s rule %q: edit: is for the step %s only", FaultEnv, spec, StepBeforeRename)
		}
		switch f[0] {
		case StepAfterTempWrite, StepBeforeRename, StepAfterRename, StepTempWrite:
			r.step = f[0]
		default:
			return nil, fmt.Errorf("invalid %s rule %q: unknown step %q", FaultEnv, spec, f[0])
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid %s rule %q: N must be a positive integer", FaultEnv, spec)
		}
		r.n = n
		if len(f) == 3 {
			if _, err := path.Match(f[2], ""); err != nil {
				return nil, fmt.Errorf("invalid %s rule %q: %v", FaultEnv, spec, err)
			}
			r.glob = f[2]
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// fault runs the RELINK_FAULT rules, then the hook, for one step of a Write.
func fault(step, name string) error { return faultOn(step, name, nil, "") }

// faultOn is fault for a step at which the target file exists: an "edit:"
// rule appends to file (relative to root) there, as a program that has the
// file open and writes to it would.
func faultOn(step, name string, root *os.Root, file string) error {
	rules, err := envRules()
	if err != nil {
		return err
	}
	var edit func() error
	if root != nil {
		edit = func() error {
			f, err := root.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			_, err = f.WriteString(EditText)
			return errors.Join(err, f.Close())
		}
	}
	if err := applyRules(rules, step, name, edit); err != nil {
		return err
	}
	if h := hook.Load(); h != nil {
		return (*h)(step, name)
	}
	return nil
}

func applyRules(rules []*faultRule, step, name string, edit func() error) error {
	for _, r := range rules {
		if r.step != step || r.edit && edit == nil {
			continue
		}
		if ok, _ := path.Match(r.glob, path.Base(name)); !ok {
			continue
		}
		if r.count.Add(1) != r.n {
			continue
		}
		if r.kill {
			os.Exit(KillExitCode) // deliberate: simulates a crash, no cleanup
		}
		if r.edit {
			// A missing target has nothing to edit: the write goes on.
			if err := edit(); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			continue
		}
		return fmt.Errorf("%w at %s #%d", ErrInjected, step, r.n)
	}
	return nil
}
