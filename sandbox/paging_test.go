package sandbox_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// bigLists are paths to lists of 120 items each.
var bigLists = []struct {
	name, path string
	totals     bool // the API documents total_count for every list but the organizations'
}{
	{"organizations", "/v1/organizations", false},
	{"databases", "/v1/organizations/big/databases", true},
	{"branches", "/v1/organizations/big/databases/db000/branches", true},
	{"deploy_requests", "/v1/organizations/big/databases/db000/deploy-requests", true},
}

// newBigFixture serves 120 organizations, 120 databases in big, and in
// big/db000 120 branches and 120 deploy requests, all readable.
func newBigFixture(t *testing.T, opts ...sandbox.Option) *fixture {
	t.Helper()
	tok := sandbox.Token{ID: token.ID, Secret: token.Secret, Grants: map[string][]string{}}
	var drs []sandbox.DeployRequest
	var branches []sandbox.Branch
	for n := 120; n >= 1; n-- {
		drs = append(drs, sandbox.DeployRequest{Number: n, Branch: fmt.Sprintf("b%d", n), IntoBranch: "main", State: "open", DeploymentState: "ready"})
		branches = append(branches, sandbox.Branch{Name: fmt.Sprintf("b%d", n), Parent: "main", Ready: true})
	}
	for i := range 120 {
		db := sandbox.Database{Organization: "big", Name: fmt.Sprintf("db%03d", i)}
		if i == 0 {
			db.DeployRequests, db.Branches = drs, branches
		}
		opts = append(opts, sandbox.WithDatabase(db))
		tok.Grants["big/"+db.Name] = []string{"read_deploy_request", "read_branch"}
		if i > 0 {
			org := fmt.Sprintf("org%03d", i)
			opts = append(opts, sandbox.WithOrganization(sandbox.Organization{Name: org}))
			tok.Grants[org] = []string{"read_organization"}
		}
	}
	return serve(t, sandbox.New(append(opts, sandbox.WithToken(tok))...), auth)
}

// wantEnvelope checks a page's envelope: its page numbers, page URLs
// (nil means null), size and totals.
func wantEnvelope(t *testing.T, r response, current, perPage, items int, next, prev any, nextURL, prevURL any, totals bool) {
	t.Helper()
	want := map[string]any{"type": "list", "current_page": float64(current), "per_page": float64(perPage),
		"next_page": next, "prev_page": prev, "next_page_url": nextURL, "prev_page_url": prevURL}
	for k, v := range want {
		if got, ok := r.body[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if got := len(r.items()); got != items {
		t.Errorf("%d items, want %d", got, items)
	}
	_, hasCount := r.body["total_count"]
	_, hasPages := r.body["total_pages"]
	if hasCount != totals || hasPages != totals {
		t.Errorf("total_count/total_pages present = %v/%v, want %v", hasCount, hasPages, totals)
	}
	if totals && (r.body["total_count"] != float64(120) || r.body["total_pages"] != float64((120+perPage-1)/perPage)) {
		t.Errorf("total_count %v total_pages %v, want 120 in pages of %d", r.body["total_count"], r.body["total_pages"], perPage)
	}
}

// TestServer_Paging: every list pages as the API documents: 25 a page by
// default, at most 100, page URLs on the sandbox's own address with the
// query kept, null at the ends.
func TestServer_Paging(t *testing.T) {
	t.Parallel()
	f := newBigFixture(t)
	for _, l := range bigLists {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			at := func(q string) string { return f.srv.URL + l.path + "?" + q }
			first := f.get(l.path)
			wantEnvelope(t, first, 1, 25, 25, float64(2), nil, at("page=2"), nil, l.totals)

			capped := f.get(l.path + "?per_page=1000&page=2")
			wantEnvelope(t, capped, 2, 100, 20, nil, float64(1), nil, at("page=1&per_page=1000"), l.totals)

			pages := f.walk(l.path + "?per_page=50&q=")
			if len(pages) != 3 {
				t.Fatalf("walked %d pages of 50, want 3", len(pages))
			}
			wantEnvelope(t, pages[1], 2, 50, 50, float64(3), float64(1), at("page=3&per_page=50&q="), at("page=1&per_page=50&q="), l.totals)
			wantEnvelope(t, pages[2], 3, 50, 20, nil, float64(2), nil, at("page=2&per_page=50&q="), l.totals)
			seen := map[string]bool{}
			for _, p := range pages {
				for _, it := range p.items() {
					seen[fmt.Sprint(it["id"])] = true
				}
			}
			if len(seen) != 120 {
				t.Errorf("the walk saw %d distinct items, want 120", len(seen))
			}
		})
	}
}

func TestServer_PagingFiltersKeptInPageURLs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sandbox.WithMaxPerPage(8))
	pages := f.walk("/v1/organizations/acme/databases/shop/deploy-requests?state=open&into_branch=main&per_page=100")
	var numbers []int
	for i, p := range pages {
		if p.body["per_page"] != float64(8) || p.body["current_page"] != float64(i+1) {
			t.Errorf("page %d: per_page %v current_page %v, want 8 and %d", i+1, p.body["per_page"], p.body["current_page"], i+1)
		}
		numbers = append(numbers, p.numbers()...)
	}
	// 30 requests, every third closed, every fifth into staging: 16 remain.
	if got, want := len(numbers), 16; got != want {
		t.Errorf("listed %d, want %d: %v", got, want, numbers)
	}
	u, err := url.Parse(pages[0].body["next_page_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("state") != "open" || q.Get("into_branch") != "main" || q.Get("per_page") != "100" || q.Get("page") != "2" {
		t.Errorf("next_page_url query = %v, want the filters and per_page kept", q)
	}
}

func TestServer_PageURLsOverTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(sandbox.New(fixtureOptions()...))
	t.Cleanup(srv.Close)
	f := &fixture{t: t, srv: srv, authz: auth}
	const list = "/v1/organizations/acme/databases/shop/deploy-requests"
	if got, want := f.get(list + "?per_page=10").body["next_page_url"], srv.URL+list+"?page=2&per_page=10"; got != want {
		t.Errorf("next_page_url = %v, want %v", got, want)
	}
}

func TestServer_PagingBadParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, path := range []string{"/v1/organizations", "/v1/organizations/acme/databases/shop/deploy-requests"} {
		if r := f.get(path + "?page=9223372036854775807"); r.status != 200 || len(r.items()) != 0 || r.body["next_page"] != nil {
			t.Errorf("%s at the largest page = %d %s, want an empty last page", path, r.status, r.raw)
		}
	}
	for _, q := range []string{"page=0", "page=x", "per_page=0", "per_page=-3", "per_page=ten"} {
		for _, path := range []string{"/v1/organizations", "/v1/organizations/acme/databases/shop/branches"} {
			if r := f.get(path + "?" + q); r.status != 400 || r.body["code"] != "bad_request" {
				t.Errorf("%s?%s = %d %s, want 400 bad_request", path, q, r.status, r.raw)
			}
		}
	}
}

// TestServer_PagingBugs: a paging bug applies to every list.
func TestServer_PagingBugs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		bug       sandbox.PagingBug
		page      int
		wantPage  float64
		wantNext  any
		wantFirst int // index (0-based) in the list of the page's first item
	}{
		{"ignores_page", sandbox.PagingIgnoresPage, 3, 1, float64(2), 0},
		{"stuck", sandbox.PagingStuck, 2, 2, float64(2), 10},
		{"endless", sandbox.PagingEndless, 99, 99, float64(100), -1},
		{"echoes_page", sandbox.PagingEchoesPage, 2, 2, float64(3), 0},
		{"echoes_page_last", sandbox.PagingEchoesPage, 12, 12, nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newBigFixture(t, sandbox.WithPagingBug(tt.bug))
			for _, l := range bigLists {
				r := f.get(fmt.Sprintf("%s?per_page=10&page=%d", l.path, tt.page))
				if r.body["current_page"] != tt.wantPage || r.body["next_page"] != tt.wantNext {
					t.Errorf("%s: current_page %v next_page %v, want %v %v", l.name, r.body["current_page"], r.body["next_page"], tt.wantPage, tt.wantNext)
				}
				first := f.get(l.path + "?per_page=120").items()
				if tt.wantFirst < 0 {
					if len(r.items()) != 0 {
						t.Errorf("%s: page %d has %d items, want none", l.name, tt.page, len(r.items()))
					}
				} else if got := r.items(); len(got) == 0 || got[0]["id"] != first[tt.wantFirst]["id"] {
					t.Errorf("%s: page %d starts with the wrong item", l.name, tt.page)
				}
			}
		})
	}
}
