package ghsandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

// TestServer_faults serves queued faults to the requests they match, in
// order, and the real answer to the rest.
func TestServer_faults(t *testing.T) {
	t.Parallel()
	reset := time.Unix(1893553445, 0) // 2030-01-02 03:04:05 UTC
	pulls := "/repos/acme/shop/pulls"
	status := "/repos/acme/shop/statuses/" + sha1
	for _, tc := range []struct {
		name       string
		faults     []ghsandbox.Fault
		requests   []string // "METHOD path" in order
		wantStatus []int
		check      func(t *testing.T, last answer)
	}{
		{name: "secondary_rate_limit", faults: []ghsandbox.Fault{ghsandbox.SecondaryRateLimit("7")},
			requests: []string{"GET " + pulls, "GET " + pulls}, wantStatus: []int{403, 200}},
		{name: "secondary_rate_limit_body", faults: []ghsandbox.Fault{ghsandbox.SecondaryRateLimit("7")},
			requests: []string{"GET " + pulls}, wantStatus: []int{403}, check: func(t *testing.T, a answer) {
				if a.header.Get("Retry-After") != "7" || !strings.Contains(a.body, "secondary rate limit") ||
					!strings.Contains(a.body, `rate-limits-for-the-rest-api#about-secondary-rate-limits"`) {
					t.Errorf("answer = %v %s", a.header, a.body)
				}
			}},
		{name: "primary_rate_limit_headers", faults: []ghsandbox.Fault{ghsandbox.PrimaryRateLimit(reset)},
			requests: []string{"GET " + pulls}, wantStatus: []int{403}, check: func(t *testing.T, a answer) {
				if a.header.Get("X-RateLimit-Remaining") != "0" || a.header.Get("X-RateLimit-Reset") != "1893553445" {
					t.Errorf("headers = %v", a.header)
				}
			}},
		{name: "on_one_endpoint", faults: []ghsandbox.Fault{ghsandbox.Forbidden.On(ghsandbox.CreateStatus)},
			requests: []string{"GET " + pulls, "POST " + status, "POST " + status}, wantStatus: []int{200, 403, 201}},
		{name: "times", faults: []ghsandbox.Fault{ghsandbox.ServerError.Times(2)},
			requests: []string{"GET " + pulls, "GET " + pulls, "GET " + pulls}, wantStatus: []int{500, 500, 200}},
		{name: "in_order", faults: []ghsandbox.Fault{ghsandbox.BadGateway, ghsandbox.NotFound},
			requests: []string{"GET " + pulls, "GET " + pulls, "GET " + pulls}, wantStatus: []int{502, 404, 200}},
		{name: "at_page", faults: []ghsandbox.Fault{ghsandbox.ServerError.AtPage(2)},
			requests: []string{"GET " + pulls, "GET " + pulls + "?page=2", "GET " + pulls + "?page=2"}, wantStatus: []int{200, 500, 200}},
		{name: "before_auth", faults: []ghsandbox.Fault{ghsandbox.BadGateway},
			requests: []string{"GET /repos/acme/nothing/pulls"}, wantStatus: []int{502}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newServer(t)
			s.Inject(tc.faults...)
			var last answer
			for i, r := range tc.requests {
				method, path, _ := strings.Cut(r, " ")
				body := ""
				if method == http.MethodPost {
					body = `{"state":"success","context":"c"}`
				}
				last = call(t, method, base+path, "Bearer "+token, body)
				if last.status != tc.wantStatus[i] {
					t.Errorf("request %d (%s): status %d, want %d", i+1, r, last.status, tc.wantStatus[i])
				}
			}
			if tc.check != nil {
				tc.check(t, last)
			}
		})
	}
}

// TestServer_faultApplied carries a request out and then answers with
// the fault, or drops the connection.
func TestServer_faultApplied(t *testing.T) {
	t.Parallel()
	s, base := newServer(t)
	s.Inject(ghsandbox.BadGateway.Applied().On(ghsandbox.CreateComment), ghsandbox.Disconnect.On(ghsandbox.CreateComment))
	want(t, call(t, http.MethodPost, base+"/repos/acme/shop/issues/2/comments", "Bearer "+token, `{"body":"stored"}`), http.StatusBadGateway)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/repos/acme/shop/issues/2/comments", strings.NewReader(`{"body":"lost"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Errorf("a disconnect answered %d", res.StatusCode)
	}
	got := s.Comments("acme/shop", 2)
	if len(got) != 1 || got[0].Body != "stored" {
		t.Errorf("comments = %+v, want only the applied one", got)
	}
}

// TestServer_Requests records every request with its endpoint.
func TestServer_Requests(t *testing.T) {
	t.Parallel()
	s, base := newServer(t)
	call(t, http.MethodGet, base+"/repos/acme/shop/pulls?per_page=100", "Bearer "+token, "")
	call(t, http.MethodGet, base+"/repos/acme/shop/issues/1/comments", "", "")
	got := s.Requests()
	if len(got) != 2 {
		t.Fatalf("requests = %+v", got)
	}
	if r := got[0]; r.Method != "GET" || r.Path != "/repos/acme/shop/pulls" || r.Query != "per_page=100" || r.Endpoint != ghsandbox.ListPulls || !r.Authorized {
		t.Errorf("request 1 = %+v", r)
	}
	if r := got[1]; r.Endpoint != ghsandbox.ListComments || r.Authorized {
		t.Errorf("request 2 = %+v", r)
	}
}
