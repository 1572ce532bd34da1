package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Object holds the fields every API object has.
type Object struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Organization is a PlanetScale organization.
type Organization struct {
	Object
	Plan string `json:"plan"`
	// DatabaseCount is how many databases the organization has.
	DatabaseCount int `json:"database_count"`
	// Raw is the object as the API sent it, for output that prints the
	// API's own objects.
	Raw json.RawMessage `json:"-"`
}

// ListOrganizations returns every organization the credentials may see (a
// service token sees the organizations it has access to; an OAuth token
// needs read_organizations), read whole and consistently (see ListAll).
func (c *Client) ListOrganizations(ctx context.Context) ([]Organization, error) {
	orgs, err := ListAll(ctx, c, Path("organizations"), nil, ListSpec[Organization]{
		Noun:     "organization",
		Required: []string{"name"},
		Key:      func(o Organization) (string, string, error) { return nameKey(o.Name, "") },
	})
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	return orgs, nil
}

// GetOrganization returns one organization. It needs read_organization.
func (c *Client) GetOrganization(ctx context.Context, org string) (*Organization, error) {
	var o Organization
	if err := c.getObject(ctx, Path("organizations", org), &o, "name"); err != nil {
		return nil, fmt.Errorf("get organization: %w", err)
	}
	if !strings.EqualFold(o.Name, org) {
		return nil, fmt.Errorf("get organization: %w: asked for organization %q, got %q", ErrUnexpectedResponse, org, c.quote(o.Name))
	}
	return &o, nil
}

// UnmarshalJSON decodes an organization and keeps its JSON in Raw.
func (o *Organization) UnmarshalJSON(data []byte) error {
	type plain Organization
	return decodeKeepingRaw(data, (*plain)(o), &o.Raw)
}
