package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The organization and database every scenario serves.
const (
	DemoOrganization = "acme"
	DemoDatabase     = "shop"
)

// DemoToken is the service token the scenarios accept. Its secret is made up
// and only ever valid against the sandbox.
var DemoToken = Token{
	ID:     "sbx4t9q2w1z7",
	Secret: "pscale_tkn_sandboxDemoSecretNotReal0001",
	Grants: map[string][]string{DemoOrganization + "/" + DemoDatabase: {"read_deploy_request", "read_database"}},
}

// Scenario is a ready-to-run sandbox: a server and the token to call it with.
type Scenario struct {
	Name        string
	Description string
	Server      *Server
	// ServiceToken is the "ID:TOKEN" value to give the gate.
	ServiceToken string
}

// scenarioSpecs lists the scenarios by name, in the order they are shown.
var scenarioSpecs = []struct {
	name, description string
	build             func(now time.Time) (*Server, string)
}{
	{"unapproved", "36 open deploy requests over 3 pages, 2 of them unapproved (one at position 27, past the first 25); page 2 fails once with a 503 and is retried",
		func(now time.Time) (*Server, string) {
			s := demoServer(now, false)
			s.FailPageOnce(2, Unavailable)
			return s, combined(DemoToken)
		}},
	{"approved", "the same database once every open deploy request is approved: the gate passes",
		func(now time.Time) (*Server, string) { return demoServer(now, true), combined(DemoToken) }},
	{"rate-limited", "the API drops the first connection, then rate-limits twice (429, Retry-After: 1) before answering",
		func(now time.Time) (*Server, string) {
			s := demoServer(now, false)
			s.InjectFaults(Disconnect, RateLimitedFor("1"), RateLimitedFor("1"))
			return s, combined(DemoToken)
		}},
	{"not-found", "the token has no read_deploy_request grant on the database: PlanetScale answers 404",
		func(now time.Time) (*Server, string) {
			t := DemoToken
			t.Grants = map[string][]string{DemoOrganization + "/" + DemoDatabase: {"read_branch"}}
			return New(WithDatabase(demoDatabase(now, false)), WithToken(t)), combined(t)
		}},
	{"bad-token", "the token was revoked: PlanetScale answers 401",
		func(now time.Time) (*Server, string) {
			revoked := DemoToken
			revoked.Secret = "pscale_tkn_revokedSandboxSecret0002"
			return demoServer(now, false), combined(revoked)
		}},
}

func combined(t Token) string { return t.ID + ":" + t.Secret }

// ScenarioNames returns the names NewScenario accepts.
func ScenarioNames() []string {
	names := make([]string, len(scenarioSpecs))
	for i, s := range scenarioSpecs {
		names[i] = s.name
	}
	return names
}

// NewScenario builds the named scenario, with deploy request ages relative to now.
func NewScenario(name string, now time.Time) (*Scenario, error) {
	for _, spec := range scenarioSpecs {
		if spec.name == name {
			s, token := spec.build(now)
			return &Scenario{Name: name, Description: spec.description, Server: s, ServiceToken: token}, nil
		}
	}
	return nil, fmt.Errorf("unknown scenario %q: choose one of %s", name, strings.Join(ScenarioNames(), ", "))
}

// demoServer serves the demo database with 12 items a page, so the open
// deploy requests span three pages.
func demoServer(now time.Time, allApproved bool) *Server {
	return New(WithDatabase(demoDatabase(now, allApproved)), WithToken(DemoToken), WithMaxPerPage(12))
}

// demoDatabase is acme/shop: 140 deploy requests, 104 closed and 36 open,
// newest first as the dashboard lists them.
func demoDatabase(now time.Time, allApproved bool) Database {
	db := Database{Organization: DemoOrganization, Name: DemoDatabase, RequireApproval: true}
	features := []string{"add-orders-index", "customer-loyalty", "invoice-pdf", "cart-expiry", "tax-rates",
		"returns-flow", "gift-cards", "search-facets", "warehouse-zones", "shipping-labels", "price-history",
		"wishlist", "promo-codes", "audit-log", "sku-variants", "subscription-box", "store-credit", "split-payments"}
	open := []struct {
		state    string
		approved bool
	}{
		// Positions 1–36 of the open list, newest first.
		{"pending", true}, {"ready", true}, {"ready", true}, {"queued", true}, {"in_progress", true},
		{"pending_cutover", true}, {"complete_pending_revert", true}, {"complete_pending_revert", false},
		{"ready", true}, {"no_changes", false}, {"in_progress_cutover", true}, {"ready", true},
		{"complete_pending_revert", true}, {"ready", true}, {"submitting", true}, {"ready", true},
		{"complete", false}, {"ready", true}, {"in_progress_vschema", true}, {"ready", true},
		{"complete_revert", true}, {"ready", true}, {"complete_cancel", true}, {"ready", true},
		{"in_progress_revert", true}, {"ready", true},
		{"ready", false}, // position 27: past the first page of 25 that pscale reads
		{"ready", true}, {"complete_error", true}, {"ready", true}, {"cancelled", true}, {"ready", true},
		{"in_progress_revert_vschema", true}, {"complete_revert_error", true}, {"ready", true},
		{"error", false}, // lint errors, never approved
	}
	number := 140
	for i, o := range open {
		dr := DeployRequest{
			Number:          number,
			Branch:          fmt.Sprintf("%s-%d", features[i%len(features)], number),
			IntoBranch:      "main",
			Approved:        o.approved || allApproved,
			State:           "open",
			DeploymentState: o.state,
			Deployable:      o.state != "pending" && o.state != "error",
			CreatedAt:       now.Add(-time.Duration(i*7+1) * time.Hour),
		}
		if i == 26 {
			dr.Branch = "add-orders-index"
			dr.Notes = "Adds `idx_orders_customer` | speeds up the order history page <b>a lot</b>"
		}
		if i == 35 {
			dr.Branch = "drop-legacy-coupons"
			dr.OmitDeployment = true
		}
		if i%4 == 3 {
			dr.IntoBranch = "staging"
		}
		db.DeployRequests = append(db.DeployRequests, dr)
		number--
	}
	for ; number >= 1; number-- {
		db.DeployRequests = append(db.DeployRequests, DeployRequest{
			Number: number, Branch: fmt.Sprintf("%s-%d", features[number%len(features)], number), IntoBranch: "main",
			Approved: true, State: "closed", DeploymentState: "complete", Deployable: true,
			CreatedAt: now.Add(-time.Duration(300+number*30) * time.Hour),
		})
	}
	db.DeployRequests = slices.Clip(db.DeployRequests)
	return db
}
