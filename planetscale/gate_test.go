package planetscale_test

import (
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestClient_OpenDeployRequests: the Client as the gate's Lister asks for
// the open requests with the filter, tells FirstPage once, and hands over
// every field it decoded, under the same JSON names.
func TestClient_OpenDeployRequests(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	drs := []sandbox.DeployRequest{
		{Number: 3, Branch: "feature", IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true, Notes: "adds an index", CreatedAt: created},
		{Number: 2, Branch: "feature", IntoBranch: "main", Approved: true, State: "open", DeploymentState: "complete_pending_revert", CreatedAt: created},
		{Number: 1, Branch: "feature", IntoBranch: "main", State: "open", DeploymentState: "pending", OmitDeployment: true, CreatedAt: created},
	}
	sb, url := newSandbox(t, drs)
	c := newClient(t, url)
	var firstPage atomic.Int64
	got, err := c.OpenDeployRequests(testContext(t), testOrg, testDB, check.ListOptions{
		Filter:    check.Filter{Branch: "feature", IntoBranch: "main"},
		FirstPage: func() { firstPage.Add(1) },
	})
	if err != nil {
		t.Fatalf("OpenDeployRequests() error = %v", err)
	}
	if n := firstPage.Load(); n != 1 {
		t.Errorf("FirstPage called %d times, want once", n)
	}
	reqs := sb.Requests()
	if len(reqs) != 1 {
		t.Fatalf("sandbox got %d requests, want 1", len(reqs))
	}
	for k, want := range map[string]string{"state": "open", "branch": "feature", "into_branch": "main"} {
		if reqs[0].Query[k] != want {
			t.Errorf("query %s = %q, want %q (query %v)", k, reqs[0].Query[k], want, reqs[0].Query)
		}
	}
	listed, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
	if err != nil {
		t.Fatalf("ListDeployRequests() error = %v", err)
	}
	if len(got) != len(listed) || len(got) != len(drs) {
		t.Fatalf("OpenDeployRequests gave %d requests, ListDeployRequests %d; want %d", len(got), len(listed), len(drs))
	}
	for i := range got {
		gate, err := json.Marshal(got[i])
		if err != nil {
			t.Fatal(err)
		}
		client, err := json.Marshal(listed[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(gate) != string(client) {
			t.Errorf("request %d as the gate sees it:\n%s\nwant what the client decoded:\n%s", i, gate, client)
		}
	}
	if !got[0].Deployable() || got[2].Deployment != nil || got[0].Notes != "adds an index" || !got[1].Approved {
		t.Errorf("OpenDeployRequests() = %+v, lost a field", got)
	}
}

// TestClient_ApprovalRequired reads the database setting, and answers a
// missing grant with an error the gate explains.
func TestClient_ApprovalRequired(t *testing.T) {
	t.Parallel()
	_, url := newSandbox(t, openDRs(1, 1))
	required, err := newClient(t, url).ApprovalRequired(testContext(t), testOrg, testDB)
	if err != nil || !required {
		t.Errorf("ApprovalRequired() = %v, %v; want true", required, err)
	}

	noGrant := sandbox.Token{ID: "tok9noread000", Secret: "pscale_tkn_noGrantOnTheDatabase1",
		Grants: map[string][]string{testOrg + "/other": {"read_database"}}}
	_, url = newSandbox(t, openDRs(1, 1), sandbox.WithToken(noGrant))
	c := newClient(t, url, planetscale.WithCredentials(planetscale.Credentials{ID: noGrant.ID, Secret: noGrant.Secret}))
	_, err = c.ApprovalRequired(testContext(t), testOrg, testDB)
	var answer check.AnswerError
	if !errors.As(err, &answer) || !errors.Is(err, planetscale.ErrNotFound) {
		t.Fatalf("ApprovalRequired() without a grant on the database: error = %v, want a 404 answer", err)
	}
	if code, status := answer.AnswerStatus(); code != 404 || status != "404 Not Found" {
		t.Errorf("AnswerStatus() = %d, %q; want 404, \"404 Not Found\"", code, status)
	}
}

// TestDefaultBaseURL_isTheGatesDefault: the client's default address is the
// one the gate's messages name.
func TestDefaultBaseURL_isTheGatesDefault(t *testing.T) {
	t.Parallel()
	if planetscale.DefaultBaseURL != check.DefaultAPIURL {
		t.Errorf("DefaultBaseURL = %q, check.DefaultAPIURL = %q; want the same", planetscale.DefaultBaseURL, check.DefaultAPIURL)
	}
}
