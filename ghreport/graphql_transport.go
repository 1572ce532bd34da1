package ghreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v66/github"
)

// maxGraphQLAnswer bounds one GraphQL answer read into memory (a page of
// 100 pull requests is some 60 kB).
const maxGraphQLAnswer = 16 << 20

// Budget is what is left of the token's GitHub rate limits, as the last
// answers said; a zero Limit means no answer told.
type Budget struct {
	// REST is the core REST API's budget (X-RateLimit-* headers).
	REST RateBudget
	// GraphQL is the GraphQL API's budget in points (its rateLimit object).
	GraphQL RateBudget
}

// RateBudget is one rate limit's state.
type RateBudget struct {
	Limit, Remaining int
	Reset            time.Time
	// Known is set once an answer gave it.
	Known bool
}

// meter counts the requests and writes a client sends and keeps the rate
// limits its answers report.
type meter struct {
	writes atomic.Int64
	mu     sync.Mutex
	budget Budget
}

// Writes returns how many writes (POST, PATCH, PUT, DELETE to the REST API)
// the client has sent, retries included.
func (c *Client) Writes() int { return int(c.meter.writes.Load()) }

// Budget returns the token's rate limits as the last answers gave them.
func (c *Client) Budget() Budget {
	c.meter.mu.Lock()
	defer c.meter.mu.Unlock()
	return c.meter.budget
}

func (m *meter) setGraphQL(limit, remaining int, reset time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.budget.GraphQL = RateBudget{Limit: limit, Remaining: remaining, Reset: reset, Known: true}
}

// meterTransport counts writes and reads the rate-limit headers of REST
// and GraphQL answers.
type meterTransport struct {
	base    http.RoundTripper
	meter   *meter
	graphql *url.URL
}

func (t *meterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	isGraphQL := t.graphql != nil && sameOrigin(r.URL, t.graphql) && r.URL.Path == t.graphql.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !isGraphQL {
		t.meter.writes.Add(1)
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	h := resp.Header
	limit, err1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	left, err2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, _ := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return resp, nil
	}
	// A GraphQL answer's headers give the graphql budget (its rateLimit
	// field, when the query asks for it, says the same later); they keep
	// the budget known when a query fails before its body is read.
	switch res := h.Get("X-RateLimit-Resource"); {
	case isGraphQL && (res == "" || res == "graphql"):
		t.meter.setGraphQL(limit, left, time.Unix(reset, 0))
	case !isGraphQL && (res == "" || res == "core"):
		t.meter.mu.Lock()
		t.meter.budget.REST = RateBudget{Limit: limit, Remaining: left, Reset: time.Unix(reset, 0), Known: true}
		t.meter.mu.Unlock()
	}
	return resp, nil
}

// GraphQLError is an "errors" entry of a GraphQL answer (with status 200).
// Any error fails the query: a partial answer is never used.
type GraphQLError struct {
	// Type is GitHub's error type: NOT_FOUND, FORBIDDEN, RATE_LIMITED, ...
	// (empty for a query the schema rejects).
	Type string
	// Message is the server's message, sanitized by the caller.
	Message string
	// header is the answer's headers (rate-limit fields).
	header http.Header
}

func (e *GraphQLError) Error() string {
	if e.Type == "" {
		return "GraphQL error: " + e.Message
	}
	return fmt.Sprintf("GraphQL error %s: %s", e.Type, e.Message)
}

// graphqlTransport turns every GraphQL answer that is not a clean 200
// with data into an error githubv4 passes on unchanged: an answer of
// another status is go-github's error for it (github.CheckResponse, as on
// REST), so it is classified as a REST answer is; a 200 with errors is a
// *GraphQLError.
type graphqlTransport struct{ base http.RoundTripper }

func (t *graphqlTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphQLAnswer+1))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the GraphQL answer: %w", err)
	}
	if len(body) > maxGraphQLAnswer {
		return nil, fmt.Errorf("%w: a GraphQL answer over %d bytes", ErrUnexpectedResponse, maxGraphQLAnswer)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if resp.StatusCode != http.StatusOK {
		if err := github.CheckResponse(resp); err != nil {
			return nil, err
		}
		// Another 2xx: GraphQL answers a query with 200 only.
		return nil, &github.ErrorResponse{Response: resp}
	}
	var parsed struct {
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &parsed) == nil && len(parsed.Errors) > 0 {
		e := parsed.Errors[0]
		return nil, &GraphQLError{Type: e.Type, Message: e.Message, header: resp.Header}
	}
	return resp, nil
}
