package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// getObject fetches the one object at path (from Path) and decodes it
// strictly into v (see decodeStrict): each of required must be present, not
// null and of its field's kind. An answer that is not such an object is
// ErrUnexpectedResponse.
func (c *Client) getObject(ctx context.Context, path string, v any, required ...string) error {
	var raw json.RawMessage
	if err := c.get(ctx, path, nil, &raw); err != nil {
		return err
	}
	if err := decodeStrict(raw, v, required...); err != nil {
		return fmt.Errorf("%w: %s", ErrUnexpectedResponse, c.quote(err.Error()))
	}
	return nil
}

// decodeKeepingRaw decodes data into v, the plain form of a type whose
// UnmarshalJSON calls it, strictly (see decodeStrict), and keeps a copy of
// data in raw.
func decodeKeepingRaw(data []byte, v any, raw *json.RawMessage) error {
	if err := decodeStrict(data, v); err != nil {
		return err
	}
	*raw = bytes.Clone(data)
	return nil
}

// nameKey keys a list item by its name, which must not be empty.
func nameKey(name, fingerprint string) (key, fp string, err error) {
	if name == "" {
		return "", "", errors.New("name is empty")
	}
	return name, fingerprint, nil
}
