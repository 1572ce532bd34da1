package planetscale_test

import (
	"context"
	"errors"
	"net/http"
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

func isNetworkError(err error) bool {
	var netErr *planetscale.NetworkError
	return errors.As(err, &netErr)
}

func TestListDeployRequests_retriesTransientFailures(t *testing.T) {
	t.Parallel()

	isServer := func(err error) bool { return errors.Is(err, planetscale.ErrServer) }
	tests := []struct {
		name   string
		faults []sandbox.Fault
		// check tells whether a retry event's error is the right one.
		check func(error) bool
	}{
		{name: "rate_limited", faults: []sandbox.Fault{sandbox.RateLimited}, check: func(err error) bool { return errors.Is(err, planetscale.ErrRateLimited) }},
		{name: "internal_error", faults: []sandbox.Fault{sandbox.InternalError}, check: func(err error) bool {
			var apiErr *planetscale.APIError
			return errors.As(err, &apiErr) && apiErr.StatusCode == 500 && apiErr.Message == "Internal Server Error"
		}},
		{name: "bad_gateway_text", faults: []sandbox.Fault{sandbox.BadGateway}, check: isServer},
		{name: "unavailable_html", faults: []sandbox.Fault{sandbox.Unavailable}, check: func(err error) bool {
			var apiErr *planetscale.APIError
			return errors.As(err, &apiErr) && apiErr.StatusCode == 503 && strings.HasPrefix(apiErr.Message, "an HTML page")
		}},
		{name: "disconnect", faults: []sandbox.Fault{sandbox.Disconnect}, check: isNetworkError},
		{name: "truncated_json", faults: []sandbox.Fault{sandbox.Truncated}, check: func(err error) bool {
			return strings.Contains(err.Error(), "cut off")
		}},
		{name: "gateway_timeout", faults: []sandbox.Fault{{Status: http.StatusGatewayTimeout}}, check: isServer},
		{
			// The disconnect comes first: on a reused connection net/http
			// itself resends an idempotent request, which the client never sees.
			name:   "three_in_a_row",
			faults: []sandbox.Fault{sandbox.Disconnect, sandbox.InternalError, sandbox.RateLimited},
			check: func(err error) bool {
				return isServer(err) || isNetworkError(err) || errors.Is(err, planetscale.ErrRateLimited)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			drs := openDRs(3, 3)
			sb, url := newSandbox(t, drs)
			sb.InjectFaults(tt.faults...)
			var evs events
			c := newClient(t, url, evs.notify())

			got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
			if err != nil {
				t.Fatalf("ListDeployRequests() error = %v", err)
			}
			if got, want := numbers(got), sandboxNumbers(drs); !equalInts(got, want) {
				t.Errorf("ListDeployRequests() numbers = %v, want %v", got, want)
			}
			if got, want := len(sb.Requests()), len(tt.faults)+1; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
			if got, want := len(evs), len(tt.faults); got != want {
				t.Fatalf("got %d retry events, want %d", got, want)
			}
			for i, ev := range evs {
				if got, want := ev.Attempt, i+1; got != want {
					t.Errorf("event %d Attempt = %d, want %d", i, got, want)
				}
				if ev.Err == nil || !tt.check(ev.Err) {
					t.Errorf("event %d Err = %T %v, not the failure injected", i, ev.Err, ev.Err)
				}
				if ev.Wait <= 0 || ev.Wait > 50*time.Millisecond {
					t.Errorf("event %d Wait = %v, want a short backoff", i, ev.Wait)
				}
			}
		})
	}
}

// TestListDeployRequests_retriesFailedPage fails page 2 once: the walk
// retries that page and goes on, without starting again or skipping.
func TestListDeployRequests_retriesFailedPage(t *testing.T) {
	t.Parallel()

	for _, f := range []sandbox.Fault{sandbox.Unavailable, sandbox.Truncated, sandbox.RateLimited} {
		drs := openDRs(250, 250)
		sb, url := newSandbox(t, drs)
		sb.FailPageOnce(2, f)
		c := newClient(t, url)
		got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
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
		if got, want := strings.Join(pages, ","), "1,2,2,3"; got != want {
			t.Errorf("pages asked for = %s, want %s", got, want)
		}
	}
}

// TestListDeployRequests_retriesCutTransfer cuts a 200 answer off before
// its declared Content-Length.
func TestListDeployRequests_retriesCutTransfer(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"data":[{"number":1},`))
			return // the server closes the connection: the body ends early
		}
		writeJSON(w, http.StatusOK, listBody(1, nil, 2, 1, 2))
	})
	c := newClient(t, url)
	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := numbers(got), []int{1, 2}; !equalInts(got, want) {
		t.Errorf("numbers = %v, want %v", got, want)
	}
	if got, want := rec.count(), 2; got != want {
		t.Errorf("server got %d requests, want %d", got, want)
	}
}

func TestListDeployRequests_clientErrorsNotRetried(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		fault   sandbox.Fault
		wantIs  error // nil: no sentinel matches
		wantErr string
	}{
		{
			name:    "bad_request",
			fault:   sandbox.Fault{Status: http.StatusBadRequest, Body: `{"code":"bad_request","message":"Invalid page"}`},
			wantErr: "PlanetScale API answered 400 Bad Request (bad_request: Invalid page)",
		},
		{
			name:    "unauthorized",
			fault:   sandbox.Fault{Status: http.StatusUnauthorized, Body: `{"code":"unauthorized","message":"The access token is invalid"}`},
			wantIs:  planetscale.ErrUnauthorized,
			wantErr: "PlanetScale API answered 401 Unauthorized (unauthorized: The access token is invalid)",
		},
		{
			name:    "forbidden",
			fault:   sandbox.Fault{Status: http.StatusForbidden, Body: `{"code":"forbidden","message":"Forbidden"}`},
			wantIs:  planetscale.ErrForbidden,
			wantErr: "PlanetScale API answered 403 Forbidden (forbidden: Forbidden)",
		},
		{
			name:    "not_found",
			fault:   sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`},
			wantIs:  planetscale.ErrNotFound,
			wantErr: "PlanetScale API answered 404 Not Found (not_found: Not Found)",
		},
		{
			name:    "unprocessable_html",
			fault:   sandbox.Fault{Status: http.StatusUnprocessableEntity, ContentType: "text/html", Body: "<html><body>Nope</body></html>"},
			wantErr: "PlanetScale API answered 422 Unprocessable Entity (an HTML page instead of JSON: Nope)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(3, 3))
			sb.InjectFaults(tt.fault)
			var evs events
			c := newClient(t, url, evs.notify())
			_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if err == nil {
				t.Fatal("ListDeployRequests() error = nil, want an error")
			}
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListDeployRequests() error = %T %v, want an *APIError in the chain", err, err)
			}
			if got, want := apiErr.StatusCode, tt.fault.Status; got != want {
				t.Errorf("StatusCode = %d, want %d", got, want)
			}
			if got, want := apiErr.Error(), tt.wantErr; got != want {
				t.Errorf("APIError.Error() = %q, want %q", got, want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantIs)
			}
			for _, s := range []error{planetscale.ErrServer, planetscale.ErrRateLimited} {
				if errors.Is(err, s) {
					t.Errorf("errors.Is(%v, %v) = true, want false", err, s)
				}
			}
			var gaveUp *planetscale.GaveUpError
			if errors.As(err, &gaveUp) {
				t.Errorf("ListDeployRequests() error = %v, want no *GaveUpError for a %d", err, tt.fault.Status)
			}
			if got, want := len(sb.Requests()), 1; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
			if got, want := len(evs), 0; got != want {
				t.Errorf("got %d retry events, want %d", got, want)
			}
		})
	}
}

func TestListDeployRequests_retriesExhausted(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.InternalError, sandbox.RateLimited, sandbox.InternalError, sandbox.InternalError)
	p := fastPolicy()
	p.MaxRetries = 2
	c := newClient(t, url, planetscale.WithRetryPolicy(p))

	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("ListDeployRequests() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Attempts, 3; got != want {
		t.Errorf("Attempts = %d, want %d", got, want)
	}
	if gaveUp.Deadline {
		t.Error("Deadline = true, want false: the retries ran out, not the time")
	}
	var apiErr *planetscale.APIError
	if !errors.As(gaveUp.Unwrap(), &apiErr) {
		t.Fatalf("Unwrap() = %T %v, want the last *APIError", gaveUp.Unwrap(), gaveUp.Unwrap())
	}
	if got, want := apiErr.StatusCode, 500; got != want {
		t.Errorf("last StatusCode = %d, want %d (the third answer)", got, want)
	}
	if !errors.Is(err, planetscale.ErrServer) {
		t.Errorf("errors.Is(%v, ErrServer) = false, want true", err)
	}
	if got, want := err.Error(), "list deploy requests: page 1: gave up after 3 attempts (the retries ran out): PlanetScale API answered 500 Internal Server Error (Internal Server Error)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := len(sb.Requests()), 3; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}

func TestListDeployRequests_noRetries(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.Unavailable)
	p := fastPolicy()
	p.MaxRetries = 0
	c := newClient(t, url, planetscale.WithRetryPolicy(p))
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("ListDeployRequests() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Attempts, 1; got != want {
		t.Errorf("Attempts = %d, want %d", got, want)
	}
	if got, want := len(sb.Requests()), 1; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}

// TestListDeployRequests_noJitter uses a policy without jitter, which
// WithRetryPolicy accepts.
func TestListDeployRequests_noJitter(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.InternalError, sandbox.InternalError)
	p := fastPolicy()
	p.JitterPercent = 0
	var evs events
	c := newClient(t, url, planetscale.WithRetryPolicy(p), evs.notify())
	if _, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{}); err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := len(evs), 2; got != want {
		t.Fatalf("got %d retry events, want %d", got, want)
	}
	// Without jitter the waits are exactly the doubling backoff.
	for i, want := range []time.Duration{p.BaseDelay, 2 * p.BaseDelay} {
		if got := evs[i].Wait; got != want {
			t.Errorf("event %d Wait = %v, want %v", i, got, want)
		}
	}
}

func TestListDeployRequests_backoffCapped(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	faults := make([]sandbox.Fault, 6)
	for i := range faults {
		faults[i] = sandbox.InternalError
	}
	sb.InjectFaults(faults...)
	p := fastPolicy()
	p.MaxRetries, p.BaseDelay, p.MaxDelay, p.JitterPercent = 6, time.Millisecond, 4*time.Millisecond, 0
	var evs events
	c := newClient(t, url, planetscale.WithRetryPolicy(p), evs.notify())
	if _, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{}); err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	var got []time.Duration
	for _, ev := range evs {
		got = append(got, ev.Wait)
	}
	want := []time.Duration{1, 2, 4, 4, 4, 4}
	if len(got) != len(want) {
		t.Fatalf("waits = %v, want %v ms", got, want)
	}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Errorf("waits = %v, want %v ms", got, want)
			break
		}
	}
}

func TestListDeployRequests_retryAfter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		retryAfter func() string
		maxWait    time.Duration // MaxRetryAfter
		// The wait must lie in [wantMin, wantMax].
		wantMin, wantMax time.Duration
	}{
		{
			name:       "seconds",
			retryAfter: func() string { return "1" },
			maxWait:    5 * time.Second,
			wantMin:    time.Second,
			wantMax:    time.Second,
		},
		{
			name: "http_date",
			// An HTTP date has whole seconds: 2s from now is 1–2s away.
			retryAfter: func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) },
			maxWait:    5 * time.Second,
			wantMin:    800 * time.Millisecond,
			wantMax:    2 * time.Second,
		},
		{
			name:       "seconds_capped",
			retryAfter: func() string { return "3600" },
			maxWait:    50 * time.Millisecond,
			wantMin:    50 * time.Millisecond,
			wantMax:    50 * time.Millisecond,
		},
		{
			name:       "http_date_capped",
			retryAfter: func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) },
			maxWait:    50 * time.Millisecond,
			wantMin:    50 * time.Millisecond,
			wantMax:    50 * time.Millisecond,
		},
		{
			name:       "unreadable_ignored",
			retryAfter: func() string { return "soon" },
			maxWait:    5 * time.Second,
			wantMin:    time.Microsecond,
			wantMax:    10 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(3, 3))
			sb.InjectFaults(sandbox.RateLimitedFor(tt.retryAfter()))
			p := fastPolicy()
			p.MaxRetryAfter = tt.maxWait
			var evs events
			c := newClient(t, url, planetscale.WithRetryPolicy(p), evs.notify())

			start := time.Now()
			_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("ListDeployRequests() error = %v", err)
			}
			if got, want := len(evs), 1; got != want {
				t.Fatalf("got %d retry events, want %d", got, want)
			}
			if got := evs[0].Wait; got < tt.wantMin || got > tt.wantMax {
				t.Errorf("Wait = %v, want between %v and %v", got, tt.wantMin, tt.wantMax)
			}
			if elapsed < evs[0].Wait {
				t.Errorf("the call took %v, less than the wait of %v it announced", elapsed, evs[0].Wait)
			}
			if got, want := len(sb.Requests()), 2; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
		})
	}
}

// TestListDeployRequests_retryAfterPastDeadline asks for a wait longer than
// the time left: the client gives up at once and says why.
func TestListDeployRequests_retryAfterPastDeadline(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.RateLimitedFor("60"))
	p := fastPolicy()
	p.MaxRetryAfter = 10 * time.Minute
	c := newClient(t, url, planetscale.WithRetryPolicy(p))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()

	_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if ctx.Err() != nil {
		t.Errorf("ListDeployRequests() returned after the deadline, want it to give up at once")
	}
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("ListDeployRequests() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Wait, time.Minute; got != want {
		t.Errorf("Wait = %v, want %v", got, want)
	}
	if !gaveUp.Deadline {
		t.Error("Deadline = false, want true")
	}
	if got, want := gaveUp.Attempts, 1; got != want {
		t.Errorf("Attempts = %d, want %d", got, want)
	}
	var apiErr *planetscale.APIError
	if !errors.As(gaveUp.Unwrap(), &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Errorf("Unwrap() = %v, want the 429 *APIError", gaveUp.Unwrap())
	}
	if !errors.Is(err, planetscale.ErrRateLimited) {
		t.Errorf("errors.Is(%v, ErrRateLimited) = false, want true", err)
	}
	if got, want := err.Error(), "the API asked to wait 1m0s, longer than the time left"; !strings.Contains(got, want) {
		t.Errorf("Error() = %q, want it to say %q", got, want)
	}
	if got, want := len(sb.Requests()), 1; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}

// TestListDeployRequests_backoffPastDeadline has a backoff, not the API's
// Retry-After, run past the deadline: the error must not blame the API.
func TestListDeployRequests_backoffPastDeadline(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.RateLimitedFor("1"))
	p := planetscale.RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Minute, MaxRetryAfter: time.Minute, MaxRetries: 3}
	c := newClient(t, url, planetscale.WithRetryPolicy(p))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()

	_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("ListDeployRequests() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Wait, time.Duration(0); got != want {
		t.Errorf("Wait = %v, want %v: the API asked for 1s, which fits in the time left", got, want)
	}
	if !gaveUp.Deadline {
		t.Error("Deadline = false, want true")
	}
	if strings.Contains(err.Error(), "asked to wait") {
		t.Errorf("Error() = %q, want it not to blame the API's Retry-After", err)
	}
	if !errors.Is(err, planetscale.ErrRateLimited) {
		t.Errorf("errors.Is(%v, ErrRateLimited) = false, want true", err)
	}
}

// TestListDeployRequests_deadlineWhileHanging lets the timeout run out
// while the server holds an answer back.
func TestListDeployRequests_deadlineWhileHanging(t *testing.T) {
	t.Parallel()

	hang := sandbox.Fault{Delay: time.Minute}
	tests := []struct {
		name   string
		faults []sandbox.Fault
		// wantLast is the status of the last real failure; 0 when there was none.
		wantLast     int
		wantAttempts int
	}{
		{name: "first_attempt_hangs", faults: []sandbox.Fault{hang}, wantAttempts: 1},
		{name: "unavailable_then_hang", faults: []sandbox.Fault{sandbox.Unavailable, hang}, wantLast: 503, wantAttempts: 2},
		{name: "rate_limited_then_hang", faults: []sandbox.Fault{sandbox.RateLimited, hang}, wantLast: 429, wantAttempts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(3, 3))
			sb.InjectFaults(tt.faults...)
			c := newClient(t, url)
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()

			_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			var gaveUp *planetscale.GaveUpError
			if !errors.As(err, &gaveUp) {
				t.Fatalf("ListDeployRequests() error = %T %v, want a *GaveUpError", err, err)
			}
			if !gaveUp.Deadline {
				t.Error("Deadline = false, want true")
			}
			if got, want := gaveUp.Attempts, tt.wantAttempts; got != want {
				t.Errorf("Attempts = %d, want %d", got, want)
			}
			if strings.Contains(err.Error(), "context deadline exceeded") {
				t.Errorf("Error() = %q, want it to explain instead of saying context deadline exceeded", err)
			}
			if !strings.Contains(err.Error(), "timeout ran out") {
				t.Errorf("Error() = %q, want it to say the timeout ran out", err)
			}
			if tt.wantLast == 0 {
				if gaveUp.Last != nil {
					t.Errorf("Last = %v, want nil: no attempt answered", gaveUp.Last)
				}
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("errors.Is(%v, context.DeadlineExceeded) = false, want true", err)
				}
				return
			}
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListDeployRequests() error = %v, want the earlier *APIError", err)
			}
			if got, want := apiErr.StatusCode, tt.wantLast; got != want {
				t.Errorf("last StatusCode = %d, want %d", got, want)
			}
			if got, want := err.Error(), "PlanetScale API answered "; !strings.Contains(got, want) {
				t.Errorf("Error() = %q, want it to report the earlier answer", got)
			}
		})
	}
}

// TestListDeployRequests_attemptTimeout retries an attempt that hangs
// longer than AttemptTimeout.
func TestListDeployRequests_attemptTimeout(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.Fault{Delay: time.Minute})
	p := fastPolicy()
	p.AttemptTimeout = 100 * time.Millisecond
	var evs events
	c := newClient(t, url, planetscale.WithRetryPolicy(p), evs.notify())

	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := len(got), 3; got != want {
		t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
	}
	if got, want := len(sb.Requests()), 2; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
	if got, want := len(evs), 1; got != want {
		t.Fatalf("got %d retry events, want %d", got, want)
	}
	if !isNetworkError(evs[0].Err) || !strings.Contains(evs[0].Err.Error(), "timed out") {
		t.Errorf("event Err = %T %v, want a *NetworkError saying the request timed out", evs[0].Err, evs[0].Err)
	}
	if strings.Contains(evs[0].Err.Error(), "?") {
		t.Errorf("event Err = %q, want the URL without its query", evs[0].Err)
	}
}

// TestListDeployRequests_cancelDuringAttempt cancels while the server holds
// the answer back: the call returns the cancellation, not a retry.
func TestListDeployRequests_cancelDuringAttempt(t *testing.T) {
	t.Parallel()

	started := make(chan struct{})
	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			close(started)
		}
		<-r.Context().Done()
	})
	c := newClient(t, url)
	// The outer deadline turns a call that ignores cancellation into a failure, not a hang.
	ctx, cancel := context.WithCancel(testContext(t))
	go func() {
		<-started
		cancel()
	}()

	_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ListDeployRequests() error = %v, want context.Canceled", err)
	}
	var gaveUp *planetscale.GaveUpError
	if errors.As(err, &gaveUp) {
		t.Errorf("ListDeployRequests() error = %v, want no *GaveUpError on cancellation", err)
	}
	if got, want := rec.count(), 1; got != want {
		t.Errorf("server got %d requests, want %d", got, want)
	}
}

// TestListDeployRequests_cancelDuringWait cancels while waiting out a
// Retry-After.
func TestListDeployRequests_cancelDuringWait(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.RateLimitedFor("20"))
	p := fastPolicy()
	p.MaxRetryAfter = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := newClient(t, url, planetscale.WithRetryPolicy(p), planetscale.WithRetryNotify(func(planetscale.RetryEvent) { cancel() }))

	_, err := c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ListDeployRequests() error = %v, want context.Canceled", err)
	}
	if got, want := len(sb.Requests()), 1; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}

func TestListDeployRequests_contextDoneBeforeCall(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		ctx     func() context.Context
		wantErr error
	}{
		{
			name: "cancelled",
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			wantErr: context.Canceled,
		},
		{
			name: "expired",
			ctx: func() context.Context {
				ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
				t.Cleanup(cancel)
				return ctx
			},
			wantErr: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb, url := newSandbox(t, openDRs(3, 3))
			c := newClient(t, url)
			_, err := c.ListDeployRequests(tt.ctx(), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ListDeployRequests() error = %v, want %v", err, tt.wantErr)
			}
			if got, want := len(sb.Requests()), 0; got != want {
				t.Errorf("sandbox got %d requests, want %d", got, want)
			}
		})
	}
}
