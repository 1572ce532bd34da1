package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
)

// GetDeployRequestObject is GetDeployRequest keeping the request's JSON
// object as the API sent it, for output that prints the API's objects.
func (c *Client) GetDeployRequestObject(ctx context.Context, org, database string, number int) (*DeployRequestObject, error) {
	if number <= 0 {
		return nil, fmt.Errorf("get deploy request: number %d: want a positive integer", number)
	}
	var o DeployRequestObject
	if err := c.getObject(ctx, requestPath(org, database, number), &o, deployRequestList.Required...); err != nil {
		return nil, fmt.Errorf("get deploy request #%d: %w", number, err)
	}
	if o.Number != number {
		return nil, fmt.Errorf("get deploy request #%d: %w: the answer is deploy request #%d", number, ErrUnexpectedResponse, o.Number)
	}
	return &o, nil
}

// OperationObject is an operation with the JSON object the API sent for
// it. Keeping it costs memory, so the gate does not.
type OperationObject struct {
	Operation
	// Raw is the object as the API sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an operation and keeps its JSON in Raw.
func (o *OperationObject) UnmarshalJSON(data []byte) error {
	return decodeKeepingRaw(data, &o.Operation, &o.Raw)
}

// operationObjectList reads operations as operationList does.
var operationObjectList = ListSpec[OperationObject]{
	Noun:          operationList.Noun,
	Required:      operationList.Required,
	Key:           func(o OperationObject) (string, string, error) { return operationList.Key(o.Operation) },
	Fingerprinted: operationList.Fingerprinted,
}

// ListOperationObjects is ListOperations keeping each operation's JSON
// object as the API sent it. A failure is a *DetailError.
func (c *Client) ListOperationObjects(ctx context.Context, org, database string, number int) ([]OperationObject, error) {
	ops, err := ListAll(ctx, c, requestPath(org, database, number, "operations"), nil, operationObjectList)
	if err != nil {
		return nil, &DetailError{Number: number, What: "operations", Err: err}
	}
	return ops, nil
}
