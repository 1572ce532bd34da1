package planetscale

import (
	"context"
	"errors"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// The gate (package check) reads through a check.Lister and explains its
// errors by check's causes: this file is the adapter. The Client is a
// Lister, and the client's errors match check's causes with errors.Is
// (their Is methods), *APIError is a check.AnswerError and *GaveUpError a
// check.WaitError.
var (
	_ check.Lister       = (*Client)(nil)
	_ check.DetailReader = (*Client)(nil)
	_ check.GrantError   = (*DetailError)(nil)
	_ check.AnswerError  = (*APIError)(nil)
	_ check.WaitError    = (*GaveUpError)(nil)
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
	return gated(drs, err, DeployRequest.Gate)
}

// gated returns what a read returned as the gate sees it, each through
// gate; an error stays as it is, with nothing.
func gated[T, G any](xs []T, err error, gate func(T) G) ([]G, error) {
	if err != nil {
		return nil, err
	}
	out := make([]G, len(xs))
	for i, x := range xs {
		out[i] = gate(x)
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
	return &check.Deployment{State: d.State, Deployable: d.Deployable, AutoCutover: d.AutoCutover, Operations: gateOperations(d.Operations)}
}

// Details reads the deployment, operations and reviews of deploy requests
// numbers (see ReadDetails), as the gate sees them. A part that could not
// be read keeps its *DetailError, which names the grant on a 404.
func (c *Client) Details(ctx context.Context, org, database string, numbers []int) ([]check.Details, error) {
	ds, err := c.ReadDetails(ctx, org, database, numbers)
	return gated(ds, err, Details.Gate)
}

// Gate returns the details as the gate sees them.
func (d Details) Gate() check.Details {
	out := check.Details{Number: d.Number, DeploymentErr: d.DeploymentErr, OperationsErr: d.OperationsErr, ReviewsErr: d.ReviewsErr}
	if d.Deployment != nil {
		out.Deployment = d.Deployment.Card()
	}
	if d.OperationsErr == nil {
		out.Operations = gateOperations(d.Operations)
		if out.Operations == nil {
			out.Operations = []check.Operation{}
		}
	}
	if d.ReviewsErr == nil {
		out.Reviews = make([]check.Review, len(d.Reviews))
		for i, r := range d.Reviews {
			out.Reviews[i] = check.Review{Approved: r.Approved(), By: r.Actor.DisplayName, At: r.CreatedAt}
		}
	}
	return out
}

// Card returns what the review card shows of the deployment.
func (d *DeploymentDetails) Card() *check.CardDeployment {
	out := &check.CardDeployment{
		Deployable: d.Deployable, InstantDDLEligible: d.InstantDDLEligible, QueuePaused: d.QueuePaused,
		QueuePauseReason: d.QueuePauseReason, DeployCheckErrors: d.DeployCheckErrors,
	}
	for _, l := range d.LintErrors {
		out.LintErrors = append(out.LintErrors, check.LintError{Code: l.LintError, Table: l.Table, Description: l.ErrorDescription, DocsURL: l.DocsURL})
	}
	return out
}

// gateOperations returns operations as the gate sees them; none stays nil.
func gateOperations(ops []Operation) []check.Operation {
	if len(ops) == 0 {
		return nil
	}
	out := make([]check.Operation, len(ops))
	for i, op := range ops {
		out[i] = check.Operation{Table: op.Table, Name: op.Name, DDL: op.DDL, CanDropData: op.CanDropData, TableRecentlyUsed: op.TableRecentlyUsed}
	}
	return out
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

// networkCauses is the cause each NetworkKind is; check.Cause.Is adds
// ErrUnreachable to the causes that say why the API could not be reached.
var networkCauses = map[NetworkKind]check.Cause{
	NetworkTimeout: check.ErrNoAnswer,
	NetworkTLS:     check.ErrUntrustedCertificate,
	NetworkOther:   check.ErrUnreachable,
	NetworkDNS:     check.ErrHostNotFound,
	NetworkRefused: check.ErrConnectionRefused,
	NetworkReset:   check.ErrConnectionReset,
}

// matchesCause reports whether target is the cause of kind, or one that
// cause matches.
func (k NetworkKind) matchesCause(target error) bool {
	cause, ok := networkCauses[k]
	return ok && errors.Is(cause, target)
}
