package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
)

// Branch is a branch of a PlanetScale database.
type Branch struct {
	Object
	// ParentBranch is the branch it was made from; empty for a root branch
	// (the API sends null).
	ParentBranch string `json:"parent_branch"`
	// Production is true for a production branch, which takes schema
	// changes only through deploy requests.
	Production bool `json:"production"`
	// Ready is true once the branch can be used; State says more.
	Ready   bool   `json:"ready"`
	State   string `json:"state"`
	Region  Region `json:"region"`
	HTMLURL string `json:"html_url"`
	// Raw is the object as the API sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a branch and keeps its JSON in Raw.
func (b *Branch) UnmarshalJSON(data []byte) error {
	type plain Branch
	return decodeKeepingRaw(data, (*plain)(b), &b.Raw)
}

// ListBranches returns every branch of a database, read whole and
// consistently (see ListAll). It needs read_branch on the database.
func (c *Client) ListBranches(ctx context.Context, org, database string) ([]Branch, error) {
	branches, err := ListAll(ctx, c, Path("organizations", org, "databases", database, "branches"), nil, ListSpec[Branch]{
		Noun:     "branch",
		Required: []string{"name"},
		Key: func(b Branch) (string, string, error) {
			return nameKey(b.Name, fmt.Sprintf("production=%t ready=%t", b.Production, b.Ready))
		},
		Fingerprinted: "production or readiness",
	})
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	return branches, nil
}
