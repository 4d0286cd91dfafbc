package snapshot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Unlimited as a Policy count keeps one snapshot in every bucket ("all").
const Unlimited = -1

// Policy says which snapshots Prune keeps, with restic's `forget` semantics:
// a snapshot is kept if any rule keeps it.
//
//   - KeepLast n: the n newest snapshots.
//   - KeepHourly/Daily/Weekly/Monthly/Yearly n: for the n newest hours, days,
//     ISO weeks, months or years that have snapshots, the newest snapshot of
//     each. If the rule still has room after the oldest snapshot, that oldest
//     snapshot is kept too ("oldest daily snapshot"), so history reaches as
//     far back as it can. Buckets are computed in the location of the now
//     passed to Apply (callers pass time.Now(), i.e. local time).
//   - KeepWithin d: every snapshot newer than the newest snapshot's time
//     minus d. "Newest" ignores snapshots later than now (clock skew), and
//     measuring from it rather than from now means that a vault left alone
//     for a year does not lose its history to a prune.
//
// A count of Unlimited (-1; any negative) has no limit; 0 disables the rule.
type Policy struct {
	KeepLast    int
	KeepHourly  int
	KeepDaily   int
	KeepWeekly  int
	KeepMonthly int
	KeepYearly  int
	KeepWithin  Duration
}

// Empty reports whether p keeps nothing at all. Prune refuses such a policy.
func (p Policy) Empty() bool { return p == Policy{} }

var policyKeys = []string{"last", "hourly", "daily", "weekly", "monthly", "yearly", "within"}

func (p *Policy) field(key string) *int {
	switch key {
	case "last":
		return &p.KeepLast
	case "hourly":
		return &p.KeepHourly
	case "daily":
		return &p.KeepDaily
	case "weekly":
		return &p.KeepWeekly
	case "monthly":
		return &p.KeepMonthly
	case "yearly":
		return &p.KeepYearly
	}
	return nil
}

// ParsePolicy parses rules separated by commas or spaces, each key=value:
//
//	last=10 daily=7 weekly=4 monthly=unlimited within=30d
//
// Keys are last, hourly, daily, weekly, monthly, yearly (a count, or
// "unlimited"/"all") and within (a Duration). String is its inverse.
func ParsePolicy(s string) (Policy, error) {
	var p Policy
	seen := map[string]bool{}
	for rule := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		key, val, ok := strings.Cut(rule, "=")
		if !ok || val == "" {
			return Policy{}, fmt.Errorf("invalid retention rule %q: want key=value", rule)
		}
		key = strings.TrimPrefix(key, "keep-")
		if !slices.Contains(policyKeys, key) {
			return Policy{}, fmt.Errorf("invalid retention rule %q: unknown key %q (want %s)", rule, key, strings.Join(policyKeys, ", "))
		}
		if seen[key] {
			return Policy{}, fmt.Errorf("invalid retention rule %q: %s given twice", rule, key)
		}
		seen[key] = true
		if key == "within" {
			d, err := ParseDuration(val)
			if err != nil {
				return Policy{}, fmt.Errorf("invalid retention rule %q: %v", rule, err)
			}
			p.KeepWithin = d
			continue
		}
		n, err := ParseCount(val)
		if err != nil {
			return Policy{}, fmt.Errorf("invalid retention rule %q: %v", rule, err)
		}
		*p.field(key) = n
	}
	return p, nil
}

// ParseCount parses a Policy count: a non-negative integer, or "unlimited"
// or "all" for Unlimited. It suits --keep-daily style flags.
func ParseCount(s string) (int, error) {
	if s == "unlimited" || s == "all" {
		return Unlimited, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid count %q: want a number >= 0 or \"unlimited\"", s)
	}
	return n, nil
}

// String formats p as ParsePolicy accepts it, omitting disabled rules, e.g.
// "last=10 daily=7 within=30d". The empty policy is "".
func (p Policy) String() string {
	var rules []string
	for _, key := range policyKeys {
		if key == "within" {
			if !p.KeepWithin.IsZero() {
				rules = append(rules, "within="+p.KeepWithin.String())
			}
			continue
		}
		switch n := *p.field(key); {
		case n < 0:
			rules = append(rules, key+"=unlimited")
		case n > 0:
			rules = append(rules, key+"="+strconv.Itoa(n))
		}
	}
	return strings.Join(rules, " ")
}

// Apply splits ms into the snapshots p keeps and those it removes, both in
// the order of List (oldest first), and gives for each kept id the reasons
// ("last snapshot", "daily snapshot", "oldest weekly snapshot",
// "within 30d"). It is pure: now only sets the bucket time zone and caps
// what counts as the newest snapshot.
func (p Policy) Apply(ms []Manifest, now time.Time) (keep, remove []Manifest, reasons map[string][]string) {
	reasons = map[string][]string{}
	if len(ms) == 0 {
		return nil, nil, reasons
	}
	loc := now.Location()
	list := slices.Clone(ms)
	sortManifests(list)
	slices.Reverse(list) // newest first

	type rule struct {
		count  int
		bucket func(t time.Time, i int) int
		last   int
		reason string
	}
	rules := []*rule{
		{p.KeepLast, func(_ time.Time, i int) int { return i }, -1, "last snapshot"},
		{p.KeepHourly, func(t time.Time, _ int) int { return ((t.Year()*100+int(t.Month()))*100+t.Day())*100 + t.Hour() }, -1, "hourly snapshot"},
		{p.KeepDaily, func(t time.Time, _ int) int { return (t.Year()*100+int(t.Month()))*100 + t.Day() }, -1, "daily snapshot"},
		{p.KeepWeekly, func(t time.Time, _ int) int { y, w := t.ISOWeek(); return y*100 + w }, -1, "weekly snapshot"},
		{p.KeepMonthly, func(t time.Time, _ int) int { return t.Year()*100 + int(t.Month()) }, -1, "monthly snapshot"},
		{p.KeepYearly, func(t time.Time, _ int) int { return t.Year() }, -1, "yearly snapshot"},
	}

	var cutoff time.Time
	if !p.KeepWithin.IsZero() {
		var newest time.Time
		for _, m := range list {
			if m.Time.After(newest) && !m.Time.After(now) {
				newest = m.Time
			}
		}
		cutoff = p.KeepWithin.Before(newest)
	}

	for i, m := range list {
		var why []string
		if !p.KeepWithin.IsZero() && m.Time.After(cutoff) {
			why = append(why, "within "+p.KeepWithin.String())
		}
		t := m.Time.In(loc)
		oldest := i == len(list)-1
		for _, r := range rules {
			if r.count == 0 {
				continue
			}
			b := r.bucket(t, i)
			switch {
			case b != r.last:
				why = append(why, r.reason)
			case oldest:
				why = append(why, "oldest "+r.reason)
			default:
				continue
			}
			r.last = b
			if r.count > 0 {
				r.count--
			}
		}
		if len(why) > 0 {
			keep = append(keep, m)
			reasons[m.ID] = why
		} else {
			remove = append(remove, m)
		}
	}
	slices.Reverse(keep)
	slices.Reverse(remove)
	return keep, remove, reasons
}
