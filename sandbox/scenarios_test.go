package sandbox_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

const shopRequestsPath = "/v1/organizations/acme/databases/shop/deploy-requests"

// scenario builds a scenario behind a real HTTP server, called with its
// token.
func scenario(t *testing.T, name string) (*sandbox.Scenario, *fixture) {
	t.Helper()
	sc, err := sandbox.NewScenario(name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return sc, serve(t, sc.Server, sc.ServiceToken)
}

// naiveWalk reads the open deploy requests as a trusting client would: 100
// a page, answers retried on 429 and 5xx, next_page followed until it is
// null or absent. It returns the pages read.
func naiveWalk(f *fixture, query string) []response {
	f.t.Helper()
	var pages []response
	for page := 1; page > 0 && len(pages) < 10; {
		r := f.get(fmt.Sprintf("%s?state=open&per_page=100&page=%d%s", shopRequestsPath, page, query))
		for try := 0; try < 5 && (r.status == 0 || r.status == 429 || r.status >= 500); try++ {
			r = f.get(fmt.Sprintf("%s?state=open&per_page=100&page=%d%s", shopRequestsPath, page, query))
		}
		if r.status != http.StatusOK {
			f.t.Fatalf("page %d: %d %s", page, r.status, r.raw)
		}
		pages = append(pages, r)
		next, _ := r.body["next_page"].(float64)
		page = int(next)
	}
	return pages
}

// unapproved returns the numbers of the unapproved items on pages.
func unapproved(pages []response) []int {
	var out []int
	for _, p := range pages {
		for _, it := range p.items() {
			if it["approved"] == false {
				n, _ := it["number"].(float64)
				out = append(out, int(n))
			}
		}
	}
	return out
}

func TestNewScenario_Names(t *testing.T) {
	t.Parallel()
	demo, faults := sandbox.ScenarioNames(), sandbox.FaultScenarioNames()
	if want := []string{"unapproved", "approved", "rate-limited", "not-found", "bad-token"}; !slices.Equal(demo[:5], want) {
		t.Errorf("the README's scenarios = %v, want %v first and in that order", demo[:5], want)
	}
	if !slices.Contains(demo, "no-approval-required") {
		t.Errorf("demo scenarios %v lack no-approval-required", demo)
	}
	for _, name := range slices.Concat(demo, faults) {
		sc, err := sandbox.NewScenario(name, time.Now())
		if err != nil || sc.Name != name || sc.Description == "" || !strings.Contains(sc.ServiceToken, ":") || sc.Server == nil {
			t.Errorf("scenario %q: %v %+v", name, err, sc)
		}
		if slices.Contains(demo, name) && slices.Contains(faults, name) {
			t.Errorf("%q is both a demo and a fault scenario", name)
		}
	}
	_, err := sandbox.NewScenario("nope", time.Now())
	if err == nil || !strings.Contains(err.Error(), "unapproved") || !strings.Contains(err.Error(), "list-shifts") {
		t.Errorf("unknown scenario error = %v, want one listing the names", err)
	}
}

// numbersDown returns from, from-1, …, to.
func numbersDown(from, to int) []int {
	var out []int
	for n := from; n >= to; n-- {
		out = append(out, n)
	}
	return out
}

// TestNewScenario_Demo: what the gate's read shows in each demo scenario.
func TestNewScenario_Demo(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name            string
		status          int   // of the first answer that is not retried
		unapproved      []int // among the 36 open requests
		requireApproval bool
	}{
		{"unapproved", 200, []int{133, 131, 124, 114, 105}, true},
		{"approved", 200, nil, true},
		{"rate-limited", 200, []int{133, 131, 124, 114, 105}, true},
		{"not-found", 404, nil, true},
		{"bad-token", 401, nil, true},
		{"no-approval-required", 200, numbersDown(140, 105), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, f := scenario(t, tt.name)
			if tt.status != http.StatusOK {
				if r := f.get(shopRequestsPath); r.status != tt.status {
					t.Errorf("status = %d, want %d: %s", r.status, tt.status, r.raw)
				}
				return
			}
			pages := naiveWalk(f, "")
			count := 0
			for _, p := range pages {
				count += len(p.items())
			}
			if got := unapproved(pages); count != 36 || !slices.Equal(got, tt.unapproved) {
				t.Errorf("%d open, unapproved %v; want 36, %v", count, got, tt.unapproved)
			}
			if db := f.get("/v1/organizations/acme/databases/shop"); db.body["require_approval_for_deploy"] != tt.requireApproval {
				t.Errorf("require_approval_for_deploy = %v, want %v", db.body["require_approval_for_deploy"], tt.requireApproval)
			}
		})
	}
}

// TestNewScenario_DemoOrganization: the demo organization has what an
// overview shows: databases the token reads, one it reads only as a
// database, one it cannot see.
func TestNewScenario_DemoOrganization(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "approved")
	if got, want := names(f.get("/v1/organizations")), []string{"acme"}; !slices.Equal(got, want) {
		t.Errorf("organizations = %v, want %v", got, want)
	}
	if org := f.get("/v1/organizations/acme"); org.body["database_count"] != float64(4) {
		t.Errorf("database_count = %v, want 4", org.body["database_count"])
	}
	if got, want := names(f.get("/v1/organizations/acme/databases")), []string{"shop", "blog", "analytics"}; !slices.Equal(got, want) {
		t.Errorf("databases = %v, want %v", got, want)
	}
	var branches []string
	for _, p := range f.walk("/v1/organizations/acme/databases/shop/branches") {
		branches = append(branches, names(p)...)
	}
	if len(branches) != 38 || branches[0] != "main" || branches[1] != "staging" {
		t.Errorf("shop branches = %v, want main, staging and the 36 open requests' branches", branches)
	}
	for _, path := range []string{"/analytics/branches", "/analytics/deploy-requests", "/billing"} {
		wantNotFound(t, path, f.get("/v1/organizations/acme/databases"+path))
	}
}

// TestNewScenario_Faults: each fault scenario plays its class: a trusting
// client reads a list with an unapproved request and sees none, or sees
// text it must not print.
func TestNewScenario_Faults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		check func(t *testing.T, sc *sandbox.Scenario, f *fixture)
	}{
		{"list-shifts", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			first, second := naiveWalk(f, ""), naiveWalk(f, "")
			if got := unapproved(first); len(got) != 0 {
				t.Errorf("first walk saw unapproved %v, want the shift to hide it", got)
			}
			if got := unapproved(second); !slices.Equal(got, []int{60}) {
				t.Errorf("second walk saw unapproved %v, want [60]", got)
			}
			if first[0].body["total_count"] != float64(150) || first[1].body["total_count"] != float64(150) {
				t.Errorf("total_count moved: %v then %v", first[0].body["total_count"], first[1].body["total_count"])
			}
			if reqs := f.s.Requests(); reqs[1].Query["page"] != "2" || len(reqs) != 5 {
				t.Errorf("requests = %+v, want page 2 rate-limited once", reqs)
			}
		}},
		{"duplicate-numbers", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			pages := naiveWalk(f, "")
			if p1, p2 := pages[0].items()[0], pages[1].items()[0]; p1["number"] != float64(120) || p2["number"] != float64(120) || p1["approved"] != true || p2["approved"] != false {
				t.Errorf("first items %v / %v, want #120 approved then unapproved", p1["number"], p2["number"])
			}
		}},
		{"missing-numbers", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			items := naiveWalk(f, "")[0].items()
			if len(items) != 3 || slices.ContainsFunc(items, func(it map[string]any) bool { _, ok := it["number"]; return ok }) {
				t.Errorf("items = %v, want 3 without a number", items)
			}
		}},
		{"page-echo", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			pages := naiveWalk(f, "")
			if len(pages) != 2 || pages[1].body["current_page"] != float64(2) || unapproved(pages) != nil || pages[1].items()[0]["id"] != pages[0].items()[0]["id"] {
				t.Errorf("pages %d, want page 2 echoed with page 1's items and no unapproved request", len(pages))
			}
		}},
		{"ends-early", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			pages := naiveWalk(f, "")
			if len(pages) != 1 || pages[0].body["total_count"] != float64(150) || len(pages[0].items()) != 100 {
				t.Errorf("want one page of 100 claiming 150 in all, got %d pages", len(pages))
			}
		}},
		{"no-next-page-key", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			first := naiveWalk(f, "")[0]
			if _, ok := first.body["next_page"]; ok || first.body["next_page_url"] == nil {
				t.Fatalf("page 1 = next_page %v next_page_url %v, want only the URL", first.body["next_page"], first.body["next_page_url"])
			}
			if got := unapproved([]response{f.get(first.body["next_page_url"].(string))}); !slices.Equal(got, []int{1}) {
				t.Errorf("the next_page_url leads to unapproved %v, want [1]", got)
			}
		}},
		{"case-keys", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			raw := naiveWalk(f, "")[0].raw
			if i, j := strings.Index(raw, `"approved":false`), strings.Index(raw, `"APPROVED":true`); i < 0 || j < i {
				t.Errorf(`want "approved":false before "APPROVED":true in %s`, raw)
			}
		}},
		{"missing-into-branch", func(t *testing.T, sc *sandbox.Scenario, f *fixture) {
			items := naiveWalk(f, "&into_branch="+sc.Inputs["into-branch"])[0].items()
			i := slices.IndexFunc(items, func(it map[string]any) bool { return it["approved"] == false })
			if _, ok := items[i]["into_branch"]; ok || len(items) != 5 {
				t.Errorf("unapproved item %v, want it without into_branch", items[i])
			}
		}},
		{"echoes-token", func(t *testing.T, sc *sandbox.Scenario, f *fixture) {
			for _, want := range []int{500, 500, 401, 401} {
				if r := f.get(shopRequestsPath); r.status != want || !strings.Contains(r.raw, sc.ServiceToken) {
					t.Errorf("answer %d %s, want %d echoing the token", r.status, r.raw, want)
				}
			}
		}},
		{"control-chars", func(t *testing.T, _ *sandbox.Scenario, f *fixture) {
			if r := f.get(shopRequestsPath); r.status != 503 || !strings.Contains(r.body["message"].(string), "\r::error::") {
				t.Errorf("first answer %d %s, want a 503 carrying a workflow command", r.status, r.raw)
			}
			items := naiveWalk(f, "")[0].items()
			if !slices.ContainsFunc(items, func(it map[string]any) bool {
				return strings.Contains(it["branch"].(string), "\n::stop-commands::") && it["approved"] == false
			}) {
				t.Errorf("no unapproved item with a forged branch name: %v", items)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, f := scenario(t, tt.name)
			tt.check(t, sc, f)
		})
	}
	if got, want := len(sandbox.FaultScenarioNames()), 10; got != want {
		t.Errorf("%d fault scenarios; this test covers %d", got, want)
	}
}

func TestServer_Listen(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	sc, err := sandbox.NewScenario("approved", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	url, err := sc.Server.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url = %q, want loopback", url)
	}
	f := &fixture{t: t, s: sc.Server, authz: sc.ServiceToken}
	if r := f.get(url + "/v1/organizations/acme/databases/shop"); r.status != 200 {
		t.Errorf("status = %d, want 200", r.status)
	}
	cancel()
	for {
		res, err := http.Get(url)
		if err != nil {
			break // closed
		}
		res.Body.Close()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestScenario_pageSizes: the demo's deploy requests come 12 a page, so a
// few dozen span pages; its other lists page as the API does, 25 by
// default and up to 100 when per_page asks, so pscale branch list (100 a
// page) sees every branch of shop in one page.
func TestScenario_pageSizes(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "approved")
	const branches = "/v1/organizations/acme/databases/shop/branches"
	for _, tt := range []struct {
		path      string
		wantItems int
		wantPer   float64
	}{
		{branches + "?per_page=100", 38, 100},
		{branches, 25, 25},
		{shopRequestsPath + "?state=open&per_page=100", 12, 12},
		{shopRequestsPath + "?state=open", 12, 12},
	} {
		r := f.get(tt.path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", tt.path, r.status, r.raw)
		}
		if got := len(r.items()); got != tt.wantItems || r.body["per_page"] != tt.wantPer {
			t.Errorf("%s: %d items, per_page %v; want %d, %v", tt.path, got, r.body["per_page"], tt.wantItems, tt.wantPer)
		}
	}
}
