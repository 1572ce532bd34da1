package ghreport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// token is the sandbox's token; no error may ever hold it.
const token = "ghs_SandboxToken0123456789abcdef"

const (
	owner = "acme"
	repo  = "shop"
	full  = owner + "/" + repo
)

// fastRetry retries quickly, so tests of retries take milliseconds
// (a Retry-After still makes its wait).
var fastRetry = httpretry.Policy{
	BaseDelay:      time.Millisecond,
	MaxDelay:       5 * time.Millisecond,
	MaxRetryAfter:  5 * time.Second,
	MaxRetries:     3,
	AttemptTimeout: 10 * time.Second,
}

// sha returns a commit SHA made from n.
func sha(n int) string { return fmt.Sprintf("%040x", n) }

// newSandbox starts a fake GitHub API holding acme/shop, served under
// prefix, and returns it with its base URL (no trailing slash).
func newSandbox(t *testing.T, prefix string, opts ...ghsandbox.Option) (*ghsandbox.Server, string) {
	t.Helper()
	opts = append([]ghsandbox.Option{
		ghsandbox.WithPrefix(prefix),
		ghsandbox.WithToken(ghsandbox.Token{Value: token}),
		ghsandbox.WithToken(ghsandbox.Token{Value: "ghs_ReadOnlyFork0123456789", ReadOnly: true}),
		ghsandbox.WithToken(ghsandbox.Token{Value: "ghp_OtherRepoOnly0123456789", Repos: []string{"acme/other"}}),
		ghsandbox.WithRepo(full),
	}, opts...)
	s := ghsandbox.New(opts...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + prefix
}

// newClient returns a client for baseURL with fastRetry; edit changes the config.
func newClient(t *testing.T, baseURL string, edit ...func(*ghreport.Config)) *ghreport.Client {
	t.Helper()
	cfg := ghreport.Config{APIURL: baseURL, Token: token, Retry: fastRetry}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := ghreport.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// withToken sets the client's token.
func withToken(tok string) func(*ghreport.Config) {
	return func(c *ghreport.Config) { c.Token = tok }
}

// testContext is the test's context with a deadline.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkClean fails when err's text holds a secret or a control character.
func checkClean(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range append(secrets, token) {
		if strings.Contains(msg, s) {
			t.Errorf("error holds the secret %q: %s", s, msg)
		}
	}
	if strings.ContainsAny(msg, "\r\n\x1b") {
		t.Errorf("error holds a control character: %q", msg)
	}
}

// wantPermission checks err is a *PermissionError for permission and status.
func wantPermission(t *testing.T, err error, permission string, status int) {
	t.Helper()
	var pe *ghreport.PermissionError
	if !errors.As(err, &pe) || !errors.Is(err, ghreport.ErrPermission) {
		t.Fatalf("err = %v, want a *PermissionError", err)
	}
	if pe.Permission != permission || pe.Status != status {
		t.Errorf("PermissionError = {%q, %d}, want {%q, %d}", pe.Permission, pe.Status, permission, status)
	}
	if !strings.Contains(err.Error(), permission) {
		t.Errorf("error %q does not name %q", err, permission)
	}
	checkClean(t, err)
}

// countRequests returns how many requests the sandbox got for endpoint e.
func countRequests(s *ghsandbox.Server, e ghsandbox.Endpoint) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == e {
			n++
		}
	}
	return n
}

// countPath counts the requests s received for method and path (below its
// prefix), whether it serves them or not.
func countPath(s *ghsandbox.Server, method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}
