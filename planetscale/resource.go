package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
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
// UnmarshalJSON calls it, and keeps a copy of data in raw. It decodes as
// v2 does after the strict checker (see decode): such a type is only ever
// decoded through getObject or ListAll, whose checker has already read the
// object whole under the strict rules (a type that decodes itself is
// checked as the top-level object or as an item of a page), so that
// checking it again here would only repeat that work. An error is v2's
// own, which v2 places from the outer document; v is then decoded as far
// as it goes, as decodeStrict leaves it.
func decodeKeepingRaw(data []byte, v any, raw *json.RawMessage) error {
	if err := jsonv2.Unmarshal(data, v, lenient); err != nil {
		decodeLenient(data, v)
		return err
	}
	*raw = bytes.Clone(data)
	return nil
}

// WithRaw is a T (a DeployRequest, an Operation, a Review) with the JSON object the
// API sent for it, for output that prints the API's objects (the command
// line's --format json). Keeping it costs memory, so the gate does not.
// Read through getObject or ListAll, Value is decoded under the same
// strict rules as a T alone: its fields are inlined, so that the checker
// checks the required fields and the keys in another case in the object
// itself, before UnmarshalJSON decodes it (see decodeKeepingRaw).
type WithRaw[T any] struct {
	Value T `json:",inline"`
	// Raw is the object as the API sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a T and keeps its JSON in Raw.
func (w *WithRaw[T]) UnmarshalJSON(data []byte) error {
	return decodeKeepingRaw(data, &w.Value, &w.Raw)
}

// keepingRaw is spec for T kept with its JSON object: the same noun,
// required fields and key.
func keepingRaw[T any](spec ListSpec[T]) ListSpec[WithRaw[T]] {
	return ListSpec[WithRaw[T]]{
		Noun:          spec.Noun,
		Required:      spec.Required,
		Key:           func(w WithRaw[T]) (string, string, error) { return spec.Key(w.Value) },
		Fingerprinted: spec.Fingerprinted,
	}
}

// nameKey keys a list item by its name, which must not be empty.
func nameKey(name, fingerprint string) (key, fp string, err error) {
	if name == "" {
		return "", "", errors.New("name is empty")
	}
	return name, fingerprint, nil
}
