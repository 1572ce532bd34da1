package ghsandbox

import (
	"testing"

	graphql "github.com/graph-gophers/graphql-go"
)

// TestSchemaResolves parses the served schema with its resolvers: every
// field of the subset has one.
func TestSchemaResolves(t *testing.T) {
	t.Parallel()
	if _, err := graphql.ParseSchema(SchemaSDL, &gqlQuery{s: New()}); err != nil {
		t.Fatal(err)
	}
}
