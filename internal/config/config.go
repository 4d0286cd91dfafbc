// Package config reads .relink.toml from the vault root. Flags given on the
// command line override it; it overrides the defaults.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/relinkmd/relink/internal/regularfile"
)

// FileName is the config file in the vault root.
const FileName = ".relink.toml"

// Config mirrors .relink.toml. Pointers distinguish "unset" from zero.
type Config struct {
	Dialect          string   `toml:"dialect"`
	Level            string   `toml:"level"`
	Strict           *bool    `toml:"strict"`
	AllowAlias       *bool    `toml:"allow_alias"`
	FollowDuplicates *bool    `toml:"follow_duplicates"`
	KeepDisplay      *bool    `toml:"keep_display"`
	Exclude          []string `toml:"exclude"`
	MaxFileSize      int64    `toml:"max_file_size"`
	MaxLinksPerNote  int      `toml:"max_links_per_note"`
	Cache            *bool    `toml:"cache"`
	Snapshot         Snapshot `toml:"snapshot"`
	LSP              LSP      `toml:"lsp"`
}

// LSP configures relink lsp.
type LSP struct {
	// Severity maps a class (variant, renamed, heading, ambiguous, alias,
	// broken, duplicate) to the severity of its diagnostics: error,
	// warning, information, hint, or off for none.
	Severity map[string]string `toml:"severity"`
}

// Classes are the link classes a diagnostic can carry.
var Classes = []string{"variant", "renamed", "heading", "ambiguous", "alias", "broken", "duplicate"}

// Severities are the severities a class can be given; off shows none.
var Severities = []string{"error", "warning", "information", "hint", "off"}

// CheckSeverity refuses a class or a severity that is not one of Classes
// and Severities.
func CheckSeverity(class, severity string) error {
	if !slices.Contains(Classes, class) {
		return fmt.Errorf("unknown class %q (want one of %s)", class, strings.Join(Classes, ", "))
	}
	if !slices.Contains(Severities, severity) {
		return fmt.Errorf("%s = %q: want one of %s", class, severity, strings.Join(Severities, ", "))
	}
	return nil
}

// Snapshot configures the snapshot store and its retention.
type Snapshot struct {
	Dir         string `toml:"dir"`
	KeepLast    int    `toml:"keep_last"`
	KeepHourly  int    `toml:"keep_hourly"`
	KeepDaily   int    `toml:"keep_daily"`
	KeepWeekly  int    `toml:"keep_weekly"`
	KeepMonthly int    `toml:"keep_monthly"`
	KeepYearly  int    `toml:"keep_yearly"`
	KeepWithin  string `toml:"keep_within"`
}

// Load reads the config in root. A missing file is an empty config.
func Load(root *os.Root) (Config, error) {
	var c Config
	// Never a blocking read: a named pipe called .relink.toml would hang
	// every command.
	b, err := regularfile.Read(root, FileName)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the file is named once, below
		}
		return c, fmt.Errorf("read %s: %w", FileName, err)
	}
	md, err := toml.Decode(string(b), &c)
	if err != nil {
		return c, fmt.Errorf("%s: %w", FileName, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return c, fmt.Errorf("%s: unknown key %q", FileName, un[0].String())
	}
	if err := c.validate(md); err != nil {
		return c, fmt.Errorf("%s: %w", FileName, err)
	}
	return c, nil
}

// validate refuses numbers that mean nothing: a file size or link limit of
// zero or less (which would skip every note, or silently fall back to the
// default), and a negative retention count (0 turns a rule off).
func (c Config) validate(md toml.MetaData) error {
	if md.IsDefined("max_file_size") && c.MaxFileSize <= 0 {
		return fmt.Errorf("max_file_size = %d: want a size in bytes above 0", c.MaxFileSize)
	}
	if md.IsDefined("max_links_per_note") && c.MaxLinksPerNote <= 0 {
		return fmt.Errorf("max_links_per_note = %d: want a count above 0", c.MaxLinksPerNote)
	}
	for class, sev := range c.LSP.Severity {
		if err := CheckSeverity(class, sev); err != nil {
			return fmt.Errorf("[lsp.severity] %w", err)
		}
	}
	s := c.Snapshot
	for _, k := range []struct {
		key string
		n   int
	}{
		{"keep_last", s.KeepLast}, {"keep_hourly", s.KeepHourly}, {"keep_daily", s.KeepDaily},
		{"keep_weekly", s.KeepWeekly}, {"keep_monthly", s.KeepMonthly}, {"keep_yearly", s.KeepYearly},
	} {
		if k.n < 0 {
			return fmt.Errorf("[snapshot] %s = %d: want a count of 0 or more (0 turns the rule off)", k.key, k.n)
		}
	}
	return nil
}
