package ghreport

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/go-github/v66/github"
	"github.com/shurcooL/githubv4"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// DefaultAPIURL is GitHub.com's REST API, used when GITHUB_API_URL is empty.
const DefaultAPIURL = "https://api.github.com/"

// ErrNoToken is returned by NewClient for an empty token: the caller makes
// no GitHub calls at all then (see Config.Enabled).
var ErrNoToken = errors.New("no GitHub token")

// Config says how to reach GitHub.
type Config struct {
	// APIURL is GITHUB_API_URL as the runner gives it: https://api.github.com,
	// https://HOST/api/v3 on GitHub Enterprise Server, or a test server with
	// any path prefix. Empty means DefaultAPIURL. Plain http is allowed only
	// to a loopback address, so the token never crosses a network in clear.
	APIURL string
	// Token is sent as "Authorization: Bearer <Token>" to the API's own
	// scheme and host only: GITHUB_TOKEN, a GitHub App token or a PAT.
	Token string
	// UserAgent is sent with every request (default "deploy-request-gate").
	UserAgent string
	// Retry is the retry policy (zero value: httpretry.Default).
	Retry httpretry.Policy
	// Notify is told about every retry; it must be safe for concurrent use.
	Notify httpretry.Notifier
	// Transport carries the requests (default http.DefaultTransport).
	Transport http.RoundTripper
	// MaxPages bounds one list walk (default 100 pages of 100).
	MaxPages int
	// GraphQLURL is GITHUB_GRAPHQL_URL; empty: derived from APIURL (see
	// GraphQLURL).
	GraphQLURL string
	// Secrets are more values (such as the PlanetScale token) kept out of
	// every error, besides Token.
	Secrets []string
}

// Enabled reports whether c has a token: without one the caller makes no
// client and no GitHub call.
func (c Config) Enabled() bool { return strings.TrimSpace(c.Token) != "" }

// Client calls the GitHub REST API through go-github. Every call is
// retried through httpretry on 5xx answers, network errors and rate limits,
// within the caller's context. It is safe for concurrent use.
type Client struct {
	gh       *github.Client
	retry    httpretry.Policy
	notify   httpretry.Notifier
	redact   *sanitize.Redactor
	maxPages int
	requests *atomic.Int64
	// gql reads in bulk (OpenPulls); meter and lastCost keep the budget.
	gql      *githubv4.Client
	meter    *meter
	lastCost atomic.Int64

	idMu sync.Mutex
	id   *identity // who the token comments as, once known
}

// NewClient returns a Client for cfg, or ErrNoToken when cfg has no token.
func NewClient(cfg Config) (*Client, error) {
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, ErrNoToken
	}
	if strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
		return nil, errors.New("github client: the token holds a space or a control character")
	}
	redact := sanitize.NewRedactor(append([]string{token}, cfg.Secrets...)...)
	base, err := ParseAPIURL(cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("github client: %s", redact.Line(err.Error()))
	}
	policy := cfg.Retry
	if policy == (httpretry.Policy{}) {
		policy = httpretry.Default
	}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("github client: %w", err)
	}
	rt := cfg.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	gqlURL, err := graphqlEndpoint(base, cfg.GraphQLURL)
	if err != nil {
		return nil, fmt.Errorf("github client: %s", redact.Line(err.Error()))
	}
	count, m := new(atomic.Int64), new(meter)
	// One meter reads the rate-limit headers of REST and GraphQL answers
	// (before graphqlTransport turns a failed GraphQL answer into an error).
	rt = &meterTransport{base: rt, meter: m, graphql: gqlURL}
	gql := newGraphQL(gqlURL, token, rt, count)
	hc := &http.Client{
		Transport:     &tokenTransport{base: rt, token: token, origin: base, count: count},
		CheckRedirect: sameOriginRedirects(base),
	}
	gh := github.NewClient(hc)
	gh.BaseURL = base
	gh.UploadURL = base
	gh.UserAgent = cfg.UserAgent
	if gh.UserAgent == "" {
		gh.UserAgent = "deploy-request-gate"
	}
	maxPages := cfg.MaxPages
	if maxPages <= 0 {
		maxPages = 100
	}
	return &Client{gh: gh, retry: policy, notify: cfg.Notify, redact: redact, maxPages: maxPages, requests: count,
		gql: gql, meter: m}, nil
}

// Requests returns how many HTTP requests the client has sent, retries and
// redirects included, for the log line "N GitHub requests".
func (c *Client) Requests() int { return int(c.requests.Load()) }

// BaseURL returns the API address the client calls, with its trailing slash.
func (c *Client) BaseURL() string { return c.gh.BaseURL.String() }

// ParseAPIURL checks an API address (GITHUB_API_URL; empty means
// DefaultAPIURL) and returns it with the trailing slash go-github needs:
// http or https with a host, no user info, query or fragment, plain http
// only to localhost, 127.0.0.0/8 or ::1.
func ParseAPIURL(raw string) (*url.URL, error) {
	return parseEndpoint("GITHUB_API_URL", raw)
}

// parseEndpoint is ParseAPIURL for the address named name: every message
// begins with name ("GITHUB_API_URL", or "GITHUB_GRAPHQL_URL:" for
// GraphQLURL).
func parseEndpoint(name, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return nil, fmt.Errorf("%s %q is not a URL", name, sanitize.Line(raw))
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("%s must not hold user info", name)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%s %q must start with https://", name, sanitize.Line(raw))
	case u.Host == "":
		return nil, fmt.Errorf("%s %q has no host", name, sanitize.Line(raw))
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("%s %q must not have a query or fragment", name, sanitize.Line(raw))
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return nil, fmt.Errorf("%s %q uses plain http: the token would cross the network in clear text (plain http is allowed only to localhost, 127.0.0.0/8 or ::1)", name, sanitize.Line(raw))
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimSuffix(u.Path, "/") + "/"}, nil
}

// loopback reports whether host is localhost or a loopback address.
func loopback(host string) bool {
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.IsLoopback()
	}
	return strings.EqualFold(host, "localhost")
}

// sameOrigin reports whether a and b have one scheme and host (port included).
func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Host, b.Host)
}

// sameOriginRedirects follows a few redirects within the API's own scheme
// and host, and none elsewhere: the answer then reaches go-github as the
// 3xx it is, and becomes an error.
func sameOriginRedirects(api *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 || !sameOrigin(req.URL, api) {
			return http.ErrUseLastResponse
		}
		return nil
	}
}

// tokenTransport counts requests and adds the token to those bound for
// the API's own origin; a request anywhere else goes without it.
type tokenTransport struct {
	base   http.RoundTripper
	token  string
	origin *url.URL
	count  *atomic.Int64
}

func (t *tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.count.Add(1)
	r = r.Clone(r.Context())
	if sameOrigin(r.URL, t.origin) {
		r.Header.Set("Authorization", "Bearer "+t.token)
	} else {
		r.Header.Del("Authorization")
	}
	return t.base.RoundTrip(r)
}
