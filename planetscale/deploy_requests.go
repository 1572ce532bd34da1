package planetscale

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// DeployRequest is a PlanetScale deploy request: a branch's schema change
// into another branch, waiting for approval and deployment. Only the fields
// the gate needs are decoded; unknown fields are ignored. Number, Branch,
// IntoBranch, Approved, State and DeploymentState are always as the API
// sent them: a list item without one of them is an error, never a zero
// value. Other fields sent as null are left at their zero value.
type DeployRequest struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	// Branch is the branch with the schema change.
	Branch string `json:"branch"`
	// IntoBranch is the branch the change is deployed into.
	IntoBranch string `json:"into_branch"`
	// Approved is true once someone approved the request.
	Approved bool `json:"approved"`
	// State is "open" or "closed".
	State string `json:"state"`
	// DeploymentState is one of the 20 deployment states, such as "ready".
	DeploymentState string `json:"deployment_state"`
	// Deployment is nil when the API left it out.
	Deployment *Deployment `json:"deployment"`
	Notes      string      `json:"notes"`
	HTMLURL    string      `json:"html_url"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	ClosedAt   *time.Time  `json:"closed_at"`
	DeployedAt *time.Time  `json:"deployed_at"`
}

// Deployment is the deploy request's deployment.
type Deployment struct {
	State       string `json:"state"`
	Deployable  bool   `json:"deployable"`
	AutoCutover bool   `json:"auto_cutover"`
	// Operations are deploy_operations as the list item carries them;
	// possibly none even when the change has some (the gate then reads
	// them per request: ReadDetails). Left out of JSON output when empty.
	Operations []Operation `json:"deploy_operations,omitempty"`
}

// Deployable reports whether PlanetScale says the request can be deployed.
func (d DeployRequest) Deployable() bool {
	return d.Deployment != nil && d.Deployment.Deployable
}

// ListDeployRequestsOptions filters a deploy request list. Empty fields do
// not filter.
type ListDeployRequestsOptions struct {
	// State is "open", "closed" or "deployed".
	State string
	// Branch keeps requests from this branch.
	Branch string
	// IntoBranch keeps requests into this branch.
	IntoBranch string
}

// deployRequestList is how ListAll reads deploy requests: every field a
// gate or a client-side filter judges by is required, and a consistent read
// must see each request's approval, states and branches unchanged.
var deployRequestList = ListSpec[DeployRequest]{
	Noun:          "deploy request",
	Required:      []string{"number", "branch", "into_branch", "approved", "state", "deployment_state"},
	Key:           deployRequestKey,
	Fingerprinted: "approval, state, deployment state or branches",
}

// deployRequestKey keys a deploy request by its number, which must be
// positive.
func deployRequestKey(dr DeployRequest) (key, fingerprint string, err error) {
	if dr.Number <= 0 {
		return "", "", fmt.Errorf("number is %d, want a positive integer", dr.Number)
	}
	fingerprint = fmt.Sprintf("approved=%t state=%q deployment_state=%q branch=%q into_branch=%q",
		dr.Approved, dr.State, dr.DeploymentState, dr.Branch, dr.IntoBranch)
	return "#" + strconv.Itoa(dr.Number), fingerprint, nil
}

// ListDeployRequests returns every deploy request of a database that matches
// opts, read whole and consistently (see ListAll): on error, no list. The
// errors a caller can branch on are *PageError (with the page), *ItemError
// (ErrMalformedItem), *PagingError (ErrListChanged when the list would not
// hold still) and the API's own (*APIError, *GaveUpError, *NetworkError).
func (c *Client) ListDeployRequests(ctx context.Context, org, database string, opts ListDeployRequestsOptions) ([]DeployRequest, error) {
	return listDeployRequests(ctx, c, org, database, opts, deployRequestList)
}

// listDeployRequests reads the deploy requests of a database that match
// opts as spec says.
func listDeployRequests[T any](ctx context.Context, c *Client, org, database string, opts ListDeployRequestsOptions, spec ListSpec[T]) ([]T, error) {
	drs, err := ListAll(ctx, c, Path("organizations", org, "databases", database, "deploy-requests"), deployRequestQuery(opts), spec)
	if err != nil {
		return nil, fmt.Errorf("list deploy requests: %w", err)
	}
	return drs, nil
}

// ListDeployRequestObjects is ListDeployRequests keeping each request's JSON
// object as the API sent it.
func (c *Client) ListDeployRequestObjects(ctx context.Context, org, database string, opts ListDeployRequestsOptions) ([]WithRaw[DeployRequest], error) {
	return listDeployRequests(ctx, c, org, database, opts, keepingRaw(deployRequestList))
}

// deployRequestQuery is the list's query for opts.
func deployRequestQuery(opts ListDeployRequestsOptions) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"state": opts.State, "branch": opts.Branch, "into_branch": opts.IntoBranch} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}
