package planetscale

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// What a review of one deploy request reads besides the request itself:
// its operations, its deployment's details and its reviews. Each needs
// read_deploy_request on the database, like the deploy request list.

// Operation is one deploy operation of a deploy request: the statement
// PlanetScale runs on one table.
type Operation struct {
	ID string `json:"id"`
	// State is the operation's own: pending, queued, in_progress,
	// complete, cancelled or error.
	State    string `json:"state"`
	Keyspace string `json:"keyspace_name"`
	Table    string `json:"table_name"`
	// Name is the operation_name, such as "ALTER".
	Name string `json:"operation_name"`
	DDL  string `json:"ddl_statement"`
	// CanDropData is true when the operation can drop data.
	CanDropData       bool `json:"can_drop_data"`
	TableRecentlyUsed bool `json:"table_recently_used"`
}

// LintError is one schema lint error of a deployment. The API documents
// the object loosely (additionalProperties); these are the fields its
// examples and planetscale-go carry.
type LintError struct {
	LintError        string `json:"lint_error"`
	Keyspace         string `json:"keyspace_name"`
	Table            string `json:"table_name"`
	SubjectType      string `json:"subject_type"`
	ErrorDescription string `json:"error_description"`
	DocsURL          string `json:"docs_url"`
}

// DeploymentDetails is a deploy request's deployment as
// GET …/deploy-requests/{number}/deployment sends it: what the review
// card shows about deploying it.
type DeploymentDetails struct {
	DeployRequestNumber int    `json:"deploy_request_number"`
	State               string `json:"state"`
	Deployable          bool   `json:"deployable"`
	// Operations are its deploy_operations; the API may send none while
	// it computes the change.
	Operations []Operation `json:"deploy_operations"`
	LintErrors []LintError `json:"lint_errors"`
	// DeployCheckErrors is empty when the API sends null.
	DeployCheckErrors  string `json:"deploy_check_errors"`
	InstantDDLEligible bool   `json:"instant_ddl_eligible"`
	QueuePaused        bool   `json:"queue_paused"`
	// QueuePauseReason is empty when the API sends null.
	QueuePauseReason string `json:"queue_pause_reason"`
}

// Review is one review of a deploy request.
type Review struct {
	ID string `json:"id"`
	// State is "approved" or "commented".
	State     string    `json:"state"`
	Body      string    `json:"body"`
	Actor     Actor     `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
}

// Actor is who did something: a user or a service token.
type Actor struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

// Approved reports whether the review approves the request.
func (r Review) Approved() bool { return r.State == "approved" }

// Grant is the service token access every read of a deploy request needs.
const Grant = "read_deploy_request"

// DetailError is a failed read of one deploy request's operations,
// deployment or reviews. It wraps the failure (an *APIError, a
// *PageError, …), so errors.Is and errors.As see through it.
type DetailError struct {
	// Number is the deploy request's.
	Number int
	// What is "operations", "deployment" or "reviews".
	What string
	Err  error
}

func (e *DetailError) Error() string {
	s := fmt.Sprintf("read the %s of deploy request #%d: %v", e.What, e.Number, e.Err)
	if g := e.Grant(); g != "" {
		s += "; the deploy request is gone, or the service token lacks " + g + " on the database"
	}
	return s
}

func (e *DetailError) Unwrap() error { return e.Err }

// Grant names the access the token may lack: Grant when the API answered
// 404 (PlanetScale's answer to a missing grant), else "".
func (e *DetailError) Grant() string {
	if errors.Is(e.Err, ErrNotFound) {
		return Grant
	}
	return ""
}

// requestPath is the path of deploy request number, then more.
func requestPath(org, database string, number int, more ...string) string {
	return Path(append([]string{"organizations", org, "databases", database, "deploy-requests", strconv.Itoa(number)}, more...)...)
}

// operationList reads operations: the fields the deploy-order policy and
// the card judge by are required, and a consistent read must see each
// operation's table and can_drop_data unchanged.
var operationList = ListSpec[Operation]{
	Noun:     "operation",
	Required: []string{"id", "table_name", "operation_name", "ddl_statement", "can_drop_data"},
	Key: func(op Operation) (string, string, error) {
		if op.ID == "" {
			return "", "", errors.New("id is empty")
		}
		return op.ID, fmt.Sprintf("table=%q can_drop_data=%t", op.Table, op.CanDropData), nil
	},
	Fingerprinted: "table or can_drop_data",
}

// reviewList reads reviews: a consistent read must see each review's
// state unchanged.
var reviewList = ListSpec[Review]{
	Noun:     "review",
	Required: []string{"id", "state", "actor", "created_at"},
	Key: func(r Review) (string, string, error) {
		if r.ID == "" {
			return "", "", errors.New("id is empty")
		}
		return r.ID, fmt.Sprintf("state=%q", r.State), nil
	},
	Fingerprinted: "state",
}

// ListOperations returns every operation of deploy request number, read
// whole and consistently (see ListAll). None while PlanetScale computes the
// change. A failure is a *DetailError.
func (c *Client) ListOperations(ctx context.Context, org, database string, number int) ([]Operation, error) {
	return listOf(ctx, c, org, database, number, "operations", operationList)
}

// ListOperationObjects is ListOperations keeping each operation's JSON
// object as the API sent it. A failure is a *DetailError.
func (c *Client) ListOperationObjects(ctx context.Context, org, database string, number int) ([]WithRaw[Operation], error) {
	return listOf(ctx, c, org, database, number, "operations", keepingRaw(operationList))
}

// listOf reads what, a list of deploy request number (its operations or
// reviews, at …/deploy-requests/{number}/{what}), as spec says.
func listOf[T any](ctx context.Context, c *Client, org, database string, number int, what string, spec ListSpec[T]) ([]T, error) {
	items, err := ListAll(ctx, c, requestPath(org, database, number, what), nil, spec)
	if err != nil {
		return nil, &DetailError{Number: number, What: what, Err: err}
	}
	return items, nil
}

// ListReviews returns every review of deploy request number, oldest first
// as the API lists them, read whole and consistently (see ListAll). A
// failure is a *DetailError.
func (c *Client) ListReviews(ctx context.Context, org, database string, number int) ([]Review, error) {
	return listOf(ctx, c, org, database, number, "reviews", reviewList)
}

// ListReviewObjects is ListReviews keeping each review's JSON object as
// the API sent it. A failure is a *DetailError.
func (c *Client) ListReviewObjects(ctx context.Context, org, database string, number int) ([]WithRaw[Review], error) {
	return listOf(ctx, c, org, database, number, "reviews", keepingRaw(reviewList))
}

// GetDeployment returns the deployment of deploy request number; it must
// name that request. A failure is a *DetailError.
func (c *Client) GetDeployment(ctx context.Context, org, database string, number int) (*DeploymentDetails, error) {
	var d DeploymentDetails
	err := c.getObject(ctx, requestPath(org, database, number, "deployment"), &d, "deploy_request_number", "state", "deployable")
	if err == nil && d.DeployRequestNumber != number {
		err = fmt.Errorf("%w: the answer is the deployment of deploy request #%d", ErrUnexpectedResponse, d.DeployRequestNumber)
	}
	if err != nil {
		return nil, &DetailError{Number: number, What: "deployment", Err: err}
	}
	return &d, nil
}

// Details is what ReadDetails read of one deploy request. Each part is
// read on its own: a failure leaves the others.
type Details struct {
	Number int
	// Deployment is nil when DeploymentErr is set.
	Deployment    *DeploymentDetails
	DeploymentErr error
	// Operations come from the deployment when it carries some, else from
	// the operations list; nil when OperationsErr is set.
	Operations    []Operation
	OperationsErr error
	// Reviews is nil when ReviewsErr is set.
	Reviews    []Review
	ReviewsErr error
}

// ReadDetails reads, for each of numbers, the deployment, the operations
// (from the deployment when it carries some, else the paged operations
// list) and the reviews: what the review card and fail-on: deploy-order
// need, and nothing for requests not asked for. The requests are read
// side by side, as many at once as the client fetches pages at once
// (WithPageConcurrency); every request draws on the client's one rate
// budget and counts in Requests. Details come back in the order of
// numbers; each failure is a *DetailError in its Details. Only ctx ending
// stops the reads, and is returned.
func (c *Client) ReadDetails(ctx context.Context, org, database string, numbers []int) ([]Details, error) {
	out := make([]Details, len(numbers))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(c.pace.pages, len(numbers))) {
		wg.Go(func() {
			for i := range next {
				out[i] = c.readDetails(ctx, org, database, numbers[i])
			}
		})
	}
feed:
	for i := range numbers {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// readDetails reads one deploy request's details (see ReadDetails).
func (c *Client) readDetails(ctx context.Context, org, database string, number int) Details {
	d := Details{Number: number}
	d.Deployment, d.DeploymentErr = c.GetDeployment(ctx, org, database, number)
	if d.Deployment != nil && len(d.Deployment.Operations) > 0 {
		d.Operations = d.Deployment.Operations
	} else {
		d.Operations, d.OperationsErr = c.ListOperations(ctx, org, database, number)
	}
	d.Reviews, d.ReviewsErr = c.ListReviews(ctx, org, database, number)
	return d
}
