package sandbox_test

import (
	"net/http"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// grant is a token's grants: perms on scope ("acme" or "acme/shop").
func grant(scope string, perms ...string) map[string][]string {
	return map[string][]string{scope: perms}
}

// TestServer_Grants: each endpoint needs the access PlanetScale's API
// documents; without it the answer is PlanetScale's 404.
func TestServer_Grants(t *testing.T) {
	t.Parallel()
	const org = "/v1/organizations/acme"
	for _, tt := range []struct {
		name   string
		grants map[string][]string
		path   string
		want   int
	}{
		{"organization_with_read_organization", grant("acme", "read_organization"), org, 200},
		{"organization_with_database_grants_only", grant("acme/shop", "read_database"), org, 404},
		{"organization_other_org", grant("other", "read_organization"), org, 404},
		{"databases_with_database_grant", grant("acme/shop", "read_branch"), org + "/databases", 200},
		{"databases_with_organization_grant_only", grant("acme", "read_organization"), org + "/databases", 200},
		{"databases_without_any_grant_in_org", grant("other/x", "read_database"), org + "/databases", 404},
		{"database_with_read_database", grant("acme/shop", "read_database"), org + "/databases/shop", 200},
		{"database_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop", 200},
		{"database_with_organization_grant_only", grant("acme", "read_organization"), org + "/databases/shop", 404},
		{"database_grant_on_another_database", grant("acme/blog", "read_database"), org + "/databases/shop", 404},
		{"branches_with_read_branch", grant("acme/shop", "read_branch"), org + "/databases/shop/branches", 200},
		{"branches_with_connect_branch", grant("acme/shop", "connect_branch"), org + "/databases/shop/branches", 200},
		{"branches_with_read_database", grant("acme/shop", "read_database"), org + "/databases/shop/branches", 404},
		{"deploy_requests_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests", 200},
		{"deploy_requests_with_read_database", grant("acme/shop", "read_database", "read_branch"), org + "/databases/shop/deploy-requests", 404},
		{"deploy_request_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests/1", 200},
		{"deploy_request_with_create_deploy_request", grant("acme/shop", "create_deploy_request"), org + "/databases/shop/deploy-requests/1", 404},
		{"deployment_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests/1/deployment", 200},
		{"deployment_with_read_database", grant("acme/shop", "read_database", "read_branch"), org + "/databases/shop/deploy-requests/1/deployment", 404},
		{"operations_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests/1/operations", 200},
		{"operations_with_approve_deploy_request", grant("acme/shop", "approve_deploy_request"), org + "/databases/shop/deploy-requests/1/operations", 404},
		{"reviews_with_read_deploy_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests/1/reviews", 200},
		{"reviews_with_read_database", grant("acme/shop", "read_database"), org + "/databases/shop/deploy-requests/1/reviews", 404},
		{"reviews_of_unknown_request", grant("acme/shop", "read_deploy_request"), org + "/databases/shop/deploy-requests/9999/reviews", 404},
		{"deploy_requests_of_unknown_database", grant("acme/nope", "read_deploy_request"), org + "/databases/nope/deploy-requests", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := sandbox.Token{ID: "grant0000001", Secret: "pscale_tkn_grants", Grants: tt.grants}
			f := newFixture(t, sandbox.WithToken(tok))
			r := f.getAs(tok.ID+":"+tok.Secret, tt.path)
			if tt.want == http.StatusNotFound {
				wantNotFound(t, tt.path, r)
			} else if r.status != tt.want {
				t.Errorf("status = %d, want %d: %s", r.status, tt.want, r.raw)
			}
		})
	}
}

// TestServer_GrantsFilterLists: the organization and database lists show
// only what the token has access to.
func TestServer_GrantsFilterLists(t *testing.T) {
	t.Parallel()
	tok := sandbox.Token{ID: "grant0000002", Secret: "pscale_tkn_lists", Grants: map[string][]string{
		"other/x":   {"read_deploy_request"},
		"acme/shop": {},
	}}
	f := newFixture(t, sandbox.WithToken(tok))
	authz := tok.ID + ":" + tok.Secret
	if got := names(f.getAs(authz, "/v1/organizations")); len(got) != 1 || got[0] != "other" {
		t.Errorf("organizations = %v, want only other (an empty grant list is no access)", got)
	}
	if got := names(f.getAs(authz, "/v1/organizations/other/databases")); len(got) != 1 || got[0] != "x" {
		t.Errorf("databases = %v, want [x]", got)
	}
	wantNotFound(t, "databases of acme", f.getAs(authz, "/v1/organizations/acme/databases"))
}
