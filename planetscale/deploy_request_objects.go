package planetscale

import (
	"context"
	"encoding/json"
)

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
var operationObjectList = keepingRaw(operationList, func(o OperationObject) Operation { return o.Operation })

// ListOperationObjects is ListOperations keeping each operation's JSON
// object as the API sent it. A failure is a *DetailError.
func (c *Client) ListOperationObjects(ctx context.Context, org, database string, number int) ([]OperationObject, error) {
	return listOperations(ctx, c, org, database, number, operationObjectList)
}

// keepingRaw is spec for O, a type that wraps a T with the JSON object the
// API sent for it (see DeployRequestObject): the same noun, required fields
// and key, taken from the T that inner returns.
func keepingRaw[O, T any](spec ListSpec[T], inner func(O) T) ListSpec[O] {
	return ListSpec[O]{
		Noun:          spec.Noun,
		Required:      spec.Required,
		Key:           func(o O) (string, string, error) { return spec.Key(inner(o)) },
		Fingerprinted: spec.Fingerprinted,
	}
}
