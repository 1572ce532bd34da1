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
	now := time.Now()
	tests := []struct {
		name     string
		reset    time.Time
		min, max time.Duration
	}{
		{"unknown", time.Time{}, time.Minute, time.Minute},
		{"past", now.Add(-time.Hour), 0, 0},
		{"two_minutes", now.Add(2 * time.Minute), 2*time.Minute - time.Second, 2*time.Minute + time.Second},
		{"year_5138", time.Unix(99999999999, 0), 200 * 365 * 24 * time.Hour, math.MaxInt64},
		{"beyond_a_duration", time.Unix(1<<62, 0), math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := untilReset(tt.reset); got < tt.min || got > tt.max {
				t.Errorf("untilReset(%v) = %v, want between %v and %v", tt.reset, got, tt.min, tt.max)
			}
		})
	}
}
