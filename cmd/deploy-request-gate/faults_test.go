package main

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the fault table in README.md from the fault matrix")

// faultCase is one row of the fault matrix: an API that misbehaves in one
// way, and what the gate must make of it. The README prints the same table.
type faultCase struct {
	// name is the subtest, TestGate_Faults/<name>.
	name string
	// fault says what the API does, for the README.
	fault string
	// exit is the exit status the gate must end with: 0 pass, 1 blocks, 2
	// could not decide.
	exit int
	// blocks is the blocking output (exit 1): "60" or "3,9".
	blocks string
	// cause must show in the gate's error annotation (exit 2), or in its
	// log (exit 0 and 1).
	cause string
	// not must show nowhere in the log or the summary.
	not []string
	// scenario names the sandbox fault scenario the row runs; serve starts
	// any other API.
	scenario string
	serve    func(t *testing.T) faultAPI
}

// faultAPI is a running misbehaving API.
type faultAPI struct {
	url string
	// inputs override baseInputs' (a scenario's token, a short timeout).
	inputs map[string]string
	// secrets are the API's own token values, checked beside the e2e token's.
	secrets []string
	// check holds the row's own assertions, if any.
	check func(t *testing.T, run gateRun)
}

// faultCases is the fault matrix, in the README's order.
func faultCases() []faultCase {
	return []faultCase{
		// 1. The list moves while it is read.
		{name: "list_shifts_while_read", exit: 1, blocks: "60", cause: "429 Too Many Requests",
			fault:    "150 open requests; once page 1 is served an approved request on it closes and an older one reopens (`total_count` stays 150), so the one unapproved request slides from page 2 onto page 1; a 429 with `Retry-After: 1` comes before page 2",
			scenario: "list-shifts"},
		{name: "approval_lost_between_reads", exit: 1, blocks: "20",
			fault: "150 open approved requests; after the first read of page 2, #20 loses its approval",
			serve: serveSandbox(openList(150), afterListPage(2, func(s *sandbox.Server) { setApproved(s, 20, false) }))},
		{name: "approval_inside_read_1", exit: 0, cause: "30 open deploy requests matched and none blocks",
			fault: "30 open requests on pages of 12; #28, on page 1, is approved as page 2 of the first read is asked for",
			serve: serveMovingList(28, 3, map[int]func(*sandbox.Server){2: sandbox.ApproveDeployRequest(testOrg, testDatabase, 28)})},
		{name: "deployment_completes_inside_read_2", exit: 1, blocks: "3",
			fault: "30 open requests on pages of 12, #3 unapproved; the deployment of #30 completes (it closes and the later pages shift) at the 5th page asked, inside the second read",
			serve: serveMovingList(3, 3, map[int]func(*sandbox.Server){5: complete(30)})},
		{name: "two_changes_in_a_row", exit: 1, blocks: "3",
			fault: "as above, and #30 completes inside the first read, #29 inside the second",
			serve: serveMovingList(3, 3, map[int]func(*sandbox.Server){2: complete(30), 5: complete(29)})},
		{name: "list_keeps_changing", exit: 2, cause: "the list kept changing while it was read",
			fault: "150 open requests; #5 flips between approved and not on every read",
			serve: serveSandbox(openList(150), afterListPage(2, func(s *sandbox.Server) { setApproved(s, 5, !approved(s, 5)) }))},

		// 2. Repeated or missing numbers.
		{name: "number_twice_conflicting", exit: 2, cause: "#120 appears twice with different approval",
			fault:    "120 open approved requests; page 2 repeats #120 unapproved",
			scenario: "duplicate-numbers"},
		{name: "items_without_number", exit: 2, cause: `field "number" is missing`,
			fault:    "3 open requests, 2 unapproved, none with a `number`",
			scenario: "missing-numbers"},
		{name: "number_zero", exit: 2, cause: "number is 0, want a positive integer",
			fault: "5 open requests; unapproved #2 comes as `\"number\": 0`",
			serve: serveSandbox(openList(5, 2), nil, setField(2, "number", 0))},
		{name: "page_echoes_page_1", exit: 2, cause: "page 2 repeated 100 deploy request",
			fault:    "150 open requests, the oldest unapproved; page 2 says `current_page: 2` but serves page 1's items",
			scenario: "page-echo"},
		{name: "page_echo_names_next_page", exit: 2, cause: "the API may be serving an earlier page again",
			fault: "250 open requests, the oldest unapproved; every page serves page 1's items and names the next page",
			serve: serveSandbox(openList(250, 1), nil, sandbox.WithPagingBug(sandbox.PagingEchoesPage))},

		// 3. The list ends early.
		{name: "total_count_above_items", exit: 2, cause: "the list ended early: total_count is 150 but its pages held 100",
			fault:    "150 open requests, the oldest unapproved; page 1 says `total_count: 150` and `next_page: null`",
			scenario: "ends-early"},
		{name: "next_page_key_absent", exit: 2, cause: "the answer has no next_page",
			fault:    "150 open requests, the oldest unapproved; a full page 1 has no `next_page` key, only `next_page_url`",
			scenario: "no-next-page-key"},

		// 4. Client-side checks that fail open.
		{name: "into_branch_missing", exit: 2, cause: `field "into_branch" is missing`,
			fault:    "`into-branch: main`; the unapproved request has no `into_branch` field",
			scenario: "missing-into-branch"},
		{name: "approved_in_two_cases", exit: 2, cause: `key "APPROVED" differs from the field "approved" only in case`,
			fault:    "the unapproved request says `\"approved\": false, \"APPROVED\": true`",
			scenario: "case-keys"},
		{name: "approved_twice", exit: 2, cause: `key "approved" appears twice`,
			fault: "the unapproved request says `\"approved\": false, \"approved\": true`",
			serve: serveSandbox(openList(5, 3), nil, editItems(func(item map[string]any) any {
				if isNumber(item, 3) {
					return withKeyAgain(item, "approved", true)
				}
				return item
			}))},
		{name: "unknown_fields", exit: 1, blocks: "4",
			fault: "every item and page carries fields the gate does not know, nested objects and nulls among them",
			serve: serveSandbox(openList(5, 4), nil, sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
				body["links"] = map[string]any{"self": nil, "related": []any{1, "two", map[string]any{"three": 3}}}
				for _, it := range listItems(body) {
					it["risk_score"] = 0.25
					it["future"] = map[string]any{"approved": false, "nested": []any{nil, true}}
				}
				return body
			}))},
		{name: "nulls_in_optional_fields", exit: 0, cause: "5 open deploy requests matched and none blocks",
			fault: "every item sends `null` for `id`, `notes`, `html_url`, `deployment`, `created_at` and `closed_at`",
			serve: serveSandbox(openList(5), nil, editItems(func(item map[string]any) any {
				for _, k := range []string{"id", "notes", "html_url", "deployment", "created_at", "closed_at"} {
					item[k] = nil
				}
				return item
			}))},
		{name: "null_in_required_field", exit: 2, cause: `field "approved" is null`,
			fault: "the unapproved request sends `\"approved\": null`",
			serve: serveSandbox(openList(5, 2), nil, setField(2, "approved", nil))},

		// 5. Workflow commands from outside text.
		{name: "tls_name_forges_commands", exit: 2, cause: "was not trusted",
			fault: "HTTPS with a self-signed certificate whose DNS names hold `\\r::error::…`, `\\n::stop-commands::…` and `##[error]…`; the gate must not retry",
			serve: serveForgingTLS},
		{name: "control_chars_in_error_and_branch", exit: 1, blocks: "4", cause: "503 Service Unavailable",
			fault:    "a 503 whose message holds `\\r::error::…`, `\\n::stop-commands::…` and `##[warning]…`, then an unapproved request whose branch name holds them",
			scenario: "control-chars"},
		{name: "control_chars_in_final_error", exit: 2, cause: "403 Forbidden",
			fault: "a 403 whose message holds `\\r::error::…`, `\\n::stop-commands::…`, U+2028, a bidi override and `##[error]…`",
			serve: serveAnswer(http.StatusForbidden, "application/json",
				`{"code":"forbidden","message":"denied\r::error::forged by the API\n::stop-commands::apiforged\u2028::warning::forged\u202e ##[error]forged"}`)},

		// 6. Secrets defeated by escaping.
		{name: "error_echoes_token", exit: 2, cause: "401 Unauthorized",
			fault:    "every error body echoes the `Authorization` header it got: two 500s, then a 401",
			scenario: "echoes-token"},

		// 8. Messages that mislead.
		{name: "hung_server", exit: 2, cause: "No answer from the PlanetScale API", not: []string{"Could not reach", "could not reach"},
			fault: "accepts the connection and never answers (`timeout: 3s`)",
			serve: serveHung},
		{name: "connection_refused", exit: 2, cause: "the connection was refused",
			fault: "nothing listens on the port (`timeout: 2s`)",
			serve: serveRefused},
		{name: "not_found_on_page_2", exit: 2, cause: "changed while the gate read it", not: []string{"missing grant", "lacks `read_deploy_request`"},
			fault: "150 open requests; page 1 answers, then page 2 answers 404 (not a missing grant: page 1 was read)",
			serve: serveSandbox(openList(150), func(s *sandbox.Server) {
				s.FailPageOnce(2, sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`})
			})},
		{name: "retry_after_absurd", exit: 2, cause: "asked the gate to wait 27h46m39s",
			fault: "429 with `Retry-After: 99999`",
			serve: serveSandbox(openList(5, 2), func(s *sandbox.Server) { s.InjectFaults(sandbox.RateLimitedFor("99999")) })},

		// Retries, rate limits and server errors.
		{name: "rate_limited_without_retry_after", exit: 1, blocks: "2", cause: "429 Too Many Requests",
			fault: "429 without `Retry-After`, then the list",
			serve: serveSandbox(openList(5, 2), func(s *sandbox.Server) { s.InjectFaults(sandbox.RateLimited) })},
		{name: "retry_after_seconds", exit: 1, blocks: "2", cause: "retrying in 1s",
			fault: "429 with `Retry-After: 1`, then the list",
			serve: serveSandbox(openList(5, 2), func(s *sandbox.Server) { s.InjectFaults(sandbox.RateLimitedFor("1")) })},
		{name: "retry_after_http_date", exit: 1, blocks: "2", cause: "429 Too Many Requests",
			fault: "429 with `Retry-After` as an HTTP date 2 s ahead, then the list",
			serve: serveRetryAfterDate},
		{name: "retry_after_negative", exit: 1, blocks: "2", cause: "429 Too Many Requests",
			fault: "429 with `Retry-After: -5` (read as absent), then the list",
			serve: serveSandbox(openList(5, 2), func(s *sandbox.Server) {
				s.InjectFaults(sandbox.RateLimitedFor("-5"))
			}, checkRetryWait(100*time.Millisecond, time.Second))},
		{name: "server_error_json", exit: 2, cause: "kept failing (500 Internal Server Error)",
			fault: "500 with a JSON error body, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveAnswer(http.StatusInternalServerError, "application/json", `{"code":"internal_error","message":"shard unavailable"}`),
				logHolds("internal_error: shard unavailable"))},
		{name: "server_error_text", exit: 2, cause: "kept failing (500 Internal Server Error)",
			fault: "500 with a plain-text body, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveAnswer(http.StatusInternalServerError, "text/plain", "upstream exploded\n"), logHolds("upstream exploded"))},
		{name: "bad_gateway_then_list", exit: 1, blocks: "2", cause: "502 Bad Gateway",
			fault: "502 with a plain-text body, then the list",
			serve: serveSandbox(openList(5, 2), func(s *sandbox.Server) { s.InjectFaults(sandbox.BadGateway) })},
		{name: "unavailable_html", exit: 2, cause: "kept failing (503 Service Unavailable)",
			fault: "503 with a load balancer's HTML page, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveAnswer(http.StatusServiceUnavailable, "text/html", sandbox.Unavailable.Body))},
		{name: "gateway_timeout", exit: 2, cause: "kept failing (504 Gateway Timeout)",
			fault: "504, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveAnswer(http.StatusGatewayTimeout, "text/plain", "upstream request timeout"))},

		// Broken answers.
		{name: "reset_mid_body", exit: 2, cause: "cut off before its end",
			fault: "200, half the body, then a TCP reset, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveHandler(resetMidBody))},
		{name: "truncated_json", exit: 2, cause: "cut off before its end",
			fault: "200 whose JSON stops half way, every time (`timeout: 2s`)",
			serve: serveWithTimeout("2s", serveAnswer(http.StatusOK, "application/json", sandbox.Truncated.Body))},
		{name: "html_with_200", exit: 2, cause: "an HTML page, not JSON",
			fault: "200 with an HTML login page",
			serve: serveAnswer(http.StatusOK, "text/html", "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in</body></html>")},
		{name: "redirect_to_other_host", exit: 2, cause: "a redirect (307)",
			fault: "307 to another host, which must never see the `Authorization` header",
			serve: serveRedirectElsewhere},
		{name: "body_over_cap", exit: 2, cause: "larger than 32 MiB",
			fault: "200 with a 33 MiB body",
			serve: serveHandler(hugeBody)},
		{name: "gzip_bomb", exit: 2, cause: "larger than 32 MiB",
			fault: "200, `Content-Encoding: gzip`, 40 KiB that expand to 40 MiB",
			serve: serveHandler(gzipBomb)},
	}
}

func TestGate_Faults(t *testing.T) {
	t.Parallel()
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			api := fc.start(t)
			run := runGate(t, api.gateInputs())
			t.Logf("stdout:\n%s", run.stdout) // shown with -v: what the gate printed
			fc.verify(t, run)
			checkHygiene(t, "runner", run, api.secrets)
			if api.check != nil {
				api.check(t, run)
			}
		})
	}
}

// start starts the row's API.
func (fc faultCase) start(t *testing.T) faultAPI {
	if fc.scenario != "" {
		return serveScenario(fc.scenario)(t)
	}
	return fc.serve(t)
}

// verify checks the exit status, the cause and the blocking numbers.
func (fc faultCase) verify(t *testing.T, run gateRun) {
	t.Helper()
	if run.exitCode != fc.exit {
		t.Fatalf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", run.exitCode, fc.exit, run.stdout, run.stderr)
	}
	where := run.stdout
	switch fc.exit {
	case 2:
		where = requireUndecided(t, run)
	case 1:
		if got := run.outputs["blocking"]; got != fc.blocks {
			t.Errorf("blocking = %q, want %q", got, fc.blocks)
		}
		fallthrough
	default:
		if got, want := run.outputs["result"], []string{"pass", "fail"}[fc.exit]; got != want {
			t.Errorf("result = %q, want %q", got, want)
		}
	}
	if !strings.Contains(where, fc.cause) {
		t.Errorf("the gate does not say %q:\n%s", fc.cause, where)
	}
	for _, s := range fc.not {
		if strings.Contains(run.stdout+run.summary, s) {
			t.Errorf("the gate says %q, which misleads:\n%s", s, run.stdout)
		}
	}
}

// gateInputs are baseInputs with the API's address and inputs.
func (api faultAPI) gateInputs() map[string]string {
	in := baseInputs(api.url)
	maps.Copy(in, api.inputs)
	return in
}

// ownCommands are the workflow commands the gate writes; any other line
// starting with "::" was forged by outside text.
var ownCommands = regexp.MustCompile(`^::(add-mask::|debug::|error title=Deploy request |warning title=Deploy request #|notice title=Deploy request gate passed::)`)

// checkOutsideText fails when outside text made a line of the log a
// workflow command as a runner reads it (at the start of a line, or the
// legacy "##[" form anywhere) or left a carriage return or other line
// break in it.
func checkOutsideText(t *testing.T, run gateRun) {
	t.Helper()
	for name, text := range map[string]string{"stdout": run.stdout, "stderr": run.stderr} {
		if i := strings.IndexAny(text, "\r\u0085\u2028\u2029"); i >= 0 {
			t.Errorf("%s holds a line break other than \\n at byte %d: %q", name, i, text[max(0, i-40):min(len(text), i+40)])
		}
	}
	// A later step may echo an output into its log: outside text in one
	// is escaped, never a raw control, bidi or command form.
	for name, value := range run.outputs {
		if i := strings.IndexFunc(value, sanitize.Unsafe); i >= 0 {
			t.Errorf("output %s holds %q at byte %d", name, []rune(value[i:])[0], i)
		}
		if command, ok := testkit.WorkflowCommand(value); ok {
			t.Errorf("output %s, echoed, is a workflow command (%s): %.200q", name, command, value)
		}
	}
	for name, text := range map[string]string{"stdout": run.stdout, "stderr": run.stderr} {
		for i, line := range testkit.Lines(text) {
			if command, ok := testkit.WorkflowCommand(line); ok && (name == "stderr" || !ownCommands.MatchString(line)) {
				t.Errorf("%s line %d is a workflow command (%s) the gate did not write: %q", name, i+1, command, line)
			}
		}
	}
}

// serveScenario serves a sandbox fault scenario, with its token and inputs.
func serveScenario(name string) func(t *testing.T) faultAPI {
	return func(t *testing.T) faultAPI {
		sc, err := sandbox.NewScenario(name, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sc.Server)
		t.Cleanup(srv.Close)
		in := map[string]string{"service-token": sc.ServiceToken}
		maps.Copy(in, sc.Inputs)
		id, secret, _ := strings.Cut(sc.ServiceToken, ":")
		return faultAPI{url: srv.URL, inputs: in, secrets: []string{secret, id + ":" + secret}}
	}
}

// serveSandbox serves drs from acme/shop; setup may add hooks and faults
// before the gate runs. Options that are sandbox.Options go to the server;
// a func(*testing.T, gateRun) is the row's own check.
func serveSandbox(drs []sandbox.DeployRequest, setup func(*sandbox.Server), extra ...any) func(t *testing.T) faultAPI {
	return func(t *testing.T) faultAPI {
		var opts []sandbox.Option
		var check func(*testing.T, gateRun)
		for _, e := range extra {
			switch e := e.(type) {
			case sandbox.Option:
				opts = append(opts, e)
			case func(*testing.T, gateRun):
				check = e
			default:
				t.Fatalf("serveSandbox: unexpected %T", e)
			}
		}
		api, url := newAPI(t, true, drs, opts...)
		if setup != nil {
			setup(api)
		}
		return faultAPI{url: url, check: check}
	}
}

// serveMovingList serves 30 open requests on pages of 12, all approved but
// unapproved, with changes landing at the nth request for a page of the
// list, and checks that the gate read the list at least reads times (so
// that the changes landed inside its reads).
func serveMovingList(unapproved, reads int, changes map[int]func(*sandbox.Server)) func(t *testing.T) faultAPI {
	return func(t *testing.T) faultAPI {
		api, url := newAPI(t, true, openList(30, unapproved), sandbox.WithMaxPerPage(12))
		for n, change := range changes {
			api.ChangeAt(sandbox.RouteDeployRequests, n, change)
		}
		return faultAPI{url: url, check: func(t *testing.T, _ gateRun) {
			if got := len(testkit.ListPages(t, api.Requests(), testOrg, testDatabase)); got < 3*reads {
				t.Errorf("the gate asked for %d pages, want at least %d reads of 3: the change did not land inside a read", got, reads)
			}
		}}
	}
}

// openList is n open requests into main numbered n down to 1 (newest
// first), all approved but those numbered in unapproved.
func openList(n int, unapproved ...int) []sandbox.DeployRequest {
	drs := make([]sandbox.DeployRequest, n)
	for i := range drs {
		number := n - i
		drs[i] = dr(number, fmt.Sprintf("change-%d", number), "ready", !slices.Contains(unapproved, number))
	}
	return drs
}

// setApproved sets the approval of request number of acme/shop.
func setApproved(s *sandbox.Server, number int, approved bool) {
	_ = s.UpdateDeployRequests(testOrg, testDatabase, func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
		for i := range drs {
			if drs[i].Number == number {
				drs[i].Approved = approved
			}
		}
		return drs
	})
}

// approved reports whether request number of acme/shop is approved.
func approved(s *sandbox.Server, number int) (ok bool) {
	_ = s.UpdateDeployRequests(testOrg, testDatabase, func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
		for _, d := range drs {
			ok = ok || d.Number == number && d.Approved
		}
		return drs
	})
	return ok
}

// afterListPage is a setup that calls change after every deploy request
// list page numbered page is served: the next pages and reads see the
// change.
func afterListPage(page int, change func(*sandbox.Server)) func(*sandbox.Server) {
	return func(s *sandbox.Server) {
		s.AfterPage(func(p sandbox.ServedPage) {
			if p.Route == sandbox.RouteDeployRequests && p.Page == page {
				change(s)
			}
		})
	}
}

// listItems returns the items of a deploy request list body.
func listItems(body map[string]any) []map[string]any {
	data, _ := body["data"].([]any)
	var out []map[string]any
	for _, d := range data {
		if m, ok := d.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// editItems rewrites every item of every deploy request list page with
// edit, which returns the item to send (a map, or a json.RawMessage).
func editItems(edit func(item map[string]any) any) sandbox.Option {
	return sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
		if route != sandbox.RouteDeployRequests {
			return body
		}
		data, _ := body["data"].([]any)
		for i, d := range data {
			if m, ok := d.(map[string]any); ok {
				data[i] = edit(m)
			}
		}
		return body
	})
}

// setField sets the field key of request number to v in every list page.
func setField(number int, key string, v any) sandbox.Option {
	return editItems(func(item map[string]any) any {
		if isNumber(item, number) {
			item[key] = v
		}
		return item
	})
}

func isNumber(item map[string]any, n int) bool { return fmt.Sprint(item["number"]) == fmt.Sprint(n) }

// withKeyAgain renders item with key: v appended after its own keys, so
// that the key comes twice when item has it.
func withKeyAgain(item map[string]any, key string, v any) json.RawMessage {
	head, err := json.Marshal(item)
	if err != nil {
		panic(err)
	}
	tail, _ := json.Marshal(map[string]any{key: v})
	return slices.Concat(bytes.TrimSuffix(head, []byte("}")), []byte(","), tail[1:])
}

// serveAnswer serves the same answer to every request.
func serveAnswer(status int, contentType, body string) func(t *testing.T) faultAPI {
	return serveHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// serveHandler serves h.
func serveHandler(h http.HandlerFunc) func(t *testing.T) faultAPI {
	return func(t *testing.T) faultAPI {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return faultAPI{url: srv.URL}
	}
}

// serveWithTimeout runs the gate against serve's API with a short timeout, and
// check as the row's own assertion.
func serveWithTimeout(timeout string, serve func(t *testing.T) faultAPI, check ...func(*testing.T, gateRun)) func(t *testing.T) faultAPI {
	return func(t *testing.T) faultAPI {
		api := serve(t)
		api.inputs = map[string]string{"timeout": timeout}
		if len(check) > 0 {
			api.check = check[0]
		}
		return api
	}
}

// logHolds checks that the error annotation quotes the API's own words.
func logHolds(s string) func(*testing.T, gateRun) {
	return func(t *testing.T, run gateRun) {
		if errs := annotations(run.stdout, "error"); len(errs) == 0 || !strings.Contains(errs[0], s) {
			t.Errorf("error annotation does not quote the API's %q: %q", s, errs)
		}
	}
}

// retryWait matches the wait a retry log line names.
var retryWait = regexp.MustCompile(`retrying in ([0-9.]+m?s)`)

// checkRetryWait checks that every retry waited between least and most.
func checkRetryWait(least, most time.Duration) func(*testing.T, gateRun) {
	return func(t *testing.T, run gateRun) {
		waits := retryWait.FindAllStringSubmatch(run.stdout, -1)
		if len(waits) == 0 {
			t.Errorf("no retry in the log:\n%s", run.stdout)
		}
		for _, m := range waits {
			if d, err := time.ParseDuration(m[1]); err != nil || d < least || d > most {
				t.Errorf("retried after %s, want between %s and %s", m[1], least, most)
			}
		}
	}
}

// serveRetryAfterDate answers the first request with a 429 whose
// Retry-After is an HTTP date about 2 s ahead, written as the request comes.
func serveRetryAfterDate(t *testing.T) faultAPI {
	api := serveSandbox(openList(5, 2), func(s *sandbox.Server) {
		s.OnRequest(func(n int, r *http.Request) {
			if n == 1 {
				s.InjectFaults(sandbox.RateLimitedFor(time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)))
			}
		})
	})(t)
	api.check = checkRetryWait(900*time.Millisecond, 2*time.Second) // the date has whole seconds
	return api
}

// serveHung accepts connections and never answers.
func serveHung(t *testing.T) faultAPI {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return faultAPI{url: "http://" + ln.Addr().String(), inputs: map[string]string{"timeout": "3s"}}
}

// serveRefused points at a port nothing listens on.
func serveRefused(t *testing.T) faultAPI {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return faultAPI{url: "http://" + addr, inputs: map[string]string{"timeout": "2s"}}
}

// resetMidBody sends the headers and half a list page, then resets the
// connection.
func resetMidBody(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	page := `{"type":"list","current_page":1,"next_page":null,"data":[{"number":1,"branch":"a","into_branch":"main",`
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", 4*len(page), page)
	_ = buf.Flush()
	time.Sleep(100 * time.Millisecond) // let the client read the headers first
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close with a reset
	}
	conn.Close()
}

// listStart and listEnd wrap padding into a list page, for the bodies over
// the cap.
const listStart, listEnd = `{"type":"list","current_page":1,"next_page":null,"total_count":0,"data":[`, `]}`

// hugeBody answers with a list page of 33 MiB.
func hugeBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(listStart))
	pad := bytes.Repeat([]byte(" "), 1<<20)
	for range 33 {
		if _, err := w.Write(pad); err != nil {
			return // the client stopped reading at its cap
		}
	}
	_, _ = w.Write([]byte(listEnd))
}

// gzipBombBody is a list page of 40 MiB, gzipped.
var gzipBombBody = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write([]byte(listStart))
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 40<<20))
	_, _ = zw.Write([]byte(listEnd))
	_ = zw.Close()
	return b.Bytes()
})

// gzipBomb answers with gzipBombBody, when the client accepts gzip.
func gzipBomb(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
	}
	_, _ = w.Write(gzipBombBody())
}

// serveRedirectElsewhere redirects every request to another server and checks
// that the other server never saw the token.
func serveRedirectElsewhere(t *testing.T) faultAPI {
	var reached, withAuth atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if r.Header.Get("Authorization") != "" {
			withAuth.Add(1)
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(other.Close)
	api := serveHandler(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})(t)
	api.check = func(t *testing.T, run gateRun) {
		if n := withAuth.Load(); n > 0 {
			t.Errorf("the other host got the Authorization header %d times", n)
		}
		if n := reached.Load(); n > 0 {
			t.Errorf("the redirect was followed %d times", n)
		}
	}
	return api
}

// serveForgingTLS serves HTTPS at localhost with a self-signed certificate whose
// DNS names (quoted by Go's x509 errors) hold workflow commands, and checks
// that the gate connected once: a certificate error is not retried.
func serveForgingTLS(t *testing.T) faultAPI {
	cert, _, err := sandbox.SelfSigned([]string{"gate\r::error::forged by a certificate", "gate\n::stop-commands::tlsforged", "gate ##[error]forged"}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingListener{Listener: ln}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	srv.Listener.Close()
	srv.Listener = counting
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return faultAPI{url: "https://localhost:" + port, check: func(t *testing.T, run gateRun) {
		if n := counting.accepted.Load(); n != 1 {
			t.Errorf("the gate connected %d times, want 1: a TLS certificate error is not retried", n)
		}
		if strings.Contains(run.stdout, "retrying in") {
			t.Errorf("the gate retried a TLS certificate error:\n%s", run.stdout)
		}
		if !strings.Contains(run.stdout, "forged by a certificate") {
			t.Errorf("the certificate's names are not quoted (the row proves nothing):\n%s", run.stdout)
		}
	}}
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// TestFaultTable checks that the README's fault table is the fault matrix;
// -update-readme rewrites it.
func TestFaultTable(t *testing.T) {
	t.Parallel()
	const path, start, end = "../../README.md", "<!-- fault-table:start -->\n", "<!-- fault-table:end -->"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(readme), start)
	got, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("README.md lacks the %q … %q markers", start, end)
	}
	want := faultTableMarkdown(faultCases())
	if *updateReadme {
		if err := os.WriteFile(path, []byte(before+start+want+end+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README.md's fault table differs from the fault matrix; run\n\tgo test ./cmd/deploy-request-gate -run TestFaultTable -update-readme\ngot:\n%s\nwant:\n%s", got, want)
	}
	seen := map[string]bool{}
	for _, fc := range faultCases() {
		if seen[fc.name] {
			t.Errorf("two rows named %s", fc.name)
		}
		seen[fc.name] = true
		if fc.cause == "" && fc.exit != 1 || (fc.exit == 1) != (fc.blocks != "") {
			t.Errorf("row %s: exit %d with cause %q and blocks %q", fc.name, fc.exit, fc.cause, fc.blocks)
		}
	}
}

// TestFaultTable_CoversScenarios: every fault scenario of the sandbox has a
// row.
func TestFaultTable_CoversScenarios(t *testing.T) {
	t.Parallel()
	rows := map[string]bool{}
	for _, fc := range faultCases() {
		rows[fc.scenario] = true
	}
	for _, name := range sandbox.FaultScenarioNames() {
		if !rows[name] {
			t.Errorf("fault scenario %q has no row in the fault matrix", name)
		}
	}
}

// faultTableMarkdown is the README's fault table: the rules, then one row
// per fault.
func faultTableMarkdown(cases []faultCase) string {
	var b strings.Builder
	b.WriteString(faultRules)
	b.WriteString("\n| Fault (`TestGate_Faults/…`) | What the API does | Exit | What the gate does |\n|---|---|---|---|\n")
	for _, fc := range cases {
		what := fc.fault
		if fc.scenario != "" {
			what += " (sandbox scenario `" + fc.scenario + "`)"
		}
		var does string
		switch fc.exit {
		case 0:
			does = "passes, saying " + codeSpan(fc.cause)
		case 1:
			does = "blocks #" + strings.ReplaceAll(fc.blocks, ",", ", #")
			if fc.cause != "" {
				does += "; the log says " + codeSpan(fc.cause)
			}
		default:
			does = "fails closed: " + codeSpan(fc.cause)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s |\n", fc.name, strings.ReplaceAll(what, "|", `\|`), fc.exit, does)
	}
	return b.String()
}

// codeSpan renders s as inline code, fenced with enough backticks.
func codeSpan(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// faultRules is what the table proves, in the words a user needs.
const faultRules = `The gate passes only when it can show that every matched open deploy request
is approved; otherwise it exits 2 and names the cause (it fails closed).

- **Consistent read.** A list of more than one page counts only when two reads
  in a row agree on its numbers and on each request's ` + "`approved`, `state`," + `
  ` + "`deployment_state`" + ` and branches. It is read again until two do, so an
  approval or a deployment landing during any read is waited out; after eight
  reads, or when ` + "`timeout`" + ` runs out before two agree, it stops with "the list
  kept changing while it was read". A later page refused with 401, 403 or 404
  is such a change, not a missing grant.
- **Wait mode.** With ` + "`wait-timeout`" + `, a check that could not decide for a
  passing cause (` + "`list-changed`, `rate-limited`, `server-error`, `no-answer`," + `
  ` + "`unreachable`, `cut-off`" + `) is "not yet": one log line, the status stays
  ` + "`pending`" + `, the next check comes; the wait ends as error only when its last
  check could not decide. Any other cause (401, a missing grant, an answer the
  gate cannot read) ends it at once. SIGINT or SIGTERM ends a wait or a check
  with ` + "`result=error`" + `, exit 2 and the status ` + "`error`" + `, never ` + "`pending`" + `.
- **Numbers and ends.** Every item needs a positive ` + "`number`" + `. One number with
  two different copies, a page of numbers already read that names a next page,
  items that do not add up to ` + "`total_count`" + `, a page other than the one asked
  for and a missing ` + "`next_page`" + ` key (` + "`next_page_url`" + ` is not followed) are errors.
- **Strict items.** Keys are case-sensitive (a key twice, or ` + "`APPROVED`" + ` beside
  ` + "`approved`" + `, is an error); ` + "`number`, `branch`, `into_branch`, `approved`, `state`" + `
  and ` + "`deployment_state`" + ` must be there and not null; unknown fields are ignored.
- **Transport.** 429, 5xx, resets and cut-off answers are retried within
  ` + "`timeout`" + ` (` + "`Retry-After`" + ` up to 60 s; a wait that does not fit stops the run at
  once, reported as asked). Redirects are not followed, certificate errors not
  retried, answers over 32 MiB (unzipped) refused. API text loses its control
  and bidi characters and the token before it is printed or rendered as Markdown.
`
