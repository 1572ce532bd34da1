package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	cfg := &Config{Organization: "acme", Database: "shop", APIURL: "https://api.planetscale.com", Timeout: 90 * time.Second}
	wrap := func(err error) error { return fmt.Errorf("list deploy requests: page 2: %w", err) }
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"unauthorized", wrap(&planetscale.APIError{StatusCode: 401, Code: "unauthorized"}),
			[]string{"401 Unauthorized", "wrong, expired or was deleted", "`service-token`"}},
		{"forbidden", wrap(&planetscale.APIError{StatusCode: 403}),
			[]string{"403 Forbidden", "`read_deploy_request` on database \"shop\""}},
		{"not_found", wrap(&planetscale.APIError{StatusCode: 404, Code: "not_found", Message: "Not Found"}),
			[]string{`Organization "acme" or database "shop" not found`, "`read_deploy_request` on \"shop\"", "app.planetscale.com/acme/shop"}},
		{"rate_limited_after_retries", wrap(&planetscale.GaveUpError{Attempts: 9, Last: &planetscale.APIError{StatusCode: 429}}),
			[]string{"429 Too Many Requests", "600 requests a minute", "gave up after 9 attempts"}},
		{"server_error", wrap(&planetscale.GaveUpError{Attempts: 9, Last: &planetscale.APIError{StatusCode: 502, Message: "an HTML page instead of JSON: Bad Gateway"}}),
			[]string{"kept failing (502 Bad Gateway)", "planetscalestatus.com", "an HTML page instead of JSON"}},
		{"other_client_error", wrap(&planetscale.APIError{StatusCode: 422, Message: "bad branch"}),
			[]string{"rejected the request (422 Unprocessable Entity)", "`branch` and `into-branch`"}},
		{"network", wrap(&planetscale.GaveUpError{Attempts: 3, Last: &planetscale.NetworkError{URL: "https://api.planetscale.com/v1/x", Err: errors.New("connection refused")}}),
			[]string{"Could not reach the PlanetScale API at https://api.planetscale.com", "`api-url`", "connection refused"}},
		{"no_answer_in_time", wrap(&planetscale.GaveUpError{Attempts: 1, Deadline: true}),
			[]string{"No answer from the PlanetScale API at https://api.planetscale.com within the timeout (1m30s)", "`timeout`"}},
		{"paging", wrap(&planetscale.PagingError{Problem: "page 3 names next page 3, which does not advance"}),
			[]string{"pages did not add up", "does not advance"}},
		{"unexpected_answer", wrap(fmt.Errorf("%w: an HTML page, not JSON", planetscale.ErrUnexpectedResponse)),
			[]string{"did not answer like the PlanetScale API", "`api-url`", planetscale.DefaultBaseURL}},
		{"other", wrap(errors.New("something odd")),
			[]string{"could not list the deploy requests", "something odd"}},
		{"cancelled", wrap(context.Canceled),
			[]string{"could not list the deploy requests", "context canceled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Explain(tt.err, cfg)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("Explain = %q, want it to contain %q", got, want)
				}
			}
			if want := "\nError: " + tt.err.Error(); !strings.HasSuffix(got, want) {
				t.Errorf("Explain = %q, want it to end with %q", got, want)
			}
		})
	}
}
