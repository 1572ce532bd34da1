package testkit

import (
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// ListPages returns the page each request for the deploy request list of
// org/db asked for, in order, and fails t for a list request at another
// path or without the documented query (state=open, per_page=100).
func ListPages(t testing.TB, reqs []sandbox.Request, org, db string) []string {
	t.Helper()
	path := "/v1/organizations/" + org + "/databases/" + db + "/deploy-requests"
	var pages []string
	for _, r := range reqs {
		if !strings.HasSuffix(r.Path, "/deploy-requests") {
			continue
		}
		pages = append(pages, r.Query["page"])
		if r.Query["state"] != "open" || r.Query["per_page"] != "100" {
			t.Errorf("list query = %v, want state=open and per_page=100", r.Query)
		}
		if r.Path != path {
			t.Errorf("list path = %q, want %q", r.Path, path)
		}
	}
	return pages
}
