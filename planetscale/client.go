package planetscale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sethvargo/go-retry"
)

// DefaultBaseURL is the PlanetScale API's address.
const DefaultBaseURL = "https://api.planetscale.com"

// maxResponseBody caps how much of a successful response is read.
const maxResponseBody = 32 << 20

// Client calls the PlanetScale API. Make one with NewClient; it is safe for
// concurrent use.
type Client struct {
	baseURL   *url.URL
	http      *http.Client
	userAgent string
	retry     RetryPolicy
	notify    func(RetryEvent)
	maxPages  int
	now       func() time.Time
}

// RetryPolicy says how transient failures (network errors, timeouts, 429 and
// 5xx answers) are retried. Every wait is capped exponential backoff with
// jitter, or longer when the API asks for it with Retry-After.
type RetryPolicy struct {
	// BaseDelay is the first wait; each retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps one backoff wait.
	MaxDelay time.Duration
	// MaxRetryAfter caps how long a Retry-After header may make a wait.
	MaxRetryAfter time.Duration
	// MaxRetries is how many times one request is retried (attempts = MaxRetries+1).
	MaxRetries uint64
	// JitterPercent spreads each wait by up to ± this percentage.
	JitterPercent uint64
	// AttemptTimeout bounds one attempt, so a hung connection is retried.
	AttemptTimeout time.Duration
}

// DefaultRetryPolicy is used unless WithRetryPolicy says otherwise.
var DefaultRetryPolicy = RetryPolicy{
	BaseDelay:      500 * time.Millisecond,
	MaxDelay:       10 * time.Second,
	MaxRetryAfter:  60 * time.Second,
	MaxRetries:     8,
	JitterPercent:  20,
	AttemptTimeout: 30 * time.Second,
}

// RetryEvent describes a failed attempt that will be retried.
type RetryEvent struct {
	// Attempt is the number of the attempt that failed, from 1.
	Attempt int
	// Err is why it failed.
	Err error
	// Wait is how long the client waits before the next attempt.
	Wait time.Duration
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the API address (default DefaultBaseURL). Plain http is
// refused except to a loopback address; see ParseBaseURL.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := ParseBaseURL(raw)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithCredentials authenticates every request with creds.
func WithCredentials(creds Credentials) Option {
	return func(c *Client) error {
		if err := creds.validate(); err != nil {
			return err
		}
		base := c.http.Transport
		if t, ok := base.(*authTransport); ok {
			base = t.base // replace earlier credentials rather than stack them
		}
		c.http.Transport = &authTransport{header: creds.AuthorizationHeader(), base: base}
		return nil
	}
}

// WithHTTPTransport sets the transport requests go through (default
// http.DefaultTransport). Apply it before WithCredentials.
func WithHTTPTransport(rt http.RoundTripper) Option {
	return func(c *Client) error {
		if rt == nil {
			return errors.New("nil HTTP transport")
		}
		if _, ok := c.http.Transport.(*authTransport); ok {
			return errors.New("WithHTTPTransport must come before WithCredentials")
		}
		c.http.Transport = rt
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.BaseDelay <= 0 || p.MaxDelay < p.BaseDelay || p.JitterPercent > 100 {
			return fmt.Errorf("invalid retry policy %+v", p)
		}
		c.retry = p
		return nil
	}
}

// WithRetryNotify calls fn before every wait between attempts, to log it.
func WithRetryNotify(fn func(RetryEvent)) Option {
	return func(c *Client) error {
		c.notify = fn
		return nil
	}
}

// WithMaxPages bounds how many pages one list walk may read (default 1000).
func WithMaxPages(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max pages %d: must be at least 1", n)
		}
		c.maxPages = n
		return nil
	}
}

// NewClient returns a Client for the PlanetScale API.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL: base,
		http: &http.Client{
			Transport: http.DefaultTransport,
			// A redirect would carry the credentials elsewhere; an API never needs one.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: "deploy-request-gate",
		retry:     DefaultRetryPolicy,
		maxPages:  1000,
		now:       time.Now,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("planetscale client: %w", err)
		}
	}
	return c, nil
}

// BaseURL returns the API address the client calls.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// ParseBaseURL checks an API address: http or https with a host, no query,
// fragment or user info, and plain http only to a loopback address
// (localhost, 127.0.0.0/8 or ::1), so credentials never cross a network in
// clear text.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("API URL %q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("API URL %q must start with https://", raw)
	case u.Host == "":
		return nil, fmt.Errorf("API URL %q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("API URL must not contain user info; pass credentials as a token")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("API URL %q must not have a query or fragment", raw)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("API URL %q uses plain http: use https (plain http is allowed only to localhost, 127.0.0.0/8 or ::1)", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Path joins segments into an API path under /v1, escaping each one:
// Path("organizations", "my org") is "/v1/organizations/my%20org".
func Path(segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// GaveUpError is returned when a request failed with transient errors until
// its retries or the deadline ran out. Last is the last real failure.
type GaveUpError struct {
	// Attempts is how many attempts were made.
	Attempts int
	// Last is the last attempt's error (nil when the first attempt never answered).
	Last error
	// Deadline is true when the context's deadline ended the retries.
	Deadline bool
	// Wait is set when the API asked (Retry-After) for a wait longer than the time left.
	Wait time.Duration
}

func (e *GaveUpError) Error() string {
	var why string
	switch {
	case e.Wait > 0:
		why = fmt.Sprintf("the API asked to wait %s, longer than the time left", e.Wait.Round(time.Second))
	case e.Deadline:
		why = "the timeout ran out"
	default:
		why = "the retries ran out"
	}
	if e.Last == nil {
		return fmt.Sprintf("no answer from the PlanetScale API before %s", why)
	}
	attempts := fmt.Sprintf("%d attempts", e.Attempts)
	if e.Attempts == 1 {
		attempts = "1 attempt"
	}
	return fmt.Sprintf("gave up after %s (%s): %v", attempts, why, e.Last)
}

func (e *GaveUpError) Unwrap() error {
	if e.Last == nil {
		return context.DeadlineExceeded
	}
	return e.Last
}

// get fetches path (an escaped path from Path) with query and decodes the
// JSON answer into v, retrying transient failures.
func (c *Client) get(ctx context.Context, path string, query url.Values, v any) error {
	u := *c.baseURL
	u.Path = ""
	u.RawPath = ""
	full := c.baseURL.EscapedPath() + path
	if err := setEscapedPath(&u, full); err != nil {
		return err
	}
	u.RawQuery = query.Encode()

	var (
		hint      time.Duration // Retry-After of the last answer
		tooLong   time.Duration // a Retry-After longer than the time left
		outOfTime bool          // the next wait would pass the deadline
		last      error         // the last attempt's own error, unwrapped
		transient bool          // whether last is worth retrying
		attempts  int
	)
	p := c.retry
	base := retry.WithCappedDuration(p.MaxDelay, retry.NewExponential(p.BaseDelay))
	if p.JitterPercent > 0 { // go-retry panics on a jitter of 0
		base = retry.WithJitterPercent(p.JitterPercent, base)
	}
	backoff := retry.WithMaxRetries(p.MaxRetries, retry.BackoffFunc(func() (time.Duration, bool) {
		d, stop := base.Next()
		if stop {
			return 0, true
		}
		if hint > 0 {
			d = max(d, min(hint, p.MaxRetryAfter))
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			outOfTime = true
			if hint > 0 && time.Until(deadline) < min(hint, p.MaxRetryAfter) {
				tooLong = hint // the API's wait itself does not fit
			}
			return 0, true // waiting would only end in the deadline
		}
		if c.notify != nil {
			c.notify(RetryEvent{Attempt: attempts, Err: last, Wait: d})
		}
		return d, false
	}))

	err := retry.Do(ctx, backoff, func(ctx context.Context) error {
		attempts++
		hint = 0
		err := c.attempt(ctx, u.String(), v, &hint)
		var t *transientError
		isTransient := errors.As(err, &t)
		if err != nil && ctx.Err() == nil {
			last, transient = err, isTransient
			if isTransient {
				last = t.err
			}
		}
		if isTransient {
			return retry.RetryableError(t.err)
		}
		return err
	})
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return err // the caller cancelled
	case ctx.Err() != nil || outOfTime:
		return &GaveUpError{Attempts: attempts, Last: last, Deadline: true, Wait: tooLong}
	case transient:
		return &GaveUpError{Attempts: attempts, Last: last}
	}
	return err
}

// transientError marks a failure that waiting and asking again may cure.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// setEscapedPath sets u's path from an escaped path.
func setEscapedPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return fmt.Errorf("bad path %q: %w", escaped, err)
	}
	u.Path, u.RawPath = p, escaped
	return nil
}

// NetworkError is a failure to get an answer at all: the connection was
// refused or cut, DNS failed, or the attempt timed out.
type NetworkError struct {
	// URL is the address that was called (it never holds credentials).
	URL string
	// Err is the transport's error.
	Err error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("could not reach the PlanetScale API at %s: %v", e.URL, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// errTruncated marks a 2xx body that ended before its JSON did.
var errTruncated = errors.New("the answer was cut off before its end")

// attempt sends one GET and classifies the outcome: failures worth retrying
// come as *transientError.
func (c *Client) attempt(ctx context.Context, rawURL string, v any, hint *time.Duration) error {
	if p := c.retry.AttemptTimeout; p > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	res, err := c.http.Do(req)
	if err != nil {
		if parent := context.Cause(ctx); parent != nil && !errors.Is(parent, context.DeadlineExceeded) {
			return err // cancelled by the caller
		}
		return &transientError{&NetworkError{URL: redact(req.URL), Err: unwrapURLError(err)}}
	}
	defer res.Body.Close()

	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return c.decode(res, v)
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return fmt.Errorf("%w: a redirect (%d) to %q", ErrUnexpectedResponse, res.StatusCode, res.Header.Get("Location"))
	}
	body, readErr := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	apiErr := newAPIError(res, body, c.now())
	if readErr != nil && len(body) == 0 {
		apiErr.Message = "(body unreadable)"
	}
	if apiErr.temporary() {
		*hint = apiErr.RetryAfter
		return &transientError{apiErr}
	}
	return apiErr
}

// decode reads a 2xx body into v.
func (c *Client) decode(res *http.Response, v any) error {
	body, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBody+1))
	if err != nil {
		return &transientError{fmt.Errorf("read answer: %w: %v", errTruncated, err)}
	}
	if len(body) > maxResponseBody {
		return fmt.Errorf("%w: larger than %d MiB", ErrUnexpectedResponse, maxResponseBody>>20)
	}
	if looksLikeHTML(body) {
		return fmt.Errorf("%w: an HTML page, not JSON (%s)", ErrUnexpectedResponse, excerpt(string(body)))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) || errors.Is(err, io.ErrUnexpectedEOF) || len(body) == 0 {
			return &transientError{fmt.Errorf("decode answer: %w (%v)", errTruncated, err)}
		}
		return fmt.Errorf("%w: %v", ErrUnexpectedResponse, err)
	}
	return nil
}

// unwrapURLError drops *url.Error's "Get <url>:" prefix; the caller adds the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		switch {
		case ue.Timeout():
			return errors.New("the request timed out")
		case errors.Is(ue.Err, io.EOF) || errors.Is(ue.Err, io.ErrUnexpectedEOF):
			return fmt.Errorf("the connection closed before an answer (%w)", ue.Err)
		}
		return ue.Err
	}
	return err
}

// redact returns u without its query (which holds nothing secret, but is noise).
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	c.User = nil
	return c.String()
}
