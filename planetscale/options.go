package planetscale

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// Option configures a Client. Options may come in any order: NewClient
// collects every setting first, then checks them and builds the client.
type Option func(*settings) error

// settings are what the options collect before NewClient builds a Client.
type settings struct {
	baseURL   *url.URL
	transport http.RoundTripper
	creds     *Credentials
	userAgent string
	retry     RetryPolicy
	notify    httpretry.Notifier
	maxPages  int
	maxBody   int64 // cap on a 2xx body, decoded bytes
	// pacing is the rate budget and the pages fetched at once (limiter.go).
	pacing pacing
}

// defaultMaxPages bounds a list walk unless WithMaxPages says otherwise.
const defaultMaxPages = 1000

func defaultSettings() *settings {
	base, _ := url.Parse(DefaultBaseURL)
	return &settings{
		baseURL:   base,
		transport: http.DefaultTransport,
		userAgent: "deploy-request-gate",
		retry:     DefaultRetryPolicy,
		maxPages:  defaultMaxPages,
		maxBody:   maxResponseBody,
		pacing:    defaultPacing(),
	}
}

// WithBaseURL sets the API address (default DefaultBaseURL). Plain http is
// refused except to a loopback address; see ParseBaseURL.
func WithBaseURL(raw string) Option {
	return func(s *settings) error {
		u, err := ParseBaseURL(raw)
		if err != nil {
			return err
		}
		s.baseURL = u
		return nil
	}
}

// WithCredentials authenticates every request with creds. Given twice, the
// last one wins.
func WithCredentials(creds Credentials) Option {
	return func(s *settings) error {
		s.creds = &creds
		return nil
	}
}

// WithHTTPTransport sets the transport requests go through (default
// http.DefaultTransport). The credentials are added on top of it, whatever
// the order of the options.
func WithHTTPTransport(rt http.RoundTripper) Option {
	return func(s *settings) error {
		s.transport = rt
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		s.userAgent = ua
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		s.retry = p
		return nil
	}
}

// WithRetryNotify calls fn before every wait between attempts, to log it.
// The client calls fn for one event at a time, even when several goroutines
// use it, so fn need not be safe for concurrent use. The event's error
// carries no control characters (see NetworkError and APIError).
func WithRetryNotify(fn func(RetryEvent)) Option {
	return func(s *settings) error {
		s.notify = httpretry.Serialize(fn)
		return nil
	}
}

// WithMaxPages bounds how many pages one list walk may read (default 1000).
func WithMaxPages(n int) Option {
	return func(s *settings) error {
		s.maxPages = n
		return nil
	}
}

// check reports the first setting that cannot be used. NewClient calls it
// once every option has been applied.
func (s *settings) check() error {
	switch {
	case s.transport == nil:
		return errors.New("nil HTTP transport")
	case s.maxPages < 1:
		return fmt.Errorf("max pages %d: must be at least 1", s.maxPages)
	case s.creds != nil:
		if err := s.creds.validate(); err != nil {
			return err
		}
	}
	return s.retry.Validate()
}
