package ghreport

import (
	"math"
	"testing"
	"time"
)

// TestUntilReset: the wait for a rate limit's reset is never negative and
// never wraps, however far ahead GitHub puts the reset.
func TestUntilReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reset    func(now time.Time) time.Time // now is taken as the subtest runs
		min, max time.Duration
	}{
		{"unknown", func(time.Time) time.Time { return time.Time{} }, time.Minute, time.Minute},
		{"past", func(now time.Time) time.Time { return now.Add(-time.Hour) }, 0, 0},
		{"two_minutes", func(now time.Time) time.Time { return now.Add(2 * time.Minute) }, 2*time.Minute - time.Second, 2*time.Minute + time.Second},
		{"year_5138", func(time.Time) time.Time { return time.Unix(99999999999, 0) }, 200 * 365 * 24 * time.Hour, math.MaxInt64},
		{"beyond_a_duration", func(time.Time) time.Time { return time.Unix(1<<62, 0) }, math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reset := tt.reset(time.Now())
			if got := untilReset(reset); got < tt.min || got > tt.max {
				t.Errorf("untilReset(%v) = %v, want between %v and %v", reset, got, tt.min, tt.max)
			}
		})
	}
}
