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
// extras the real API sends; inList renders it as a list item (see
// deploymentJSON).
func deployRequestJSON(db Database, dr DeployRequest, inList bool) map[string]any {
	created, deployedAt, closedAt := dr.times()
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
		"notes":                      nullIfEmpty(dr.Notes), // the real API sends null for empty notes
		"html_body":                  "",
		"strategy":                   "serial",
		"created_at":                 stamp(created),
		"updated_at":                 stamp(created.Add(time.Hour)),
		"closed_at":                  stampOrNull(closedAt),
		"deployed_at":                stampOrNull(deployedAt),
	}
	if !dr.OmitDeployment {
		out["deployment"] = deploymentJSON(db, dr, inList)
	}
	return out
}
