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

// grants names tokens' grants: a subtest's name (after the endpoint's) →
// the token's grants.
type grants map[string]map[string][]string

// TestServer_Grants: each endpoint needs the access PlanetScale's API
// documents; without it the answer is PlanetScale's 404.
func TestServer_Grants(t *testing.T) {
	t.Parallel()
	const (
		org  = "/v1/organizations/acme"
		shop = org + "/databases/shop"
		dr1  = shop + "/deploy-requests/1"
	)
	// Each endpoint once, with the grants that reach it (200) and those
	// that do not (404).
	for _, ep := range []struct {
		name        string
		path        string
		reach, miss grants
	}{
		{"organization", org, grants{"with_read_organization": grant("acme", "read_organization")},
			grants{"with_database_grants_only": grant("acme/shop", "read_database"), "other_org": grant("other", "read_organization")}},
		{"databases", org + "/databases", grants{"with_database_grant": grant("acme/shop", "read_branch"), "with_organization_grant_only": grant("acme", "read_organization")},
			grants{"without_any_grant_in_org": grant("other/x", "read_database")}},
		{"database", shop, grants{"with_read_database": grant("acme/shop", "read_database"), "with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_organization_grant_only": grant("acme", "read_organization"), "grant_on_another_database": grant("acme/blog", "read_database")}},
		{"branches", shop + "/branches", grants{"with_read_branch": grant("acme/shop", "read_branch"), "with_connect_branch": grant("acme/shop", "connect_branch")},
			grants{"with_read_database": grant("acme/shop", "read_database")}},
		{"deploy_requests", shop + "/deploy-requests", grants{"with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_read_database": grant("acme/shop", "read_database", "read_branch")}},
		{"deploy_request", dr1, grants{"with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_create_deploy_request": grant("acme/shop", "create_deploy_request")}},
		{"deployment", dr1 + "/deployment", grants{"with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_read_database": grant("acme/shop", "read_database", "read_branch")}},
		{"operations", dr1 + "/operations", grants{"with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_approve_deploy_request": grant("acme/shop", "approve_deploy_request")}},
		{"reviews", dr1 + "/reviews", grants{"with_read_deploy_request": grant("acme/shop", "read_deploy_request")},
			grants{"with_read_database": grant("acme/shop", "read_database")}},
		{"reviews", shop + "/deploy-requests/9999/reviews", nil, grants{"of_unknown_request": grant("acme/shop", "read_deploy_request")}},
		{"deploy_requests", org + "/databases/nope/deploy-requests", nil, grants{"of_unknown_database": grant("acme/nope", "read_deploy_request")}},
	} {
		for want, cases := range map[int]grants{http.StatusOK: ep.reach, http.StatusNotFound: ep.miss} {
			for name, g := range cases {
				t.Run(ep.name+"_"+name, func(t *testing.T) {
					t.Parallel()
					tok := sandbox.Token{ID: "grant0000001", Secret: "pscale_tkn_grants", Grants: g}
					f := newFixture(t, sandbox.WithToken(tok))
					r := f.getAs(tok.ID+":"+tok.Secret, ep.path)
					if want == http.StatusNotFound {
						wantNotFound(t, ep.path, r)
					} else if r.status != want {
						t.Errorf("status = %d, want %d: %s", r.status, want, r.raw)
					}
				})
			}
		}
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
