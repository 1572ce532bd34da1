package planetscale

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestAuthTransport sends requests through the client's transport: to the
// API's own address it adds the header to a copy of the request; anywhere
// else it refuses, and the base transport never sees the request.
func TestAuthTransport(t *testing.T) {
	t.Parallel()

	const header = "abc123def456:pscale_tkn_S3cret"
	// wantErr is empty when the request goes out with the header.
	tests := []struct{ name, url, wantErr string }{
		{name: "api_address", url: "https://api.example.test/v1/organizations"},
		{name: "other_host", url: "https://evil.example.test/v1/organizations", wantErr: "refusing to send the PlanetScale credentials to https://evil.example.test: not the API's address"},
		{name: "other_port", url: "https://api.example.test:8443/v1/organizations", wantErr: "not the API's address"},
		{name: "plain_http", url: "http://api.example.test/v1/organizations", wantErr: "not the API's address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var sent *http.Request
			base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent = r
				return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
			})
			c, err := NewClient(WithCredentials(Credentials{ID: "abc123def456", Secret: "pscale_tkn_S3cret"}), WithHTTPTransport(base), WithBaseURL("https://api.example.test"))
			if err != nil {
				t.Fatalf("NewClient() error = %v", err)
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatalf("NewRequest() error = %v", err)
			}
			req.Header.Set("Authorization", "caller's value")
			req.Header.Set("Accept", "application/json")

			res, err := c.http.Transport.RoundTrip(req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || sent != nil {
					t.Fatalf("RoundTrip() error = %v, sent %v; want %q and nothing sent", err, sent != nil, tt.wantErr)
				}
				if strings.Contains(err.Error(), "S3cret") {
					t.Errorf("RoundTrip() error = %q, holds the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RoundTrip() error = %v", err)
			}
			_ = res.Body.Close()
			if sent == nil || sent == req {
				t.Fatalf("the base transport got %p, want a copy of the caller's request %p", sent, req)
			}
			if got := sent.Header.Values("Authorization"); len(got) != 1 || got[0] != header {
				t.Errorf("sent Authorization = %q, want %q", got, header)
			}
			if got, want := sent.Header.Get("Accept"), "application/json"; got != want {
				t.Errorf("sent Accept = %q, want %q", got, want)
			}
			if got, want := req.Header.Get("Authorization"), "caller's value"; got != want || len(req.Header) != 2 {
				t.Errorf("caller's Authorization after RoundTrip = %q (of %d headers), want %q unchanged", got, len(req.Header), want)
			}
		})
	}
}
