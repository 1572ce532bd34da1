package planetscale_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestGetDatabase_requireApproval reads the setting both ways from the
// sandbox, and as false when the API leaves it out. (TestClient_reads
// checks the other fields.)
func TestGetDatabase_requireApproval(t *testing.T) {
	t.Parallel()

	for name, require := range map[string]bool{"required": true, "not_required": false} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			sb := sandbox.New(
				sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, RequireApproval: require}),
				sandbox.WithToken(testToken),
			)
			_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { sb.ServeHTTP(w, r) })
			db, err := newClient(t, url).GetDatabase(testContext(t), testOrg, testDB)
			if err != nil || db.RequireApprovalForDeploy != require {
				t.Fatalf("GetDatabase() = %+v, %v; want RequireApprovalForDeploy %v", db, err, require)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Parallel()

		_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeJSON(w, http.StatusOK, map[string]any{"name": testDB, "type": "Database", "region": map[string]any{"slug": "x"}})
		})
		db, err := newClient(t, url).GetDatabase(testContext(t), testOrg, testDB)
		if err != nil || db.RequireApprovalForDeploy {
			t.Errorf("GetDatabase() = %+v, %v; want RequireApprovalForDeploy false when the field is missing", db, err)
		}
	})
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
			db, err := newClient(t, url).GetDatabase(testContext(t), testOrg, tt.db)
			if !errors.Is(err, planetscale.ErrNotFound) || db != nil {
				t.Fatalf("GetDatabase() = %+v, error %v, want nil and ErrNotFound", db, err)
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
