package planetscale_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func TestGetDatabase(t *testing.T) {
	t.Parallel()

	for _, requireApproval := range []bool{true, false} {
		name := "approval_not_required"
		if requireApproval {
			name = "approval_required"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			sb := sandbox.New(
				sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: requireApproval}),
				sandbox.WithToken(testToken),
			)
			_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
			c := newClient(t, url)

			db, err := c.GetDatabase(testContext(t), testOrg, testDB)
			if err != nil {
				t.Fatalf("GetDatabase() error = %v", err)
			}
			if got, want := db.RequireApprovalForDeploy, requireApproval; got != want {
				t.Errorf("RequireApprovalForDeploy = %v, want %v", got, want)
			}
			if got, want := db.Name, testDB; got != want {
				t.Errorf("Name = %q, want %q", got, want)
			}
			if got, want := db.DefaultBranch, "main"; got != want {
				t.Errorf("DefaultBranch = %q, want %q", got, want)
			}
			if got, want := db.HTMLURL, "https://app.planetscale.com/acme/shop"; got != want {
				t.Errorf("HTMLURL = %q, want %q", got, want)
			}
			reqs := sb.Requests()
			if got, want := len(reqs), 1; got != want {
				t.Fatalf("sandbox got %d requests, want %d", got, want)
			}
			if got, want := reqs[0].Path, "/v1/organizations/acme/databases/shop"; got != want {
				t.Errorf("path = %q, want %q", got, want)
			}
			if got, want := len(reqs[0].Query), 0; got != want {
				t.Errorf("query = %v, want none", reqs[0].Query)
			}
		})
	}
}

// TestGetDatabase_requireApprovalMissing leaves the field out: it reads as false.
func TestGetDatabase_requireApprovalMissing(t *testing.T) {
	t.Parallel()

	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, map[string]any{"name": testDB, "type": "Database", "region": map[string]any{"slug": "x"}})
	})
	c := newClient(t, url)
	db, err := c.GetDatabase(testContext(t), testOrg, testDB)
	if err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if db.RequireApprovalForDeploy {
		t.Error("RequireApprovalForDeploy = true, want false when the field is missing")
	}
}

func TestGetDatabase_notFound(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		grants map[string][]string
		db     string
	}{
		{name: "no_grant_on_database", grants: map[string][]string{testOrg + "/other": {"read_database"}}, db: testDB},
		{name: "no_grants", grants: nil, db: testDB},
		{name: "unknown_database", grants: map[string][]string{testOrg + "/" + testDB: {"read_database"}}, db: "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sb := sandbox.New(
				sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true}),
				sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: "other"}),
				sandbox.WithToken(sandbox.Token{ID: testID, Secret: testSecret, Grants: tt.grants}),
			)
			_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
			c := newClient(t, url)

			db, err := c.GetDatabase(testContext(t), testOrg, tt.db)
			if !errors.Is(err, planetscale.ErrNotFound) {
				t.Fatalf("GetDatabase() = %+v, error %v, want ErrNotFound", db, err)
			}
			if db != nil {
				t.Errorf("GetDatabase() = %+v with an error, want nil", db)
			}
			if got, want := err.Error(), "get database: PlanetScale API answered 404 Not Found (not_found: Not Found)"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			if got, want := len(sb.Requests()), 1; got != want {
				t.Errorf("sandbox got %d requests, want %d (404 is not retried)", got, want)
			}
		})
	}
}

func TestGetDatabase_retried(t *testing.T) {
	t.Parallel()

	sb := sandbox.New(
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: true}),
		sandbox.WithToken(testToken),
	)
	sb.InjectFaults(sandbox.Unavailable, sandbox.Disconnect)
	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
	c := newClient(t, url)
	db, err := c.GetDatabase(testContext(t), testOrg, testDB)
	if err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if !db.RequireApprovalForDeploy {
		t.Error("RequireApprovalForDeploy = false, want true")
	}
	if got, want := len(sb.Requests()), 3; got != want {
		t.Errorf("sandbox got %d requests, want %d", got, want)
	}
}
