package ghreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// PullsPerQuery is how many pull requests one GraphQL query reads (GitHub's
// most for one connection).
const PullsPerQuery = 100

// GraphQLURL returns the GraphQL endpoint: graphqlURL (GITHUB_GRAPHQL_URL)
// when set, else derived from the REST address apiURL (GITHUB_API_URL):
// https://api.github.com -> https://api.github.com/graphql, and GitHub
// Enterprise Server's https://HOST/api/v3 -> https://HOST/api/graphql; any
// other path P gets P/graphql. It is checked as ParseAPIURL checks the REST
// address.
func GraphQLURL(apiURL, graphqlURL string) (*url.URL, error) {
	var api *url.URL
	if strings.TrimSpace(graphqlURL) == "" {
		var err error
		if api, err = ParseAPIURL(apiURL); err != nil {
			return nil, err
		}
	}
	return graphqlEndpoint(api, graphqlURL)
}

// graphqlEndpoint is GraphQLURL for the REST address api as ParseAPIURL
// returned it (read only when graphqlURL is empty).
func graphqlEndpoint(api *url.URL, graphqlURL string) (*url.URL, error) {
	if strings.TrimSpace(graphqlURL) != "" {
		u, err := parseEndpoint("GITHUB_GRAPHQL_URL:", graphqlURL)
		if err != nil {
			return nil, err
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		return u, nil
	}
	u := *api
	p := strings.TrimSuffix(u.Path, "/")
	if base, ok := strings.CutSuffix(p, "/api/v3"); ok {
		u.Path = base + "/api/graphql"
	} else {
		u.Path = p + "/graphql"
	}
	return &u, nil
}

// newGraphQL returns the GraphQL client of NewClient for endpoint: the
// token goes to the endpoint's origin only, every request is counted with
// the REST ones, and every answer but a clean 200 becomes an error to
// classify. metered is NewClient's meterTransport.
func newGraphQL(endpoint *url.URL, token string, metered http.RoundTripper, count *atomic.Int64) *githubv4.Client {
	hc := &http.Client{
		Transport:     &tokenTransport{base: &graphqlTransport{base: metered}, token: token, origin: endpoint, count: count},
		CheckRedirect: sameOriginRedirects(endpoint),
	}
	return githubv4.NewEnterpriseClient(endpoint.String(), hc)
}

// OpenPull is an open pull request with the status sync compares against.
type OpenPull struct {
	PullRequest
	// StatusRead is set when the head commit's status of the context asked
	// for was read with the pull request; when not (the head moved while
	// it was read), the caller reads it with LatestStatus if it needs it.
	StatusRead bool
	// HasStatus is set when the head commit has a status of that context;
	// Status is then its newest.
	HasStatus bool
	Status    Status
}

// pullsQuery is one page of open pull requests, oldest first, each with
// its head commit's status of one context, and the query's cost.
type pullsQuery struct {
	RateLimit struct {
		Cost      int
		Limit     int
		Remaining int
		ResetAt   githubv4.DateTime
	}
	Repository *struct {
		PullRequests struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
			Nodes []*pullNode
		} `graphql:"pullRequests(states: OPEN, first: 100, after: $after, orderBy: {field: CREATED_AT, direction: ASC})"`
	} `graphql:"repository(owner: $owner, name: $name)"`
}

type pullNode struct {
	Number            int
	HeadRefName       string
	HeadRefOid        string
	IsCrossRepository bool
	IsDraft           bool
	URL               string `graphql:"url"`
	Commits           struct {
		Nodes []*struct {
			Commit struct {
				Oid    string
				Status *struct {
					Context *struct {
						State       string
						Description *string
						TargetURL   *string `graphql:"targetUrl"`
					} `graphql:"context(name: $context)"`
				}
			}
		}
	} `graphql:"commits(last: 1)"`
}

// OpenPulls returns every open pull request of owner/repo with the newest
// status of statusContext on its head commit, PullsPerQuery a GraphQL
// query, following the cursor (so a pull request opened or closed while the
// list is read shifts no other). A pull request without a number, head
// branch or head SHA, one listed twice, or a cursor that does not move is
// an error: the list is never taken as whole when it may not be. Before a
// query the rest of the hour's budget cannot pay for, it waits for the
// reset when that fits the deadline, else fails.
func (c *Client) OpenPulls(ctx context.Context, owner, repo, statusContext string) ([]OpenPull, error) {
	if err := checkRepo(owner, repo); err != nil {
		return nil, fmt.Errorf("list open pull requests: %w", err)
	}
	var (
		out   []OpenPull
		seen  = map[int]bool{}
		after *githubv4.String
	)
	for page := 1; ; page++ {
		if page > c.maxPages {
			return nil, fmt.Errorf("list open pull requests of %s/%s: more than %d pages of %d, more than the gate reads", owner, repo, c.maxPages, PullsPerQuery)
		}
		if err := c.awaitGraphQLBudget(ctx); err != nil {
			return nil, fmt.Errorf("list open pull requests of %s/%s: %w", owner, repo, err)
		}
		var q pullsQuery
		vars := map[string]any{"owner": githubv4.String(owner), "name": githubv4.String(repo),
			"after": after, "context": githubv4.String(statusContext)}
		err := c.graphqlCall(ctx, opReadPulls, func(actx context.Context) error {
			q = pullsQuery{}
			return c.gql.Query(actx, &q, vars)
		})
		if err == nil && q.Repository == nil {
			err = &PermissionError{Permission: opReadPulls.permission, Status: http.StatusNotFound, Message: "Could not resolve to a Repository"}
		}
		if err != nil {
			return nil, fmt.Errorf("list open pull requests of %s/%s (query %d): %w", owner, repo, page, err)
		}
		c.meter.setGraphQL(q.RateLimit.Limit, q.RateLimit.Remaining, q.RateLimit.ResetAt.Time)
		c.lastCost.Store(int64(max(q.RateLimit.Cost, 1)))
		conn := q.Repository.PullRequests
		for _, n := range conn.Nodes {
			p, err := openPullOf(n)
			if err == nil && seen[p.Number] {
				err = fmt.Errorf("%w: pull request #%d is listed twice (the list changed while it was read; run again)", ErrUnexpectedResponse, p.Number)
			}
			if err != nil {
				return nil, fmt.Errorf("list open pull requests of %s/%s: %w", owner, repo, err)
			}
			seen[p.Number] = true
			out = append(out, p)
		}
		if !conn.PageInfo.HasNextPage {
			return out, nil
		}
		if conn.PageInfo.EndCursor == nil || *conn.PageInfo.EndCursor == "" || (after != nil && string(*after) == *conn.PageInfo.EndCursor) || len(conn.Nodes) == 0 {
			return nil, fmt.Errorf("list open pull requests of %s/%s: %w: query %d says more follow but gives no new cursor", owner, repo, ErrUnexpectedResponse, page)
		}
		after = githubv4.NewString(githubv4.String(*conn.PageInfo.EndCursor))
	}
}

// openPullOf checks and converts one listed pull request.
func openPullOf(n *pullNode) (OpenPull, error) {
	if n == nil {
		return OpenPull{}, fmt.Errorf("%w: a pull request that could not be read (null)", ErrUnexpectedResponse)
	}
	p := OpenPull{PullRequest: PullRequest{Number: n.Number, State: "open", HeadRef: n.HeadRefName, HeadSHA: n.HeadRefOid,
		Fork: n.IsCrossRepository, Draft: n.IsDraft, URL: n.URL}}
	if err := p.check(); err != nil {
		return p, err
	}
	if len(n.Commits.Nodes) != 1 || n.Commits.Nodes[0] == nil || !strings.EqualFold(n.Commits.Nodes[0].Commit.Oid, p.HeadSHA) {
		return p, nil // its status is read on its own if needed
	}
	p.StatusRead = true
	commit := n.Commits.Nodes[0].Commit
	if commit.Status == nil || commit.Status.Context == nil {
		return p, nil
	}
	sc := commit.Status.Context
	p.HasStatus = true
	p.Status = Status{State: State(strings.ToLower(sc.State))}
	if sc.Description != nil {
		p.Status.Description = *sc.Description
	}
	if sc.TargetURL != nil {
		p.Status.TargetURL = *sc.TargetURL
	}
	return p, nil
}

// awaitGraphQLBudget waits for the GraphQL budget's reset when the last
// answer left less than a query costs; when the reset comes after ctx's
// deadline it fails at once.
func (c *Client) awaitGraphQLBudget(ctx context.Context) error {
	b := c.Budget().GraphQL
	cost := int(c.lastCost.Load())
	if !b.Known || b.Remaining >= max(cost, 1) {
		return nil
	}
	wait := untilReset(b.Reset)
	if pastDeadline(ctx, wait) {
		return fmt.Errorf("GitHub's GraphQL budget is used up (%d of %d points left, a query costs %d); it resets in %s, after the time left",
			b.Remaining, b.Limit, cost, httpretry.FormatWait(wait))
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// graphqlCall runs one GraphQL query under c's retry policy, classifying
// its failures as REST's are: the same answers are retried, after the same
// waits (Retry-After, rate-limit reset), and the same refusals name the
// permission to add.
func (c *Client) graphqlCall(ctx context.Context, o op, fn func(ctx context.Context) error) error {
	return httpretry.Do(ctx, c.retry, c.notify, func(actx context.Context) error {
		return c.classifyGraphQL(ctx, o, fn(actx))
	})
}

// graphqlCallIn is graphqlCall, or, with a non-nil actx (inside an attempt
// of another call), one attempt of fn under actx (as callIn for REST).
func (c *Client) graphqlCallIn(ctx, actx context.Context, o op, fn func(ctx context.Context) error) error {
	if actx != nil {
		return c.classifyGraphQL(ctx, o, fn(actx))
	}
	return c.graphqlCall(ctx, o, fn)
}

// classifyGraphQL classifies a GraphQL failure: an error entry of a 200
// answer by its type; anything else, an answer of another status
// included (go-github's error for it), as classify does for REST.
func (c *Client) classifyGraphQL(ctx context.Context, o op, err error) error {
	if err == nil || ctx.Err() != nil {
		return c.classify(ctx, o, err)
	}
	var (
		gqlErr   *GraphQLError
		transfer *url.Error // the answer's status, or no answer: never the decoder's
	)
	if errors.As(err, &gqlErr) {
		msg := c.clean(gqlErr.Message)
		switch gqlErr.Type {
		case "RATE_LIMITED":
			// As REST's 403 with no requests left: wait for the reset.
			h := gqlErr.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			if h.Get("Retry-After") == "" {
				h.Set("X-RateLimit-Remaining", "0")
			}
			resp := &http.Response{StatusCode: http.StatusForbidden, Header: h}
			return c.fromAnswer(o, &github.ErrorResponse{Response: resp, Message: msg + " (GraphQL)"})
		case "NOT_FOUND":
			return &PermissionError{Permission: o.permission, Status: http.StatusNotFound, Message: msg}
		case "FORBIDDEN":
			return &PermissionError{Permission: o.permission, Status: http.StatusForbidden, Message: msg}
		}
		return &APIError{Status: http.StatusOK, Message: "GraphQL: " + msg}
	}
	if !errors.As(err, &transfer) && (strings.Contains(err.Error(), "slice doesn't exist in any of") || strings.Contains(err.Error(), "struct field for")) {
		// githubv4's decoder found JSON of another shape.
		return fmt.Errorf("%w: %s", ErrUnexpectedResponse, c.clean(err.Error()))
	}
	return c.classify(ctx, o, err)
}
