package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// faultScenarioSpecs play a misbehaving API against the demo's acme/shop,
// one scenario for each way a gate could pass wrongly or leak. Each
// description says what a correct gate does; a naive one passes.
var faultScenarioSpecs = []scenarioSpec{
	{name: "list-shifts", description: "150 open requests; the one unapproved request is the first of page 2 until, right after page 1 is served, an approved request on page 1 closes and an older one reopens (total_count stays 150): it slides onto page 1, already read; a 429 (Retry-After: 1) before page 2 widens the window. A correct gate walks again and blocks",
		build: func(now time.Time) (*Server, string) { return listShifts(now), combined(DemoToken) }},
	{name: "duplicate-numbers", description: "120 open approved requests, but page 2 repeats the newest number unapproved: conflicting copies of one number. A correct gate blocks or fails closed",
		build: func(now time.Time) (*Server, string) {
			db := faultDatabase(openRequests(now, 120))
			return faultServer(db, onDeployRequestList(func(body map[string]any) {
				if body["current_page"] == 2 {
					dup := deployRequestJSON(db, db.DeployRequests[0], true)
					dup["approved"] = false
					body["data"] = append([]any{dup}, body["data"].([]any)...)
				}
			})), combined(DemoToken)
		}},
	{name: "missing-numbers", description: "3 open requests, the last two unapproved, none with a number: read as #0 they collapse into the first. A correct gate fails closed",
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 3, 2, 3)), onDeployRequestList(func(body map[string]any) {
				for _, it := range items(body) {
					delete(it, "number")
				}
			})), combined(DemoToken)
		}},
	{name: "page-echo", description: "150 open requests, the oldest unapproved; every page echoes the page asked as current_page but carries page 1's items, so the unapproved request is never served. A correct gate fails closed",
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 150, 150)), WithPagingBug(PagingEchoesPage)), combined(DemoToken)
		}},
	{name: "ends-early", description: "150 open requests, the oldest unapproved; page 1 says total_count 150 but next_page null. A correct gate fails closed",
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 150, 150)), onDeployRequestList(func(body map[string]any) {
				body["next_page"], body["next_page_url"] = nil, nil
			})), combined(DemoToken)
		}},
	{name: "no-next-page-key", description: "150 open requests, the oldest unapproved; no page has a next_page key, only next_page_url. A correct gate fails closed or follows the URL and blocks",
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 150, 150)), onDeployRequestList(func(body map[string]any) {
				delete(body, "next_page")
			})), combined(DemoToken)
		}},
	{name: "case-keys", description: `5 open requests; the unapproved one carries "approved": false followed by "APPROVED": true. A correct gate blocks or fails closed`,
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 5, 3)), onDeployRequestList(func(body map[string]any) {
				data, _ := body["data"].([]any)
				for i, d := range data {
					if it, ok := d.(map[string]any); ok && it["approved"] == false {
						data[i] = withTrailingKey(it, "APPROVED", true)
					}
				}
			})), combined(DemoToken)
		}},
	{name: "missing-into-branch", description: "5 open requests into main (run with into-branch main); the unapproved one has no into_branch field. A correct gate blocks or fails closed",
		inputs: map[string]string{"into-branch": "main"},
		build: func(now time.Time) (*Server, string) {
			return faultServer(faultDatabase(openRequests(now, 5, 4)), onDeployRequestList(func(body map[string]any) {
				for _, it := range items(body) {
					if it["approved"] == false {
						delete(it, "into_branch")
					}
				}
			})), combined(DemoToken)
		}},
	{name: "echoes-token", description: "every error body echoes the Authorization header it received: two 500s, then a 401. A correct gate fails closed and never shows the token, escaped or not",
		build: func(now time.Time) (*Server, string) {
			s := faultServer(faultDatabase(openRequests(now, 5, 2)))
			s.OnRequest(func(n int, r *http.Request) {
				auth := r.Header.Get("Authorization")
				f := Fault{Status: http.StatusInternalServerError, Body: errorBody("internal_server_error", "upstream refused Authorization: "+auth)}
				if n > 2 {
					f = Fault{Status: http.StatusUnauthorized, Body: errorBody("unauthorized", "token "+auth+" is not valid")}
				}
				s.InjectFaults(f)
			})
			return s, combined(DemoToken)
		}},
	{name: "control-chars", description: `a 503 whose message holds "\r::error::…", "\n::stop-commands::…" and "##[warning]…", then 5 open requests whose unapproved one has such a branch name and notes. A correct gate blocks and no outside text becomes a workflow command`,
		build: func(now time.Time) (*Server, string) {
			drs := openRequests(now, 5, 2)
			drs[1].Branch = "feature\n::stop-commands::sandboxforged ##[error]forged"
			drs[1].Notes = "fine\r::error title=Forged::forged by the API #\u200b#[warning]forged"
			s := faultServer(faultDatabase(drs))
			s.InjectFaults(Fault{Status: http.StatusServiceUnavailable,
				Body: errorBody("unavailable", "backend restarting\r::error::forged by the API\n::stop-commands::sandboxforged ##[warning]forged\n\u200b::notice::forged")})
			return s, combined(DemoToken)
		}},
}

// listShifts serves 150 open requests (#160 to #11, newest first, after
// them 10 closed ones) whose list moves while it is read. Before page 1 is
// first served, the request that will open page 2 at the page size asked is
// made the one unapproved; once page 1 is served, the newest request
// (approved, on page 1) closes and the newest closed one reopens, so the
// total stays the same while page 2 starts one request later.
func listShifts(now time.Time) *Server {
	drs := openRequests(now, 160)
	for i := 150; i < len(drs); i++ {
		drs[i].State, drs[i].DeploymentState = "closed", "complete"
	}
	s := faultServer(faultDatabase(drs))
	var arrange, shift sync.Once
	s.OnRequest(func(_ int, r *http.Request) {
		if rt := s.routes[r.Pattern]; rt == nil || rt.name != RouteDeployRequests {
			return
		}
		if page, perPage, ok := pageSize(r.URL.Query(), s.perPageCap(RouteDeployRequests)); ok && page == 1 {
			arrange.Do(func() { s.editShop(func(drs []DeployRequest) { drs[min(perPage, 149)].Approved = false }) })
		}
	})
	s.AfterPage(func(p ServedPage) {
		if p.Route == RouteDeployRequests && p.Page == 1 {
			shift.Do(func() {
				s.editShop(func(drs []DeployRequest) {
					drs[0].State, drs[0].DeploymentState = "closed", "complete"
					drs[150].State, drs[150].DeploymentState = "open", "ready"
				})
			})
		}
	})
	s.FailPageOnce(2, RateLimitedFor("1"))
	return s
}

// editShop changes acme/shop's deploy requests in place.
func (s *Server) editShop(edit func([]DeployRequest)) {
	_ = s.UpdateDeployRequests(DemoOrganization, DemoDatabase, func(drs []DeployRequest) []DeployRequest {
		edit(drs)
		return drs
	})
}

// openRequests returns n open requests into main, numbered n down to 1
// (newest first), all approved but those at the 1-based positions given.
func openRequests(now time.Time, n int, unapproved ...int) []DeployRequest {
	drs := make([]DeployRequest, n)
	for i := range drs {
		drs[i] = DeployRequest{Number: n - i, Branch: "change-" + strconv.Itoa(n-i), IntoBranch: "main", Approved: true,
			State: "open", DeploymentState: "ready", Deployable: true, CreatedAt: now.Add(-time.Duration(i+1) * time.Hour)}
	}
	for _, p := range unapproved {
		drs[p-1].Approved = false
	}
	return drs
}

// faultDatabase is acme/shop holding drs.
func faultDatabase(drs []DeployRequest) Database {
	return Database{Organization: DemoOrganization, Name: DemoDatabase, RequireApproval: true, DeployRequests: drs}
}

// faultServer serves db to DemoToken.
func faultServer(db Database, opts ...Option) *Server {
	return New(append([]Option{WithDatabase(db), WithToken(DemoToken)}, opts...)...)
}

// onDeployRequestList is a rewrite that edits deploy request list bodies in
// place.
func onDeployRequestList(edit func(body map[string]any)) Option {
	return WithRewrite(func(route string, body map[string]any) map[string]any {
		if route == RouteDeployRequests {
			edit(body)
		}
		return body
	})
}

// errorBody is the API's error JSON for code and message.
func errorBody(code, message string) string {
	b, _ := json.Marshal(map[string]string{"code": code, "message": message})
	return string(b)
}
