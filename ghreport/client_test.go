package ghreport_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
)

// TestParseAPIURL takes GITHUB_API_URL as the runner gives it, adds the
// trailing slash go-github needs, and refuses what could leak the token.
func TestParseAPIURL(t *testing.T) {
	t.Parallel()
	// As the runner gives it, and the base URL go-github gets: loopback
	// may be plain http, the slash is added once.
	accepted := map[string]string{
		"":                                 "https://api.github.com/",
		"https://api.github.com":           "https://api.github.com/",
		"https://ghe.example.com/api/v3":   "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/api/v3/":  "https://ghe.example.com/api/v3/",
		"http://127.0.0.1:8080/prefix/api": "http://127.0.0.1:8080/prefix/api/",
		"http://localhost:1":               "http://localhost:1/",
	}
	for in, want := range accepted {
		u, err := ghreport.ParseAPIURL(in)
		if err != nil {
			t.Errorf("ParseAPIURL(%q): %v", in, err)
		} else if got := u.String(); got != want {
			t.Errorf("ParseAPIURL(%q) = %q, want %q", in, got, want)
		}
	}
	// What could leak the token, and what the error says; it never echoes
	// the user info.
	for in, wantErr := range map[string]string{
		"http://ghe.example.com/api/v3":         "plain http",
		"ftp://ghe.example.com":                 "must start with https://",
		"https:///api/v3":                       "has no host",
		"https://ghe.example.com/api/v3?x=1":    "query or fragment",
		"https://user:hunter22@ghe.example.com": "must not hold user info",
		"https://ghe example.com/\x7f":          "is not a URL",
	} {
		_, err := ghreport.ParseAPIURL(in)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ParseAPIURL(%q) error = %v, want one containing %q", in, err, wantErr)
		}
		checkClean(t, err, "hunter22")
	}
}

func TestNewClient_token(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, token string
		enabled     bool
		wantErr     error
		errText     string
	}{
		{name: "empty", token: "", wantErr: ghreport.ErrNoToken},
		{name: "blank", token: "  \n", wantErr: ghreport.ErrNoToken},
		{name: "inner_newline", token: "ghs_abc\nX-Evil: 1", enabled: true, errText: "control character"},
		{name: "good", token: token, enabled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ghreport.Config{Token: tc.token}
			if got := cfg.Enabled(); got != tc.enabled {
				t.Errorf("Enabled() = %v, want %v", got, tc.enabled)
			}
			c, err := ghreport.NewClient(cfg)
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("NewClient error = %v, want %v", err, tc.wantErr)
			case tc.errText != "" && (err == nil || !strings.Contains(err.Error(), tc.errText)):
				t.Errorf("NewClient error = %v, want one containing %q", err, tc.errText)
			case tc.wantErr == nil && tc.errText == "" && (err != nil || c.BaseURL() != ghreport.DefaultAPIURL):
				t.Errorf("NewClient = %v, %v; want a client for %s", c, err, ghreport.DefaultAPIURL)
			}
			checkClean(t, err, "X-Evil")
		})
	}
}

// TestClient_pathPrefix runs a call against an API under /api/v3, given
// without its trailing slash, as GITHUB_API_URL is on GitHub Enterprise Server.
func TestClient_pathPrefix(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/api/v3", "/deep/prefix/api/v3", ""} {
		t.Run(strings.ReplaceAll(strings.Trim(prefix, "/"), "/", "_")+"_", func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, prefix)
			c := newClient(t, base, func(cfg *ghreport.Config) { cfg.UserAgent = "gate-test/1.0" })
			if err := c.SetStatus(testContext(t), owner, repo, sha(1), ghreport.Status{State: ghreport.StateSuccess, Context: "planetscale/app"}); err != nil {
				t.Fatalf("SetStatus: %v", err)
			}
			if got := len(s.Statuses(full, sha(1))); got != 1 {
				t.Errorf("statuses stored = %d, want 1", got)
			}
			reqs := s.Requests()
			if len(reqs) != 1 || reqs[0].Path != "/repos/acme/shop/statuses/"+sha(1) || !reqs[0].Authorized {
				t.Errorf("requests = %+v, want one authorized POST below the prefix", reqs)
			}
			if got := c.Requests(); got != 1 {
				t.Errorf("Requests() = %d, want 1", got)
			}
		})
	}
}

// TestClient_headers checks the token goes as a Bearer token with the user agent.
func TestClient_headers(t *testing.T) {
	t.Parallel()
	var auth, agent atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		agent.Store(r.Header.Get("User-Agent"))
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":1,"state":"success"}`))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *ghreport.Config) { cfg.UserAgent = "gate-test/1.0" })
	if err := c.SetStatus(testContext(t), owner, repo, sha(1), ghreport.Status{State: ghreport.StatePending, Context: "x"}); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if got, want := auth.Load(), "Bearer "+token; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if got, want := agent.Load(), "gate-test/1.0"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

// TestClient_redirects follows a redirect within the API's host (a
// renamed repository), with the token, but not one to another host,
// which never sees the token.
func TestClient_redirects(t *testing.T) {
	t.Parallel()
	var elsewhereAuth atomic.Value
	elsewhereAuth.Store("(no request)")
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhereAuth.Store(r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"state":"success","statuses":[]}`))
	}))
	t.Cleanup(elsewhere.Close)
	var movedAuth atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/old/"):
			http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/old"), http.StatusMovedPermanently)
		case strings.HasPrefix(r.URL.Path, "/away/"):
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
		default:
			movedAuth.Store(r.Header.Get("Authorization"))
			_, _ = w.Write([]byte(`{"state":"success","statuses":[]}`))
		}
	}))
	t.Cleanup(api.Close)

	c := newClient(t, api.URL+"/old")
	if _, _, err := c.LatestStatus(testContext(t), owner, repo, sha(1), "c"); err != nil {
		t.Fatalf("LatestStatus through a same-host redirect: %v", err)
	}
	if got, want := movedAuth.Load(), "Bearer "+token; got != want {
		t.Errorf("after a same-host redirect Authorization = %q, want %q", got, want)
	}

	c = newClient(t, api.URL+"/away")
	_, _, err := c.LatestStatus(testContext(t), owner, repo, sha(1), "c")
	if !errors.Is(err, ghreport.ErrUnexpectedResponse) || !strings.Contains(err.Error(), "not followed") {
		t.Errorf("err = %v, want a redirect not followed", err)
	}
	if got := elsewhereAuth.Load(); got != "(no request)" {
		t.Errorf("the other host got a request with Authorization %q", got)
	}
	checkClean(t, err)
}
