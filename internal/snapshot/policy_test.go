package snapshot

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// snaps builds committed manifests at the given RFC 3339 times.
func snaps(t *testing.T, times ...string) []Manifest {
	t.Helper()
	ms := make([]Manifest, len(times))
	for i, s := range times {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		ms[i] = Manifest{
			Version: FormatVersion,
			ID:      fmt.Sprintf("%s-%08x", tm.UTC().Format("20060102T150405Z"), i),
			Time:    tm.UTC(),
			Op:      OpApply,
			State:   StateCommitted,
		}
	}
	return ms
}

func TestPolicyApply(t *testing.T) {
	t.Parallel()
	utc := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	est := utc.In(time.FixedZone("EST", -5*3600))

	// A month of activity: several snapshots on some days.
	month := []string{
		"2026-10-30T09:00:00Z", // Fri, ISO week 44
		"2026-11-01T09:00:00Z", // Sun, week 44
		"2026-11-02T08:00:00Z", // Mon, week 45
		"2026-11-02T18:00:00Z",
		"2026-11-09T10:00:00Z", // Mon, week 46
		"2026-11-10T10:00:00Z",
		"2026-11-10T10:30:00Z",
		"2026-11-10T11:00:00Z",
		"2026-11-11T07:00:00Z",
	}

	tests := []struct {
		desc  string
		times []string
		p     Policy
		now   time.Time
		want  map[string][]string // kept snapshot time -> reasons
	}{
		{
			desc: "no snapshots", p: Policy{KeepLast: 3}, now: utc,
			want: map[string][]string{},
		},
		{
			desc: "keep last 3", times: month, p: Policy{KeepLast: 3}, now: utc,
			want: map[string][]string{
				"2026-11-10T10:30:00Z": {"last snapshot"},
				"2026-11-10T11:00:00Z": {"last snapshot"},
				"2026-11-11T07:00:00Z": {"last snapshot"},
			},
		},
		{
			desc: "keep last more than there are", times: month[:2], p: Policy{KeepLast: 10}, now: utc,
			want: map[string][]string{
				"2026-10-30T09:00:00Z": {"last snapshot"},
				"2026-11-01T09:00:00Z": {"last snapshot"},
			},
		},
		{
			desc: "keep daily 3: newest of each of the 3 newest days", times: month, p: Policy{KeepDaily: 3}, now: utc,
			want: map[string][]string{
				"2026-11-09T10:00:00Z": {"daily snapshot"},
				"2026-11-10T11:00:00Z": {"daily snapshot"},
				"2026-11-11T07:00:00Z": {"daily snapshot"},
			},
		},
		{
			desc: "keep daily with room left keeps the oldest too", times: month, p: Policy{KeepDaily: 10}, now: utc,
			want: map[string][]string{
				"2026-10-30T09:00:00Z": {"daily snapshot"},
				"2026-11-01T09:00:00Z": {"daily snapshot"},
				"2026-11-02T18:00:00Z": {"daily snapshot"},
				"2026-11-09T10:00:00Z": {"daily snapshot"},
				"2026-11-10T11:00:00Z": {"daily snapshot"},
				"2026-11-11T07:00:00Z": {"daily snapshot"},
			},
		},
		{
			desc: "oldest snapshot shares the last bucket", times: month[2:4], p: Policy{KeepDaily: 5}, now: utc,
			want: map[string][]string{
				"2026-11-02T08:00:00Z": {"oldest daily snapshot"},
				"2026-11-02T18:00:00Z": {"daily snapshot"},
			},
		},
		{
			desc: "daily buckets in UTC", times: []string{"2026-01-01T10:00:00Z", "2026-01-01T23:30:00Z", "2026-01-02T00:30:00Z"},
			p: Policy{KeepDaily: 2}, now: utc,
			want: map[string][]string{
				"2026-01-01T23:30:00Z": {"daily snapshot"},
				"2026-01-02T00:30:00Z": {"daily snapshot"},
			},
		},
		{
			desc: "daily buckets in now's zone (EST: all on Jan 1)", times: []string{"2026-01-01T10:00:00Z", "2026-01-01T23:30:00Z", "2026-01-02T00:30:00Z"},
			p: Policy{KeepDaily: 2}, now: est,
			want: map[string][]string{
				"2026-01-01T10:00:00Z": {"oldest daily snapshot"},
				"2026-01-02T00:30:00Z": {"daily snapshot"},
			},
		},
		{
			desc: "keep hourly 2", times: month, p: Policy{KeepHourly: 2}, now: utc,
			want: map[string][]string{
				"2026-11-10T11:00:00Z": {"hourly snapshot"},
				"2026-11-11T07:00:00Z": {"hourly snapshot"},
			},
		},
		{
			desc: "keep weekly 3 (ISO weeks start Monday)", times: month, p: Policy{KeepWeekly: 3}, now: utc,
			want: map[string][]string{
				"2026-11-01T09:00:00Z": {"weekly snapshot"},
				"2026-11-02T18:00:00Z": {"weekly snapshot"},
				"2026-11-11T07:00:00Z": {"weekly snapshot"},
			},
		},
		{
			desc: "keep monthly unlimited", times: month, p: Policy{KeepMonthly: Unlimited}, now: utc,
			want: map[string][]string{
				"2026-10-30T09:00:00Z": {"monthly snapshot"},
				"2026-11-11T07:00:00Z": {"monthly snapshot"},
			},
		},
		{
			desc: "keep yearly 1", times: []string{"2024-05-01T00:00:00Z", "2025-05-01T00:00:00Z", "2025-06-01T00:00:00Z"},
			p: Policy{KeepYearly: 1}, now: utc,
			want: map[string][]string{
				"2025-06-01T00:00:00Z": {"yearly snapshot"},
			},
		},
		{
			desc: "keep within is relative to the newest snapshot, not now", times: month,
			p: Policy{KeepWithin: Duration{Days: 1}}, now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			want: map[string][]string{
				"2026-11-10T10:00:00Z": {"within 1d"},
				"2026-11-10T10:30:00Z": {"within 1d"},
				"2026-11-10T11:00:00Z": {"within 1d"},
				"2026-11-11T07:00:00Z": {"within 1d"},
			},
		},
		{
			desc:  "keep within ignores snapshots from the future as newest",
			times: []string{"2026-11-28T00:00:00Z", "2026-11-30T12:00:00Z", "2027-06-01T00:00:00Z"},
			p:     Policy{KeepWithin: Duration{Days: 2}}, now: utc,
			want: map[string][]string{
				"2026-11-30T12:00:00Z": {"within 2d"},
				"2027-06-01T00:00:00Z": {"within 2d"},
			},
		},
		{
			desc: "rules are OR-ed and reasons accumulate", times: month,
			p: Policy{KeepLast: 1, KeepDaily: 2, KeepMonthly: 2, KeepWithin: Duration{Hours: 1}}, now: utc,
			want: map[string][]string{
				"2026-10-30T09:00:00Z": {"monthly snapshot"},
				"2026-11-10T11:00:00Z": {"daily snapshot"},
				"2026-11-11T07:00:00Z": {"within 1h", "last snapshot", "daily snapshot", "monthly snapshot"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ms := snaps(t, tt.times...)
			keep, remove, reasons := tt.p.Apply(ms, tt.now)
			got := map[string][]string{}
			for _, m := range keep {
				got[m.Time.Format(time.RFC3339)] = reasons[m.ID]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if len(keep)+len(remove) != len(ms) {
				t.Errorf("keep %d + remove %d != %d", len(keep), len(remove), len(ms))
			}
			if len(reasons) != len(keep) {
				t.Errorf("%d reasons for %d kept", len(reasons), len(keep))
			}
			for _, list := range [][]Manifest{keep, remove} {
				for i := 1; i < len(list); i++ {
					if list[i].Time.Before(list[i-1].Time) {
						t.Errorf("result not oldest first")
					}
				}
			}
			for _, m := range remove {
				if _, ok := reasons[m.ID]; ok {
					t.Errorf("removed %s has reasons", m.ID)
				}
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    string
		want    Policy
		wantStr string
		wantErr bool
	}{
		{give: "", want: Policy{}, wantStr: ""},
		{give: "last=10", want: Policy{KeepLast: 10}, wantStr: "last=10"},
		{
			give:    "within=30d, daily=7 weekly=4,monthly=unlimited yearly=all hourly=0",
			want:    Policy{KeepDaily: 7, KeepWeekly: 4, KeepMonthly: Unlimited, KeepYearly: Unlimited, KeepWithin: Duration{Days: 30}},
			wantStr: "daily=7 weekly=4 monthly=unlimited yearly=unlimited within=30d",
		},
		{give: "keep-last=3 keep-within=1y", want: Policy{KeepLast: 3, KeepWithin: Duration{Years: 1}}, wantStr: "last=3 within=1y"},
		{give: "last", wantErr: true},
		{give: "last=", wantErr: true},
		{give: "last=-1", wantErr: true},
		{give: "last=x", wantErr: true},
		{give: "minutely=3", wantErr: true},
		{give: "last=1 last=2", wantErr: true},
		{give: "within=5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParsePolicy(tt.give)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParsePolicy(%q) = %+v, want error", tt.give, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if s := got.String(); s != tt.wantStr {
				t.Errorf("String() = %q, want %q", s, tt.wantStr)
			}
			if again, err := ParsePolicy(got.String()); err != nil || again != got {
				t.Errorf("round trip: %+v, %v", again, err)
			}
			if got.Empty() != (tt.give == "") {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}
