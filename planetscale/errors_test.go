package planetscale_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// TestClient_connectionRefused calls a port nobody listens on: a network
// error of kind NetworkRefused, retried, then reported with the address but
// no query.
func TestClient_connectionRefused(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	p := fastPolicy()
	p.MaxRetries = 1
	var evs events
	c := newClient(t, url, planetscale.WithRetryPolicy(p), evs.notify())
	_, err := c.GetDatabase(testContext(t), testOrg, testDB)
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("GetDatabase() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Attempts, 2; got != want || len(evs) != 1 {
		t.Errorf("Attempts = %d with %d retry events, want %d and 1", got, len(evs), want)
	}
	var netErr *planetscale.NetworkError
	if !errors.As(err, &netErr) {
		t.Fatalf("GetDatabase() error = %v, want a *NetworkError in the chain", err)
	}
	if got, want := netErr.Kind, planetscale.NetworkRefused; got != want {
		t.Errorf("Kind = %v, want %v", got, want)
	}
	dbPath := "/v1/organizations/" + testOrg + "/databases/" + testDB
	if got, want := netErr.URL, url+dbPath; got != want {
		t.Errorf("NetworkError.URL = %q, want %q", got, want)
	}
	if got, want := err.Error(), "could not reach the PlanetScale API at "+url+dbPath+": the connection was refused"; !strings.Contains(got, want) {
		t.Errorf("Error() = %q, want it to hold %q", got, want)
	}
	for _, sentinel := range []error{planetscale.ErrNoAnswer, planetscale.ErrTLS} {
		if errors.Is(err, sentinel) {
			t.Errorf("errors.Is(%v, %v) = true, want false", err, sentinel)
		}
	}
}

func TestAPIError_Is(t *testing.T) {
	t.Parallel()

	sentinels := []error{
		planetscale.ErrUnauthorized, planetscale.ErrForbidden, planetscale.ErrNotFound,
		planetscale.ErrRateLimited, planetscale.ErrServer, planetscale.ErrUnexpectedResponse,
	}
	tests := []struct {
		status int
		want   error // the one sentinel that matches; nil for none
	}{
		{status: 400},
		{status: 401, want: planetscale.ErrUnauthorized},
		{status: 403, want: planetscale.ErrForbidden},
		{status: 404, want: planetscale.ErrNotFound},
		{status: 409},
		{status: 422},
		{status: 429, want: planetscale.ErrRateLimited},
		{status: 500, want: planetscale.ErrServer},
		{status: 502, want: planetscale.ErrServer},
		{status: 503, want: planetscale.ErrServer},
		{status: 504, want: planetscale.ErrServer},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()

			// Wrapped, as callers see it.
			err := fmt.Errorf("list deploy requests: %w", &planetscale.APIError{StatusCode: tt.status})
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tt.want; got != want {
					t.Errorf("errors.Is(APIError{%d}, %v) = %v, want %v", tt.status, s, got, want)
				}
			}
		})
	}
}

// TestNetworkError_Error builds each kind by hand, as a caller's test may:
// the text names the address and the cause, on one line.
func TestNetworkError_Error(t *testing.T) {
	t.Parallel()

	tests := []struct {
		err  planetscale.NetworkError
		want string
	}{
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkTimeout, Within: 30 * time.Second}, want: "no answer from the PlanetScale API at https://h/v1 within 30s"},
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkTimeout}, want: "no answer from the PlanetScale API at https://h/v1"},
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkTLS, Err: errors.New("x509: valid for a\r\n::error::b")},
			want: "the certificate of the PlanetScale API at https://h/v1 was not trusted: x509: valid for a  ::error::b"},
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkRefused, Err: errors.New("connect: connection refused")},
			want: "could not reach the PlanetScale API at https://h/v1: the connection was refused (connect: connection refused)"},
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkDNS, Err: errors.New("no such host")},
			want: "could not reach the PlanetScale API at https://h/v1: its host name did not resolve (no such host)"},
		{err: planetscale.NetworkError{URL: "https://h/v1", Kind: planetscale.NetworkReset, Err: errors.New("EOF")},
			want: "the PlanetScale API at https://h/v1 closed the connection before answering (EOF)"},
		{err: planetscale.NetworkError{URL: "https://h/v1\n", Err: errors.New("proxyconnect tcp: refused")},
			want: "could not reach the PlanetScale API at https://h/v1 : proxyconnect tcp: refused"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%v: Error() = %q, want %q", tt.err.Kind, got, tt.want)
		}
	}
}
