package planetscale_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// TestCheck_readsSettingsBesideTheList runs the gate's check over a list
// of three pages: the database settings are read once page 1 has answered
// (never before: a test's fault for "the next request" still meets the
// list), while the rest of the list is read. The server holds page 2 of
// the first read until the settings were asked for, so a check that read
// them only after the list would never get page 2.
func TestCheck_readsSettingsBesideTheList(t *testing.T) {
	t.Parallel()

	forEachReadMode(t, func(t *testing.T, pages int) {
		settingsAsked := make(chan struct{})
		var first atomic.Value
		var page2 atomic.Bool
		api, url := newPagedAPI(t, 250, 0)
		api.hold = func(_ http.ResponseWriter, r *http.Request, page int) bool {
			first.CompareAndSwap(nil, r.URL.Path)
			switch {
			case !strings.HasSuffix(r.URL.Path, "/deploy-requests"):
				close(settingsAsked)
			case page == 2 && page2.CompareAndSwap(false, true): // the first read's
				select {
				case <-settingsAsked:
				case <-time.After(4 * time.Second): // within the attempt's timeout (fastPolicy)
					t.Error("page 2 waited 4s for the settings read: it did not run beside the list")
				}
			}
			return false
		}
		c := pagedClient(t, url, pages)
		v, err := check.Check(testContext(t), c, check.Config{Organization: testOrg, Database: testDB, FailOn: check.FailOnUnapproved})
		if err != nil {
			t.Fatalf("Check() error = %v", err)
		}
		if v.Listed != 250 || v.ApprovalRequired == nil || !*v.ApprovalRequired {
			t.Errorf("Check() listed %d, approval required %v (%v); want 250 and true", v.Listed, v.ApprovalRequired, v.SettingsErr)
		}
		if got, want := api.requests.Load(), int64(7); got != want {
			t.Errorf("server got %d requests, want %d (two reads of 3 pages, the settings)", got, want)
		}
		if got := first.Load(); got != listPath {
			t.Errorf("first request to %v, want the list %s", got, listPath)
		}
		if most := api.maxInFlight.Load(); most > planetscale.MaxPageConcurrency {
			t.Errorf("%d requests in flight at once, want at most %d", most, planetscale.MaxPageConcurrency)
		}
	})
}

// TestCheck_atMostEightInFlightWithSettings reads 30 pages at once beside
// the database settings: the client as a whole never has more than eight
// requests in flight.
func TestCheck_atMostEightInFlightWithSettings(t *testing.T) {
	t.Parallel()

	api, url := newPagedAPI(t, 3000, 2*time.Millisecond)
	c := pagedClient(t, url, planetscale.MaxPageConcurrency)
	if _, err := check.Check(testContext(t), c, check.Config{Organization: testOrg, Database: testDB, FailOn: check.FailOnUnapproved}); err != nil {
		t.Fatalf("Check() error = %v", err)
	}
	if most := api.maxInFlight.Load(); most > planetscale.MaxPageConcurrency {
		t.Errorf("%d requests in flight at once, want at most %d", most, planetscale.MaxPageConcurrency)
	}
	if got, want := api.requests.Load(), int64(61); got != want {
		t.Errorf("server got %d requests, want %d (two reads of 30 pages, the settings)", got, want)
	}
}
