package check

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// fakeLister answers from memory. Its GetDatabase waits until the listing
// has started.
type fakeLister struct {
	drs       []DeployRequest
	listErr   error
	required  bool
	dbErr     error
	listing   chan struct{}
	gotFilter Filter
	gotTarget string
}

func newFakeLister() *fakeLister { return &fakeLister{listing: make(chan struct{})} }

func (f *fakeLister) OpenDeployRequests(ctx context.Context, org, db string, opts ListOptions) ([]DeployRequest, error) {
	f.gotFilter, f.gotTarget = opts.Filter, org+"/"+db
	close(f.listing)
	return f.drs, f.listErr
}

func (f *fakeLister) ApprovalRequired(ctx context.Context, org, db string) (bool, error) {
	select {
	case <-f.listing:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	return f.required, f.dbErr
}

// featureDR is open deploy request #n from feature-n into main.
func featureDR(n int, state string, approved bool) DeployRequest {
	dr := openDR(n, state, approved)
	dr.Branch, dr.IntoBranch = "feature-"+strconv.Itoa(n), "main"
	return dr
}

func TestCheck(t *testing.T) {
	t.Parallel()
	cfg := Config{Organization: "acme", Database: "shop", FailOn: FailOnUnapproved, Filter: Filter{Branch: "feature-1", IntoBranch: "main"}}
	t.Run("decides_and_reads_the_settings", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.drs = []DeployRequest{featureDR(1, "ready", false)}
		l.required = false
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
		want := Filter{Branch: "feature-1", IntoBranch: "main"}
		if l.gotFilter != want || l.gotTarget != "acme/shop" {
			t.Errorf("listed %s with %+v, want acme/shop with %+v", l.gotTarget, l.gotFilter, want)
		}
	})
	t.Run("settings_error_only_leaves_the_note_out", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.dbErr = &answer{404, "404 Not Found"}
		v, err := Check(t.Context(), l, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if v.ApprovalRequired != nil || !errors.Is(v.SettingsErr, l.dbErr) {
			t.Errorf("ApprovalRequired, SettingsErr = %v, %v; want nil and a 404", v.ApprovalRequired, v.SettingsErr)
		}
	})
	t.Run("list_error_fails_closed", func(t *testing.T) {
		t.Parallel()
		l := newFakeLister()
		l.drs = []DeployRequest{featureDR(1, "ready", true)}
		l.listErr = errors.New("cut short")
		v, err := Check(t.Context(), l, cfg)
		if err == nil || err.Error() != "cut short" {
			t.Fatalf("err = %v, want the listing's error", err)
		}
		if len(v.Matched) != 0 {
			t.Errorf("a failed listing still matched %d requests", len(v.Matched))
		}
	})
	t.Run("settings_read_starts_at_the_first_page", func(t *testing.T) {
		t.Parallel()
		l := &pagedLister{settingsAsked: make(chan struct{})}
		v, err := Check(t.Context(), l, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !l.sawSettingsBeforeEnd || v.ApprovalRequired == nil || !*v.ApprovalRequired {
			t.Errorf("settings read while listing: %v, ApprovalRequired = %v; want it started at FirstPage, and true", l.sawSettingsBeforeEnd, v.ApprovalRequired)
		}
	})
}

// pagedLister reports its first page, then waits (a while at most) for the
// settings read before it ends the list.
type pagedLister struct {
	settingsAsked        chan struct{}
	sawSettingsBeforeEnd bool
}

func (p *pagedLister) OpenDeployRequests(ctx context.Context, org, db string, opts ListOptions) ([]DeployRequest, error) {
	opts.FirstPage()
	select {
	case <-p.settingsAsked:
		p.sawSettingsBeforeEnd = true
	case <-time.After(5 * time.Second):
	}
	return []DeployRequest{featureDR(1, "ready", true)}, nil
}

func (p *pagedLister) ApprovalRequired(ctx context.Context, org, db string) (bool, error) {
	close(p.settingsAsked)
	return true, nil
}
