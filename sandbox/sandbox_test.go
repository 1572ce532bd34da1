package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

var token = sandbox.Token{ID: "tok123456789", Secret: "pscale_tkn_sandboxTest", Grants: map[string][]string{
	"acme/shop": {"read_deploy_request", "read_database"},
	"acme/blog": {"read_branch"},
}}

func newServer(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	var drs []sandbox.DeployRequest
	for n := 1; n <= 30; n++ {
		state := "open"
		if n%3 == 0 {
			state = "closed"
		}
		into := "main"
		if n%5 == 0 {
			into = "staging"
		}
		drs = append(drs, sandbox.DeployRequest{Number: n, Branch: fmt.Sprintf("b%d", n), IntoBranch: into, State: state, DeploymentState: "ready"})
	}
	opts = append([]sandbox.Option{
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "shop", RequireApproval: true, DeployRequests: drs}),
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "blog"}),
		sandbox.WithToken(token),
	}, opts...)
	s := sandbox.New(opts...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// get calls the server with the token and decodes a JSON body into a map.
func get(t *testing.T, srv *httptest.Server, auth, path string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, body)
		}
	}
	return res.StatusCode, res.Header, m
}

const auth = "tok123456789:pscale_tkn_sandboxTest"

func TestServer_Auth(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"service_token", auth, 200},
		{"bearer_scheme_refused", "Bearer " + auth, 401},
		{"wrong_secret", "tok123456789:pscale_tkn_wrong", 401},
		{"none", "", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, _, body := get(t, srv, tc.auth, "/v1/organizations/acme/databases/shop/deploy-requests")
			if status != tc.want {
				t.Fatalf("status = %d, want %d", status, tc.want)
			}
			if tc.want == 401 && body["code"] != "unauthorized" {
				t.Errorf("401 body = %v, want code unauthorized", body)
			}
		})
	}
}

func TestServer_MissingGrantIs404(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	for _, path := range []string{
		"/v1/organizations/acme/databases/blog/deploy-requests", // read_branch only
		"/v1/organizations/acme/databases/nope/deploy-requests",
		"/v1/organizations/other/databases/shop/deploy-requests",
		"/v1/organizations/other/databases/shop",
	} {
		status, _, body := get(t, srv, auth, path)
		if status != 404 || body["code"] != "not_found" || body["message"] != "Not Found" {
			t.Errorf("%s: %d %v, want 404 not_found", path, status, body)
		}
	}
	// Any database grant reads the database itself.
	if status, _, _ := get(t, srv, auth, "/v1/organizations/acme/databases/blog"); status != 200 {
		t.Errorf("get database with read_branch: %d, want 200", status)
	}
}

func TestServer_ListPagesAndFilters(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t, sandbox.WithMaxPerPage(8))
	var numbers []float64
	for page := 1; ; page++ {
		status, _, body := get(t, srv, auth, fmt.Sprintf("/v1/organizations/acme/databases/shop/deploy-requests?state=open&into_branch=main&per_page=100&page=%d", page))
		if status != 200 {
			t.Fatalf("page %d: status %d", page, status)
		}
		if body["type"] != "list" || body["current_page"] != float64(page) || body["per_page"] != float64(8) {
			t.Fatalf("page %d envelope = %v", page, body)
		}
		for _, item := range body["data"].([]any) {
			dr := item.(map[string]any)
			if dr["state"] != "open" || dr["into_branch"] != "main" {
				t.Errorf("filter let through %v", dr)
			}
			if dr["notes"] != nil {
				t.Errorf("notes = %v, want null", dr["notes"])
			}
			numbers = append(numbers, dr["number"].(float64))
		}
		if body["next_page"] == nil {
			if body["next_page_url"] != nil {
				t.Errorf("last page has next_page_url %v", body["next_page_url"])
			}
			if got, want := body["total_count"], float64(len(numbers)); got != want {
				t.Errorf("total_count = %v, want %v", got, want)
			}
			break
		}
		if body["next_page"] != float64(page+1) {
			t.Fatalf("next_page = %v after page %d", body["next_page"], page)
		}
	}
	// 30 requests, every third closed, every fifth into staging: 16 remain.
	if got, want := len(numbers), 16; got != want {
		t.Errorf("listed %d, want %d: %v", got, want, numbers)
	}
}

func TestServer_DefaultPaging(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	_, _, body := get(t, srv, auth, "/v1/organizations/acme/databases/shop/deploy-requests")
	if got, want := len(body["data"].([]any)), 25; got != want {
		t.Errorf("default page size = %d, want the API's 25", got)
	}
	if status, _, _ := get(t, srv, auth, "/v1/organizations/acme/databases/shop/deploy-requests?page=0"); status != 400 {
		t.Errorf("page=0: status %d, want 400", status)
	}
}

func TestServer_Database(t *testing.T) {
	t.Parallel()
	_, srv := newServer(t)
	status, _, body := get(t, srv, auth, "/v1/organizations/acme/databases/shop")
	if status != 200 || body["require_approval_for_deploy"] != true || body["name"] != "shop" {
		t.Errorf("get database = %d %v", status, body)
	}
}

func TestServer_Faults(t *testing.T) {
	t.Parallel()
	s, srv := newServer(t)
	s.InjectFaults(sandbox.RateLimitedFor("7"), sandbox.InternalError, sandbox.Unavailable)
	path := "/v1/organizations/acme/databases/shop/deploy-requests"
	status, h, body := get(t, srv, auth, path)
	if status != 429 || h.Get("Retry-After") != "7" || body["code"] != "rate_limited" {
		t.Errorf("first = %d %v %v, want 429 with Retry-After 7", status, h, body)
	}
	if status, _, body := get(t, srv, auth, path); status != 500 || body["error"] != "Internal Server Error" {
		t.Errorf("second = %d %v, want the 500 body", status, body)
	}
	if status, h, _ := get(t, srv, auth, path); status != 503 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Errorf("third = %d %v, want a 503 HTML page", status, h)
	}
	if status, _, _ := get(t, srv, auth, path); status != 200 {
		t.Errorf("after the faults: %d, want 200", status)
	}
	if got, want := len(s.Requests()), 4; got != want {
		t.Errorf("recorded %d requests, want %d", got, want)
	}
}

func TestServer_FailPageOnce(t *testing.T) {
	t.Parallel()
	s, srv := newServer(t)
	s.FailPageOnce(2, sandbox.BadGateway)
	path := "/v1/organizations/acme/databases/shop/deploy-requests?per_page=5&page="
	for i, want := range []int{200, 502, 200} {
		page := []string{"1", "2", "2"}[i]
		if status, _, _ := get(t, srv, auth, path+page); status != want {
			t.Errorf("request %d (page %s) = %d, want %d", i+1, page, status, want)
		}
	}
}

func TestServer_Disconnect(t *testing.T) {
	t.Parallel()
	s, srv := newServer(t)
	s.InjectFaults(sandbox.Disconnect)
	tr := &http.Transport{DisableKeepAlives: true} // no transparent retry on a reused connection
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/organizations/acme/databases/shop/deploy-requests", nil)
	req.Header.Set("Authorization", auth)
	if res, err := tr.RoundTrip(req); err == nil {
		res.Body.Close()
		t.Fatalf("got %d, want a dropped connection", res.StatusCode)
	}
}

func TestServer_PagingBugs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		bug      sandbox.PagingBug
		page     string
		wantPage float64
		wantNext any
	}{
		{"ignores_page", sandbox.PagingIgnoresPage, "3", 1, float64(2)},
		{"stuck", sandbox.PagingStuck, "2", 2, float64(2)},
		{"endless", sandbox.PagingEndless, "99", 99, float64(100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, srv := newServer(t, sandbox.WithPagingBug(tc.bug))
			_, _, body := get(t, srv, auth, "/v1/organizations/acme/databases/shop/deploy-requests?per_page=5&page="+tc.page)
			if body["current_page"] != tc.wantPage || body["next_page"] != tc.wantNext {
				t.Errorf("current_page %v next_page %v, want %v %v", body["current_page"], body["next_page"], tc.wantPage, tc.wantNext)
			}
		})
	}
}

func TestServer_OmitDeployment(t *testing.T) {
	t.Parallel()
	s := sandbox.New(sandbox.WithToken(token), sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "shop",
		DeployRequests: []sandbox.DeployRequest{{Number: 1, State: "open", DeploymentState: "queued", OmitDeployment: true, Notes: "hi"}}}))
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	_, _, body := get(t, srv, auth, "/v1/organizations/acme/databases/shop/deploy-requests")
	dr := body["data"].([]any)[0].(map[string]any)
	if _, ok := dr["deployment"]; ok {
		t.Errorf("deployment present: %v", dr["deployment"])
	}
	if dr["notes"] != "hi" {
		t.Errorf("notes = %v, want hi", dr["notes"])
	}
}

func TestListen(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := sandbox.NewScenario("approved", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Server.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url = %q, want loopback", url)
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/v1/organizations/acme/databases/shop", nil)
	req.Header.Set("Authorization", s.ServiceToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status = %d, want 200", res.StatusCode)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := http.Get(url)
		if err != nil {
			break // closed
		}
		res.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still answers after its context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNewScenario(t *testing.T) {
	t.Parallel()
	for _, name := range sandbox.ScenarioNames() {
		s, err := sandbox.NewScenario(name, time.Now())
		if err != nil || s.Description == "" || !strings.Contains(s.ServiceToken, ":") {
			t.Errorf("scenario %q: %v %+v", name, err, s)
		}
	}
	if _, err := sandbox.NewScenario("nope", time.Now()); err == nil || !strings.Contains(err.Error(), "unapproved") {
		t.Errorf("unknown scenario error = %v, want one listing the names", err)
	}
}

func TestServer_DelayOnlyFault(t *testing.T) {
	t.Parallel()
	s, srv := newServer(t)
	s.InjectFaults(sandbox.Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	status, _, body := get(t, srv, auth, "/v1/organizations/acme/databases/shop")
	if status != 200 || body["name"] != "shop" {
		t.Errorf("delayed answer = %d %v, want the real 200", status, body)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("answered after %s, want at least the 50ms delay", elapsed)
	}
}
