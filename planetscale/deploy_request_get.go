package planetscale

import (
	"context"
	"fmt"
	"strconv"
)

// GetDeployRequest returns deploy request number of a database. Like a
// list item, it must carry every field the gate judges by (see
// ListDeployRequests), and its number must be the one asked for. It needs
// read_deploy_request on the database.
func (c *Client) GetDeployRequest(ctx context.Context, org, database string, number int) (*DeployRequest, error) {
	if number <= 0 {
		return nil, fmt.Errorf("get deploy request: number %d: want a positive integer", number)
	}
	var dr DeployRequest
	path := Path("organizations", org, "databases", database, "deploy-requests", strconv.Itoa(number))
	if err := c.getObject(ctx, path, &dr, deployRequestList.Required...); err != nil {
		return nil, fmt.Errorf("get deploy request #%d: %w", number, err)
	}
	if dr.Number != number {
		return nil, fmt.Errorf("get deploy request #%d: %w: the answer is deploy request #%d", number, ErrUnexpectedResponse, dr.Number)
	}
	return &dr, nil
}
