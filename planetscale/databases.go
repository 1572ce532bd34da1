package planetscale

import (
	"context"
	"fmt"
)

// Database is a PlanetScale database; only the fields the gate needs are decoded.
type Database struct {
	Name          string `json:"name"`
	DefaultBranch string `json:"default_branch"`
	HTMLURL       string `json:"html_url"`
	// RequireApprovalForDeploy is the database setting that makes deploy
	// requests wait for an approval. When it is off, approved stays false
	// unless someone approves anyway.
	RequireApprovalForDeploy bool `json:"require_approval_for_deploy"`
}

// GetDatabase returns one database. It needs read_database (or any of the
// other database grants) on it.
func (c *Client) GetDatabase(ctx context.Context, org, database string) (*Database, error) {
	var db Database
	if err := c.get(ctx, Path("organizations", org, "databases", database), nil, &db); err != nil {
		return nil, fmt.Errorf("get database: %w", err)
	}
	return &db, nil
}
