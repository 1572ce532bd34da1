package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is a request the sandbox received.
type Request struct {
	Method string
	Path   string
	Query  map[string]string
	// Route names the endpoint (RouteDeployRequests, …); empty for a path
	// the API does not serve.
	Route string
	// Authorized says whether its credentials matched a token.
	Authorized bool
}

// Server is the fake API; it is an http.Handler. Its methods are safe for
// concurrent use.
type Server struct {
	mux    *http.ServeMux
	routes map[string]*route // by mux pattern

	mu         sync.Mutex
	orgs       []Organization
	databases  []Database
	tokens     []Token
	faults     []Fault
	pageFaults map[int]Fault
	// routeFaults holds FailRoute's queues by route name.
	routeFaults map[string][]Fault
	requests    []Request
	onRequest   []func(n int, r *http.Request)
	afterPage   []func(ServedPage)

	// Set by options only, so read without the lock.
	maxPerPage           int
	routeMaxPerPage      map[string]int
	paging               PagingBug
	rewrites             []func(route string, body map[string]any) map[string]any
	unknownTokenNotFound bool
}

// Option configures a Server.
type Option func(*Server)

// WithDatabase adds a database.
func WithDatabase(db Database) Option {
	return func(s *Server) { s.databases = append(s.databases, db) }
}

// WithOrganization declares an organization. Organizations named by a
// database need not be declared; a declared one keeps its place and fields.
func WithOrganization(org Organization) Option {
	return func(s *Server) { s.orgs = append(s.orgs, org) }
}

// WithToken adds an accepted token.
func WithToken(t Token) Option { return func(s *Server) { s.tokens = append(s.tokens, t) } }

// WithMaxPerPage caps the page size below the API's 100, as a server may.
func WithMaxPerPage(n int) Option { return func(s *Server) { s.maxPerPage = n } }

// WithMaxPerPageOn caps the page size of one list (RouteDeployRequests, …)
// below the server's cap; the other lists keep theirs. The demo serves its
// deploy requests 12 a page so that a few dozen of them span pages, while
// its other lists page as the API does.
func WithMaxPerPageOn(route string, n int) Option {
	return func(s *Server) {
		if s.routeMaxPerPage == nil {
			s.routeMaxPerPage = map[string]int{}
		}
		s.routeMaxPerPage[route] = n
	}
}

// perPageCap is the largest page the server serves for route.
func (s *Server) perPageCap(route string) int {
	if n, ok := s.routeMaxPerPage[route]; ok {
		return min(n, s.maxPerPage)
	}
	return s.maxPerPage
}

// WithPagingBug makes the server page wrongly, on every list.
func WithPagingBug(b PagingBug) Option { return func(s *Server) { s.paging = b } }

// WithUnknownTokenNotFound answers an unknown or revoked token with 404
// not_found on resource paths, as PlanetScale can, instead of 401; the
// organization list still answers 401, which tells the two apart.
func WithUnknownTokenNotFound() Option {
	return func(s *Server) { s.unknownTokenNotFound = true }
}

// New returns a Server.
func New(opts ...Option) *Server {
	s := &Server{maxPerPage: maxPerPage}
	for _, o := range opts {
		o(s)
	}
	s.mux, s.routes = s.newMux()
	return s
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// SetDeployRequests replaces a database's deploy requests.
func (s *Server) SetDeployRequests(org, database string, drs []DeployRequest) error {
	return s.UpdateDeployRequests(org, database, func([]DeployRequest) []DeployRequest { return slices.Clone(drs) })
}

// UpdateDeployRequests replaces a database's deploy requests with what edit
// returns for a copy of them. Hooks use it to change the data between pages.
func (s *Server) UpdateDeployRequests(org, database string, edit func([]DeployRequest) []DeployRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.databases {
		if s.databases[i].Organization == org && s.databases[i].Name == database {
			s.databases[i].DeployRequests = edit(slices.Clone(s.databases[i].DeployRequests))
			return nil
		}
	}
	return fmt.Errorf("no database %s/%s", org, database)
}

// Listen serves the sandbox on a loopback port until ctx ends. It returns
// the base URL to give the client (http://127.0.0.1:PORT).
func (s *Server) Listen(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: listen: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}

// tokenKey carries the caller's Token to the route handlers.
type tokenKey struct{}

// ServeHTTP answers one API request: it records it, runs the OnRequest
// hooks, serves a pending fault if there is one, checks the token, then
// routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	rt := s.routes[pattern] // nil for a path or method the API does not serve
	r.Pattern = pattern
	s.mu.Lock()
	token, authorized := s.authenticate(r.Header.Get("Authorization"))
	s.requests = append(s.requests, record(r, rt, authorized))
	n, hooks := len(s.requests), slices.Clone(s.onRequest)
	s.mu.Unlock()
	for _, h := range hooks {
		h(n, r)
	}
	s.mu.Lock()
	fault, faulty := s.nextFault(rt, r)
	s.mu.Unlock()
	if faulty && serveFault(w, r, fault) {
		return
	}
	switch {
	case rt == nil:
		writeNotFound(w)
	case !authorized && rt.name == RouteOrganizations:
		writeUnauthorized(w)
	case !authorized && s.unknownTokenNotFound:
		writeNotFound(w)
	case !authorized:
		writeUnauthorized(w)
	default:
		s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, token)))
	}
}

// record describes a request for Requests.
func record(r *http.Request, rt *route, authorized bool) Request {
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: map[string]string{}, Authorized: authorized}
	if rt != nil {
		rec.Route = rt.name
	}
	for k := range r.URL.Query() {
		rec.Query[k] = r.URL.Query().Get(k)
	}
	return rec
}

// authenticate finds the token an Authorization header names; s.mu must be
// held.
func (s *Server) authenticate(header string) (Token, bool) {
	for _, t := range s.tokens {
		want := t.ID + ":" + t.Secret
		if t.OAuth {
			want = "Bearer " + t.Secret
		}
		if header == want {
			return t, true
		}
	}
	return Token{}, false
}
