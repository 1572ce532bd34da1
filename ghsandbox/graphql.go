package ghsandbox

import (
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
)

// GraphQL is the GraphQL endpoint, as an Endpoint for faults and requests.
// It is served at /graphql, or at /api/graphql when the REST API is under
// /api/v3 (GitHub Enterprise Server's layout).
const GraphQL Endpoint = "POST /graphql"

// SchemaSDL is the subset of GitHub's public GraphQL schema the sandbox
// serves: type, field, argument and enum names exactly GitHub's, so a
// query GitHub would refuse is refused here too.
//
//go:embed graphql_schema.graphql
var SchemaSDL string

// DefaultGraphQLLimit is the points a token may spend an hour on GraphQL
// unless WithGraphQLLimit says otherwise (GitHub gives GITHUB_TOKEN 1,000
// per repository, an App installation at least 5,000).
const DefaultGraphQLLimit = 5000

// MaxStatuses is how many statuses GitHub keeps per commit and context;
// one more is answered 422.
const MaxStatuses = 1000

// graphqlState is the GraphQL side of a Server.
type graphqlState struct {
	once    sync.Once
	schema  *graphql.Schema
	limit   int
	spent   map[string]int // points by token value
	reset   time.Time
	queries int
	hook    func(n int)
}

// WithGraphQLLimit sets the GraphQL points each token may spend.
func WithGraphQLLimit(n int) Option { return func(s *Server) { s.gql.limit = n } }

// BeforeGraphQL calls fn before the sandbox answers each GraphQL query,
// with the query's number from 1, so a test can change the state between
// the pages of a list (a pull request closing, another opening).
func (s *Server) BeforeGraphQL(fn func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gql.hook = fn
}

// GraphQLPath is the path the GraphQL endpoint is served at.
func (s *Server) GraphQLPath() string {
	if base, ok := strings.CutSuffix(s.prefix, "/api/v3"); ok {
		return base + "/api/graphql"
	}
	return s.prefix + "/graphql"
}

func (s *Server) graphqlSchema() *graphql.Schema {
	s.gql.once.Do(func() {
		s.gql.schema = graphql.MustParseSchema(SchemaSDL, &gqlQuery{s: s}, graphql.MaxDepth(12))
	})
	return s.gql.schema
}

// serveGraphQL answers a request for the GraphQL endpoint; it reports
// false for any other path.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != s.GraphQLPath() {
		return false
	}
	token, authorized := s.authenticate(r.Header.Get("Authorization"))
	s.mu.Lock()
	s.gql.queries++
	n, hook := s.gql.queries, s.gql.hook
	s.mu.Unlock()
	s.record(Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Endpoint: GraphQL, Authorized: authorized})
	if hook != nil {
		hook(n)
	}
	if f, ok := s.takeFault(GraphQL, n); ok {
		f.serve(w, func(w http.ResponseWriter) { s.answerGraphQL(w, r, token, authorized) })
		return true
	}
	s.answerGraphQL(w, r, token, authorized)
	return true
}

// answerGraphQL runs one query as GitHub does: 401 without a token, 200
// with "errors" for a query the schema refuses or a repository the token
// cannot see, RATE_LIMITED once the token's points are spent.
func (s *Server) answerGraphQL(w http.ResponseWriter, r *http.Request, t Token, ok bool) {
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/graphql"})
		return
	}
	if r.Method != http.MethodPost {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	var in struct {
		Query         string         `json:"query"`
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil || strings.TrimSpace(in.Query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"})
		return
	}
	budget, allowed := s.chargeGraphQL(t, 1)
	budget.headers(w.Header())
	if !allowed {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{"type": "RATE_LIMITED",
			"message": "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444."}}})
		return
	}
	ctx := context.WithValue(r.Context(), tokenKey{}, t)
	ctx = context.WithValue(ctx, gqlRequestKey{}, gqlRequest{site: s.siteOf(r), budget: budget})
	res := s.graphqlSchema().Exec(ctx, in.Query, in.OperationName, in.Variables)
	out := map[string]any{}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		out["data"] = res.Data
	}
	if len(res.Errors) > 0 {
		var errs []map[string]any
		for _, e := range res.Errors {
			m := map[string]any{"message": e.Message}
			if len(e.Locations) > 0 {
				m["locations"] = e.Locations
			}
			if len(e.Path) > 0 {
				m["path"] = e.Path
			}
			if typ, ok := e.Extensions["type"]; ok {
				m["type"] = typ // GitHub puts the type beside the message
			} else if len(e.Extensions) > 0 {
				m["extensions"] = e.Extensions
			}
			errs = append(errs, m)
		}
		out["errors"] = errs
	}
	writeJSON(w, http.StatusOK, out)
}

// gqlBudget is a token's GraphQL budget after a query.
type gqlBudget struct {
	limit, remaining, cost int
	reset                  time.Time
}

func (b gqlBudget) headers(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(b.limit-b.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "graphql")
}

// chargeGraphQL takes cost points from t's budget; allowed is false when
// too few are left (nothing is taken then).
func (s *Server) chargeGraphQL(t Token, cost int) (gqlBudget, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &s.gql
	if g.limit == 0 {
		g.limit = DefaultGraphQLLimit
	}
	now := s.now()
	if g.spent == nil || !now.Before(g.reset) {
		g.spent, g.reset = map[string]int{}, now.Add(time.Hour).Truncate(time.Second)
	}
	b := gqlBudget{limit: g.limit, cost: cost, reset: g.reset}
	if g.spent[t.Value]+cost > g.limit {
		b.remaining = g.limit - g.spent[t.Value]
		return b, false
	}
	g.spent[t.Value] += cost
	b.remaining = g.limit - g.spent[t.Value]
	return b, true
}

type gqlRequestKey struct{}

// gqlRequest is what resolvers know of the request.
type gqlRequest struct {
	site   site
	budget gqlBudget
}

func requestOf(ctx context.Context) gqlRequest {
	r, _ := ctx.Value(gqlRequestKey{}).(gqlRequest)
	return r
}

// gqlError is a resolver error with GitHub's error type.
type gqlError struct{ typ, msg string }

func (e *gqlError) Error() string              { return e.msg }
func (e *gqlError) Extensions() map[string]any { return map[string]any{"type": e.typ} }
