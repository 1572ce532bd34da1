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
			"lint_errors":                  lintErrors(db, dr),
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
			"actor":                        actor,
			"cutover_actor":                nil,
			"cancelled_actor":              nil,
		}
	}
	return out
}

// lintErrors returns the schema lint errors of a request in state "error",
// shaped like the API's (the docs' errored webhook example).
func lintErrors(db Database, dr DeployRequest) []any {
	if dr.DeploymentState != "error" {
		return []any{}
	}
	return []any{map[string]any{
		"type":              "DeploymentLintError",
		"lint_error":        "NO_UNIQUE_KEY",
		"subject_type":      "table_error",
		"keyspace_name":     db.Name,
		"table_name":        "coupons",
		"column_name":       "",
		"error_description": `table "coupons" has no unique key: all tables must have at least one unique, not-null key without using text / blob columns or partial indexes.`,
		"docs_url":          "https://planetscale.com/docs/learn/change-single-unique-key",
	}}
}
