package planetscale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Client calls the PlanetScale API. Make one with NewClient; it is safe for
// concurrent use.
type Client struct {
	baseURL   *url.URL
	http      *http.Client
	userAgent string
	retry     RetryPolicy
	notify    httpretry.Notifier
	maxPages  int
	maxBody   int64
	// redactor removes the client's own credentials from outside text
	// before an error quotes (and cuts) it, so that an API that echoes
	// them never shows even a part of one.
	redactor *sanitize.Redactor
	// pace is the rate budget every request draws on (limiter.go).
	pace *pacer
}

// NewClient returns a Client for the PlanetScale API. The options may come
// in any order.
func NewClient(opts ...Option) (*Client, error) {
	s := defaultSettings()
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, fmt.Errorf("planetscale client: %w", err)
		}
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("planetscale client: %w", err)
	}
	rt := s.transport
	var redactor *sanitize.Redactor
	if s.creds != nil {
		rt = &authTransport{header: s.creds.AuthorizationHeader(), scheme: s.baseURL.Scheme, host: s.baseURL.Host, base: rt}
		redactor = sanitize.NewRedactor(s.creds.Secret, s.creds.AuthorizationHeader(), s.creds.ID)
	}
	return &Client{
		baseURL: s.baseURL,
		http: &http.Client{
			Transport: rt,
			// A redirect would carry the credentials elsewhere; an API never needs one.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: s.userAgent,
		retry:     s.retry,
		notify:    s.notify,
		maxPages:  s.maxPages,
		maxBody:   s.maxBody,
		redactor:  redactor,
		pace:      newPacer(s.pacing),
	}, nil
}

// BaseURL returns the API address the client calls.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// get fetches path (an escaped path from Path) with query and decodes the
// 2xx JSON answer into v (which may be a *json.RawMessage), retrying
// transient failures under the client's RetryPolicy. When it gives up, the
// error is a *GaveUpError whose Last is the last attempt's failure; when the
// deadline cut the only attempts short, Last is that attempt's *NetworkError
// (kind NetworkTimeout) rather than nil, so the error names the address that
// gave no answer.
func (c *Client) get(ctx context.Context, path string, query url.Values, v any) error {
	u, err := c.url(path, query)
	if err != nil {
		return err
	}
	var last error // the last attempt's own error, which httpretry drops when the deadline ends it
	err = httpretry.Do(ctx, c.retry, c.notify, func(actx context.Context) error {
		last = c.send(ctx, actx, u, v)
		return last
	})
	var gaveUp *GaveUpError
	var noAnswer *NetworkError
	if errors.As(err, &gaveUp) && gaveUp.Last == nil && errors.As(last, &noAnswer) {
		filled := *gaveUp
		filled.Last = noAnswer
		return &filled
	}
	return err
}

// quote returns outside text ready to quote in an error: the client's
// credentials removed first, then on one line and cut (see clip).
func (c *Client) quote(s string) string { return clip(c.redactor.Redact(s)) }
