package sandbox

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// What the review card reads: a deploy request's deployment, operations and
// reviews, each served as PlanetScale's API reference documents it
// (get_deployment, list_deploy_operations, list_deploy_request_reviews).
// The two lists page like every other list but carry no total_count or
// total_pages, as documented.

// times returns when the request was made, applied (zero unless its
// deployment state is an applied one) and closed (zero while open).
func (dr DeployRequest) times() (created, deployed, closed time.Time) {
	created = dr.CreatedAt
	if created.IsZero() {
		created = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	}
	if dr.applied() {
		deployed = created.Add(2 * time.Hour)
	}
	if dr.State == "closed" {
		closed = created.Add(3 * time.Hour)
	}
	return created, deployed, closed
}

// applied reports whether the request's deployment state says its change
// was applied.
func (dr DeployRequest) applied() bool {
	switch dr.DeploymentState {
	case "complete", "complete_pending_revert", "in_progress_revert", "in_progress_revert_vschema", "complete_revert", "complete_revert_error":
		return true
	}
	return false
}

// deploymentJSON renders the request's deployment object; inList serves it
// as the deploy request list does (without operations when
// dr.OmitListOperations).
func deploymentJSON(db Database, dr DeployRequest, inList bool) map[string]any {
	created, deployedAt, _ := dr.times()
	ops := []any{}
	if !inList || !dr.OmitListOperations {
		ops = operationsJSON(db, dr)
	}
	return map[string]any{
		"id":                           publicID("deployment", db.Name, dr.Number),
		"type":                         "Deployment",
		"state":                        dr.DeploymentState,
		"deployable":                   dr.Deployable,
		"into_branch":                  dr.IntoBranch,
		"deploy_request_number":        dr.Number,
		"auto_cutover":                 true,
		"auto_delete_branch":           false,
		"cutover_expiring":             false,
		"deploy_check_errors":          nullIfEmpty(dr.DeployCheckErrors),
		"lint_errors":                  lintErrorsJSON(db, dr),
		"deploy_operations":            ops,
		"deploy_operation_summaries":   []any{},
		"preceding_deployments":        []any{},
		"table_locked":                 false,
		"instant_ddl":                  false,
		"instant_ddl_eligible":         dr.InstantDDLEligible,
		"queue_paused":                 dr.QueuePaused,
		"queue_pause_reason":           nullIfEmpty(dr.QueuePauseReason),
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

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// lintErrorsJSON renders the deployment's lint errors, shaped like the
// API's (the docs' errored webhook example): dr.LintErrors, or when nil one
// lint error for a request in state "error".
func lintErrorsJSON(db Database, dr DeployRequest) []any {
	lints := dr.LintErrors
	if lints == nil && dr.DeploymentState == "error" {
		lints = []LintError{{Code: "NO_UNIQUE_KEY", Table: "coupons",
			Description: `table "coupons" has no unique key: all tables must have at least one unique, not-null key without using text / blob columns or partial indexes.`,
			DocsURL:     "https://planetscale.com/docs/learn/change-single-unique-key"}}
	}
	out := make([]any, 0, len(lints))
	for _, l := range lints {
		out = append(out, map[string]any{
			"type":              "DeploymentLintError",
			"lint_error":        l.Code,
			"subject_type":      "table_error",
			"keyspace_name":     db.Name,
			"table_name":        l.Table,
			"column_name":       "",
			"error_description": l.Description,
			"docs_url":          l.DocsURL,
		})
	}
	return out
}

// operationsJSON renders every operation of the request.
func operationsJSON(db Database, dr DeployRequest) []any {
	out := make([]any, 0, len(dr.Operations))
	for i := range dr.Operations {
		out = append(out, operationJSON(db, dr, i))
	}
	return out
}

// operationJSON renders operation i of the request with every field
// list_deploy_operations documents as required.
func operationJSON(db Database, dr DeployRequest, i int) map[string]any {
	op := dr.Operations[i]
	created, _, _ := dr.times()
	state := "pending"
	if dr.applied() {
		state = "complete"
	}
	var usedAt any
	if op.RecentlyUsed {
		usedAt = stamp(created.Add(-time.Hour))
	}
	return map[string]any{
		"id":                        publicID("operation", db.Name, dr.Number, i),
		"type":                      "DeployOperation",
		"state":                     state,
		"keyspace_name":             cmp.Or(op.Keyspace, db.Name),
		"table_name":                op.Table,
		"operation_name":            op.Name,
		"eta_seconds":               nil,
		"progress_percentage":       nil,
		"deploy_error_docs_url":     nil,
		"ddl_statement":             op.DDL,
		"syntax_highlighted_ddl":    "<pre>" + op.DDL + "</pre>",
		"created_at":                stamp(created),
		"updated_at":                stamp(created.Add(time.Minute)),
		"throttled_at":              nil,
		"can_drop_data":             op.CanDropData,
		"table_locked":              false,
		"table_recently_used":       op.RecentlyUsed,
		"table_recently_used_at":    usedAt,
		"removed_foreign_key_names": nil,
		"deploy_errors":             nil,
	}
}

// reviewJSON renders review i of the request.
func reviewJSON(db Database, dr DeployRequest, i int) map[string]any {
	rv := dr.Reviews[i]
	at := rv.At
	if at.IsZero() {
		created, _, _ := dr.times()
		at = created.Add(time.Duration(i+1) * 10 * time.Minute)
	}
	return map[string]any{
		"id":         publicID("review", db.Name, dr.Number, i),
		"type":       "DeployRequestReview",
		"body":       rv.Body,
		"html_body":  "<p>" + rv.Body + "</p>",
		"state":      rv.State,
		"created_at": stamp(at),
		"updated_at": stamp(at),
		"actor": map[string]any{
			"id":           publicID("user", rv.By),
			"type":         "User",
			"display_name": rv.By,
			"avatar_url":   "https://app.planetscale.com/gravatar-fallback.png",
		},
	}
}

// deployRequest finds the deploy request the path names in a database the
// token may read deploy requests of; otherwise it answers 404 as
// PlanetScale does (a missing grant included).
func (s *Server) deployRequest(w http.ResponseWriter, r *http.Request, t Token) (Database, DeployRequest, bool) {
	db, ok := s.database(w, r, t, deployRequestReadAccesses)
	if !ok {
		return Database{}, DeployRequest{}, false
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	i := slices.IndexFunc(db.DeployRequests, func(dr DeployRequest) bool { return dr.Number == n })
	if err != nil || i < 0 {
		writeNotFound(w)
		return Database{}, DeployRequest{}, false
	}
	return db, db.DeployRequests[i], true
}

func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request, t Token) {
	if db, dr, ok := s.deployRequest(w, r, t); ok {
		s.writeObject(w, RouteDeployment, deploymentJSON(db, dr, false))
	}
}

func (s *Server) listOperations(w http.ResponseWriter, r *http.Request, t Token) {
	db, dr, ok := s.deployRequest(w, r, t)
	if !ok {
		return
	}
	// The API documents no total_count or total_pages for this list.
	servePage(s, w, r, RouteOperations, indexes(len(dr.Operations)), false, func(i int) any { return operationJSON(db, dr, i) })
}

func (s *Server) listReviews(w http.ResponseWriter, r *http.Request, t Token) {
	db, dr, ok := s.deployRequest(w, r, t)
	if !ok {
		return
	}
	// The API documents no total_count or total_pages for this list.
	servePage(s, w, r, RouteReviews, indexes(len(dr.Reviews)), false, func(i int) any { return reviewJSON(db, dr, i) })
}

// indexes returns 0, 1, …, n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
