package planetscale_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestClient_requestsCountsRetries: Requests counts every request sent,
// retries included.
func TestClient_requestsCountsRetries(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	sb.InjectFaults(sandbox.Unavailable, sandbox.Unavailable)
	c := newClient(t, url)
	if _, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{}); err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if got, want := c.Requests(), int64(len(sb.Requests())); got != want || got != 3 {
		t.Errorf("Requests() = %d, want %d (the server's count) and 3", got, want)
	}
}

// TestNewClient_paceOptions checks the options' bounds.
func TestNewClient_paceOptions(t *testing.T) {
	t.Parallel()

	tests := []struct {
		opt           planetscale.Option
		name, wantErr string
	}{
		{name: "one_page_at_a_time", opt: planetscale.WithPageConcurrency(1)},
		{name: "eight_pages", opt: planetscale.WithPageConcurrency(8)},
		{name: "no_pages", opt: planetscale.WithPageConcurrency(0), wantErr: "page concurrency 0: want 1 to 8"},
		{name: "nine_pages", opt: planetscale.WithPageConcurrency(9), wantErr: "page concurrency 9: want 1 to 8"},
		{name: "no_budget", opt: planetscale.WithRateLimit(0, 1)},
		{name: "budget", opt: planetscale.WithRateLimit(2.5, 10)},
		{name: "negative_rate", opt: planetscale.WithRateLimit(-1, 10), wantErr: "rate limit -1 a second"},
		{name: "no_burst", opt: planetscale.WithRateLimit(1, 0), wantErr: "a burst of at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := planetscale.NewClient(tt.opt)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("NewClient() error = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("NewClient() error = %v, want it to say %q", err, tt.wantErr)
			}
		})
	}
}

// TestClient_rateLimitedPausesEveryRequest: a 429 with Retry-After holds
// back every request of the client, not only the one that got it: a
// request started during the pause reaches the server no sooner than the
// pause ends (a lower bound: a slow machine only waits longer).
func TestClient_rateLimitedPausesEveryRequest(t *testing.T) {
	t.Parallel()

	var (
		mu       sync.Mutex
		answered time.Time // when the 429 went out
		arrivals []time.Time
		limited  = make(chan struct{}) // closed once the client took the 429
	)
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		defer mu.Unlock()
		if n == 1 {
			answered = time.Now()
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"code": "rate_limited", "message": "slow down"})
			return
		}
		arrivals = append(arrivals, time.Now())
		writeJSON(w, http.StatusOK, listBody(1, nil, 1, 1))
	})
	policy := fastPolicy()
	policy.MaxRetryAfter = 5 * time.Second
	c := newClient(t, url, planetscale.WithRetryPolicy(policy),
		planetscale.WithRetryNotify(func(planetscale.RetryEvent) { close(limited) }))
	errs := make(chan error, 2)
	go func() {
		_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
		errs <- err
	}()
	<-limited
	go func() {
		_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
		errs <- err
	}()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("ListDeployRequests() error = %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 2 {
		t.Fatalf("server got %d requests after the 429, want 2", len(arrivals))
	}
	for i, at := range arrivals {
		// Retry-After counts from when the client read it, after the
		// server began to write it.
		if wait := at.Sub(answered); wait < time.Second {
			t.Errorf("request %d came %s after the 429, want the 1s it asked for", i+2, wait)
		}
	}
}
