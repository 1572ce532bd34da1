package planetscale_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// withToken authenticates with a combined ID:TOKEN value.
func withToken(t *testing.T, combined string) planetscale.Option {
	t.Helper()
	creds, err := planetscale.ParseCredentials(combined, "")
	if err != nil {
		t.Fatal(err)
	}
	return planetscale.WithCredentials(creds)
}

// TestClient_ListDeployRequestObjects keeps each object as the API sent it,
// under the same strict rules as ListDeployRequests.
func TestClient_ListDeployRequestObjects(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	sc, err := sandbox.NewScenario("unapproved", now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sc.Server)
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, withToken(t, sc.ServiceToken))
	objs, err := c.ListDeployRequestObjects(t.Context(), sandbox.DemoOrganization, sandbox.DemoDatabase, planetscale.ListDeployRequestsOptions{State: "open"})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 36 {
		t.Fatalf("got %d objects, want the 36 open requests", len(objs))
	}
	for _, o := range objs {
		var raw map[string]any
		if err := json.Unmarshal(o.Raw, &raw); err != nil {
			t.Fatalf("#%d: Raw is not the object: %v", o.Value.Number, err)
		}
		if raw["number"] != float64(o.Value.Number) || raw["actor"] == nil {
			t.Errorf("#%d: Raw = %s, want the whole object with its actor", o.Value.Number, o.Raw)
		}
	}

	bad, err := sandbox.NewScenario("case-keys", now)
	if err != nil {
		t.Fatal(err)
	}
	badSrv := httptest.NewServer(bad.Server)
	t.Cleanup(badSrv.Close)
	_, err = newClient(t, badSrv.URL, withToken(t, bad.ServiceToken)).ListDeployRequestObjects(t.Context(), sandbox.DemoOrganization, sandbox.DemoDatabase, planetscale.ListDeployRequestsOptions{State: "open"})
	if !errors.Is(err, planetscale.ErrMalformedItem) {
		t.Errorf("case-variant keys: err = %v, want ErrMalformedItem", err)
	}
}
