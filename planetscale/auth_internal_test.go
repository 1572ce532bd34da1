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

func TestAuthTransport_doesNotMutateRequest(t *testing.T) {
	t.Parallel()

	var sent *http.Request
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = r
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
	})
	c, err := NewClient(WithHTTPTransport(base), WithCredentials(Credentials{ID: "abc123def456", Secret: "pscale_tkn_S3cret"}))
	if err != nil {
		t.Fatalf("NewClient() error = %v", err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.example.test/v1/organizations", nil)
	if err != nil {
		t.Fatalf("NewRequest() error = %v", err)
	}
	req.Header.Set("Authorization", "caller's value")
	req.Header.Set("Accept", "application/json")

	res, err := c.http.Transport.RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip() error = %v", err)
	}
	_ = res.Body.Close()

	if sent == nil {
		t.Fatal("the base transport got no request")
	}
	if sent == req {
		t.Error("the base transport got the caller's request itself, want a copy")
	}
	if got, want := sent.Header.Values("Authorization"), []string{"abc123def456:pscale_tkn_S3cret"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("sent Authorization = %q, want %q", got, want)
	}
	if got, want := sent.Header.Get("Accept"), "application/json"; got != want {
		t.Errorf("sent Accept = %q, want %q", got, want)
	}
	if got, want := req.Header.Get("Authorization"), "caller's value"; got != want {
		t.Errorf("caller's Authorization after RoundTrip = %q, want %q (unchanged)", got, want)
	}
	if got, want := len(req.Header), 2; got != want {
		t.Errorf("caller's request has %d headers after RoundTrip, want %d", got, want)
	}
}
