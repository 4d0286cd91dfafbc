package snapshot

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    string
		want    Duration
		wantStr string
		wantErr bool
	}{
		{give: "30d", want: Duration{Days: 30}, wantStr: "30d"},
		{give: "2w", want: Duration{Days: 14}, wantStr: "14d"},
		{give: "1y6m", want: Duration{Years: 1, Months: 6}, wantStr: "1y6m"},
		{give: "12h", want: Duration{Hours: 12}, wantStr: "12h"},
		{give: "1y2m3d4h", want: Duration{1, 2, 3, 4}, wantStr: "1y2m3d4h"},
		{give: "4h3d", want: Duration{Days: 3, Hours: 4}, wantStr: "3d4h"},
		{give: "1w2d", want: Duration{Days: 9}, wantStr: "9d"},
		{give: "0d", want: Duration{}, wantStr: "0d"},
		{give: "", wantErr: true},
		{give: "30", wantErr: true},
		{give: "d", wantErr: true},
		{give: "3x", wantErr: true},
		{give: "1d2d", wantErr: true},
		{give: "-1d", wantErr: true},
		{give: "1.5d", wantErr: true},
		{give: "1 d", wantErr: true},
		{give: "99999999999999999999d", wantErr: true},
		{give: "1M", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := ParseDuration(tt.give)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseDuration(%q) = %v, want error", tt.give, got)
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
			var u Duration
			if err := u.UnmarshalText([]byte(got.String())); err != nil || u != got {
				t.Errorf("text round trip: %v, %v", u, err)
			}
		})
	}
}

func TestDurationBefore(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give Duration
		want time.Time
	}{
		{Duration{}, at},
		{Duration{Hours: 13}, time.Date(2026, 3, 30, 23, 0, 0, 0, time.UTC)},
		{Duration{Days: 31}, time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC)},
		{Duration{Months: 1}, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}, // Feb 31 normalises
		{Duration{Years: 1, Months: 6}, time.Date(2024, 10, 1, 12, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := tt.give.Before(at); !got.Equal(tt.want) {
			t.Errorf("%v.Before = %v, want %v", tt.give, got, tt.want)
		}
	}
}
