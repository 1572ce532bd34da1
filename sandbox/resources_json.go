package sandbox

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Dates the sandbox's organizations and databases were made.
var (
	orgCreated = time.Date(2024, 6, 3, 8, 0, 0, 0, time.UTC)
	dbCreated  = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	dbUpdated  = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
)

// organizationJSON renders an organization with the fields the API lists.
func organizationJSON(o Organization, databases int) map[string]any {
	created := o.CreatedAt
	if created.IsZero() {
		created = orgCreated
	}
	return map[string]any{
		"id":                       publicID("organization", o.Name),
		"type":                     "Organization",
		"name":                     o.Name,
		"billing_email":            "billing@" + o.Name + ".example",
		"plan":                     cmp.Or(o.Plan, "scaler_pro"),
		"valid_billing_info":       true,
		"sso":                      false,
		"sso_directory":            false,
		"sso_portal_url":           nil,
		"single_tenancy":           false,
		"managed_tenancy":          false,
		"has_past_due_invoices":    false,
		"database_count":           databases,
		"features":                 map[string]any{},
		"idp_managed_roles":        false,
		"invoice_budget_amount":    "0.0",
		"keyspace_shard_limit":     32,
		"has_card":                 true,
		"payment_info_required":    false,
		"free_databases_remaining": 0,
		"created_at":               stamp(created),
		"updated_at":               stamp(created.Add(24 * time.Hour)),
	}
}

// apiURL is the sandbox URL of an API path under the organization's
// database.
func apiURL(base string, db Database, path string) string {
	return fmt.Sprintf("%s/v1/organizations/%s/databases/%s%s", base, url.PathEscape(db.Organization), url.PathEscape(db.Name), path)
}

// databaseJSON renders a database object; base is the sandbox's address.
func databaseJSON(base string, db Database) map[string]any {
	var production int
	branches := db.branches()
	for _, b := range branches {
		if b.Production {
			production++
		}
	}
	return map[string]any{
		"id":                                     publicID("database", db.Organization, db.Name),
		"type":                                   "Database",
		"name":                                   db.Name,
		"notes":                                  "",
		"state":                                  "ready",
		"kind":                                   "mysql",
		"ready":                                  true,
		"sharded":                                false,
		"default_branch":                         "main",
		"require_approval_for_deploy":            db.RequireApproval,
		"html_url":                               htmlURL(db, ""),
		"url":                                    apiURL(base, db, ""),
		"branches_url":                           apiURL(base, db, "/branches"),
		"branches_count":                         len(branches),
		"production_branches_count":              production,
		"development_branches_count":             len(branches) - production,
		"open_schema_recommendations_count":      0,
		"issues_count":                           0,
		"multiple_admins_required_for_deletion":  false,
		"at_backup_restore_branches_limit":       false,
		"at_development_branch_usage_limit":      false,
		"data_import":                            nil,
		"region":                                 regionJSON(db.Region),
		"plan":                                   "scaler_pro",
		"default_branch_shard_count":             1,
		"default_branch_read_only_regions_count": 0,
		"default_branch_table_count":             12,
		"deletion_protected":                     false,
		"resizing":                               false,
		"resize_queued":                          false,
		"config_changing":                        false,
		"config_change_queued":                   false,
		"allow_data_branching":                   false,
		"foreign_keys_enabled":                   true,
		"automatic_migrations":                   nil,
		"restrict_branch_region":                 false,
		"insights_raw_queries":                   false,
		"insights_enabled":                       true,
		"production_branch_web_console":          false,
		"migration_table_name":                   nil,
		"migration_framework":                    nil,
		"schema_last_updated_at":                 stamp(dbUpdated),
		"created_at":                             stamp(dbCreated),
		"updated_at":                             stamp(dbUpdated),
	}
}

// branchJSON renders a branch object.
func branchJSON(base string, db Database, b Branch) map[string]any {
	created := b.CreatedAt
	if created.IsZero() {
		created = dbCreated
	}
	state := "ready"
	if !b.Ready {
		state = "pending"
	}
	var parent any // null for a root branch
	if b.Parent != "" {
		parent = b.Parent
	}
	provider, _, _ := strings.Cut(cmp.Or(db.Region, defaultRegion), "-")
	host := provider + ".connect.psdb.cloud"
	return map[string]any{
		"id":                     publicID("branch", db.Organization, db.Name, b.Name),
		"type":                   "Branch",
		"name":                   b.Name,
		"parent_branch":          parent,
		"production":             b.Production,
		"ready":                  b.Ready,
		"schema_ready":           b.Ready,
		"state":                  state,
		"kind":                   "mysql",
		"safe_migrations":        b.Production,
		"sharded":                false,
		"shard_count":            1,
		"keyspace_count":         1,
		"stale_schema":           false,
		"metal":                  false,
		"deletion_protected":     false,
		"direct_vtgate":          false,
		"vtgate_size":            "vtg-1",
		"vtgate_count":           2,
		"cluster_name":           "PS_10",
		"mysql_address":          host,
		"mysql_edge_address":     host,
		"html_url":               htmlURL(db, "/"+url.PathEscape(b.Name)),
		"url":                    apiURL(base, db, "/branches/"+url.PathEscape(b.Name)),
		"region":                 regionJSON(db.Region),
		"actor":                  actor,
		"restored_from_branch":   nil,
		"has_replicas":           b.Production,
		"has_read_only_replicas": false,
		"created_at":             stamp(created),
		"updated_at":             stamp(created.Add(time.Hour)),
		"deleted_at":             nil,
		"schema_last_updated_at": stamp(created.Add(time.Hour)),
	}
}

// defaultRegion is where a database without a Region lives.
const defaultRegion = "aws-us-east-1"

// regions are the regions the sandbox knows by slug.
var regions = map[string]struct{ display, location string }{
	"aws-us-east-1":    {"AWS us-east-1 (N. Virginia)", "Ashburn, Virginia"},
	"aws-us-west-2":    {"AWS us-west-2 (Oregon)", "Boardman, Oregon"},
	"aws-eu-west-1":    {"AWS eu-west-1 (Dublin)", "Dublin, Ireland"},
	"aws-eu-central-1": {"AWS eu-central-1 (Frankfurt)", "Frankfurt, Germany"},
	"gcp-us-central1":  {"GCP us-central1 (Iowa)", "Council Bluffs, Iowa"},
}

// regionJSON renders the region object of a database or branch.
func regionJSON(slug string) map[string]any {
	slug = cmp.Or(slug, defaultRegion)
	provider, _, _ := strings.Cut(slug, "-")
	r, ok := regions[slug]
	if !ok {
		r.display = slug
	}
	return map[string]any{
		"id":                   publicID("region", slug),
		"slug":                 slug,
		"display_name":         r.display,
		"provider":             strings.ToUpper(provider),
		"location":             r.location,
		"enabled":              true,
		"current_default":      slug == defaultRegion,
		"public_ip_addresses":  []any{},
		"mysql_supported":      true,
		"postgresql_supported": true,
	}
}
