// Package sandbox is a fake PlanetScale API: a real HTTP server that speaks
// the documented JSON for the read endpoints the gate and the command line
// use, so that tests, the demo and a person at a terminal can run the real
// binary with no account and no network.
//
// # Endpoints
//
// Routed on an http.ServeMux with Go 1.22 patterns (the Route* constants
// name them):
//
//	GET /v1/organizations                                          list
//	GET /v1/organizations/{org}
//	GET /v1/organizations/{org}/databases                          list (q)
//	GET /v1/organizations/{org}/databases/{db}
//	GET /v1/organizations/{org}/databases/{db}/branches            list (q, production)
//	GET /v1/organizations/{org}/databases/{db}/deploy-requests     list (state, branch, into_branch)
//	GET /v1/organizations/{org}/databases/{db}/deploy-requests/{number}
//	GET …/deploy-requests/{number}/deployment
//	GET …/deploy-requests/{number}/operations                      list, no totals
//	GET …/deploy-requests/{number}/reviews                         list, no totals
//
// Objects carry the fields, nulls and extras of the real API: databases with
// a region object (slug, display_name, provider, location, enabled, …),
// deploy requests with actor, deployment.actor and, in state "error",
// deployment.lint_errors. A deploy request's Operations, Reviews,
// LintErrors and deployment flags (instant DDL, a paused queue) are served
// in its deployment (deploy_operations in the list item too, unless
// OmitListOperations) and on the per-request routes (review.go). A test copies planetscale-go's request shapes and
// struct tags to keep them so.
//
// # Paging
//
// Every list pages in one place, as the API documents: page defaults to 1,
// per_page to 25, at most 100 (or WithMaxPerPage's cap); the envelope is
// {"type":"list","current_page","per_page","next_page","next_page_url",
// "prev_page","prev_page_url","total_count","total_pages","data"}, without
// total_count and total_pages for the organizations, as documented.
// next_page and next_page_url are null on the last page; the page URLs
// point at the sandbox itself (http://<the request's Host>, https when
// served over TLS) with the request's query kept.
//
// # Auth and grants
//
// A Token is sent as "Authorization: <ID>:<Secret>" (or "Bearer <Secret>"
// for OAuth). Its Grants are keyed "org/database" for database accesses and
// "org" for organization accesses; see Token for what each endpoint needs.
// A missing grant answers 404 not_found as PlanetScale does, an unknown
// token 401 (or 404 on resource paths with WithUnknownTokenNotFound).
//
// # Faults and hooks
//
// InjectFaults queues answers for the next requests on any route,
// FailRoute for the next requests on one route;
// FailPageOnce fails the first request for a page of any list; a PagingBug
// breaks every list's paging. OnRequest and AfterPage hooks run on each
// request and after each list page is chosen, so a test can change the data
// between pages (UpdateDeployRequests); WithRewrite rewrites every body
// served, to play an API that repeats or drops items or keys.
//
// # Scenarios
//
// NewScenario builds a ready server and token by name. ScenarioNames are
// the demo's: the README's five, then no-approval-required; each serves the
// organization acme, whose database shop the gate reads, beside blog,
// analytics (readable only as a database) and billing (invisible to the
// token). FaultScenarioNames are the misbehaving APIs, one per way a gate
// could pass wrongly or leak: list-shifts, duplicate-numbers,
// missing-numbers, page-echo, ends-early, no-next-page-key, case-keys,
// missing-into-branch, echoes-token and control-chars. CardScenarioNames
// serve the review card's reads: review (one deploy request for each
// deploy-order case) and hostile-card (outside text built to break a
// card, a 100 KB statement).
package sandbox
