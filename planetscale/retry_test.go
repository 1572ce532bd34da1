package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// events collects the retry notifications of one call.
type events []planetscale.RetryEvent

func (e *events) notify() planetscale.Option {
	return planetscale.WithRetryNotify(func(ev planetscale.RetryEvent) { *e = append(*e, ev) })
}

// newDatabaseSandbox serves acme/shop (approval required) with testToken;
// faults are served first, one a request.
func newDatabaseSandbox(t *testing.T, faults ...sandbox.Fault) (*sandbox.Server, string) {
	t.Helper()
	sb, url := newSandbox(t, nil)
	sb.InjectFaults(faults...)
	return sb, url
}

// getDatabase calls GetDatabase for acme/shop through a client for url
// with opts.
func getDatabase(t *testing.T, ctx context.Context, url string, opts ...planetscale.Option) error {
	t.Helper()
	_, err := newClient(t, url, opts...).GetDatabase(ctx, testOrg, testDB)
	return err
}

// asGaveUp returns err's *GaveUpError or fails the test.
func asGaveUp(t *testing.T, err error) *planetscale.GaveUpError {
	t.Helper()
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("error = %T %v, want a *GaveUpError", err, err)
	}
	return gaveUp
}

// TestDefaultRetryPolicy checks that the default policy is one WithRetryPolicy accepts.
func TestDefaultRetryPolicy(t *testing.T) {
	t.Parallel()

	if _, err := planetscale.NewClient(planetscale.WithRetryPolicy(planetscale.DefaultRetryPolicy)); err != nil {
		t.Errorf("NewClient(WithRetryPolicy(DefaultRetryPolicy)) error = %v", err)
	}
	if p := planetscale.DefaultRetryPolicy; p.MaxRetryAfter <= 0 || p.AttemptTimeout <= 0 || p.MaxRetries == 0 || p.MaxDelay < time.Second {
		t.Errorf("DefaultRetryPolicy = %+v, want retries, a Retry-After cap and an attempt timeout", p)
	}
}

// TestClient_retriesInARow fails three attempts in three ways: each retry
// is announced once, numbered, with a short backoff.
func TestClient_retriesInARow(t *testing.T) {
	t.Parallel()

	// The disconnect comes first: on a reused connection net/http itself
	// resends an idempotent request, which the client never sees.
	sb, url := newDatabaseSandbox(t, sandbox.Disconnect, sandbox.InternalError, sandbox.RateLimited)
	var evs events
	if err := getDatabase(t, testContext(t), url, evs.notify()); err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if got, want := len(sb.Requests()), 4; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
	checks := []func(error) bool{
		func(err error) bool { return errors.As(err, new(*planetscale.NetworkError)) },
		func(err error) bool { return errors.Is(err, planetscale.ErrServer) },
		func(err error) bool { return errors.Is(err, planetscale.ErrRateLimited) },
	}
	if len(evs) != len(checks) {
		t.Fatalf("got %d retry events, want %d", len(evs), len(checks))
	}
	for i, ev := range evs {
		if ev.Attempt != i+1 || !checks[i](ev.Err) || ev.Wait <= 0 || ev.Wait > 5*time.Millisecond {
			t.Errorf("event %d = %+v, want attempt %d, the failure injected and a short backoff", i, ev, i+1)
		}
	}
}

// TestListDeployRequests_retriesFailedPage fails page 2 once: the walk
// retries that page at once, without starting again or skipping.
func TestListDeployRequests_retriesFailedPage(t *testing.T) {
	t.Parallel()

	for _, f := range []sandbox.Fault{sandbox.Unavailable, sandbox.Truncated, sandbox.RateLimited} {
		drs := openDRs(250, 250)
		sb, url := newSandbox(t, drs)
		sb.FailPageOnce(2, f)
		got, err := newClient(t, url).ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
		if err != nil {
			t.Fatalf("ListDeployRequests() with page 2 failing %d error = %v", f.Status, err)
		}
		if got, want := numbers(got), sandboxNumbers(drs); !equalInts(got, want) {
			t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
		}
		var pages []string
		for _, r := range sb.Requests() {
			pages = append(pages, r.Query["page"])
		}
		if got, want := strings.Join(pages, ","), "1,2,2,3"; !strings.HasPrefix(got, want) {
			t.Errorf("pages asked for = %s, want them to start %s", got, want)
		}
	}
}

// TestClient_givesUp runs out of retries or time: the *GaveUpError says
// which, and holds the last failure.
func TestClient_givesUp(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		faults       []sandbox.Fault
		policy       planetscale.RetryPolicy
		timeout      time.Duration // 0: testContext's
		wantAttempts int
		wantDeadline bool
		wantWait     time.Duration
		wantIs       error
		wantText     string // the whole error, or a part of it when it starts with "…"
	}{
		{
			name:         "retries_run_out",
			faults:       []sandbox.Fault{sandbox.InternalError, sandbox.RateLimited, sandbox.InternalError, sandbox.InternalError},
			policy:       withRetries(fastPolicy(), 2),
			wantAttempts: 3,
			wantIs:       planetscale.ErrServer,
			wantText:     "get database: gave up after 3 attempts (the retries ran out): PlanetScale API answered 500 Internal Server Error (Internal Server Error)",
		},
		{
			name:         "no_retries",
			faults:       []sandbox.Fault{sandbox.Unavailable},
			policy:       withRetries(fastPolicy(), 0),
			wantAttempts: 1,
			wantIs:       planetscale.ErrServer,
			wantText:     "…gave up after 1 attempt (the retries ran out)",
		},
		{
			name:         "retry_after_past_the_deadline",
			faults:       []sandbox.Fault{sandbox.RateLimitedFor("60")},
			policy:       func() planetscale.RetryPolicy { p := fastPolicy(); p.MaxRetryAfter = 10 * time.Minute; return p }(),
			timeout:      5 * time.Second,
			wantAttempts: 1,
			wantDeadline: true,
			wantWait:     time.Minute,
			wantIs:       planetscale.ErrRateLimited,
			wantText:     "…(the server asked to wait 1m0s, longer than the time left): PlanetScale API answered 429",
		},
		{
			// The backoff, not the API's Retry-After, runs past the
			// deadline: the error must not blame the API.
			name:         "backoff_past_the_deadline",
			faults:       []sandbox.Fault{sandbox.RateLimitedFor("1")},
			policy:       planetscale.RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Minute, MaxRetryAfter: time.Minute, MaxRetries: 3},
			timeout:      5 * time.Second,
			wantAttempts: 1,
			wantDeadline: true,
			wantIs:       planetscale.ErrRateLimited,
			wantText:     "…gave up after 1 attempt (the timeout ran out): PlanetScale API answered 429",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newDatabaseSandbox(t, tt.faults...)
			ctx := testContext(t)
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			err := getDatabase(t, ctx, url, planetscale.WithRetryPolicy(tt.policy))
			if ctx.Err() != nil {
				t.Error("GetDatabase() returned after the deadline, want it to give up before")
			}
			gaveUp := asGaveUp(t, err)
			if gaveUp.Attempts != tt.wantAttempts || gaveUp.Deadline != tt.wantDeadline || gaveUp.Wait != tt.wantWait {
				t.Errorf("GaveUpError = %+v, want %d attempts, Deadline %v, Wait %v", gaveUp, tt.wantAttempts, tt.wantDeadline, tt.wantWait)
			}
			if got, want := len(sb.Requests()), tt.wantAttempts; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
			if !errors.Is(err, tt.wantIs) || !errors.As(gaveUp.Unwrap(), new(*planetscale.APIError)) {
				t.Errorf("error = %v, want it to match %v and to unwrap to the last *APIError", err, tt.wantIs)
			}
			if part, ok := strings.CutPrefix(tt.wantText, "…"); (ok && !strings.Contains(err.Error(), part)) || (!ok && err.Error() != tt.wantText) {
				t.Errorf("Error() = %q, want %q", err, tt.wantText)
			}
		})
	}
}

func withRetries(p planetscale.RetryPolicy, n uint64) planetscale.RetryPolicy {
	p.MaxRetries = n
	return p
}

// TestClient_backoff checks the waits between attempts without jitter:
// doubling from BaseDelay, capped at MaxDelay.
func TestClient_backoff(t *testing.T) {
	t.Parallel()

	faults := make([]sandbox.Fault, 6)
	for i := range faults {
		faults[i] = sandbox.InternalError
	}
	_, url := newDatabaseSandbox(t, faults...)
	p := fastPolicy()
	p.MaxRetries, p.BaseDelay, p.MaxDelay, p.JitterPercent = 6, time.Millisecond, 4*time.Millisecond, 0
	var evs events
	if err := getDatabase(t, testContext(t), url, planetscale.WithRetryPolicy(p), evs.notify()); err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	var got []time.Duration
	for _, ev := range evs {
		got = append(got, ev.Wait)
	}
	ms := time.Millisecond
	if want := []time.Duration{ms, 2 * ms, 4 * ms, 4 * ms, 4 * ms, 4 * ms}; !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

// TestClient_deadlineWhileHanging lets the deadline run out while the
// server holds an answer back: the error says no answer came, naming the
// address, or reports the earlier failure.
func TestClient_deadlineWhileHanging(t *testing.T) {
	t.Parallel()

	hang := sandbox.Fault{Delay: time.Minute}
	tests := []struct {
		name   string
		faults []sandbox.Fault
		// wantLast is the status of the last real failure; 0 when no
		// attempt answered. wantAttempts 0 means several.
		wantLast       int
		wantAttempts   int
		attemptTimeout time.Duration
	}{
		{name: "first_attempt_hangs", faults: []sandbox.Fault{hang}, wantAttempts: 1},
		{name: "every_attempt_hangs", faults: slices.Repeat([]sandbox.Fault{hang}, 20), attemptTimeout: 50 * time.Millisecond},
		{name: "unavailable_then_hang", faults: []sandbox.Fault{sandbox.Unavailable, hang}, wantLast: 503, wantAttempts: 2},
		{name: "rate_limited_then_hang", faults: []sandbox.Fault{sandbox.RateLimited, hang}, wantLast: 429, wantAttempts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, url := newDatabaseSandbox(t, tt.faults...)
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()

			p := withRetries(fastPolicy(), 100) // only the deadline ends these
			if tt.attemptTimeout > 0 {
				p.AttemptTimeout = tt.attemptTimeout
			}
			err := getDatabase(t, ctx, url, planetscale.WithRetryPolicy(p))
			gaveUp := asGaveUp(t, err)
			if !gaveUp.Deadline || (tt.wantAttempts > 0 && gaveUp.Attempts != tt.wantAttempts) || gaveUp.Attempts < 1 {
				t.Errorf("GaveUpError = %+v, want Deadline after %d attempts", gaveUp, tt.wantAttempts)
			}
			msg := err.Error()
			if strings.Contains(msg, "context deadline exceeded") || !strings.Contains(msg, "timeout ran out") || strings.Contains(msg, "could not reach") {
				t.Errorf("Error() = %q, want it to say the timeout ran out, in words", msg)
			}
			if tt.wantLast == 0 {
				if !errors.Is(err, planetscale.ErrNoAnswer) || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error = %v, want ErrNoAnswer and context.DeadlineExceeded", err)
				}
				if want := "no answer from the PlanetScale API at " + url + "/v1/organizations/acme/databases/shop within "; !strings.Contains(msg, want) {
					t.Errorf("Error() = %q, want it to hold %q", msg, want)
				}
				return
			}
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.wantLast {
				t.Errorf("error = %v, want the earlier %d *APIError", err, tt.wantLast)
			}
		})
	}
}

// TestClient_cancelled cancels the call before it starts, while the server
// holds the answer back, and while waiting out a Retry-After: the call
// returns the cancellation itself, never a *GaveUpError, and never asks
// again.
func TestClient_cancelled(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		faults []sandbox.Fault
		// cancelOn says when to cancel: "start", "request" or "retry".
		cancelOn     string
		wantRequests int
	}{
		{name: "before_the_call", cancelOn: "start"},
		{name: "during_an_attempt", faults: []sandbox.Fault{{Delay: time.Minute}}, cancelOn: "request", wantRequests: 1},
		{name: "during_a_retry_wait", faults: []sandbox.Fault{sandbox.RateLimitedFor("20")}, cancelOn: "retry", wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newDatabaseSandbox(t, tt.faults...)
			// The outer deadline turns a call that ignores cancellation into a failure, not a hang.
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			p := fastPolicy()
			p.MaxRetryAfter = time.Minute
			opts := []planetscale.Option{planetscale.WithRetryPolicy(p)}
			switch tt.cancelOn {
			case "start":
				cancel()
			case "request":
				sb.OnRequest(func(int, *http.Request) { cancel() })
			case "retry":
				opts = append(opts, planetscale.WithRetryNotify(func(planetscale.RetryEvent) { cancel() }))
			}

			err := getDatabase(t, ctx, url, opts...)
			if !errors.Is(err, context.Canceled) || errors.As(err, new(*planetscale.GaveUpError)) {
				t.Errorf("GetDatabase() error = %v, want context.Canceled itself", err)
			}
			if got := len(sb.Requests()); got != tt.wantRequests {
				t.Errorf("sandbox got %d requests, want %d", got, tt.wantRequests)
			}
		})
	}
}

// TestClient_expiredBeforeCall calls with a deadline already past: no
// request, and an error that matches context.DeadlineExceeded.
func TestClient_expiredBeforeCall(t *testing.T) {
	t.Parallel()

	sb, url := newDatabaseSandbox(t)
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if err := getDatabase(t, ctx, url); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("GetDatabase() error = %v, want context.DeadlineExceeded", err)
	}
	if got := len(sb.Requests()); got != 0 {
		t.Errorf("sandbox got %d requests, want none", got)
	}
}
