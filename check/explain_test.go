package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// flagName words settings as a command line would.
func flagName(s Setting) string {
	if s == SettingRerun {
		return "run it again"
	}
	return "--" + string(s)
}

// answer is an API's answer with a status other than 2xx, as any Lister's
// error may be.
type answer struct {
	code   int
	status string
}

func (a *answer) Error() string { return "the API answered " + a.status }

func (a *answer) AnswerStatus() (int, string) { return a.code, a.status }

// gaveUp is a retry that gave up after err, or because the API asked to
// wait longer than the time left.
type gaveUp struct {
	wait time.Duration
	err  error
}

func (g *gaveUp) Error() string { return fmt.Sprintf("gave up: %v", g.err) }

func (g *gaveUp) Unwrap() error { return g.err }

func (g *gaveUp) AskedWait() time.Duration { return g.wait }

// TestExplain words each cause, as a Lister's errors carry them; see
// planetscale's TestExplain_ClientErrors for the client's own errors.
func TestExplain(t *testing.T) {
	t.Parallel()
	cfg := Config{Organization: "acme", Database: "shop", APIURL: "https://api.planetscale.com", Timeout: 90 * time.Second}
	wrap := func(err error) error { return fmt.Errorf("list deploy requests: page 1: %w", err) }
	tests := []struct {
		name         string
		err          error
		wantCode     string
		want         []string
		wantSettings []Setting
	}{
		{"unauthorized", wrap(&answer{401, "401 Unauthorized"}), "unauthorized",
			[]string{"401 Unauthorized", "wrong, expired or was deleted", "--service-token"}, []Setting{SettingServiceToken}},
		{"forbidden", wrap(&answer{403, "403 Forbidden"}), "forbidden",
			[]string{"403 Forbidden", "`read_deploy_request` on database \"shop\""}, nil},
		{"not_found", wrap(&answer{404, "404 Not Found"}), "not-found",
			[]string{`Organization "acme" or database "shop" not found`, "`read_deploy_request` on \"shop\"", "app.planetscale.com/acme/shop", "revoked or mistyped token"}, []Setting{SettingServiceToken}},
		{"rate_limited_after_retries", wrap(&gaveUp{err: &answer{429, "429 Too Many Requests"}}), "rate-limited",
			[]string{"429 Too Many Requests", "600 requests a minute", "Run it again later", "--timeout"}, []Setting{SettingTimeout}},
		{"retry_after_too_long", wrap(&gaveUp{wait: 99999 * time.Second, err: &answer{429, "429 Too Many Requests"}}), "rate-limited",
			[]string{"asked the gate to wait 27h46m39s"}, []Setting{SettingTimeout}},
		{"server_error", wrap(&gaveUp{err: &answer{502, "502 Bad Gateway"}}), "server-error",
			[]string{"kept failing (502 Bad Gateway)", "planetscalestatus.com"}, nil},
		{"other_client_error", wrap(&answer{422, "422 Unprocessable Entity"}), "rejected",
			[]string{"rejected the request (422 Unprocessable Entity)", "--branch and --into-branch"}, []Setting{SettingBranch, SettingIntoBranch}},
		{"network", wrap(&gaveUp{err: fmt.Errorf("dial: %w", ErrUnreachable)}), "unreachable",
			[]string{"Could not reach the PlanetScale API at https://api.planetscale.com", "--api-url", "then run it again."}, []Setting{SettingAPIURL}},
		{"no_answer_in_time", wrap(ErrNoAnswer), "no-answer",
			[]string{"No answer from the PlanetScale API at https://api.planetscale.com within the timeout (1m30s).", "Run it again, or raise --timeout."}, []Setting{SettingTimeout}},
		{"paging", wrap(fmt.Errorf("page 3 names next page 3, which does not advance: %w", ErrPaging)), "paging",
			[]string{"pages did not add up", "Run it again; if it happens again"}, nil},
		{"unexpected_answer", wrap(fmt.Errorf("%w: an HTML page, not JSON", ErrUnexpectedAnswer)), "unexpected-answer",
			[]string{"did not answer like the PlanetScale API", "--api-url", DefaultAPIURL}, []Setting{SettingAPIURL}},
		{"list_changed", wrap(fmt.Errorf("paging failed: %w", ErrListChanged)), "list-changed",
			[]string{"changed while the gate read it", "Run it again once"}, nil},
		{"not_found_on_a_later_page", errors.Join(ErrListChanged, &answer{404, "404 Not Found"}), "list-changed",
			[]string{"a later page was refused"}, nil},
		{"malformed_item", wrap(fmt.Errorf("item 3 (deploy request): no number: %w", ErrMalformedItem)), "malformed-item",
			[]string{"cannot read safely", "--api-url"}, []Setting{SettingAPIURL}},
		{"untrusted_certificate", wrap(fmt.Errorf("x509: certificate signed by unknown authority: %w", ErrUntrustedCertificate)), "untrusted-certificate",
			[]string{"not trusted", "did not retry"}, []Setting{SettingAPIURL}},
		{"hung_server", wrap(&gaveUp{err: fmt.Errorf("timeout: %w", ErrNoAnswer)}), "no-answer",
			[]string{"No answer from the PlanetScale API"}, []Setting{SettingTimeout}},
		{"refused", wrap(&gaveUp{err: ErrConnectionRefused}), "unreachable",
			[]string{"nothing accepted the connection"}, []Setting{SettingAPIURL}},
		{"dns", wrap(&gaveUp{err: ErrHostNotFound}), "unreachable",
			[]string{"did not resolve"}, []Setting{SettingAPIURL}},
		{"cut_off", wrap(&gaveUp{err: fmt.Errorf("read answer: %w", ErrCutOff)}), "cut-off",
			[]string{"kept being cut off"}, []Setting{SettingAPIURL}},
		{"other", wrap(errors.New("something odd")), "could-not-list",
			[]string{"could not list the deploy requests"}, nil},
		{"cancelled", wrap(context.Canceled), "could-not-list",
			[]string{"could not list the deploy requests"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Explain(tt.err, cfg)
			got := p.Words(flagName)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("Words = %q, want it to contain %q", got, want)
				}
			}
			if p.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", p.Code, tt.wantCode)
			}
			if !slices.Equal(p.Settings, tt.wantSettings) {
				t.Errorf("Settings = %q, want %q", p.Settings, tt.wantSettings)
			}
			if !errors.Is(p.Err, tt.err) {
				t.Errorf("Err = %v, want the error explained", p.Err)
			}
			if strings.ContainsAny(got, "{}") {
				t.Errorf("Words left a reference unreplaced: %q", got)
			}
		})
	}
}

func TestExplain_OAuthHint(t *testing.T) {
	t.Parallel()
	cfg := Config{Organization: "acme", Database: "shop", OAuth: true}
	got := Explain(&answer{404, "404 Not Found"}, cfg).Words(flagName)
	if !strings.Contains(got, "`read_deploy_requests` scope") {
		t.Errorf("OAuth 404 lacks the scope hint: %q", got)
	}
}

func TestProblem_Words(t *testing.T) {
	t.Parallel()
	p := Problem{Why: "It broke.", Fix: "{rerun}, or raise {timeout}. Check {api-url}."}
	name := func(s Setting) string {
		return map[Setting]string{SettingRerun: "re-run the job", SettingTimeout: "the `timeout` input", SettingAPIURL: "the `api-url` input"}[s]
	}
	want := "It broke. Re-run the job, or raise the `timeout` input. Check the `api-url` input."
	if got := p.Words(name); got != want {
		t.Errorf("Words = %q, want %q", got, want)
	}
	// Braces that name no setting (outside text, a branch "feat-{x}") stay.
	p = Problem{Why: "Branch feat-{x}} and {rerun-it} are not placeholders.", Fix: "{rerun}."}
	want = "Branch feat-{x}} and {rerun-it} are not placeholders. Re-run the job."
	if got := p.Words(name); got != want {
		t.Errorf("Words = %q, want %q", got, want)
	}
}
