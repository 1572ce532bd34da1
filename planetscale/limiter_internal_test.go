package planetscale

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestLimiter_reserve checks the bucket's arithmetic on a made-up clock:
// a burst goes at once, then one request every 1/rate seconds; a pause
// holds every request until it ends and leaves at most afterPause tokens.
func TestLimiter_reserve(t *testing.T) {
	t.Parallel()

	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	tests := []struct {
		name  string
		rate  float64
		burst int
		// steps run in order: a pause until pause (when set), else a
		// request at now that must be let go at want.
		steps []struct{ now, pause, want time.Duration }
	}{
		{
			name: "burst_then_rate", rate: 2, burst: 3,
			steps: []struct{ now, pause, want time.Duration }{
				{now: 0, want: 0}, {now: 0, want: 0}, {now: 0, want: 0},
				{now: 0, want: 500 * time.Millisecond},
				{now: 0, want: time.Second},
				{now: 3 * time.Second, want: 3 * time.Second}, // refilled meanwhile
			},
		},
		{
			name: "bucket_refills_to_burst_only", rate: 10, burst: 2,
			steps: []struct{ now, pause, want time.Duration }{
				{now: time.Hour, want: time.Hour}, {now: time.Hour, want: time.Hour},
				{now: time.Hour, want: time.Hour + 100*time.Millisecond},
			},
		},
		{
			name: "pause_holds_and_drains", rate: 1, burst: 100,
			steps: []struct{ now, pause, want time.Duration }{
				{now: 0, want: 0},
				{pause: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second}, // held until the pause ends
				{now: time.Second, want: 10 * time.Second}, // 8 tokens left after the pause ...
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 10 * time.Second},
				{now: time.Second, want: 11 * time.Second}, // ... then the steady rate
			},
		},
		{
			name: "no_budget_still_pauses", rate: 0, burst: 1,
			steps: []struct{ now, pause, want time.Duration }{
				{now: 0, want: 0}, {now: 0, want: 0}, {now: 0, want: 0},
				{pause: 5 * time.Second},
				{now: time.Second, want: 5 * time.Second},
				{now: 6 * time.Second, want: 6 * time.Second},
			},
		},
		{
			name: "earlier_pause_does_not_shorten", rate: 0, burst: 1,
			steps: []struct{ now, pause, want time.Duration }{
				{pause: 5 * time.Second}, {pause: 2 * time.Second},
				{now: 0, want: 5 * time.Second},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			l := &newPacer(pacing{rate: tt.rate, burst: tt.burst, pages: 1}).limiter
			for i, step := range tt.steps {
				if step.pause > 0 {
					l.pause(at(step.pause))
					continue
				}
				l.mu.Lock()
				got := l.reserve(at(step.now))
				l.mu.Unlock()
				if !got.Equal(at(step.want)) {
					t.Errorf("step %d: request at %s goes at %s, want %s", i+1, step.now, got.Sub(t0), step.want)
				}
			}
		})
	}
}

// TestLimiter_waitEndsWithTheContext: a request held by a pause longer
// than its context gives up with the context's error.
func TestLimiter_waitEndsWithTheContext(t *testing.T) {
	t.Parallel()

	l := &newPacer(defaultPacing()).limiter
	l.pause(time.Now().Add(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	waited, err := l.wait(ctx)
	if !waited || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait() = %v, %v; want true, context.DeadlineExceeded", waited, err)
	}
}

// TestClient_slowDown checks which answers pause the client, and for how
// long.
func TestClient_slowDown(t *testing.T) {
	t.Parallel()

	policy := DefaultRetryPolicy
	policy.BaseDelay, policy.MaxRetryAfter = 300*time.Millisecond, 20*time.Second
	tests := []struct {
		name     string
		err      error
		deadline time.Duration // 0: none
		want     time.Duration // the pause; 0: none
	}{
		{name: "retry_after", err: &APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 3 * time.Second}, want: 3 * time.Second},
		{name: "retry_after_capped", err: &APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: time.Hour}, want: 20 * time.Second},
		{name: "no_retry_after", err: &APIError{StatusCode: http.StatusTooManyRequests}, want: 300 * time.Millisecond},
		{name: "past_the_deadline", err: &APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 3 * time.Second}, deadline: time.Second},
		{name: "within_the_deadline", err: &APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 3 * time.Second}, deadline: time.Minute, want: 3 * time.Second},
		{name: "server_error", err: &APIError{StatusCode: http.StatusServiceUnavailable, RetryAfter: 3 * time.Second}},
		{name: "no_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, err := NewClient(WithRetryPolicy(policy))
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			before := time.Now()
			c.slowDown(ctx, tt.err)
			after := time.Now()
			got := c.pace.notBefore
			switch {
			case tt.want == 0 && !got.IsZero():
				t.Errorf("paused until %s from now, want no pause", got.Sub(before))
			case tt.want > 0 && (got.Before(before.Add(tt.want)) || got.After(after.Add(tt.want))):
				t.Errorf("paused for %s, want %s", got.Sub(before), tt.want)
			}
		})
	}
}

// TestPacer_defaultBudget: the default client draws on a bucket of
// DefaultRateLimit tokens a second with bursts of DefaultRateBurst, full at
// the start; WithRateLimit(0, …) is no budget.
func TestPacer_defaultBudget(t *testing.T) {
	t.Parallel()

	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	b := c.pace.bucket
	if b.Limit() != 3 || b.Burst() != 200 || b.Tokens() < 199 {
		t.Errorf("default bucket: %v a second, burst %d, %v tokens; want 3, 200, full", b.Limit(), b.Burst(), b.Tokens())
	}
	off, err := NewClient(WithRateLimit(0, 1))
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if at := off.pace.reserve(time.Now()); time.Until(at) > 0 {
			t.Fatalf("no budget: a request waits %s", time.Until(at))
		}
	}
}
