package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// ServedPage describes a list page the server is serving.
type ServedPage struct {
	// Route is the list's name: RouteDeployRequests, RouteDatabases, ….
	Route string
	// Page is the current_page the envelope names; PerPage its page size
	// after the server's cap.
	Page, PerPage int
	// Query is the request's query string.
	Query url.Values
}

// OnRequest adds a hook the server calls for every request it receives,
// before any fault and before the answer: n counts the requests from 1 and
// r.Pattern names the matched route pattern ("" for a path the API does not
// serve). A hook may call the server's methods, InjectFaults included: a
// fault it injects answers this very request, unless a concurrent request
// takes it first. Hooks run on the requests' goroutines, so hooks of
// concurrent requests run concurrently.
func (s *Server) OnRequest(hook func(n int, r *http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onRequest = append(s.onRequest, hook)
}

// AfterPage adds a hook the server calls for every list page it serves,
// once the page's items are chosen and before it is written, so that a
// change the hook makes (UpdateDeployRequests, say) shows from the next
// request on, never in this page. That plays a list that moves while a
// client walks it.
func (s *Server) AfterPage(hook func(ServedPage)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.afterPage = append(s.afterPage, hook)
}

// pageServed runs the AfterPage hooks.
func (s *Server) pageServed(p ServedPage) {
	s.mu.Lock()
	hooks := slices.Clone(s.afterPage)
	s.mu.Unlock()
	for _, h := range hooks {
		h(p)
	}
}

// WithRewrite adds a rewrite the server applies to every 200 body it
// serves, on any route, after the AfterPage hooks: it gets the route's name
// and the decoded-shape body (a list envelope's "data" is a []any of
// map[string]any items) and returns the body to send. Rewrites play a broken
// API: repeated or missing numbers, a wrong total_count, an absent
// next_page key, a dropped field. A value may be a json.RawMessage, to send
// JSON that a map cannot hold, such as keys in a chosen order.
func WithRewrite(rewrite func(route string, body map[string]any) map[string]any) Option {
	return func(s *Server) { s.rewrites = append(s.rewrites, rewrite) }
}

// items returns a list body's items, or nil for a body that is not a list.
func items(body map[string]any) []map[string]any {
	data, _ := body["data"].([]any)
	out := make([]map[string]any, 0, len(data))
	for _, d := range data {
		if m, ok := d.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// withTrailingKey renders m as a JSON object with key: v appended after m's
// own keys, which encoding/json would otherwise sort.
func withTrailingKey(m map[string]any, key string, v any) json.RawMessage {
	head, err1 := json.Marshal(m)
	k, err2 := json.Marshal(key)
	val, err3 := json.Marshal(v)
	if err1 != nil || err2 != nil || err3 != nil || len(head) < 2 {
		panic("sandbox: cannot render a trailing key") // only plain values reach here
	}
	sep := []byte(",")
	if len(m) == 0 {
		sep = nil
	}
	return slices.Concat(bytes.TrimSuffix(head, []byte("}")), sep, k, []byte(":"), val, []byte("}"))
}

// OnListRequest adds a hook the server calls for every request for a page
// of the list route names (RouteDeployRequests, RouteDatabases, …), with n
// counting those requests alone from 1 over the server's life, whatever
// page, query or token they carry. Like OnRequest's hooks it runs before
// any fault and before the answer, so a change it makes shows in this very
// page and in every later answer. It plays a list that changes at a chosen
// moment of a client's read: with pages of 12, the third page of the first
// read of a 30-request list is request 3, and, when reads agree, the first
// page of a second check is request 7.
func (s *Server) OnListRequest(route string, hook func(n int)) {
	var mu sync.Mutex
	count := 0
	s.OnRequest(func(_ int, r *http.Request) {
		rt := s.routes[r.Pattern]
		if rt == nil || !rt.list || rt.name != route {
			return
		}
		mu.Lock()
		count++
		n := count
		mu.Unlock()
		hook(n)
	})
}

// ChangeAt lands change when the server receives the nth request for a
// page of the list route (counted as OnListRequest counts them), before
// that request is answered: an approval or a deployment moving on at a
// chosen page of a chosen read.
func (s *Server) ChangeAt(route string, n int, change func(*Server)) {
	s.OnListRequest(route, func(got int) {
		if got == n {
			change(s)
		}
	})
}

// ApproveDeployRequest returns a change (for ChangeAt) that approves
// deploy request number of org/database.
func ApproveDeployRequest(org, database string, number int) func(*Server) {
	return editDeployRequest(org, database, number, func(dr *DeployRequest) { dr.Approved = true })
}

// MoveDeployment returns a change (for ChangeAt) that moves the deployment
// of deploy request number of org/database on to deploymentState. At
// "complete" the request closes too, as PlanetScale closes a deployed
// request: it leaves the open list, and the pages after it shift.
func MoveDeployment(org, database string, number int, deploymentState string) func(*Server) {
	return editDeployRequest(org, database, number, func(dr *DeployRequest) {
		dr.DeploymentState = deploymentState
		if deploymentState == "complete" {
			dr.State = "closed"
		}
	})
}

// editDeployRequest returns a change that edits deploy request number of
// org/database in place.
func editDeployRequest(org, database string, number int, edit func(*DeployRequest)) func(*Server) {
	return func(s *Server) {
		_ = s.UpdateDeployRequests(org, database, func(drs []DeployRequest) []DeployRequest {
			for i := range drs {
				if drs[i].Number == number {
					edit(&drs[i])
				}
			}
			return drs
		})
	}
}
