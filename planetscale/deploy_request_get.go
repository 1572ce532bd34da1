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
	var dr DeployRequest
	if err := c.getDeployRequest(ctx, org, database, number, &dr, &dr); err != nil {
		return nil, err
	}
	return &dr, nil
}

// GetDeployRequestObject is GetDeployRequest keeping the request's JSON
// object as the API sent it, for output that prints the API's objects.
func (c *Client) GetDeployRequestObject(ctx context.Context, org, database string, number int) (*DeployRequestObject, error) {
	var o DeployRequestObject
	if err := c.getDeployRequest(ctx, org, database, number, &o, &o.DeployRequest); err != nil {
		return nil, err
	}
	return &o, nil
}

// getDeployRequest decodes deploy request number into v, whose deploy
// request is dr (v itself, or a type that wraps it), and checks that the
// answer is the request asked for.
func (c *Client) getDeployRequest(ctx context.Context, org, database string, number int, v any, dr *DeployRequest) error {
	if number <= 0 {
		return fmt.Errorf("get deploy request: number %d: want a positive integer", number)
	}
	if err := c.getObject(ctx, requestPath(org, database, number), v, deployRequestList.Required...); err != nil {
		return fmt.Errorf("get deploy request #%d: %w", number, err)
	}
	if dr.Number != number {
		return fmt.Errorf("get deploy request #%d: %w: the answer is deploy request #%d", number, ErrUnexpectedResponse, dr.Number)
	}
	return nil
}
