package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Database is a PlanetScale database, with the fields people look at.
type Database struct {
	Object
	// State is "ready", or one of "pending", "importing", "sleeping",
	// "sleep_in_progress", "awakening", "import_ready".
	State string `json:"state"`
	// Kind is "mysql" or "postgresql".
	Kind   string `json:"kind"`
	Region Region `json:"region"`
	// DefaultBranch is the branch deploy requests go into unless told otherwise.
	DefaultBranch string `json:"default_branch"`
	// RequireApprovalForDeploy is the database setting that makes deploy
	// requests wait for an approval. When it is off, approved stays false
	// unless someone approves anyway.
	RequireApprovalForDeploy bool   `json:"require_approval_for_deploy"`
	HTMLURL                  string `json:"html_url"`
	// Raw is the object as the API sent it.
	Raw json.RawMessage `json:"-"`
}

// Region is where a database or branch runs.
type Region struct {
	// Slug names the region, such as "aws-us-east-1".
	Slug        string `json:"slug"`
	DisplayName string `json:"display_name"`
	// Provider is "AWS" or "GCP".
	Provider string `json:"provider"`
	Location string `json:"location"`
}

// GetDatabase returns one database. It needs read_database (or any of the
// other database grants) on it.
func (c *Client) GetDatabase(ctx context.Context, org, database string) (*Database, error) {
	var db Database
	if err := c.getObject(ctx, Path("organizations", org, "databases", database), &db, "name"); err != nil {
		return nil, fmt.Errorf("get database: %w", err)
	}
	if !strings.EqualFold(db.Name, database) {
		return nil, fmt.Errorf("get database: %w: asked for database %q, got %q", ErrUnexpectedResponse, database, c.quote(db.Name))
	}
	return &db, nil
}

// ListDatabases returns every database of an organization the credentials
// may see, read whole and consistently (see ListAll).
func (c *Client) ListDatabases(ctx context.Context, org string) ([]Database, error) {
	dbs, err := ListAll(ctx, c, Path("organizations", org, "databases"), nil, ListSpec[Database]{
		Noun:          "database",
		Required:      []string{"name"},
		Key:           func(d Database) (string, string, error) { return nameKey(d.Name, "state="+d.State) },
		Fingerprinted: "state",
	})
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return dbs, nil
}

// UnmarshalJSON decodes a database and keeps its JSON in Raw.
func (d *Database) UnmarshalJSON(data []byte) error {
	type plain Database
	return decodeKeepingRaw(data, (*plain)(d), &d.Raw)
}
