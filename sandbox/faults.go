package sandbox

import (
	"cmp"
	"context"
	"net/http"
	"time"
)

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
// A bug applies to every list the server serves.
type PagingBug int

const (
	// PagingCorrect pages as the API documents.
	PagingCorrect PagingBug = iota
	// PagingIgnoresPage always answers with page 1 (current_page 1,
	// next_page 2 while there is more), whatever page is asked.
	PagingIgnoresPage
	// PagingStuck names the current page as next_page forever.
	PagingStuck
	// PagingEndless invents a next page after every page.
	PagingEndless
	// PagingEchoesPage serves page 1's items for every page but echoes the
	// page asked as current_page, with a correct next_page: the items of
	// the later pages are never served.
	PagingEchoesPage
)

// InjectFaults queues faults: each of the next requests, whatever its route,
// gets the next fault instead of its real answer.
func (s *Server) InjectFaults(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// FailPageOnce makes the first request for page n of any list (page 1 when
// the request names no page) get fault f.
func (s *Server) FailPageOnce(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageFaults == nil {
		s.pageFaults = map[int]Fault{}
	}
	s.pageFaults[n] = f
}

// FailRoute queues faults for one route (RouteOperations, …): each of the
// next requests to it gets the next fault instead of its real answer.
func (s *Server) FailRoute(route string, f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.routeFaults == nil {
		s.routeFaults = map[string][]Fault{}
	}
	s.routeFaults[route] = append(s.routeFaults[route], f...)
}

// nextFault picks the fault for a request to route rt, if any: the
// route's queue (FailRoute) first, then a page fault for a list page, then
// the queue. s.mu must be held.
func (s *Server) nextFault(rt *route, r *http.Request) (Fault, bool) {
	if rt != nil && len(s.routeFaults[rt.name]) > 0 {
		f := s.routeFaults[rt.name][0]
		s.routeFaults[rt.name] = s.routeFaults[rt.name][1:]
		return f, true
	}
	if rt != nil && rt.list {
		if page, ok := pageParam(r.URL.Query().Get("page")); ok {
			if f, ok := s.pageFaults[page]; ok {
				delete(s.pageFaults, page)
				return f, true
			}
		}
	}
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// serveFault waits out f's delay, then answers with f or drops the
// connection. It reports false when the real answer should follow: the
// fault only delays it.
func serveFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if !sleep(r.Context(), f.Delay) {
		return true // the client went away
	}
	switch {
	case f.Disconnect:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.Status == 0:
		return false
	}
	w.Header().Set("Content-Type", cmp.Or(f.ContentType, "application/json"))
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
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
