package ghsandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The resolvers of SchemaSDL. Each reads the sandbox's state under s.mu.

type gqlQuery struct{ s *Server }

type gqlRateLimit struct{ b gqlBudget }

func (r gqlRateLimit) Cost() int32      { return int32(r.b.cost) }
func (r gqlRateLimit) Limit() int32     { return int32(r.b.limit) }
func (r gqlRateLimit) NodeCount() int32 { return 0 }
func (r gqlRateLimit) Remaining() int32 { return int32(r.b.remaining) }
func (r gqlRateLimit) ResetAt() dateTime {
	return dateTime{r.b.reset.UTC()}
}
func (r gqlRateLimit) Used() int32 { return int32(r.b.limit - r.b.remaining) }

func (q *gqlQuery) RateLimit(ctx context.Context, _ struct{ DryRun bool }) *gqlRateLimit {
	return &gqlRateLimit{b: requestOf(ctx).budget}
}

func (q *gqlQuery) Repository(ctx context.Context, args struct {
	FollowRenames bool
	Name, Owner   string
}) (*gqlRepo, error) {
	full := args.Owner + "/" + args.Name
	q.s.mu.Lock()
	rs := q.s.repo(full, false)
	q.s.mu.Unlock()
	if rs == nil || !tokenFrom(ctx).canSee(full) {
		return nil, &gqlError{typ: "NOT_FOUND", msg: fmt.Sprintf("Could not resolve to a Repository with the name '%s'.", full)}
	}
	return &gqlRepo{s: q.s, rs: rs, site: requestOf(ctx).site}, nil
}

func tokenFrom(ctx context.Context) Token {
	t, _ := ctx.Value(tokenKey{}).(Token)
	return t
}

type gqlRepo struct {
	s    *Server
	rs   *repoState
	site site
}

func (r *gqlRepo) NameWithOwner() string { return r.rs.owner + "/" + r.rs.name }

type issueOrder struct{ Direction, Field string }

type pullsArgs struct {
	After, BaseRefName, Before, HeadRefName *string
	First, Last                             *int32
	Labels                                  *[]string
	OrderBy                                 *issueOrder
	States                                  *[]string
}

// cursorPrefix makes a cursor as opaque as GitHub's: base64 of a key.
const cursorPrefix = "cursor:v2:"

func encodeCursor(number int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(number)))
}

func decodeCursor(c string) (int, bool) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), cursorPrefix))
	return n, err == nil && strings.HasPrefix(string(raw), cursorPrefix)
}

// pageSize checks first/last as GitHub does for a connection.
func pageSize(connection string, first, last *int32) (int, error) {
	switch {
	case first == nil && last == nil:
		//lint:ignore ST1005 GitHub's own message, word for word
		return 0, fmt.Errorf("You must provide a `first` or `last` value to properly paginate the `%s` connection.", connection)
	case first != nil && last != nil:
		//lint:ignore ST1005 GitHub's own message, word for word
		return 0, fmt.Errorf("Passing both `first` and `last` to paginate the `%s` connection is not supported.", connection)
	}
	n, arg := first, "first"
	if n == nil {
		n, arg = last, "last"
	}
	if *n < 0 || *n > 100 {
		//lint:ignore ST1005 GitHub's own message, word for word
		return 0, fmt.Errorf("Requesting %d records on the `%s` connection exceeds the `%s` limit of 100 records.", *n, connection, arg)
	}
	return int(*n), nil
}

// PullRequests pages the pull requests by a keyset cursor (the number of
// the last one served), as GitHub's cursors are: a pull request that
// closes or opens between two pages shifts no other.
func (r *gqlRepo) PullRequests(args pullsArgs) (*gqlPullConn, error) {
	size, err := pageSize("pullRequests", args.First, args.Last)
	if err != nil {
		return nil, err
	}
	if args.Last != nil || args.Before != nil {
		return nil, fmt.Errorf("the sandbox pages pullRequests forward only (first, after)")
	}
	desc := false
	if o := args.OrderBy; o != nil {
		if o.Field != "CREATED_AT" {
			return nil, fmt.Errorf("the sandbox orders pullRequests by CREATED_AT only")
		}
		desc = o.Direction == "DESC"
	}
	after := 0
	if args.After != nil {
		n, ok := decodeCursor(*args.After)
		if !ok {
			//lint:ignore ST1005 GitHub's own message, word for word
			return nil, fmt.Errorf("`%s` does not appear to be a valid cursor.", *args.After)
		}
		after = n
	}
	states := []string{"OPEN", "CLOSED", "MERGED"}
	if args.States != nil {
		states = *args.States
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	var all []PullRequest
	for _, pr := range r.rs.pulls {
		if !slices.Contains(states, pr.state()) ||
			(args.BaseRefName != nil && baseOf(pr) != *args.BaseRefName) ||
			(args.HeadRefName != nil && pr.HeadRef != *args.HeadRefName) {
			continue
		}
		all = append(all, pr)
	}
	slices.SortFunc(all, func(a, b PullRequest) int { return a.Number - b.Number }) // numbers grow with creation
	if desc {
		slices.Reverse(all)
	}
	conn := &gqlPullConn{total: len(all)}
	var rest []PullRequest
	for _, pr := range all {
		if args.After == nil || (!desc && pr.Number > after) || (desc && pr.Number < after) {
			rest = append(rest, pr)
		}
	}
	conn.hasPrev = len(rest) < len(all)
	if len(rest) > size {
		rest, conn.hasNext = rest[:size], true
	}
	for _, pr := range rest {
		conn.nodes = append(conn.nodes, r.pull(pr))
	}
	return conn, nil
}

// baseOf is the branch a pull request merges into, main by default.
func baseOf(pr PullRequest) string {
	if pr.BaseRef == "" {
		return "main"
	}
	return pr.BaseRef
}

// pull snapshots a pull request with its head commit's statuses; s.mu is held.
func (r *gqlRepo) pull(pr PullRequest) *gqlPull {
	latest := r.rs.latestPerContext(pr.HeadSHA)
	return &gqlPull{pr: pr, url: r.site.web + "/" + r.rs.owner + "/" + r.rs.name + "/pull/" + strconv.Itoa(pr.Number),
		head: &gqlCommit{oid: strings.ToLower(pr.HeadSHA), statuses: latest}}
}

type gqlPullConn struct {
	nodes            []*gqlPull
	total            int
	hasNext, hasPrev bool
}

func (c *gqlPullConn) Nodes() *[]*gqlPull { return &c.nodes }
func (c *gqlPullConn) TotalCount() int32  { return int32(c.total) }
func (c *gqlPullConn) PageInfo() *gqlPageInfo {
	p := &gqlPageInfo{hasNext: c.hasNext, hasPrev: c.hasPrev}
	if len(c.nodes) > 0 {
		p.start, p.end = encodeCursor(c.nodes[0].pr.Number), encodeCursor(c.nodes[len(c.nodes)-1].pr.Number)
	}
	return p
}

type gqlPageInfo struct {
	start, end       string
	hasNext, hasPrev bool
}

func (p *gqlPageInfo) EndCursor() *string    { return optional(p.end) }
func (p *gqlPageInfo) StartCursor() *string  { return optional(p.start) }
func (p *gqlPageInfo) HasNextPage() bool     { return p.hasNext }
func (p *gqlPageInfo) HasPreviousPage() bool { return p.hasPrev }
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type gqlPull struct {
	pr   PullRequest
	url  string
	head *gqlCommit
}

func (p *gqlPull) Number() int32           { return int32(p.pr.Number) }
func (p *gqlPull) HeadRefName() string     { return p.pr.HeadRef }
func (p *gqlPull) HeadRefOid() gitObjectID { return gitObjectID(strings.ToLower(p.pr.HeadSHA)) }
func (p *gqlPull) IsCrossRepository() bool { return p.pr.Fork || p.pr.HeadRepoDeleted }
func (p *gqlPull) IsDraft() bool           { return p.pr.Draft }
func (p *gqlPull) URL() uri                { return uri(p.url) }

// Commits serves the head commit only: the sandbox knows no other.
func (p *gqlPull) Commits(args struct {
	After, Before *string
	First, Last   *int32
}) (*gqlCommitConn, error) {
	size, err := pageSize("commits", args.First, args.Last)
	if err != nil {
		return nil, err
	}
	c := &gqlCommitConn{}
	if size > 0 && args.After == nil && args.Before == nil {
		c.nodes = []*gqlPullCommit{{commit: p.head}}
	}
	return c, nil
}

type gqlCommitConn struct{ nodes []*gqlPullCommit }

func (c *gqlCommitConn) Nodes() *[]*gqlPullCommit { return &c.nodes }
func (c *gqlCommitConn) TotalCount() int32        { return 1 }
func (c *gqlCommitConn) PageInfo() *gqlPageInfo   { return &gqlPageInfo{} }

type gqlPullCommit struct{ commit *gqlCommit }

func (c *gqlPullCommit) Commit() *gqlCommit { return c.commit }

type gqlCommit struct {
	oid      string
	statuses []Status // newest of each context
}

func (c *gqlCommit) Oid() gitObjectID { return gitObjectID(c.oid) }

// Status is null for a commit without statuses, as on GitHub.
func (c *gqlCommit) Status() *gqlStatus {
	if len(c.statuses) == 0 {
		return nil
	}
	return &gqlStatus{statuses: c.statuses}
}

type gqlStatus struct{ statuses []Status }

func (s *gqlStatus) State() string { return strings.ToUpper(combinedState(s.statuses)) }
func (s *gqlStatus) Context(args struct{ Name string }) *gqlStatusContext {
	for _, st := range s.statuses {
		if st.Context == args.Name {
			return &gqlStatusContext{st: st}
		}
	}
	return nil
}

type gqlStatusContext struct{ st Status }

func (c *gqlStatusContext) Context() string      { return c.st.Context }
func (c *gqlStatusContext) Description() *string { return optional(c.st.Description) }
func (c *gqlStatusContext) State() string        { return strings.ToUpper(c.st.State) }
func (c *gqlStatusContext) TargetUrl() *uri { //nolint:revive // GitHub's field name
	if c.st.TargetURL == "" {
		return nil
	}
	u := uri(c.st.TargetURL)
	return &u
}

// The custom scalars, as GitHub serializes them: strings.

type gitObjectID string

func (gitObjectID) ImplementsGraphQLType(name string) bool { return name == "GitObjectID" }
func (g *gitObjectID) UnmarshalGraphQL(in any) error       { return unmarshalString(g, "GitObjectID", in) }

type uri string

func (uri) ImplementsGraphQLType(name string) bool { return name == "URI" }
func (u *uri) UnmarshalGraphQL(in any) error       { return unmarshalString(u, "URI", in) }

// unmarshalString sets *dst to in, which for scalar name must be a string.
func unmarshalString[S ~string](dst *S, name string, in any) error {
	s, ok := in.(string)
	if !ok {
		return fmt.Errorf("%s: want a string", name)
	}
	*dst = S(s)
	return nil
}

type dateTime struct{ time.Time }

func (dateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }
func (d *dateTime) UnmarshalGraphQL(in any) error {
	var s string
	if err := unmarshalString(&s, "DateTime", in); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, s)
	d.Time = t
	return err
}
func (d dateTime) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(d.UTC().Format(time.RFC3339))), nil
}

// gqlUser is a User: the sandbox knows only the login.
type gqlUser struct{ login string }

func (u gqlUser) Login() string { return u.login }

// Viewer is the account the request's token acts as (Token.Login):
// "<slug>[bot]" for an installation token, as GitHub answers it (its REST
// GET /user refuses those), the user for a personal access token.
func (q *gqlQuery) Viewer(ctx context.Context) gqlUser {
	return gqlUser{login: tokenFrom(ctx).Login}
}
