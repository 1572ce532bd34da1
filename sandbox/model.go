package sandbox

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Organization is an organization the sandbox serves. Organizations named
// by a database exist without being declared; WithOrganization declares one
// explicitly, for an organization without databases or to set its fields.
type Organization struct {
	Name string
	// Plan is served as "plan"; empty means "scaler_pro".
	Plan      string
	CreatedAt time.Time
}

// Database is a database the sandbox serves.
type Database struct {
	Organization    string
	Name            string
	RequireApproval bool
	DeployRequests  []DeployRequest
	// Region is the region's slug, such as "aws-eu-west-1"; empty means
	// "aws-us-east-1". It is served as the API's region object.
	Region string
	// Branches are served by the branch list. When empty the sandbox serves
	// what the deploy requests imply: main and every into_branch as
	// production branches, and every deploy request's branch as a
	// development branch of its into_branch.
	Branches []Branch
}

// Branch is a database branch the sandbox serves.
type Branch struct {
	Name string
	// Parent is the branch it was made from; empty for a root branch.
	Parent     string
	Production bool
	// Ready false serves the branch as still being created ("pending").
	Ready     bool
	CreatedAt time.Time
}

// DeployRequest is a deploy request the sandbox serves.
type DeployRequest struct {
	Number     int
	Branch     string
	IntoBranch string
	Approved   bool
	// State is "open" or "closed".
	State string
	// DeploymentState is one of the API's 20 deployment states. A request in
	// state "error" is served with a lint error in deployment.lint_errors.
	DeploymentState string
	Deployable      bool
	// Notes is served as null when empty, as the real API does.
	Notes     string
	CreatedAt time.Time
	// OmitDeployment leaves the "deployment" object out of the JSON.
	OmitDeployment bool
	// Operations are served in deployment.deploy_operations and by the
	// operations list, in this order; none while PlanetScale computes the
	// change (DeploymentState "pending").
	Operations []Operation
	// OmitListOperations serves deployment.deploy_operations empty in the
	// deploy request list (the single request, its deployment and its
	// operations list still carry them), to make a client read them per
	// request.
	OmitListOperations bool
	// Reviews are served by the reviews list, in this order.
	Reviews []Review
	// LintErrors are served in deployment.lint_errors; nil serves the
	// default: one lint error in state "error", none otherwise.
	LintErrors []LintError
	// The deployment's flags, served as deployment.instant_ddl_eligible,
	// queue_paused, queue_pause_reason (null when empty) and
	// deploy_check_errors (null when empty).
	InstantDDLEligible bool
	QueuePaused        bool
	QueuePauseReason   string
	DeployCheckErrors  string
}

// Operation is one deploy operation of a deploy request.
type Operation struct {
	// Keyspace defaults to the database's name.
	Keyspace string
	Table    string
	// Name is served as operation_name: "CREATE", "ALTER" or "DROP".
	Name        string
	DDL         string
	CanDropData bool
	// RecentlyUsed serves table_recently_used, with table_recently_used_at
	// an hour before the request was made.
	RecentlyUsed bool
}

// Review is one review of a deploy request.
type Review struct {
	// State is "approved" or "commented".
	State string
	// By is the reviewer's display name.
	By   string
	Body string
	At   time.Time
}

// LintError is one schema lint error of a deployment.
type LintError struct {
	Code        string // lint_error, such as "NO_UNIQUE_KEY"
	Table       string
	Description string
	DocsURL     string
}

// Token is a service token the sandbox accepts.
//
// Grants hold the token's accesses the way PlanetScale scopes them: a key
// "org/database" holds database accesses such as "read_deploy_request",
// "read_branch" and "read_database"; a key "org" alone holds organization
// accesses such as "read_organization". What each endpoint needs:
//
//   - list organizations: any grant in the organization (the list shows the
//     organizations the token has access to);
//   - get an organization: "read_organization" on it;
//   - list databases: any grant in the organization; the list shows only the
//     databases the token may read;
//   - get a database: any database access on it (the API accepts a long
//     list: read_database, read_branch, read_deploy_request, …);
//   - list branches: read_branch (or create/delete/connect branch accesses);
//   - list or get deploy requests, and get a deploy request's deployment,
//     operations or reviews: read_deploy_request.
//
// A missing grant is answered 404 {"code":"not_found","message":"Not Found"},
// as the real API does; an unknown token is answered 401.
type Token struct {
	ID     string
	Secret string
	// OAuth makes Secret an OAuth access token, sent as "Bearer <Secret>".
	OAuth bool
	// Grants maps "org/database" to database accesses and "org" to
	// organization accesses.
	Grants map[string][]string
}

// Accesses the API accepts for each kind of read, from the "Service Token
// Accesses" of each operation in PlanetScale's OpenAPI document.
var (
	databaseReadAccesses = []string{"read_database", "delete_database", "write_database", "read_branch",
		"delete_branch", "create_branch", "promote_branches", "demote_branches", "delete_production_branch",
		"connect_branch", "connect_production_branch", "connect_production_read_only_branch",
		"delete_branch_password", "delete_production_branch_password", "delete_production_read_only_branch_password",
		"read_deploy_request", "create_deploy_request", "approve_deploy_request", "read_comment", "create_comment",
		"restore_backup", "restore_production_branch_backup", "read_backups", "write_backups", "delete_backups",
		"delete_production_branch_backups", "write_branch_vschema", "write_production_branch_vschema"}
	branchReadAccesses        = []string{"read_branch", "delete_branch", "create_branch", "connect_production_branch", "connect_branch"}
	deployRequestReadAccesses = []string{"read_deploy_request"}
	organizationReadAccesses  = []string{"read_organization"}
)

// hasAccess reports whether the token holds one of accesses under key
// ("org" or "org/database").
func (t Token) hasAccess(key string, accesses []string) bool {
	return slices.ContainsFunc(t.Grants[key], func(g string) bool { return slices.Contains(accesses, g) })
}

// inOrganization reports whether the token has any grant in org.
func (t Token) inOrganization(org string) bool {
	for key, grants := range t.Grants {
		if len(grants) > 0 && (key == org || strings.HasPrefix(key, org+"/")) {
			return true
		}
	}
	return false
}

// branches returns the branches a database serves, derived from its deploy
// requests when none are set.
func (db Database) branches() []Branch {
	if len(db.Branches) > 0 {
		return db.Branches
	}
	created := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	out := []Branch{{Name: "main", Production: true, Ready: true, CreatedAt: created}}
	seen := map[string]bool{"main": true}
	add := func(b Branch) {
		if b.Name != "" && !seen[b.Name] {
			seen[b.Name] = true
			out = append(out, b)
		}
	}
	for _, dr := range db.DeployRequests {
		add(Branch{Name: dr.IntoBranch, Parent: "main", Production: true, Ready: true, CreatedAt: created})
	}
	for _, dr := range db.DeployRequests {
		add(Branch{Name: dr.Branch, Parent: cmp.Or(dr.IntoBranch, "main"), Ready: true, CreatedAt: dr.CreatedAt})
	}
	return out
}
