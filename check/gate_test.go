package check

import (
	"context"
	"errors"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// fakeLister answers from memory. Its GetDatabase waits until the listing
// has started.
type fakeLister struct {
	drs       []planetscale.DeployRequest
	listErr   error
	db        *planetscale.Database
	dbErr     error
	listing   chan struct{}
	gotOpts   planetscale.ListDeployRequestsOptions
	gotTarget string
}

func newFakeLister() *fakeLister { return &fakeLister{listing: make(chan struct{})} }

func (f *fakeLister) ListDeployRequests(ctx context.Context, org, db string, opts planetscale.ListDeployRequestsOptions) ([]planetscale.DeployRequest, error) {
	f.gotOpts, f.gotTarget = opts, org+"/"+db
	close(f.listing)
	return f.drs, f.listErr
}

func (f *fakeLister) GetDatabase(ctx context.Context, org, db string) (*planetscale.Database, error) {
	select {
	case <-f.listing:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return f.db, f.dbErr
}

func TestCheck(t *testing.T) {
	t.Parallel()
	cfg := Config{Organization: "acme", Database: "shop", FailOn: FailOnUnapproved, Filter: Filter{Branch: "feature-1", IntoBranch: "main"}}
	t.Run("decides_and_reads_the_settings", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.drs = []planetscale.DeployRequest{testkit.DR(1, "ready", false)}
		l.db = &planetscale.Database{RequireApprovalForDeploy: false}
		v, err := Check(t.Context(), l, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if v.Passed() || v.Listed != 1 {
			t.Errorf("Passed, Listed = %v, %d; want false, 1", v.Passed(), v.Listed)
		}
		if v.ApprovalRequired == nil || *v.ApprovalRequired {
			t.Errorf("ApprovalRequired = %v, want false", v.ApprovalRequired)
		}
		want := planetscale.ListDeployRequestsOptions{State: "open", Branch: "feature-1", IntoBranch: "main"}
		if l.gotOpts != want || l.gotTarget != "acme/shop" {
			t.Errorf("listed %s with %+v, want acme/shop with %+v", l.gotTarget, l.gotOpts, want)
		}
	})
	t.Run("settings_error_only_leaves_the_note_out", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.dbErr = &planetscale.APIError{StatusCode: 404}
		v, err := Check(t.Context(), l, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if v.ApprovalRequired != nil || !errors.Is(v.SettingsErr, planetscale.ErrNotFound) {
			t.Errorf("ApprovalRequired, SettingsErr = %v, %v; want nil and a 404", v.ApprovalRequired, v.SettingsErr)
		}
	})
	t.Run("list_error_fails_closed", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.drs = []planetscale.DeployRequest{testkit.DR(1, "ready", true)}
		l.listErr = errors.New("cut short")
		v, err := Check(t.Context(), l, cfg)
		if err == nil || err.Error() != "cut short" {
			t.Fatalf("err = %v, want the listing's error", err)
		}
		if len(v.Matched) != 0 {
			t.Errorf("a failed listing still matched %d requests", len(v.Matched))
		}
	})
}
