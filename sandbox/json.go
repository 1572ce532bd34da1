package sandbox

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"time"
)

// publicID makes a stable 12-character id, like the API's.
func publicID(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	id := make([]byte, 12)
	for i := range id {
		id[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(id)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// stampOrNull returns nil (JSON null) for the zero time.
func stampOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return stamp(t)
}

func htmlURL(db Database, path string) string {
	return fmt.Sprintf("https://app.planetscale.com/%s/%s%s", url.PathEscape(db.Organization), url.PathEscape(db.Name), path)
}

var actor = map[string]any{
	"id":           "x7bqtg1ab2cd",
	"type":         "User",
	"display_name": "Sandbox Developer",
	"avatar_url":   "https://app.planetscale.com/gravatar-fallback.png",
}

// deployRequestJSON renders a deploy request with the fields, nulls and
// extras the real API sends.
func deployRequestJSON(db Database, dr DeployRequest) map[string]any {
	created := dr.CreatedAt
	if created.IsZero() {
		created = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	}
	var notes any // the real API sends null for empty notes
	if dr.Notes != "" {
		notes = dr.Notes
	}
	applied := map[string]bool{"complete": true, "complete_pending_revert": true, "in_progress_revert": true,
		"in_progress_revert_vschema": true, "complete_revert": true, "complete_revert_error": true}[dr.DeploymentState]
	var deployedAt, closedAt time.Time
	if applied {
		deployedAt = created.Add(2 * time.Hour)
	}
	if dr.State == "closed" {
		closedAt = created.Add(3 * time.Hour)
	}
	out := map[string]any{
		"id":                         publicID(db.Organization, db.Name, dr.Number),
		"type":                       "DeployRequest",
		"number":                     dr.Number,
		"actor":                      actor,
		"closed_by":                  nil,
		"branch":                     dr.Branch,
		"branch_id":                  publicID(db.Name, dr.Branch),
		"branch_deleted":             false,
		"branch_deleted_by":          nil,
		"branch_deleted_at":          nil,
		"into_branch":                dr.IntoBranch,
		"into_branch_sharded":        false,
		"into_branch_shard_count":    0,
		"into_branch_keyspace_count": 1,
		"approved":                   dr.Approved,
		"state":                      dr.State,
		"deployment_state":           dr.DeploymentState,
		"num_comments":               0,
		"html_url":                   htmlURL(db, fmt.Sprintf("/deploy-requests/%d", dr.Number)),
		"notes":                      notes,
		"html_body":                  "",
		"strategy":                   "serial",
		"created_at":                 stamp(created),
		"updated_at":                 stamp(created.Add(time.Hour)),
		"closed_at":                  stampOrNull(closedAt),
		"deployed_at":                stampOrNull(deployedAt),
	}
	if !dr.OmitDeployment {
		out["deployment"] = map[string]any{
			"id":                           publicID("deployment", db.Name, dr.Number),
			"type":                         "Deployment",
			"state":                        dr.DeploymentState,
			"deployable":                   dr.Deployable,
			"into_branch":                  dr.IntoBranch,
			"deploy_request_number":        dr.Number,
			"auto_cutover":                 true,
			"auto_delete_branch":           false,
			"cutover_expiring":             false,
			"deploy_check_errors":          nil,
			"lint_errors":                  []any{},
			"deploy_operations":            []any{},
			"deploy_operation_summaries":   []any{},
			"preceding_deployments":        []any{},
			"table_locked":                 false,
			"instant_ddl":                  false,
			"instant_ddl_eligible":         false,
			"queue_paused":                 false,
			"queue_pause_reason":           nil,
			"parallel_lane_blocked":        false,
			"strategy":                     "serial",
			"created_at":                   stamp(created),
			"updated_at":                   stamp(created.Add(time.Hour)),
			"finished_at":                  stampOrNull(deployedAt),
			"queued_at":                    nil,
			"started_at":                   nil,
			"submitted_at":                 nil,
			"cutover_at":                   nil,
			"ready_to_cutover_at":          nil,
			"force_cutover_requested_at":   nil,
			"schema_last_updated_at":       nil,
			"deployment_revert_request":    nil,
			"throttler_configurations":     nil,
			"sequential_diff_dependencies": []any{},
			"lookup_vindex_operations":     []any{},
		}
	}
	return out
}

// databaseJSON renders a database object.
func databaseJSON(db Database) map[string]any {
	return map[string]any{
		"id":                          publicID("database", db.Organization, db.Name),
		"type":                        "Database",
		"name":                        db.Name,
		"state":                       "ready",
		"kind":                        "mysql",
		"ready":                       true,
		"sharded":                     false,
		"default_branch":              "main",
		"require_approval_for_deploy": db.RequireApproval,
		"html_url":                    htmlURL(db, ""),
		"url":                         fmt.Sprintf("https://api.planetscale.com/v1/organizations/%s/databases/%s", url.PathEscape(db.Organization), url.PathEscape(db.Name)),
		"branches_url":                fmt.Sprintf("https://api.planetscale.com/v1/organizations/%s/databases/%s/branches", url.PathEscape(db.Organization), url.PathEscape(db.Name)),
		"plan":                        "scaler_pro",
		"region":                      map[string]any{"slug": "aws-us-east-1", "display_name": "AWS us-east-1"},
		"created_at":                  "2025-03-14T10:00:00.000Z",
		"updated_at":                  "2026-11-01T10:00:00.000Z",
	}
}
