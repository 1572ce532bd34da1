package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// allRoutes is one path per route the sandbox serves.
var allRoutes = []string{
	"/v1/organizations",
	"/v1/organizations/acme",
	"/v1/organizations/acme/databases",
	"/v1/organizations/acme/databases/shop",
	"/v1/organizations/acme/databases/shop/branches",
	"/v1/organizations/acme/databases/shop/deploy-requests",
	"/v1/organizations/acme/databases/shop/deploy-requests/1",
}

// TestServer_FaultsOnAnyRoute: queued faults answer the next requests,
// whatever their route, then the real answers follow.
func TestServer_FaultsOnAnyRoute(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		fault sandbox.Fault
		check func(r response) bool
	}{
		{"rate_limited", sandbox.RateLimitedFor("7"), func(r response) bool {
			return r.status == 429 && r.header.Get("Retry-After") == "7" && r.body["code"] == "rate_limited"
		}},
		{"internal_error", sandbox.InternalError, func(r response) bool { return r.status == 500 && r.body["error"] == "Internal Server Error" }},
		{"unavailable_html", sandbox.Unavailable, func(r response) bool {
			return r.status == 503 && strings.HasPrefix(r.header.Get("Content-Type"), "text/html")
		}},
		{"bad_gateway_text", sandbox.BadGateway, func(r response) bool { return r.status == 502 && strings.HasPrefix(r.raw, "upstream") }},
		{"truncated", sandbox.Truncated, func(r response) bool { return r.status == 200 && strings.HasSuffix(r.raw, `"number":`) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			for _, path := range allRoutes {
				f.s.InjectFaults(tt.fault)
				if r := f.get(path); !tt.check(r) {
					t.Errorf("%s with the fault: %d %v %s", path, r.status, r.header, r.raw)
				}
				if r := f.get(path); r.status != http.StatusOK {
					t.Errorf("%s after the fault: %d, want the real 200", path, r.status)
				}
			}
		})
	}
}

func TestServer_FaultQueueOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.s.InjectFaults(sandbox.RateLimited, sandbox.InternalError)
	for i, want := range []int{429, 500, 200} {
		if r := f.get(allRoutes[i]); r.status != want {
			t.Errorf("request %d = %d, want %d", i+1, r.status, want)
		}
	}
	if got, want := len(f.s.Requests()), 3; got != want {
		t.Errorf("recorded %d requests, want %d", got, want)
	}
}

// TestServer_FailPageOnce: a page fault hits the first request for that
// page of any list, and only lists.
func TestServer_FailPageOnce(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, list string
		page       int
		calls      []string // query strings, in order
		want       []int
	}{
		{"page_2_of_deploy_requests", "/v1/organizations/acme/databases/shop/deploy-requests", 2, []string{"per_page=5&page=1", "per_page=5&page=2", "per_page=5&page=2"}, []int{200, 502, 200}},
		{"page_2_of_branches", "/v1/organizations/acme/databases/shop/branches", 2, []string{"page=2", "page=2"}, []int{502, 200}},
		{"page_1_is_a_request_without_page", "/v1/organizations", 1, []string{"", "page=1"}, []int{502, 200}},
		{"not_on_a_single_object", "/v1/organizations/acme/databases/shop", 1, []string{"", "page=1"}, []int{200, 200}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.s.FailPageOnce(tt.page, sandbox.BadGateway)
			for i, q := range tt.calls {
				if r := f.get(tt.list + "?" + q); r.status != tt.want[i] {
					t.Errorf("call %d (%s) = %d, want %d", i+1, q, r.status, tt.want[i])
				}
			}
		})
	}
}

func TestServer_Disconnect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tr := &http.Transport{DisableKeepAlives: true} // no transparent retry on a reused connection
	defer tr.CloseIdleConnections()
	for _, path := range []string{allRoutes[0], allRoutes[6]} {
		f.s.InjectFaults(sandbox.Disconnect)
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		req.Header.Set("Authorization", auth)
		if res, err := tr.RoundTrip(req); err == nil {
			res.Body.Close()
			t.Errorf("%s: got %d, want a dropped connection", path, res.StatusCode)
		}
	}
}

// TestServer_DelayOnlyFault: a fault with a delay and no status holds the
// real answer back: a client that gives up first gets nothing, and a short
// delay still ends in the real answer.
func TestServer_DelayOnlyFault(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.s.InjectFaults(sandbox.Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+allRoutes[3], nil)
	req.Header.Set("Authorization", auth)
	if res, err := f.srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			res.Body.Close()
		}
		t.Fatalf("held answer: err = %v, want the client's deadline", err)
	}
	f.s.InjectFaults(sandbox.Fault{Delay: time.Millisecond})
	if r := f.get(allRoutes[3]); r.status != 200 || r.body["name"] != "shop" {
		t.Errorf("delayed answer = %d %s, want the real 200", r.status, r.raw)
	}
}
