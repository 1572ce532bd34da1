package planetscale_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// flagName words settings as a command line would.
func flagName(s check.Setting) string {
	if s == check.SettingRerun {
		return "run it again"
	}
	return "--" + string(s)
}

// TestExplain_ClientErrors: the client's errors, as a list read returns
// them, match the causes check.Explain words, in its order.
func TestExplain_ClientErrors(t *testing.T) {
	t.Parallel()
	cfg := check.Config{Organization: "acme", Database: "shop", APIURL: "https://api.planetscale.com", Timeout: 90 * time.Second}
	wrap := func(err error) error { return fmt.Errorf("list deploy requests: page 1: %w", err) }
	tests := []struct {
		name         string
		err          error
		wantCode     string
		want         []string
		wantSettings []check.Setting
	}{
		{"unauthorized", wrap(&planetscale.APIError{StatusCode: 401, Code: "unauthorized"}), "unauthorized",
			[]string{"401 Unauthorized", "wrong, expired or was deleted", "--service-token"}, []check.Setting{check.SettingServiceToken}},
		{"forbidden", wrap(&planetscale.APIError{StatusCode: 403}), "forbidden",
			[]string{"403 Forbidden", "`read_deploy_request` on database \"shop\""}, nil},
		{"not_found", wrap(&planetscale.APIError{StatusCode: 404, Code: "not_found", Message: "Not Found"}), "not-found",
			[]string{`Organization "acme" or database "shop" not found`, "`read_deploy_request` on \"shop\"", "app.planetscale.com/acme/shop", "revoked or mistyped token"}, []check.Setting{check.SettingServiceToken}},
		{"rate_limited_after_retries", wrap(&planetscale.GaveUpError{Attempts: 9, Last: &planetscale.APIError{StatusCode: 429}}), "rate-limited",
			[]string{"429 Too Many Requests", "600 requests a minute", "Run it again later", "--timeout"}, []check.Setting{check.SettingTimeout}},
		{"retry_after_too_long", wrap(&planetscale.GaveUpError{Attempts: 1, Wait: 99999 * time.Second, Last: &planetscale.APIError{StatusCode: 429}}), "rate-limited",
			[]string{"asked the gate to wait 27h46m39s"}, []check.Setting{check.SettingTimeout}},
		{"server_error", wrap(&planetscale.GaveUpError{Attempts: 9, Last: &planetscale.APIError{StatusCode: 502, Message: "an HTML page instead of JSON: Bad Gateway"}}), "server-error",
			[]string{"kept failing (502 Bad Gateway)", "planetscalestatus.com"}, nil},
		{"other_client_error", wrap(&planetscale.APIError{StatusCode: 422, Message: "bad branch"}), "rejected",
			[]string{"rejected the request (422 Unprocessable Entity)", "--branch and --into-branch"}, []check.Setting{check.SettingBranch, check.SettingIntoBranch}},
		{"network", wrap(&planetscale.GaveUpError{Attempts: 3, Last: &planetscale.NetworkError{URL: "https://api.planetscale.com/v1/x", Err: errors.New("connection refused")}}), "unreachable",
			[]string{"Could not reach the PlanetScale API at https://api.planetscale.com", "--api-url", "then run it again."}, []check.Setting{check.SettingAPIURL}},
		{"no_answer_in_time", wrap(&planetscale.GaveUpError{Attempts: 1, Deadline: true}), "no-answer",
			[]string{"No answer from the PlanetScale API at https://api.planetscale.com within the timeout (1m30s).", "Run it again, or raise --timeout."}, []check.Setting{check.SettingTimeout}},
		{"paging", wrap(&planetscale.PagingError{Problem: "page 3 names next page 3, which does not advance"}), "paging",
			[]string{"pages did not add up", "Run it again; if it happens again"}, nil},
		{"unexpected_answer", wrap(fmt.Errorf("%w: an HTML page, not JSON", planetscale.ErrUnexpectedResponse)), "unexpected-answer",
			[]string{"did not answer like the PlanetScale API", "--api-url", planetscale.DefaultBaseURL}, []check.Setting{check.SettingAPIURL}},
		{"list_changed", wrap(&planetscale.PagingError{Problem: "the list kept changing", Err: planetscale.ErrListChanged}), "list-changed",
			[]string{"changed while the gate read it", "Run it again once"}, nil},
		{"not_found_on_a_later_page", &planetscale.PageError{Page: 2, Err: &planetscale.APIError{StatusCode: 404}}, "list-changed",
			[]string{"a later page was refused"}, nil},
		{"malformed_item", wrap(&planetscale.PageError{Page: 1, Err: &planetscale.ItemError{Index: 3, Item: "deploy request", Problem: "no number"}}), "malformed-item",
			[]string{"cannot read safely", "--api-url"}, []check.Setting{check.SettingAPIURL}},
		{"untrusted_certificate", wrap(&planetscale.NetworkError{URL: "https://x", Kind: planetscale.NetworkTLS, Err: errors.New("x509: certificate signed by unknown authority")}), "untrusted-certificate",
			[]string{"not trusted", "did not retry"}, []check.Setting{check.SettingAPIURL}},
		{"hung_server", wrap(&planetscale.GaveUpError{Attempts: 4, Deadline: true, Last: &planetscale.NetworkError{URL: "https://x", Kind: planetscale.NetworkTimeout, Err: errors.New("timeout")}}), "no-answer",
			[]string{"No answer from the PlanetScale API"}, []check.Setting{check.SettingTimeout}},
		{"refused", wrap(&planetscale.GaveUpError{Attempts: 3, Last: &planetscale.NetworkError{URL: "https://x", Kind: planetscale.NetworkRefused, Err: errors.New("refused")}}), "unreachable",
			[]string{"nothing accepted the connection"}, []check.Setting{check.SettingAPIURL}},
		{"dns", wrap(&planetscale.GaveUpError{Attempts: 3, Last: &planetscale.NetworkError{URL: "https://x", Kind: planetscale.NetworkDNS, Err: errors.New("no such host")}}), "unreachable",
			[]string{"did not resolve"}, []check.Setting{check.SettingAPIURL}},
		{"cut_off", wrap(&planetscale.GaveUpError{Attempts: 9, Last: fmt.Errorf("read answer: %w", planetscale.ErrTruncated)}), "cut-off",
			[]string{"kept being cut off"}, []check.Setting{check.SettingAPIURL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The code and the words, as one line to search: check's own
			// TestExplain holds the rest of each explanation.
			p := check.Explain(tt.err, cfg)
			got := p.Code + ": " + p.Words(flagName)
			missing := slices.DeleteFunc(append([]string{tt.wantCode + ": "}, tt.want...), func(w string) bool { return strings.Contains(got, w) })
			if len(missing) > 0 || !strings.HasPrefix(got, tt.wantCode+": ") {
				t.Errorf("Explain = %q, want code %q and %q", got, tt.wantCode, missing)
			}
			if !slices.Equal(p.Settings, tt.wantSettings) || !errors.Is(p.Err, tt.err) {
				t.Errorf("Settings, Err = %q, %v; want %q and the error explained", p.Settings, p.Err, tt.wantSettings)
			}
			// The OAuth hint goes with the client's answers about access.
			oauth := cfg
			oauth.OAuth = true
			hint := strings.Contains(check.Explain(tt.err, oauth).Fix, "`read_deploy_requests` scope")
			if access := slices.Contains([]string{"unauthorized", "forbidden", "not-found"}, tt.wantCode); hint != access {
				t.Errorf("OAuth scope hint given: %v, want %v", hint, access)
			}
		})
	}
}
