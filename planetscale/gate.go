package planetscale

import (
	"context"
	"slices"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// The gate (package check) reads through a check.Lister and explains its
// errors by check's causes: this file is the adapter. The Client is a
// Lister, and the client's errors match check's causes with errors.Is
// (their Is methods), *APIError is a check.AnswerError and *GaveUpError a
// check.WaitError.
var (
	_ check.Lister      = (*Client)(nil)
	_ check.AnswerError = (*APIError)(nil)
	_ check.WaitError   = (*GaveUpError)(nil)
)

// OpenDeployRequests returns the open deploy requests of a database that
// opts.Filter selects, as the gate sees them, read whole and consistently
// (see ListDeployRequests). opts.FirstPage is called once page 1 of the
// list's first read has answered (see ListTrace).
func (c *Client) OpenDeployRequests(ctx context.Context, org, database string, opts check.ListOptions) ([]check.DeployRequest, error) {
	if opts.FirstPage != nil {
		ctx = WithListTrace(ctx, &ListTrace{FirstPage: opts.FirstPage})
	}
	drs, err := c.ListDeployRequests(ctx, org, database, ListDeployRequestsOptions{
		State: "open", Branch: opts.Filter.Branch, IntoBranch: opts.Filter.IntoBranch,
	})
	if err != nil {
		return nil, err
	}
	out := make([]check.DeployRequest, len(drs))
	for i, dr := range drs {
		out[i] = dr.Gate()
	}
	return out, nil
}

// ApprovalRequired returns the database's require_approval_for_deploy
// setting (see GetDatabase).
func (c *Client) ApprovalRequired(ctx context.Context, org, database string) (bool, error) {
	db, err := c.GetDatabase(ctx, org, database)
	if err != nil {
		return false, err
	}
	return db.RequireApprovalForDeploy, nil
}

// Gate returns the deploy request as the gate sees it.
func (d DeployRequest) Gate() check.DeployRequest {
	return check.DeployRequest{
		ID: d.ID, Number: d.Number, Branch: d.Branch, IntoBranch: d.IntoBranch, Approved: d.Approved,
		State: d.State, DeploymentState: d.DeploymentState, Deployment: d.Deployment.gate(),
		Notes: d.Notes, HTMLURL: d.HTMLURL, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		ClosedAt: d.ClosedAt, DeployedAt: d.DeployedAt,
	}
}

// gate returns the deployment as the gate sees it; nil stays nil.
func (d *Deployment) gate() *check.Deployment {
	if d == nil {
		return nil
	}
	return &check.Deployment{State: d.State, Deployable: d.Deployable, AutoCutover: d.AutoCutover}
}

// AnswerStatus returns the answer's status code and text, "404 Not Found".
func (e *APIError) AnswerStatus() (code int, status string) { return e.StatusCode, e.Status() }

// causeSentinel is a sentinel error of this package that also matches the
// check.Cause the gate explains it as.
type causeSentinel struct {
	text  string
	cause check.Cause
}

// newSentinel returns a sentinel error with text that matches cause.
func newSentinel(text string, cause check.Cause) error { return &causeSentinel{text, cause} }

func (e *causeSentinel) Error() string { return e.text }

func (e *causeSentinel) Is(target error) bool { return target == e.cause }

// networkCauses are the causes each NetworkKind matches.
var networkCauses = map[NetworkKind][]check.Cause{
	NetworkTimeout: {check.ErrNoAnswer},
	NetworkTLS:     {check.ErrUntrustedCertificate},
	NetworkOther:   {check.ErrUnreachable},
	NetworkDNS:     {check.ErrUnreachable, check.ErrHostNotFound},
	NetworkRefused: {check.ErrUnreachable, check.ErrConnectionRefused},
	NetworkReset:   {check.ErrUnreachable, check.ErrConnectionReset},
}

// matchesCause reports whether target is one of the causes of kind.
func (k NetworkKind) matchesCause(target error) bool {
	cause, ok := target.(check.Cause)
	return ok && slices.Contains(networkCauses[k], cause)
}
