package ghreport_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// TestClient_retries runs one status write against scripted failures:
// transient ones are retried until the write lands, the rest are not.
func TestClient_retries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		faults   []ghsandbox.Fault
		wantReqs int    // requests the sandbox got
		wantErr  string // "" when the write must land
		is       error
		gaveUp   bool
	}{
		{name: "secondary_rate_limit_with_retry_after", faults: []ghsandbox.Fault{ghsandbox.SecondaryRateLimit("1")}, wantReqs: 2},
		{name: "secondary_rate_limit_429", faults: []ghsandbox.Fault{{Status: http.StatusTooManyRequests,
			Body: `{"message":"too many"}`, Header: map[string]string{"Retry-After": "0"}}}, wantReqs: 2},
		{name: "server_error_twice", faults: []ghsandbox.Fault{ghsandbox.ServerError.Times(2)}, wantReqs: 3},
		{name: "bad_gateway_html", faults: []ghsandbox.Fault{ghsandbox.BadGateway}, wantReqs: 2},
		{name: "connection_cut", faults: []ghsandbox.Fault{ghsandbox.Disconnect}, wantReqs: 2},
		{name: "cut_json_answer", faults: []ghsandbox.Fault{{Status: http.StatusCreated, Body: `{"id":1,"sta`}}, wantReqs: 2},
		{name: "server_error_until_retries_run_out", faults: []ghsandbox.Fault{ghsandbox.ServerError.Times(10)},
			wantReqs: 4, wantErr: "gave up after 4 attempts (the retries ran out): GitHub answered 500: Server Error", gaveUp: true},
		{name: "primary_rate_limit_beyond_the_deadline", faults: []ghsandbox.Fault{ghsandbox.PrimaryRateLimit(time.Now().Add(time.Hour - 10*time.Second))},
			wantReqs: 1, wantErr: "(primary rate limit); it resets in 59m"},
		{name: "validation_error_not_retried", faults: []ghsandbox.Fault{{Status: http.StatusUnprocessableEntity,
			Body: `{"message":"Validation Failed","errors":[{"resource":"Status","code":"custom","field":"target_url","message":"target_url is not a valid URL"}]}`}},
			wantReqs: 1, wantErr: "GitHub answered 422: Validation Failed; target_url is not a valid URL"},
		{name: "errors_without_message", faults: []ghsandbox.Fault{{Status: http.StatusUnprocessableEntity,
			Body: `{"errors":[{"resource":"Status","code":"invalid","field":"state"},{"message":"context is too long"}]}`}},
			wantReqs: 1, wantErr: "GitHub answered 422: invalid state; context is too long"},
		{name: "bad_credentials_not_retried", faults: []ghsandbox.Fault{{Status: http.StatusUnauthorized, Body: `{"message":"Bad credentials"}`}},
			wantReqs: 1, wantErr: "invalid, expired or revoked", is: ghreport.ErrBadCredentials},
		{name: "accepted_is_not_stored", faults: []ghsandbox.Fault{{Status: http.StatusAccepted}}, wantReqs: 1, wantErr: "202"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "/api/v3")
			for _, f := range tc.faults {
				s.Inject(f.On(ghsandbox.CreateStatus))
			}
			var mu sync.Mutex
			var events []httpretry.Event
			c := newClient(t, base, func(cfg *ghreport.Config) {
				cfg.Notify = func(e httpretry.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
			})
			err := c.SetStatus(testContext(t), owner, repo, sha(7), ghreport.Status{State: ghreport.StateFailure, Context: "planetscale/app"})
			if got := countRequests(s, ghsandbox.CreateStatus); got != tc.wantReqs {
				t.Errorf("requests = %d, want %d", got, tc.wantReqs)
			}
			if got := c.Requests(); got != tc.wantReqs {
				t.Errorf("Requests() = %d, want %d", got, tc.wantReqs)
			}
			checkClean(t, err)
			mu.Lock()
			for _, e := range events {
				checkClean(t, e.Err)
			}
			mu.Unlock()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("SetStatus: %v", err)
				}
				if _, ok := s.LatestStatus(full, sha(7), "planetscale/app"); !ok {
					t.Error("the status was not stored")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			var gaveUp *httpretry.GaveUpError
			if got := errors.As(err, &gaveUp); got != tc.gaveUp {
				t.Errorf("GaveUpError = %v, want %v (err %v)", got, tc.gaveUp, err)
			}
		})
	}
}

// TestClient_retryAfterHonoured checks the wait before the next attempt
// is the one a secondary rate limit asked for.
func TestClient_retryAfterHonoured(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	s.Inject(ghsandbox.SecondaryRateLimit("2").On(ghsandbox.CreateStatus))
	var waits []time.Duration
	c := newClient(t, base, func(cfg *ghreport.Config) {
		cfg.Notify = func(e httpretry.Event) { waits = append(waits, e.Wait) }
	})
	if err := c.SetStatus(testContext(t), owner, repo, sha(1), ghreport.Status{State: ghreport.StateSuccess, Context: "c"}); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if len(waits) != 1 || waits[0] < 2*time.Second {
		t.Errorf("waits = %v, want one of at least 2s", waits)
	}
}

// TestClient_cancelled returns the caller's cancellation, not a retry.
func TestClient_cancelled(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	s.Inject(ghsandbox.SecondaryRateLimit("3").On(ghsandbox.CombinedStatus))
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	c := newClient(t, base, func(cfg *ghreport.Config) {
		cfg.Notify = func(httpretry.Event) { cancel() } // the job is cancelled during the wait
	})
	_, _, err := c.LatestStatus(ctx, owner, repo, sha(1), "c")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if got := countRequests(s, ghsandbox.CombinedStatus); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

// TestClient_retryAfterPastADuration sends a Retry-After of more seconds
// than a time.Duration holds (1e10 s wraps time.Duration(n)*time.Second):
// it must read as a very long wait, so the client gives up at once with
// the wait asked for, instead of retrying at once on a wrapped wait.
func TestClient_retryAfterPastADuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault ghsandbox.Fault
	}{
		{name: "server_error", fault: ghsandbox.Fault{Status: http.StatusServiceUnavailable, Body: `{"message":"busy"}`,
			Header: map[string]string{"Retry-After": "10000000000"}}},
		{name: "secondary_rate_limit", fault: ghsandbox.SecondaryRateLimit("99999999999999999999")},
		{name: "rate_limited_429", fault: ghsandbox.Fault{Status: http.StatusTooManyRequests, Body: `{"message":"slow down"}`,
			Header: map[string]string{"Retry-After": "18446744073"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			s.Inject(tc.fault.Times(10).On(ghsandbox.CreateStatus))
			c := newClient(t, base)
			ctx, cancel := context.WithTimeout(testContext(t), 3*time.Second)
			defer cancel()
			err := c.SetStatus(ctx, owner, repo, sha(2), ghreport.Status{State: ghreport.StateSuccess, Context: "c"})
			var gaveUp *httpretry.GaveUpError
			if !errors.As(err, &gaveUp) || gaveUp.Wait != httpretry.MaxRetryAfterWait {
				t.Fatalf("err = %v, want a GaveUpError asking for %v", err, httpretry.MaxRetryAfterWait)
			}
			if got := countRequests(s, ghsandbox.CreateStatus); got != 1 {
				t.Errorf("requests = %d, want 1: a wrapped wait retried at once", got)
			}
			checkClean(t, err)
		})
	}
}

// TestClient_secondaryRateLimitWithoutRetryAfter: GitHub's 403 for a
// secondary rate limit with no Retry-After is retried (after GitHub's
// minute, capped here by MaxRetryAfter) and then succeeds, on GraphQL as
// on REST; it is no missing permission.
func TestClient_secondaryRateLimitWithoutRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		endpoint ghsandbox.Endpoint
		call     func(ctx context.Context, c *ghreport.Client) error
	}{
		{"graphql", ghsandbox.GraphQL, func(ctx context.Context, c *ghreport.Client) error {
			pulls, err := c.OpenPulls(ctx, owner, repo, "ctx")
			if err == nil && len(pulls) != 150 {
				err = errors.New("not every pull request listed")
			}
			return err
		}},
		{"rest", ghsandbox.CreateStatus, func(ctx context.Context, c *ghreport.Client) error {
			return c.SetStatus(ctx, owner, repo, sha(7), ghreport.Status{State: ghreport.StateFailure, Context: "planetscale/app"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			seedPulls(s, 150)
			s.Inject(ghsandbox.SecondaryRateLimit("").On(tc.endpoint))
			var mu sync.Mutex
			var events []httpretry.Event
			c := newClient(t, base, func(cfg *ghreport.Config) {
				cfg.Retry.MaxRetryAfter = 10 * time.Millisecond
				cfg.Notify = func(e httpretry.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
			})
			if err := tc.call(testContext(t), c); err != nil {
				t.Fatalf("err = %v, want success after one retry", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(events) != 1 || errors.Is(events[0].Err, ghreport.ErrPermission) ||
				!strings.Contains(events[0].Err.Error(), "You have exceeded a secondary rate limit") {
				t.Errorf("retries = %+v, want one for the secondary rate limit", events)
			}
			want := map[ghsandbox.Endpoint]int{ghsandbox.GraphQL: 3, ghsandbox.CreateStatus: 2}[tc.endpoint]
			if got := countRequests(s, tc.endpoint); got != want {
				t.Errorf("requests to %s = %d, want %d", tc.endpoint, got, want)
			}
		})
	}
}
