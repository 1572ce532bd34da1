package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// The fields list_deploy_operations and list_deploy_request_reviews
// document as required.
var (
	operationFields = []string{"id", "state", "keyspace_name", "table_name", "operation_name", "eta_seconds", "progress_percentage",
		"deploy_error_docs_url", "ddl_statement", "syntax_highlighted_ddl", "created_at", "updated_at", "throttled_at", "can_drop_data",
		"table_locked", "table_recently_used", "table_recently_used_at", "removed_foreign_key_names", "deploy_errors"}
	reviewFields     = []string{"id", "body", "html_body", "state", "created_at", "updated_at", "actor"}
	listFields       = []string{"type", "current_page", "per_page", "next_page", "next_page_url", "prev_page", "prev_page_url", "data"}
	deploymentFields = []string{"deployable", "lint_errors", "deploy_check_errors", "instant_ddl_eligible", "queue_paused", "queue_pause_reason", "deploy_operations"}
)

func wantKeys(t *testing.T, what string, m map[string]any, keys []string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q", what, k)
		}
	}
}

// walkItems walks the list at path (what names it), stops the test unless
// it comes in wantPages pages, and returns the pages and their items, each
// checked to carry keys (item names one).
func walkItems(t *testing.T, f *fixture, what, path string, wantPages int, item string, keys []string) ([]response, []map[string]any) {
	t.Helper()
	pages := f.walk(path)
	if len(pages) != wantPages {
		t.Fatalf("%s: %d pages, want %d", what, len(pages), wantPages)
	}
	var items []map[string]any
	for _, p := range pages {
		for _, it := range p.items() {
			wantKeys(t, item, it, keys)
			items = append(items, it)
		}
	}
	return pages, items
}

// TestServer_Operations: the operations list pages as documented (no
// totals), every item carries the documented fields, and a pending request
// has none.
func TestServer_Operations(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "review")
	pages, items := walkItems(t, f, "operations of #205 (14 operations, 12 a page)", shopRequestsPath+"/205/operations", 2, "operation", operationFields)
	for _, p := range pages {
		wantKeys(t, "operations page", p.body, listFields)
		if _, ok := p.body["total_count"]; ok {
			t.Errorf("operations page has total_count; the API documents none")
		}
	}
	var tables []string
	for _, it := range items {
		tables = append(tables, it["table_name"].(string))
	}
	if len(tables) != 14 || tables[0] != "report_01" || tables[13] != "report_14" {
		t.Errorf("operations of #205 = %v, want report_01 … report_14 in order", tables)
	}
	if got := f.get(shopRequestsPath + "/207/operations").items(); len(got) != 0 {
		t.Errorf("pending #207 has %d operations, want none", len(got))
	}
	drop := f.get(shopRequestsPath + "/209/operations").items()
	if len(drop) != 1 || drop[0]["can_drop_data"] != true || drop[0]["table_name"] != "coupons" || drop[0]["state"] != "pending" {
		t.Errorf("operations of #209 = %v, want one pending coupons operation that can drop data", drop)
	}
	if applied := f.get(shopRequestsPath + "/208/operations").items(); len(applied) != 1 || applied[0]["state"] != "complete" || applied[0]["can_drop_data"] != false {
		t.Errorf("operations of applied #208 = %v, want one complete additive operation", applied)
	}
}

// TestServer_Reviews: reviews page as documented, oldest first, with the
// approval of #206 on page 2.
func TestServer_Reviews(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "review")
	pages, items := walkItems(t, f, "reviews of #206", shopRequestsPath+"/206/reviews", 2, "review", reviewFields)
	var states []string
	for _, it := range items {
		states = append(states, it["state"].(string))
	}
	if len(states) != 13 || states[12] != "approved" || slices.Contains(states[:12], "approved") {
		t.Errorf("review states of #206 = %v, want 12 comments then an approval", states)
	}
	last := pages[1].items()[0]
	if actor, _ := last["actor"].(map[string]any); actor["display_name"] != sandbox.ReviewerDana {
		t.Errorf("approval by %v, want %s", last["actor"], sandbox.ReviewerDana)
	}
	if got := f.get(shopRequestsPath + "/207/reviews"); got.status != http.StatusOK || len(got.items()) != 0 {
		t.Errorf("reviews of #207 = %d %s, want an empty list", got.status, got.raw)
	}
}

// TestServer_Deployment: the deployment object carries the card's fields
// on its own route, in the single request and in the list, which leaves
// operations out only where the scenario says so.
func TestServer_Deployment(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "review")
	d := f.get(shopRequestsPath + "/210/deployment")
	if d.status != http.StatusOK {
		t.Fatalf("deployment of #210: %d %s", d.status, d.raw)
	}
	wantKeys(t, "deployment", d.body, deploymentFields)
	if d.body["queue_paused"] != true || !strings.Contains(d.body["queue_pause_reason"].(string), "holiday") || d.body["instant_ddl_eligible"] != true {
		t.Errorf("deployment of #210 = %s, want a paused queue with its reason and instant DDL", d.raw)
	}
	if d.body["deploy_check_errors"] != nil {
		t.Errorf("deploy_check_errors = %v, want null", d.body["deploy_check_errors"])
	}
	lint := f.get(shopRequestsPath + "/205/deployment").body["lint_errors"].([]any)
	if len(lint) != 1 || lint[0].(map[string]any)["docs_url"] == "" {
		t.Errorf("lint errors of #205 = %v, want one with a docs_url", lint)
	}
	one := f.get(shopRequestsPath + "/205").body["deployment"].(map[string]any)
	if ops := one["deploy_operations"].([]any); len(ops) != 14 {
		t.Errorf("GET #205 carries %d operations, want 14", len(ops))
	}
	for _, it := range f.walk(shopRequestsPath + "?state=open")[0].items() {
		ops := it["deployment"].(map[string]any)["deploy_operations"].([]any)
		switch n := it["number"].(float64); n {
		case 205:
			if len(ops) != 0 {
				t.Errorf("list item #205 carries %d operations, want none (read per request)", len(ops))
			}
		case 209, 210:
			if len(ops) != 1 {
				t.Errorf("list item #%v carries %d operations, want 1", n, len(ops))
			}
		}
	}
}

// TestServer_FailRoute: a route's faults hit only that route, in order.
func TestServer_FailRoute(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "review")
	f.s.FailRoute(sandbox.RouteReviews, sandbox.InternalError)
	if got := f.get(shopRequestsPath + "/209/operations"); got.status != http.StatusOK {
		t.Errorf("operations = %d, want 200 (the fault is for reviews)", got.status)
	}
	if got := f.get(shopRequestsPath + "/209/reviews"); got.status != http.StatusInternalServerError {
		t.Errorf("reviews = %d, want the queued 500", got.status)
	}
	if got := f.get(shopRequestsPath + "/209/reviews"); got.status != http.StatusOK {
		t.Errorf("reviews again = %d, want 200", got.status)
	}
}

// TestScenario_HostileCard: the hostile scenario serves its text as is,
// the 100 KB statement whole.
func TestScenario_HostileCard(t *testing.T) {
	t.Parallel()
	_, f := scenario(t, "hostile-card")
	long := f.get(shopRequestsPath + "/4/operations").items()
	if len(long) != 1 || len(long[0]["ddl_statement"].(string)) != sandbox.HostileStatementSize {
		t.Fatalf("operations of #4 = %d items, want one statement of %d bytes", len(long), sandbox.HostileStatementSize)
	}
	evil := f.get(shopRequestsPath + "/5/operations").items()[0]
	if table := evil["table_name"].(string); !strings.Contains(table, "\r\n::error::") || !strings.Contains(table, "`|<b>") {
		t.Errorf("table name = %q, want the hostile one", table)
	}
	if !slices.Contains(sandbox.CardScenarioNames(), "review") || !slices.Contains(sandbox.CardScenarioNames(), "hostile-card") {
		t.Errorf("CardScenarioNames = %v", sandbox.CardScenarioNames())
	}
}
