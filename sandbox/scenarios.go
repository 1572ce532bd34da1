package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The organization and database every scenario's gate reads.
const (
	DemoOrganization = "acme"
	DemoDatabase     = "shop"
)

// DemoToken is the service token the scenarios accept. Its secret is made up
// and only ever valid against the sandbox. It reads the organization, and
// in it shop and blog fully, analytics only as a database (its branches and
// deploy requests answer 404); billing it cannot see at all.
var DemoToken = Token{
	ID:     "sbx4t9q2w1z7",
	Secret: "pscale_tkn_sandboxDemoSecretNotReal0001",
	Grants: map[string][]string{
		DemoOrganization:                      {"read_organization"},
		DemoOrganization + "/" + DemoDatabase: {"read_deploy_request", "read_database", "read_branch"},
		DemoOrganization + "/blog":            {"read_deploy_request", "read_database", "read_branch"},
		DemoOrganization + "/analytics":       {"read_database"},
	},
}

// Scenario is a ready-to-run sandbox: a server and the token to call it with.
type Scenario struct {
	Name        string
	Description string
	Server      *Server
	// ServiceToken is the "ID:TOKEN" value to give the gate.
	ServiceToken string
	// Inputs are gate inputs the scenario is built for, by input name
	// ("into-branch": "main"); the demo applies them unless overridden.
	Inputs map[string]string
}

// scenarioSpec describes a scenario by name.
type scenarioSpec struct {
	name, description string
	inputs            map[string]string
	build             func(now time.Time) (*Server, string)
}

// scenarioSpecs are the demo's scenarios, in the order they are shown. The
// first five are the README's; new ones go at the end.
var scenarioSpecs = []scenarioSpec{
	{name: "unapproved", description: "36 open deploy requests over 3 pages, 2 of them unapproved (one at position 27, past the first 25); page 2 fails once with a 503 and is retried",
		build: func(now time.Time) (*Server, string) {
			s := demoServer(now, demoDatabase(now, approvalAsListed), DemoToken, WithMaxPerPageOn(RouteDeployRequests, 12))
			s.FailPageOnce(2, Unavailable)
			return s, combined(DemoToken)
		}},
	{name: "approved", description: "the same database once every open deploy request is approved: the gate passes",
		build: func(now time.Time) (*Server, string) {
			return demoServer(now, demoDatabase(now, approvalAll), DemoToken, WithMaxPerPageOn(RouteDeployRequests, 12)), combined(DemoToken)
		}},
	{name: "rate-limited", description: "the API drops the first connection, then rate-limits twice (429, Retry-After: 1) before answering",
		build: func(now time.Time) (*Server, string) {
			s := demoServer(now, demoDatabase(now, approvalAsListed), DemoToken, WithMaxPerPageOn(RouteDeployRequests, 12))
			s.InjectFaults(Disconnect, RateLimitedFor("1"), RateLimitedFor("1"))
			return s, combined(DemoToken)
		}},
	{name: "not-found", description: "the token has no read_deploy_request grant on the database: PlanetScale answers 404",
		build: func(now time.Time) (*Server, string) {
			t := DemoToken
			t.Grants = map[string][]string{DemoOrganization + "/" + DemoDatabase: {"read_branch"}}
			return demoServer(now, demoDatabase(now, approvalAsListed), t), combined(t)
		}},
	{name: "bad-token", description: "the token was revoked: PlanetScale answers 401",
		build: func(now time.Time) (*Server, string) {
			revoked := DemoToken
			revoked.Secret = "pscale_tkn_revokedSandboxSecret0002"
			return demoServer(now, demoDatabase(now, approvalAsListed), DemoToken, WithMaxPerPageOn(RouteDeployRequests, 12)), combined(revoked)
		}},
	{name: "no-approval-required", description: "the database does not require approval (require_approval_for_deploy: false), so none of its 36 open deploy requests is approved: PlanetScale's most common case",
		build: func(now time.Time) (*Server, string) {
			db := demoDatabase(now, approvalNone)
			db.RequireApproval = false
			return demoServer(now, db, DemoToken, WithMaxPerPageOn(RouteDeployRequests, 12)), combined(DemoToken)
		}},
}

func combined(t Token) string { return t.ID + ":" + t.Secret }

// ScenarioNames returns the demo's scenarios, in the order they are shown.
func ScenarioNames() []string { return specNames(scenarioSpecs) }

// FaultScenarioNames returns the scenarios that play a misbehaving API, one
// for each way a gate could pass wrongly or leak; NewScenario builds them
// too.
func FaultScenarioNames() []string { return specNames(faultScenarioSpecs) }

func specNames(specs []scenarioSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return names
}

// NewScenario builds the named scenario, demo or fault, with deploy request
// ages relative to now.
func NewScenario(name string, now time.Time) (*Scenario, error) {
	for _, spec := range slices.Concat(scenarioSpecs, faultScenarioSpecs, cardScenarioSpecs) {
		if spec.name == name {
			s, token := spec.build(now)
			return &Scenario{Name: name, Description: spec.description, Server: s, ServiceToken: token,
				Inputs: spec.inputs}, nil
		}
	}
	return nil, fmt.Errorf("unknown scenario %q: choose one of %s (or a fault scenario: %s; or a review card scenario: %s)", name,
		strings.Join(ScenarioNames(), ", "), strings.Join(FaultScenarioNames(), ", "), strings.Join(CardScenarioNames(), ", "))
}

// demoServer serves the demo organization: shop (the database the gate
// reads) beside blog, analytics and billing, with token t.
func demoServer(now time.Time, shop Database, t Token, opts ...Option) *Server {
	blog := Database{Organization: DemoOrganization, Name: "blog", Region: "aws-eu-west-1", DeployRequests: []DeployRequest{
		{Number: 9, Branch: "comments-index", IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true, Approved: true, CreatedAt: now.Add(-5 * time.Hour)},
		{Number: 8, Branch: "drop-drafts", IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true, CreatedAt: now.Add(-30 * time.Hour)},
		{Number: 7, Branch: "tags-table", IntoBranch: "main", State: "closed", DeploymentState: "complete", Deployable: true, Approved: true, CreatedAt: now.Add(-90 * time.Hour)},
	}}
	analytics := Database{Organization: DemoOrganization, Name: "analytics", Region: "gcp-us-central1", RequireApproval: true, DeployRequests: []DeployRequest{
		{Number: 3, Branch: "events-partition", IntoBranch: "main", State: "open", DeploymentState: "pending", CreatedAt: now.Add(-2 * time.Hour)},
	}}
	billing := Database{Organization: DemoOrganization, Name: "billing", RequireApproval: true}
	return New(append([]Option{WithDatabase(shop), WithDatabase(blog), WithDatabase(analytics), WithDatabase(billing), WithToken(t)}, opts...)...)
}

// How demoDatabase sets approved.
type approval int

const (
	approvalAsListed approval = iota // two open requests unapproved
	approvalAll
	approvalNone
)

// demoDatabase is acme/shop: 140 deploy requests, 104 closed and 36 open,
// newest first as the dashboard lists them.
func demoDatabase(now time.Time, a approval) Database {
	db := Database{Organization: DemoOrganization, Name: DemoDatabase, RequireApproval: true,
		Branches: []Branch{{Name: "main", Production: true, Ready: true}, {Name: "staging", Parent: "main", Production: true, Ready: true}}}
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
			Approved:        (o.approved || a == approvalAll) && a != approvalNone,
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
		db.Branches = append(db.Branches, Branch{Name: dr.Branch, Parent: dr.IntoBranch, Ready: true, CreatedAt: dr.CreatedAt.Add(-time.Hour)})
		number--
	}
	for ; number >= 1; number-- {
		db.DeployRequests = append(db.DeployRequests, DeployRequest{
			Number: number, Branch: fmt.Sprintf("%s-%d", features[number%len(features)], number), IntoBranch: "main",
			Approved: a != approvalNone, State: "closed", DeploymentState: "complete", Deployable: true,
			CreatedAt: now.Add(-time.Duration(300+number*30) * time.Hour),
		})
	}
	db.DeployRequests = slices.Clip(db.DeployRequests)
	return db
}
