package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// allCommands returns every command of relink's tree, root first.
func allCommands() []*cobra.Command {
	var out []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&env{}))
	return out
}

// TestHelpSpeaksOfItself: what a user reads in help speaks of relink and
// its own docs, every doc it names exists, and every command that runs
// ends its help with its exit status.
func TestHelpSpeaksOfItself(t *testing.T) {
	docRef := regexp.MustCompile(`docs/[\w.-]+\.md`)
	for _, c := range allCommands() {
		text := c.Short + "\n" + c.Long
		c.Flags().VisitAll(func(f *pflag.Flag) { text += "\n" + f.Usage })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { text += "\n" + f.Usage })
		if strings.Contains(text, "SPEC") {
			t.Errorf("%s: help cites SPEC, which users do not have", c.CommandPath())
		}
		for _, ref := range docRef.FindAllString(text, -1) {
			if _, err := os.Stat(filepath.Join("..", "..", ref)); err != nil {
				t.Errorf("%s: help names %s: %v", c.CommandPath(), ref, err)
			}
		}
		if c.Runnable() && !strings.Contains(c.Long, "\nExit status:\n  0 ") {
			t.Errorf("%s: help has no \"Exit status:\" section", c.CommandPath())
		}
	}
}

// TestQuietOnEveryWrite: every command that writes files or snapshots
// takes -q the same way.
func TestQuietOnEveryWrite(t *testing.T) {
	writes := map[string]bool{
		"relink apply": true, "relink undo": true, "relink recover": true,
		"relink snapshot restore": true, "relink snapshot prune": true,
		"relink merge": true,
	}
	for _, c := range allCommands() {
		f := c.Flags().Lookup("quiet")
		switch {
		case writes[c.CommandPath()] && (f == nil || f.Shorthand != "q"):
			t.Errorf("%s: no -q/--quiet", c.CommandPath())
		case writes[c.CommandPath()] && !strings.HasPrefix(f.Usage, "print only the summary line"):
			t.Errorf("%s: -q says %q", c.CommandPath(), f.Usage)
		case !writes[c.CommandPath()] && f != nil:
			t.Errorf("%s: -q on a command that writes nothing", c.CommandPath())
		}
	}
}

func TestVersionOf(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/relinkmd/relink", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, tt := range []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"linked wins", "v9.9.9", info("v1.2.3"), "v9.9.9"},
		{"module version", "", info("v1.2.3"), "v1.2.3"},
		{"pseudo-version", "", info("v0.0.0-20261206043600-96ced4a1b2c3+dirty"), "v0.0.0-20261206043600-96ced4a1b2c3+dirty"},
		{"revision", "", info("(devel)", "vcs.revision", "96ced4a1b2c3d4e5f6", "vcs.modified", "false"), "96ced4a1b2c3"},
		{"dirty revision", "", info("(devel)", "vcs.revision", "96ced4a1b2c3d4e5f6", "vcs.modified", "true"), "96ced4a1b2c3-dirty"},
		{"nothing known", "", info("(devel)"), "(devel)"},
		{"no build info", "", nil, "(devel)"},
	} {
		if got := versionOf(tt.linked, tt.info); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
