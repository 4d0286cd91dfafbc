package snapshot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a calendar span for retention rules: years, months, days and
// hours, subtracted with calendar arithmetic (restic's --keep-within), so
// "1m" back from March 31 is March 3 or 2, via time.AddDate normalisation.
type Duration struct {
	Years, Months, Days, Hours int
}

// maxDurationField bounds each field, keeping time arithmetic sane.
const maxDurationField = 1_000_000

// ParseDuration parses a sequence of <number><unit> pairs, each unit at most
// once, in any order: y (years), m (months), w (weeks = 7 days), d (days),
// h (hours). Examples: "30d", "2w", "1y6m", "12h", "1y2m3d4h". There are no
// minutes: "m" is months, as in restic.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	if s == "" {
		return d, fmt.Errorf("invalid duration %q: empty", s)
	}
	seen := map[byte]bool{}
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return Duration{}, fmt.Errorf("invalid duration %q: want <number><unit>, units y m w d h", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > maxDurationField {
			return Duration{}, fmt.Errorf("invalid duration %q: number too large", s)
		}
		u := rest[i]
		if seen[u] {
			return Duration{}, fmt.Errorf("invalid duration %q: unit %q given twice", s, u)
		}
		seen[u] = true
		switch u {
		case 'y':
			d.Years = n
		case 'm':
			d.Months = n
		case 'w':
			d.Days += 7 * n
		case 'd':
			d.Days += n
		case 'h':
			d.Hours = n
		default:
			return Duration{}, fmt.Errorf("invalid duration %q: unknown unit %q (want y m w d h)", s, u)
		}
		rest = rest[i+1:]
	}
	return d, nil
}

// String formats d as ParseDuration accepts it ("1y6m14d12h"; weeks are shown
// as days). The zero Duration is "0d".
func (d Duration) String() string {
	var b strings.Builder
	for _, f := range []struct {
		n    int
		unit string
	}{{d.Years, "y"}, {d.Months, "m"}, {d.Days, "d"}, {d.Hours, "h"}} {
		if f.n != 0 {
			b.WriteString(strconv.Itoa(f.n) + f.unit)
		}
	}
	if b.Len() == 0 {
		return "0d"
	}
	return b.String()
}

// IsZero reports whether d spans no time.
func (d Duration) IsZero() bool { return d == Duration{} }

// Before returns t moved back by d.
func (d Duration) Before(t time.Time) time.Time {
	return t.AddDate(-d.Years, -d.Months, -d.Days).Add(-time.Duration(d.Hours) * time.Hour)
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, for config files.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
