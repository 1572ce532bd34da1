package planetscale_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

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

// TestClient_errorBodies reads error bodies of every shape over HTTP.
func TestClient_errorBodies(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantIs      error
		want        string // APIError.Error()
	}{
		{
			name:   "envelope",
			status: http.StatusNotFound,
			body:   `{"code":"not_found","message":"Not Found"}`,
			wantIs: planetscale.ErrNotFound,
			want:   "PlanetScale API answered 404 Not Found (not_found: Not Found)",
		},
		{
			name:   "status_error_500",
			status: http.StatusInternalServerError,
			body:   `{"status":500,"error":"Internal Server Error"}`,
			wantIs: planetscale.ErrServer,
			want:   "PlanetScale API answered 500 Internal Server Error (Internal Server Error)",
		},
		{
			name:   "oauth_style",
			status: http.StatusUnauthorized,
			body:   `{"error":"invalid_token","error_description":"The access token is invalid"}`,
			wantIs: planetscale.ErrUnauthorized,
			want:   "PlanetScale API answered 401 Unauthorized (invalid_token The access token is invalid)",
		},
		{
			name:        "html",
			status:      http.StatusForbidden,
			contentType: "text/html",
			body:        "<!doctype html>\n<html>\n<head><title>403 Forbidden</title></head>\n<body><h1>Forbidden</h1>\n<p>Request blocked.</p></body></html>\n",
			wantIs:      planetscale.ErrForbidden,
			want:        "PlanetScale API answered 403 Forbidden (an HTML page instead of JSON: 403 Forbidden Forbidden Request blocked.)",
		},
		{
			name:   "empty",
			status: http.StatusBadGateway,
			wantIs: planetscale.ErrServer,
			want:   "PlanetScale API answered 502 Bad Gateway",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			p := fastPolicy()
			p.MaxRetries = 0
			c := newClient(t, url, planetscale.WithRetryPolicy(p))
			_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			var apiErr *planetscale.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListDeployRequests() error = %T %v, want an *APIError in the chain", err, err)
			}
			if got, want := apiErr.Error(), tt.want; got != want {
				t.Errorf("APIError.Error() = %q, want %q", got, want)
			}
			if !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantIs)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestClient_longHTMLErrorBody(t *testing.T) {
	t.Parallel()

	_, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body>\n")
		for range 5000 { // about 150 KiB, more than the error body cap
			fmt.Fprint(w, "<div class=\"x\">The page you were looking for doesn’t exist.</div>\n")
		}
		fmt.Fprint(w, "</body></html>")
	})
	c := newClient(t, url)
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("ListDeployRequests() error = %T %v, want an *APIError in the chain", err, err)
	}
	excerpt, ok := strings.CutPrefix(apiErr.Message, "an HTML page instead of JSON: ")
	if !ok {
		t.Fatalf("Message = %q, want it to say it is an HTML page", apiErr.Message)
	}
	if strings.ContainsAny(excerpt, "<>\n") {
		t.Errorf("excerpt = %q, want one line without tags", excerpt)
	}
	if got, max := utf8.RuneCountInString(excerpt), 200; got > max {
		t.Errorf("excerpt has %d runes, want at most %d", got, max)
	}
	if !strings.HasPrefix(excerpt, "Page not found The page you were looking for doesn’t exist.") {
		t.Errorf("excerpt = %q, want the page's text", excerpt)
	}
}

// TestClient_redirectNotFollowed answers with a redirect to another server:
// the client must not follow it (that would send the credentials there).
func TestClient_redirectNotFollowed(t *testing.T) {
	t.Parallel()

	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()

			target, targetURL := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				writeJSON(w, http.StatusOK, listBody(1, nil, 0))
			})
			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, targetURL+r.URL.RequestURI(), status)
			})
			c := newClient(t, url)
			_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
			if !errors.Is(err, planetscale.ErrUnexpectedResponse) {
				t.Errorf("ListDeployRequests() error = %v, want ErrUnexpectedResponse", err)
			}
			if err != nil && !strings.Contains(err.Error(), "redirect") {
				t.Errorf("ListDeployRequests() error = %q, want it to mention the redirect", err)
			}
			if got, want := target.count(), 0; got != want {
				t.Errorf("redirect target got %d requests, want %d", got, want)
			}
			if got, want := rec.count(), 1; got != want {
				t.Errorf("server got %d requests, want %d (a redirect is not retried)", got, want)
			}
		})
	}
}

// TestClient_htmlSuccess answers 200 with an HTML page, as a captive portal
// or a wrong base URL does.
func TestClient_htmlSuccess(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "\n  <!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head><body>Welcome</body></html>")
	})
	c := newClient(t, url)
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if !errors.Is(err, planetscale.ErrUnexpectedResponse) {
		t.Fatalf("ListDeployRequests() error = %v, want ErrUnexpectedResponse", err)
	}
	if got, want := err.Error(), "Sign in to Wi-Fi Welcome"; !strings.Contains(got, want) {
		t.Errorf("Error() = %q, want it to quote the page %q", got, want)
	}
	if got, want := rec.count(), 1; got != want {
		t.Errorf("server got %d requests, want %d (not retried)", got, want)
	}
}

// TestClient_bodyTooLarge streams a valid JSON list bigger than the 32 MiB
// cap: the client must stop reading and fail, not decode it.
func TestClient_bodyTooLarge(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		if _, err := fmt.Fprint(w, `{"current_page":1,"next_page":null,"data":[`); err != nil {
			return
		}
		chunk := []byte(strings.Repeat(" ", 1<<20))
		for range 33 {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up
			}
		}
		_, _ = fmt.Fprint(w, `]}`)
	})
	c := newClient(t, url)
	got, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if !errors.Is(err, planetscale.ErrUnexpectedResponse) {
		t.Fatalf("ListDeployRequests() = %d items, error %v, want ErrUnexpectedResponse", len(got), err)
	}
	if !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Errorf("Error() = %q, want it to name the cap", err)
	}
	if got, want := rec.count(), 1; got != want {
		t.Errorf("server got %d requests, want %d (not retried)", got, want)
	}
}

// TestClient_connectionRefused calls a port nobody listens on: a network
// error, retried, then reported with the address but no query.
func TestClient_connectionRefused(t *testing.T) {
	t.Parallel()

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()

	p := fastPolicy()
	p.MaxRetries = 1
	c := newClient(t, url, planetscale.WithRetryPolicy(p))
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
	var gaveUp *planetscale.GaveUpError
	if !errors.As(err, &gaveUp) {
		t.Fatalf("ListDeployRequests() error = %v, want a *GaveUpError", err)
	}
	if got, want := gaveUp.Attempts, 2; got != want {
		t.Errorf("Attempts = %d, want %d", got, want)
	}
	var netErr *planetscale.NetworkError
	if !errors.As(err, &netErr) {
		t.Fatalf("ListDeployRequests() error = %v, want a *NetworkError in the chain", err)
	}
	if got, want := netErr.URL, url+listPath; got != want {
		t.Errorf("NetworkError.URL = %q, want %q", got, want)
	}
	if got, want := err.Error(), "could not reach the PlanetScale API at "+url+listPath+": "; !strings.Contains(got, want) {
		t.Errorf("Error() = %q, want it to hold %q", got, want)
	}
}
