// Package sandbox is a fake PlanetScale API: a real HTTP server that speaks
// the documented JSON (list envelopes with next_page, deploy request and
// database objects, the API's error bodies) for the endpoints the gate reads,
// with service-token auth, per-database grants and injectable faults.
//
// Tests run the client and the built binary against it, and the binary's
// demo command runs the real gate against it with no account and no network.
package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DeployRequest is a deploy request the sandbox serves.
type DeployRequest struct {
	Number     int
	Branch     string
	IntoBranch string
	Approved   bool
	// State is "open" or "closed".
	State string
	// DeploymentState is one of the API's 20 deployment states.
	DeploymentState string
	Deployable      bool
	// Notes is served as null when empty, as the real API does.
	Notes     string
	CreatedAt time.Time
	// OmitDeployment leaves the "deployment" object out of the JSON.
	OmitDeployment bool
}

// Database is a database the sandbox serves.
type Database struct {
	Organization    string
	Name            string
	RequireApproval bool
	DeployRequests  []DeployRequest
}

// Token is a service token the sandbox accepts.
type Token struct {
	ID     string
	Secret string
	// OAuth makes Secret an OAuth access token, sent as "Bearer <Secret>".
	OAuth bool
	// Grants maps "org/database" to the token's grants on that database,
	// such as "read_deploy_request" and "read_database".
	Grants map[string][]string
}

// Fault is a scripted answer served instead of the real one.
type Fault struct {
	// Status is the HTTP status to answer with (ignored when Disconnect).
	// A fault with neither Status nor Disconnect only delays the real answer.
	Status int
	// Body is the answer's body; ContentType its type (default JSON).
	Body        string
	ContentType string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Delay holds the answer back this long (or until the client gives up).
	Delay time.Duration
	// Disconnect closes the connection without answering.
	Disconnect bool
}

// Ready-made faults with the bodies PlanetScale and its proxies send.
var (
	// RateLimited is the API's 429; its Retry-After is empty.
	RateLimited = Fault{Status: http.StatusTooManyRequests, Body: `{"code":"rate_limited","message":"Rate limit exceeded"}`}
	// InternalError is a 500 with the non-envelope body seen from the real API.
	InternalError = Fault{Status: http.StatusInternalServerError, Body: `{"status":500,"error":"Internal Server Error"}`}
	// Unavailable is a 503 HTML page from a load balancer.
	Unavailable = Fault{Status: http.StatusServiceUnavailable, ContentType: "text/html",
		Body: "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"}
	// BadGateway is a 502 with a plain-text body.
	BadGateway = Fault{Status: http.StatusBadGateway, ContentType: "text/plain", Body: "upstream connect error or disconnect/reset before headers"}
	// Truncated is a 200 whose JSON stops half way.
	Truncated = Fault{Status: http.StatusOK, Body: `{"type":"list","current_page":1,"next_page":2,"data":[{"id":"x","number":`}
	// Disconnect drops the connection without an answer.
	Disconnect = Fault{Disconnect: true}
)

// RateLimitedFor returns a 429 that asks the client to wait with Retry-After.
func RateLimitedFor(retryAfter string) Fault {
	f := RateLimited
	f.RetryAfter = retryAfter
	return f
}

// PagingBug makes the server page wrongly, to prove a client fails closed.
type PagingBug int

const (
	// PagingCorrect pages as the API documents.
	PagingCorrect PagingBug = iota
	// PagingIgnoresPage always answers with page 1, whatever page is asked.
	PagingIgnoresPage
	// PagingStuck names the current page as next_page forever.
	PagingStuck
	// PagingEndless invents a next page after every page.
	PagingEndless
)

// Request is a request the sandbox received.
type Request struct {
	Method string
	Path   string
	Query  map[string]string
	// Authorized says whether its credentials matched a token.
	Authorized bool
}

// Server is the fake API; it is an http.Handler. Its methods are safe for
// concurrent use.
type Server struct {
	mu         sync.Mutex
	databases  []Database
	tokens     []Token
	faults     []Fault
	pageFaults map[string]Fault
	requests   []Request
	maxPerPage int
	paging     PagingBug
	now        func() time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithDatabase adds a database.
func WithDatabase(db Database) Option {
	return func(s *Server) { s.databases = append(s.databases, db) }
}

// WithToken adds an accepted token.
func WithToken(t Token) Option { return func(s *Server) { s.tokens = append(s.tokens, t) } }

// WithMaxPerPage caps the page size below the API's 100, as a server may.
func WithMaxPerPage(n int) Option { return func(s *Server) { s.maxPerPage = n } }

// WithPagingBug makes the server page wrongly.
func WithPagingBug(b PagingBug) Option { return func(s *Server) { s.paging = b } }

// New returns a Server.
func New(opts ...Option) *Server {
	s := &Server{maxPerPage: 100, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// InjectFaults queues faults: each of the next requests gets the next fault
// instead of its real answer.
func (s *Server) InjectFaults(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// FailPageOnce makes the first request for page n of a list get fault f.
func (s *Server) FailPageOnce(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageFaults == nil {
		s.pageFaults = map[string]Fault{}
	}
	s.pageFaults[strconv.Itoa(n)] = f
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// SetDeployRequests replaces a database's deploy requests.
func (s *Server) SetDeployRequests(org, database string, drs []DeployRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.databases {
		if s.databases[i].Organization == org && s.databases[i].Name == database {
			s.databases[i].DeployRequests = slices.Clone(drs)
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

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	token, authorized := s.authenticate(r.Header.Get("Authorization"))
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: map[string]string{}, Authorized: authorized}
	for k := range r.URL.Query() {
		rec.Query[k] = r.URL.Query().Get(k)
	}
	s.requests = append(s.requests, rec)
	var fault *Fault
	if f, ok := s.pageFaults[r.URL.Query().Get("page")]; ok && strings.HasSuffix(r.URL.Path, "/deploy-requests") {
		delete(s.pageFaults, r.URL.Query().Get("page"))
		fault = &f
	} else if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		fault = &f
	}
	s.mu.Unlock()

	if fault != nil {
		if !sleep(r.Context(), fault.Delay) {
			return // the client went away
		}
		if fault.Status != 0 || fault.Disconnect {
			serveFault(w, *fault)
			return
		}
		// A delay alone holds back the real answer.
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return
	}
	if !authorized {
		writeError(w, http.StatusUnauthorized, "unauthorized", "The access token is invalid, has expired or has been revoked")
		return
	}
	s.route(w, r, token)
}

// sleep waits d; false means the client went away first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// serveFault answers with f's status and body, or drops the connection.
func serveFault(w http.ResponseWriter, f Fault) {
	if f.Disconnect {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// authenticate finds the token an Authorization header names.
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

// route serves the endpoints under /v1.
func (s *Server) route(w http.ResponseWriter, r *http.Request, token Token) {
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/v1/"), "/")
	for i, p := range parts {
		u, err := unescape(p)
		if err != nil {
			writeError(w, http.StatusNotFound, "not_found", "Not Found")
			return
		}
		parts[i] = u
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/") || len(parts) < 4 || parts[0] != "organizations" || parts[2] != "databases" {
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return
	}
	org, name := parts[1], parts[3]
	s.mu.Lock()
	db, found := s.database(org, name)
	s.mu.Unlock()
	grants := token.Grants[org+"/"+name]
	switch {
	case len(parts) == 4:
		// Any database grant lets a token read the database itself.
		if !found || len(grants) == 0 {
			writeError(w, http.StatusNotFound, "not_found", "Not Found")
			return
		}
		writeJSON(w, http.StatusOK, databaseJSON(db))
	case len(parts) == 5 && parts[4] == "deploy-requests":
		// PlanetScale answers 404, not 403, when the grant is missing.
		if !found || !slices.Contains(grants, "read_deploy_request") {
			writeError(w, http.StatusNotFound, "not_found", "Not Found")
			return
		}
		s.listDeployRequests(w, r, db)
	default:
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
	}
}

func unescape(p string) (string, error) { return url.PathUnescape(p) }

// database finds a database; s.mu must be held.
func (s *Server) database(org, name string) (Database, bool) {
	for _, db := range s.databases {
		if db.Organization == org && db.Name == name {
			db.DeployRequests = slices.Clone(db.DeployRequests)
			return db, true
		}
	}
	return Database{}, false
}

func (s *Server) listDeployRequests(w http.ResponseWriter, r *http.Request, db Database) {
	q := r.URL.Query()
	var matched []DeployRequest
	for _, dr := range db.DeployRequests {
		if !matchState(dr, q.Get("state")) ||
			(q.Get("branch") != "" && dr.Branch != q.Get("branch")) ||
			(q.Get("into_branch") != "" && dr.IntoBranch != q.Get("into_branch")) {
			continue
		}
		matched = append(matched, dr)
	}
	page, perPage, ok := paging(q.Get("page"), q.Get("per_page"), s.maxPerPage)
	if !ok {
		writeError(w, http.StatusBadRequest, "bad_request", "Invalid page or per_page")
		return
	}
	if s.paging == PagingIgnoresPage {
		page = 1
	}
	start := min((page-1)*perPage, len(matched))
	end := min(start+perPage, len(matched))
	items := make([]any, 0, end-start)
	for _, dr := range matched[start:end] {
		items = append(items, deployRequestJSON(db, dr))
	}
	var next any // null on the last page
	switch {
	case s.paging == PagingStuck && end < len(matched):
		next = page
	case s.paging == PagingEndless || end < len(matched):
		next = page + 1
	}
	base := fmt.Sprintf("https://api.planetscale.com/v1/organizations/%s/databases/%s/deploy-requests", db.Organization, db.Name)
	pageURL := func(p any) any {
		if p == nil {
			return nil
		}
		return fmt.Sprintf("%s?page=%v", base, p)
	}
	var prev any
	if page > 1 {
		prev = page - 1
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"type":          "list",
		"current_page":  page,
		"per_page":      perPage,
		"next_page":     next,
		"next_page_url": pageURL(next),
		"prev_page":     prev,
		"prev_page_url": pageURL(prev),
		"total_count":   len(matched),
		"total_pages":   max(1, (len(matched)+perPage-1)/perPage),
		"data":          items,
	})
}

// matchState applies the API's state filter: open, closed or deployed.
func matchState(dr DeployRequest, state string) bool {
	switch state {
	case "":
		return true
	case "deployed":
		return dr.DeploymentState == "complete" || dr.DeploymentState == "complete_pending_revert"
	}
	return dr.State == state
}

// paging reads page and per_page with the API's defaults (1 and 25).
func paging(pageParam, perPageParam string, maxPerPage int) (page, perPage int, ok bool) {
	page, perPage = 1, 25
	var err error
	if pageParam != "" {
		if page, err = strconv.Atoi(pageParam); err != nil || page < 1 {
			return 0, 0, false
		}
	}
	if perPageParam != "" {
		if perPage, err = strconv.Atoi(perPageParam); err != nil || perPage < 1 {
			return 0, 0, false
		}
	}
	return page, min(perPage, maxPerPage), true
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
