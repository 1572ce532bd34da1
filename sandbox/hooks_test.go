package sandbox_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func TestServer_OnRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var mu sync.Mutex
	var seen []string
	f.s.OnRequest(func(n int, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Pattern)
		mu.Unlock()
		if n == 2 { // a fault injected here answers this very request
			f.s.InjectFaults(sandbox.RateLimited)
		}
	})
	for i, want := range []int{200, 429, 200, 404} {
		path := allRoutes[i]
		if i == 3 {
			path = "/v2/nothing"
		}
		if r := f.get(path); r.status != want {
			t.Errorf("request %d (%s) = %d, want %d", i+1, path, r.status, want)
		}
	}
	want := []string{"GET /v1/organizations", "GET /v1/organizations/{org}", "GET /v1/organizations/{org}/databases", ""}
	if !slices.Equal(seen, want) {
		t.Errorf("hooks saw patterns %q, want %q", seen, want)
	}
}

// TestServer_AfterPage: the hook runs for every list page, after the page's
// items are chosen, so what it changes shows from the next page on.
func TestServer_AfterPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var served []sandbox.ServedPage
	f.s.AfterPage(func(p sandbox.ServedPage) {
		served = append(served, p) // requests are sequential here
		if p.Route == sandbox.RouteDeployRequests && p.Page == 1 {
			// Close #1, which page 1 holds: the list shifts by one.
			err := f.s.UpdateDeployRequests("acme", "shop", func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
				drs[0].State = "closed"
				return drs
			})
			if err != nil {
				t.Error(err)
			}
		}
	})
	f.get(allRoutes[3]) // a single object: no page
	pages := f.walk("/v1/organizations/acme/databases/shop/deploy-requests?state=open&per_page=5")
	if got := pages[0].numbers(); !slices.Equal(got, []int{1, 2, 4, 5, 7}) {
		t.Errorf("page 1 = %v, want it as it was before the hook closed #1", got)
	}
	if got := pages[1].numbers(); !slices.Equal(got, []int{10, 11, 13, 14, 16}) {
		t.Errorf("page 2 = %v, want #8 slid onto page 1 after the close", got)
	}
	if len(served) != len(pages) {
		t.Fatalf("hook ran %d times for %d pages", len(served), len(pages))
	}
	if p := served[1]; p.Route != sandbox.RouteDeployRequests || p.Page != 2 || p.PerPage != 5 || p.Query.Get("state") != "open" {
		t.Errorf("second page served = %+v", p)
	}
}

// TestServer_Rewrite: a rewrite sees every 200 body by route and changes
// what is sent; error answers pass untouched.
func TestServer_Rewrite(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	routes := map[string]bool{}
	f := newFixture(t, sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
		mu.Lock()
		routes[route] = true
		mu.Unlock()
		body["rewritten"] = route
		return body
	}))
	for _, path := range allRoutes {
		if r := f.get(path); r.body["rewritten"] == nil {
			t.Errorf("%s: not rewritten: %s", path, r.raw)
		}
	}
	if r := f.get("/v1/organizations/acme/databases/hidden"); r.body["rewritten"] != nil {
		t.Errorf("a 404 was rewritten: %s", r.raw)
	}
	want := []string{sandbox.RouteBranches, sandbox.RouteDatabase, sandbox.RouteDatabases, sandbox.RouteDeployRequest,
		sandbox.RouteDeployRequests, sandbox.RouteOrganization, sandbox.RouteOrganizations}
	var got []string
	for r := range routes {
		got = append(got, r)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("rewrites saw routes %v, want %v", got, want)
	}
}

// TestServer_RewriteRawItems: a rewrite may replace an item by raw JSON, to
// send what a map cannot, such as a key after its lower-case twin.
func TestServer_RewriteRawItems(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
		if route == sandbox.RouteDeployRequests {
			body["data"] = []any{json.RawMessage(`{"number":1,"approved":false,"APPROVED":true}`)}
		}
		return body
	}))
	r := f.get("/v1/organizations/acme/databases/shop/deploy-requests")
	if !strings.Contains(r.raw, `"data":[{"number":1,"approved":false,"APPROVED":true}]`) {
		t.Errorf("body = %s, want the raw item as given", r.raw)
	}
}

// TestServer_ChangeAt: a change lands at the nth request for a page of the
// chosen list, before it is answered; other routes do not count.
func TestServer_ChangeAt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.s.ChangeAt(sandbox.RouteDeployRequests, 2, sandbox.ApproveDeployRequest("acme", "shop", 1))
	f.s.ChangeAt(sandbox.RouteDeployRequests, 3, sandbox.MoveDeployment("acme", "shop", 2, "queued"))
	f.s.ChangeAt(sandbox.RouteDeployRequests, 4, sandbox.MoveDeployment("acme", "shop", 1, "complete"))
	const list = "/v1/organizations/acme/databases/shop/deploy-requests?state=open&per_page=5"
	item := func(r response, number int) map[string]any {
		for _, it := range r.items() {
			if it["number"] == float64(number) {
				return it
			}
		}
		return nil
	}
	first := f.get(list)
	f.get("/v1/organizations/acme/databases/shop") // not a page of the list: not counted
	second, third, fourth := f.get(list), f.get(list), f.get(list)
	if item(first, 1)["approved"] != false || item(second, 1)["approved"] != true {
		t.Errorf("#1 approved: %v in request 1, %v in request 2; want false, then true", item(first, 1)["approved"], item(second, 1)["approved"])
	}
	if got := item(third, 2)["deployment_state"]; got != "queued" || item(second, 2)["deployment_state"] != "ready" {
		t.Errorf("#2 deployment_state in request 3 = %v, want queued (ready before)", got)
	}
	if item(fourth, 1) != nil || item(third, 1) == nil {
		t.Errorf("#1 is still open after its deployment completed: %v", fourth.numbers())
	}
}
