package planetscale

import (
	"context"
	"fmt"
)

// GetDeployRequest returns deploy request number of a database. Like a
// list item, it must carry every field the gate judges by (see
// ListDeployRequests), and its number must be the one asked for. It needs
// read_deploy_request on the database.
func (c *Client) GetDeployRequest(ctx context.Context, org, database string, number int) (*DeployRequest, error) {
	return getDeployRequest(ctx, c, org, database, number, func(dr *DeployRequest) *DeployRequest { return dr })
}

// GetDeployRequestObject is GetDeployRequest keeping the request's JSON
// object as the API sent it, for output that prints the API's objects.
func (c *Client) GetDeployRequestObject(ctx context.Context, org, database string, number int) (*WithRaw[DeployRequest], error) {
	return getDeployRequest(ctx, c, org, database, number, func(w *WithRaw[DeployRequest]) *DeployRequest { return &w.Value })
}

// getDeployRequest decodes deploy request number into a T, whose deploy
// request dr returns (the T itself, or the one it wraps), and checks that
// the answer is the request asked for.
func getDeployRequest[T any](ctx context.Context, c *Client, org, database string, number int, dr func(*T) *DeployRequest) (*T, error) {
	if number <= 0 {
		return nil, fmt.Errorf("get deploy request: number %d: want a positive integer", number)
	}
	v := new(T)
	if err := c.getObject(ctx, requestPath(org, database, number), v, deployRequestList.Required...); err != nil {
		return nil, fmt.Errorf("get deploy request #%d: %w", number, err)
	}
	if got := dr(v).Number; got != number {
		return nil, fmt.Errorf("get deploy request #%d: %w: the answer is deploy request #%d", number, ErrUnexpectedResponse, got)
	}
	return v, nil
}
