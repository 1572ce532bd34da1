package sandbox_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// names returns the "name" of each item.
func names(r response) []string {
	var out []string
	for _, it := range r.items() {
		out = append(out, it["name"].(string))
	}
	return out
}

// field reads a nested field of an object by its keys.
func field(obj map[string]any, keys ...string) any {
	var v any = obj
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestServer_Routes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tt := range []struct {
		name, path string
		check      func(t *testing.T, r response)
	}{
		{"list_organizations", "/v1/organizations", func(t *testing.T, r response) {
			if got, want := names(r), []string{"empty", "acme"}; !slices.Equal(got, want) {
				t.Errorf("organizations = %v, want %v (declared first, then those of the databases the token sees)", got, want)
			}
			if got := field(r.items()[1], "database_count"); got != float64(3) {
				t.Errorf("acme database_count = %v, want 3 (all of them, readable or not)", got)
			}
		}},
		{"get_organization", "/v1/organizations/empty", func(t *testing.T, r response) {
			if r.body["name"] != "empty" || r.body["plan"] != "hobby" || r.body["type"] != "Organization" {
				t.Errorf("organization = %v", r.body)
			}
		}},
		{"list_databases", "/v1/organizations/acme/databases", func(t *testing.T, r response) {
			if got, want := names(r), []string{"shop", "blog"}; !slices.Equal(got, want) {
				t.Errorf("databases = %v, want %v (hidden has no grant)", got, want)
			}
		}},
		{"list_databases_query", "/v1/organizations/acme/databases?q=bl", func(t *testing.T, r response) {
			if got, want := names(r), []string{"blog"}; !slices.Equal(got, want) {
				t.Errorf("databases matching q=bl = %v, want %v", got, want)
			}
		}},
		{"get_database", "/v1/organizations/acme/databases/shop", func(t *testing.T, r response) {
			for _, c := range []struct {
				keys []string
				want any
			}{
				{[]string{"name"}, "shop"},
				{[]string{"require_approval_for_deploy"}, true},
				{[]string{"region", "slug"}, "aws-eu-west-1"},
				{[]string{"region", "provider"}, "AWS"},
				{[]string{"region", "location"}, "Dublin, Ireland"},
				{[]string{"region", "enabled"}, true},
				{[]string{"branches_url"}, f.srv.URL + "/v1/organizations/acme/databases/shop/branches"},
				{[]string{"production_branches_count"}, float64(2)},
			} {
				if got := field(r.body, c.keys...); got != c.want {
					t.Errorf("%v = %v, want %v", c.keys, got, c.want)
				}
			}
		}},
		{"list_branches_derived", "/v1/organizations/acme/databases/shop/branches?per_page=100", func(t *testing.T, r response) {
			got := names(r)
			if len(got) != 32 || got[0] != "main" || got[1] != "staging" || got[2] != "b1" {
				t.Errorf("branches = %v, want main, staging, then b1…b30", got)
			}
			if main := r.items()[0]; main["production"] != true || main["parent_branch"] != nil {
				t.Errorf("main = %v, want a production root branch", main)
			}
			if b5 := r.items()[6]; b5["name"] != "b5" || b5["parent_branch"] != "staging" || b5["production"] != false {
				t.Errorf("b5 = %v, want a development branch of staging", b5)
			}
		}},
		{"list_branches_production", "/v1/organizations/acme/databases/shop/branches?production=true", func(t *testing.T, r response) {
			if got, want := names(r), []string{"main", "staging"}; !slices.Equal(got, want) {
				t.Errorf("production branches = %v, want %v", got, want)
			}
		}},
		{"list_deploy_requests", "/v1/organizations/acme/databases/shop/deploy-requests?state=open&into_branch=main&branch=b7", func(t *testing.T, r response) {
			if got, want := r.numbers(), []int{7}; !slices.Equal(got, want) {
				t.Fatalf("numbers = %v, want %v", got, want)
			}
			dr := r.items()[0]
			if lint := field(dr, "deployment", "lint_errors").([]any); len(lint) != 1 || field(lint[0].(map[string]any), "lint_error") != "NO_UNIQUE_KEY" {
				t.Errorf("lint_errors of a request in error = %v, want one", lint)
			}
			if field(dr, "deployment", "actor", "display_name") == nil || field(dr, "actor", "type") != "User" {
				t.Errorf("actors = %v / %v, want both", dr["actor"], field(dr, "deployment", "actor"))
			}
		}},
		{"list_deploy_requests_deployed", "/v1/organizations/acme/databases/shop/deploy-requests?state=deployed", func(t *testing.T, r response) {
			if got, want := r.numbers(), []int{3, 6, 9, 12, 15, 18, 21, 24, 27, 30}; !slices.Equal(got, want) {
				t.Errorf("deployed = %v, want %v", got, want)
			}
		}},
		{"get_deploy_request", "/v1/organizations/acme/databases/shop/deploy-requests/5", func(t *testing.T, r response) {
			if r.body["number"] != float64(5) || r.body["into_branch"] != "staging" || r.body["notes"] != nil {
				t.Errorf("deploy request = %v", r.body)
			}
			if lint := field(r.body, "deployment", "lint_errors").([]any); len(lint) != 0 {
				t.Errorf("lint_errors of a ready request = %v, want none", lint)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := f.get(tt.path)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			tt.check(t, r)
		})
	}
}

func TestServer_UnknownRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tt := range []struct{ name, method, path string }{
		{"post", http.MethodPost, "/v1/organizations/acme/databases/shop/deploy-requests"},
		{"no_v1", http.MethodGet, "/organizations"},
		{"unserved_endpoint", http.MethodGet, "/v1/organizations/acme/databases/shop/passwords"},
		{"number_not_a_number", http.MethodGet, "/v1/organizations/acme/databases/shop/deploy-requests/x"},
		{"number_absent", http.MethodGet, "/v1/organizations/acme/databases/shop/deploy-requests/31"},
		{"unknown_organization", http.MethodGet, "/v1/organizations/nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantNotFound(t, tt.path, f.do(tt.method, auth, tt.path))
		})
	}
}

func TestServer_Auth(t *testing.T) {
	t.Parallel()
	oauth := sandbox.Token{ID: "ignored", Secret: "pscale_oauth_x", OAuth: true, Grants: token.Grants}
	f := newFixture(t, sandbox.WithToken(oauth))
	notFoundFixture := newFixture(t, sandbox.WithUnknownTokenNotFound())
	const drs = "/v1/organizations/acme/databases/shop/deploy-requests"
	f.get(drs + "?state=open")
	if got := f.s.Requests(); len(got) != 1 || got[0].Route != sandbox.RouteDeployRequests || !got[0].Authorized ||
		got[0].Path != drs || got[0].Query["state"] != "open" {
		t.Errorf("requests recorded as %+v", got)
	}
	for _, tt := range []struct {
		name, auth, path string
		f                *fixture
		want             int
	}{
		{"service_token", auth, drs, f, 200},
		{"oauth_bearer", "Bearer pscale_oauth_x", drs, f, 200},
		{"bearer_scheme_on_service_token", "Bearer " + auth, drs, f, 401},
		{"wrong_secret", "tok123456789:pscale_tkn_wrong", drs, f, 401},
		{"none", "", drs, f, 401},
		{"wrong_secret_on_organizations", "tok123456789:pscale_tkn_wrong", "/v1/organizations", f, 401},
		{"unknown_token_as_404", "tok123456789:pscale_tkn_wrong", drs, notFoundFixture, 404},
		{"unknown_token_as_404_still_401_on_organizations", "tok123456789:pscale_tkn_wrong", "/v1/organizations", notFoundFixture, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.f.getAs(tt.auth, tt.path)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d", r.status, tt.want)
			}
			if code := map[int]string{401: "unauthorized", 404: "not_found"}[tt.want]; code != "" && r.body["code"] != code {
				t.Errorf("body = %s, want code %s", r.raw, code)
			}
		})
	}
}

func TestServer_OmitDeploymentAndNotes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.s.SetDeployRequests("acme", "shop", []sandbox.DeployRequest{
		{Number: 1, State: "open", DeploymentState: "queued", OmitDeployment: true, Notes: "hi"},
	}); err != nil {
		t.Fatal(err)
	}
	dr := f.get("/v1/organizations/acme/databases/shop/deploy-requests").items()[0]
	if _, ok := dr["deployment"]; ok {
		t.Errorf("deployment present: %v", dr["deployment"])
	}
	if dr["notes"] != "hi" {
		t.Errorf("notes = %v, want hi", dr["notes"])
	}
	if err := f.s.SetDeployRequests("acme", "nope", nil); err == nil {
		t.Error("SetDeployRequests on an unknown database: no error")
	}
}
