package planetscale_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// The organization, database and service token the tests use. The secret is
// made up; tests assert that it never shows up in an error.
const (
	testOrg    = "acme"
	testDB     = "shop"
	testID     = "tok1d2e3f4g5"
	testSecret = "pscale_tkn_testSecretValue0001"
	// testOAuth is an OAuth access token.
	testOAuth = "pscale_oauth_testAccessToken0001"
)

var testCreds = planetscale.Credentials{ID: testID, Secret: testSecret}

// testToken is testCreds as the sandbox knows it, with both grants on acme/shop.
var testToken = sandbox.Token{
	ID:     testID,
	Secret: testSecret,
	Grants: map[string][]string{testOrg + "/" + testDB: {"read_deploy_request", "read_database"}},
}

// fastPolicy retries quickly so that tests stay fast; Retry-After is capped
// at 50ms unless a test raises MaxRetryAfter.
func fastPolicy() planetscale.RetryPolicy {
	return planetscale.RetryPolicy{
		BaseDelay:      time.Millisecond,
		MaxDelay:       5 * time.Millisecond,
		MaxRetryAfter:  50 * time.Millisecond,
		MaxRetries:     3,
		JitterPercent:  10,
		AttemptTimeout: 5 * time.Second,
	}
}

// testContext bounds a test's calls so that a regression fails instead of
// hanging; no retry test here waits anywhere near this long.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// openDRs returns n open deploy requests numbered from first downwards
// (newest first, as the API lists them), from branch "feature" into "main".
func openDRs(first, n int) []sandbox.DeployRequest {
	drs := make([]sandbox.DeployRequest, 0, n)
	for i := range n {
		drs = append(drs, sandbox.DeployRequest{
			Number:          first - i,
			Branch:          "feature",
			IntoBranch:      "main",
			State:           "open",
			DeploymentState: "ready",
			Deployable:      true,
		})
	}
	return drs
}

// numbers returns the deploy requests' numbers in order.
func numbers(drs []planetscale.DeployRequest) []int {
	out := make([]int, len(drs))
	for i, dr := range drs {
		out[i] = dr.Number
	}
	return out
}

// sandboxNumbers returns the numbers of the sandbox deploy requests in order.
func sandboxNumbers(drs []sandbox.DeployRequest) []int {
	out := make([]int, len(drs))
	for i, dr := range drs {
		out[i] = dr.Number
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// newSandbox serves acme/shop holding drs, with testToken, on an httptest
// server; it returns the sandbox and the server's base URL.
func newSandbox(t *testing.T, drs []sandbox.DeployRequest, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	db := sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true, DeployRequests: drs}
	all := append([]sandbox.Option{sandbox.WithDatabase(db), sandbox.WithToken(testToken)}, opts...)
	sb := sandbox.New(all...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv.URL
}

// newClient returns a client for baseURL with testCreds and fastPolicy;
// opts come last, so they override both.
func newClient(t *testing.T, baseURL string, opts ...planetscale.Option) *planetscale.Client {
	t.Helper()
	all := append([]planetscale.Option{
		planetscale.WithBaseURL(baseURL),
		planetscale.WithCredentials(testCreds),
		planetscale.WithRetryPolicy(fastPolicy()),
	}, opts...)
	c, err := planetscale.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient() error = %v", err)
	}
	return c
}

// recorder is a hand-written API handler that records what it received.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
}

func (r *recorder) record(req *http.Request) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, req.Clone(context.Background()))
	return len(r.requests)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func (r *recorder) get(i int) *http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[i]
}

// newServer serves h (which gets the 1-based number of the request) on an
// httptest server and records every request.
func newServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*recorder, string) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, rec.record(r))
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %v: %v", v, err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// listBody is a list page envelope of open, unapproved deploy requests with
// every field a list item must have; next and total may be nil (JSON null).
func listBody(current int, next, total any, numbers ...int) map[string]any {
	data := make([]any, 0, len(numbers))
	for _, n := range numbers {
		data = append(data, map[string]any{
			"id": fmt.Sprintf("dr%010d", n), "number": n, "state": "open", "branch": "feature", "into_branch": "main",
			"approved": false, "deployment_state": "ready",
		})
	}
	return map[string]any{
		"type":         "list",
		"current_page": current,
		"next_page":    next,
		"total_count":  total,
		"data":         data,
	}
}

// listPath is the escaped path of acme/shop's deploy request list.
const listPath = "/v1/organizations/" + testOrg + "/databases/" + testDB + "/deploy-requests"

// discardLog is a server error log that drops what it is told (TLS
// handshake failures the tests cause on purpose).
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// reads returns the pages asked for by n reads of a list whose pages are
// pages: reads(2, "1,2") is "1,2,1,2".
func reads(n int, pages string) string {
	return strings.TrimSuffix(strings.Repeat(pages+",", n), ",")
}
