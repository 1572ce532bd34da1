package sandbox_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// auth is the Authorization header of token.
const auth = "tok123456789:pscale_tkn_sandboxTest"

// token reads acme (the organization, shop fully, blog's branches only);
// hidden and the organization "other" it cannot see.
var token = sandbox.Token{ID: "tok123456789", Secret: "pscale_tkn_sandboxTest", Grants: map[string][]string{
	"acme":      {"read_organization"},
	"acme/shop": {"read_deploy_request", "read_database", "read_branch"},
	"acme/blog": {"read_branch"},
	"empty":     {"read_organization"},
}}

// shopRequests are acme/shop's 30 deploy requests, #1 to #30: every third
// closed, every fifth into staging.
func shopRequests() []sandbox.DeployRequest {
	var drs []sandbox.DeployRequest
	for n := 1; n <= 30; n++ {
		dr := sandbox.DeployRequest{Number: n, Branch: fmt.Sprintf("b%d", n), IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true}
		if n%3 == 0 {
			dr.State, dr.DeploymentState = "closed", "complete"
		}
		if n%5 == 0 {
			dr.IntoBranch = "staging"
		}
		if n == 7 {
			dr.DeploymentState, dr.Deployable = "error", false
		}
		drs = append(drs, dr)
	}
	return drs
}

// fixture is a sandbox behind a real HTTP server, called with authz.
type fixture struct {
	t     *testing.T
	s     *sandbox.Server
	srv   *httptest.Server
	authz string
}

// serve puts s behind a real HTTP server for the test.
func serve(t *testing.T, s *sandbox.Server, authz string) *fixture {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &fixture{t: t, s: s, srv: srv, authz: authz}
}

// newFixture serves fixtureOptions to token.
func newFixture(t *testing.T, opts ...sandbox.Option) *fixture {
	t.Helper()
	return serve(t, sandbox.New(fixtureOptions(opts...)...), auth)
}

// fixtureOptions serve acme (shop, blog, hidden), other (x) and the
// declared organization empty, to token, with opts after those.
func fixtureOptions(opts ...sandbox.Option) []sandbox.Option {
	return append([]sandbox.Option{
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "shop", RequireApproval: true, Region: "aws-eu-west-1", DeployRequests: shopRequests()}),
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "blog"}),
		sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "hidden"}),
		sandbox.WithDatabase(sandbox.Database{Organization: "other", Name: "x"}),
		sandbox.WithOrganization(sandbox.Organization{Name: "empty", Plan: "hobby"}),
		sandbox.WithToken(token),
	}, opts...)
}

// response is an answer with its JSON body decoded.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// items returns a list body's items.
func (r response) items() []map[string]any {
	data, _ := r.body["data"].([]any)
	out := make([]map[string]any, len(data))
	for i, d := range data {
		out[i], _ = d.(map[string]any)
	}
	return out
}

// numbers returns the "number" of each item.
func (r response) numbers() []int {
	var out []int
	for _, it := range r.items() {
		n, _ := it["number"].(float64)
		out = append(out, int(n))
	}
	return out
}

// get calls path (or a full URL) with the fixture's Authorization header.
func (f *fixture) get(path string) response { return f.getAs(f.authz, path) }

// getAs calls path (or a full URL) with an Authorization header (none when
// empty).
func (f *fixture) getAs(authorization, path string) response {
	f.t.Helper()
	return f.do(http.MethodGet, authorization, path)
}

func (f *fixture) do(method, authorization, path string) response {
	f.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = f.srv.URL + path
	}
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	client := http.DefaultClient
	if f.srv != nil {
		client = f.srv.Client()
	}
	res, err := client.Do(req)
	if err != nil {
		return response{raw: err.Error()} // status 0: no answer
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body) // nil for a body that is not a JSON object
	return r
}

// walk follows a list's next_page_url from path until next_page is null,
// failing on anything but 200, and returns every page.
func (f *fixture) walk(path string) []response {
	f.t.Helper()
	var pages []response
	for next := f.srv.URL + path; ; {
		r := f.get(next)
		if r.status != http.StatusOK {
			f.t.Fatalf("%s: status %d: %s", next, r.status, r.raw)
		}
		pages = append(pages, r)
		if r.body["next_page"] == nil || len(pages) > 50 {
			return pages
		}
		next, _ = r.body["next_page_url"].(string)
	}
}

// wantNotFound fails unless r is the API's 404 body.
func wantNotFound(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusNotFound || r.body["code"] != "not_found" || r.body["message"] != "Not Found" {
		t.Errorf("%s = %d %s, want 404 not_found", what, r.status, r.raw)
	}
}
