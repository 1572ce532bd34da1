// Package ghsandbox is a fake GitHub REST API: a real HTTP server that
// speaks the documented JSON for the endpoints the gate uses (commit
// statuses, issue comments with their authors' login and type, pull
// requests), with GitHub's paging
// (per_page, page and a Link header), token checks, per-token read-only
// and repository grants, and injectable faults (403, 404, secondary rate
// limits, 5xx, cut connections). It also serves GraphQL (at /graphql, or
// /api/graphql beside /api/v3) from a subset of GitHub's public schema
// (SchemaSDL: open pull requests with their statuses, viewer { login } per
// token) through graph-gophers/graphql-go, with keyset cursors, a
// points budget, and hooks to change the state between queries.
//
// Tests point the GitHub client at it (also under a path prefix, as on
// GitHub Enterprise Server's /api/v3), and the demo runs the gate against
// it with no account and no network. State can be set up before a run
// (open pull requests, comments, statuses) and read back after it.
package ghsandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Token is a token the sandbox accepts, sent as "Bearer <Value>" or
// "token <Value>".
type Token struct {
	Value string
	// Login is the account the token acts as and comments as (default
	// "github-actions[bot]"), which GraphQL's viewer { login } gives for
	// every token. A login ending in "[bot]" is an installation token
	// (GITHUB_TOKEN or a GitHub App's "<slug>[bot]"): its account has type
	// Bot; any other login is a personal access token's user. GET /user is
	// not served (404): the gate learns the login through viewer.
	Login string
	// ReadOnly makes every write answer 403, as a fork's pull request token
	// or a workflow without permissions: does.
	ReadOnly bool
	// NoCommentWrites makes comment writes (create, edit) answer 403 while
	// statuses may still be written: a workflow with "statuses: write" and
	// "pull-requests: read".
	NoCommentWrites bool
	// Repos limits the token to these "owner/name" repositories; others
	// answer 404, as GitHub does to a token without access. Empty: all.
	Repos []string
}

// Request is a request the sandbox received.
type Request struct {
	Method string
	// Path is the path below the prefix, escaped as sent.
	Path string
	// Query is the raw query.
	Query string
	// Endpoint is the endpoint it was routed to ("" when none).
	Endpoint Endpoint
	// Authorized says whether its token was accepted.
	Authorized bool
}

// Server is the fake API; it is an http.Handler. Its methods are safe for
// concurrent use.
type Server struct {
	mu       sync.Mutex
	prefix   string
	tokens   []Token
	pageSize int
	now      func() time.Time
	repos    map[string]*repoState
	faults   []Fault
	requests []Request
	lastID   int64
	mux      *http.ServeMux
	gql      graphqlState
}

// Option configures a Server.
type Option func(*Server)

// WithPrefix serves the API under a path prefix, such as "/api/v3".
func WithPrefix(p string) Option {
	return func(s *Server) { s.prefix = "/" + strings.Trim(p, "/") }
}

// WithToken adds an accepted token.
func WithToken(t Token) Option { return func(s *Server) { s.tokens = append(s.tokens, t) } }

// WithPageSize caps per_page below GitHub's 100, so a short list has pages.
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = max(n, 1) } }

// WithClock sets the time the sandbox stamps on what it stores.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New returns a Server.
func New(opts ...Option) *Server {
	s := &Server{pageSize: 100, now: time.Now, repos: map[string]*repoState{}}
	for _, o := range opts {
		o(s)
	}
	if s.prefix == "/" {
		s.prefix = ""
	}
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// Listen serves the sandbox on a loopback port until ctx ends. It returns
// the API's base URL, prefix included (http://127.0.0.1:PORT/api/v3), as
// GITHUB_API_URL would hold it.
func (s *Server) Listen(ctx context.Context) (string, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("github sandbox: listen: %w", err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	context.AfterFunc(ctx, func() { _ = hs.Close() })
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String() + s.prefix, nil
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveGraphQL(w, r) {
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, s.prefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		s.record(Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery})
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	inner := r.Clone(r.Context())
	inner.URL.Path = rest
	inner.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, s.prefix)
	_, pattern := s.mux.Handler(inner)
	token, authorized := s.authenticate(r.Header.Get("Authorization"))
	ep := Endpoint(pattern)
	s.record(Request{Method: r.Method, Path: inner.URL.EscapedPath(), Query: r.URL.RawQuery, Endpoint: ep, Authorized: authorized})

	if f, ok := s.takeFault(ep, s.pageOf(inner).page); ok {
		f.serve(w, func(w http.ResponseWriter) { s.authorized(w, inner, token, authorized) })
		return
	}
	s.authorized(w, inner, token, authorized)
}

// authorized serves r once its token has been checked.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, token Token, ok bool) {
	if !ok {
		writeMessage(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	ctx := context.WithValue(r.Context(), tokenKey{}, token)
	s.mux.ServeHTTP(w, r.WithContext(ctx))
}

type tokenKey struct{}

// tokenOf returns the token a request was authorized with.
func tokenOf(r *http.Request) Token {
	t, _ := r.Context().Value(tokenKey{}).(Token)
	return t
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

// authenticate finds the token an Authorization header carries.
func (s *Server) authenticate(header string) (Token, bool) {
	scheme, value, ok := strings.Cut(header, " ")
	if !ok || value == "" || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "token")) {
		return Token{}, false
	}
	i := slices.IndexFunc(s.tokens, func(t Token) bool { return t.Value == value })
	if i < 0 {
		return Token{}, false
	}
	t := s.tokens[i]
	if t.Login == "" {
		t.Login = "github-actions[bot]"
	}
	return t, true
}

// canSee reports whether t may use repository key ("owner/name", lower case).
func (t Token) canSee(key string) bool {
	return len(t.Repos) == 0 || slices.ContainsFunc(t.Repos, func(r string) bool { return strings.EqualFold(r, key) })
}
