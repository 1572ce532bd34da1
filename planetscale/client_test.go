package planetscale_test

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()

	// wantErr is a part of the error; empty means no error.
	tests := map[string]struct{ in, want, wantErr string }{
		"https":                     {in: "https://api.planetscale.com", want: "https://api.planetscale.com"},
		"https_trailing_slash":      {in: "https://api.planetscale.com/", want: "https://api.planetscale.com"},
		"https_white_space":         {in: "  https://api.planetscale.com/\n", want: "https://api.planetscale.com"},
		"https_port":                {in: "https://proxy.example.com:8443", want: "https://proxy.example.com:8443"},
		"https_path_prefix":         {in: "https://proxy.example.com/planetscale/", want: "https://proxy.example.com/planetscale"},
		"http_localhost":            {in: "http://localhost:8080", want: "http://localhost:8080"},
		"http_localhost_upper_case": {in: "http://LOCALHOST:8080/", want: "http://LOCALHOST:8080"},
		"http_127_0_0_1":            {in: "http://127.0.0.1:9000/", want: "http://127.0.0.1:9000"},
		"http_127_other":            {in: "http://127.8.9.10", want: "http://127.8.9.10"},
		"http_ipv6_loopback":        {in: "http://[::1]:9000", want: "http://[::1]:9000"},
		"http_remote":               {in: "http://api.planetscale.com", wantErr: "plain http"},
		"http_private_ip":           {in: "http://10.0.0.1:8080", wantErr: "plain http"},
		"http_unspecified":          {in: "http://0.0.0.0:8080", wantErr: "plain http"},
		"http_localhost_lookalike":  {in: "http://localhost.example.com", wantErr: "plain http"},
		"http_127_lookalike":        {in: "http://127.0.0.1.example.com", wantErr: "plain http"},
		"user_info":                 {in: "https://user:hunter2@api.planetscale.com", wantErr: "user info"},
		"query":                     {in: "https://api.planetscale.com/?x=1", wantErr: "query or fragment"},
		"fragment":                  {in: "https://api.planetscale.com/#top", wantErr: "query or fragment"},
		"no_host":                   {in: "https://", wantErr: "no host"},
		"no_host_path_only":         {in: "https:///v1", wantErr: "no host"},
		"ftp":                       {in: "ftp://api.planetscale.com", wantErr: "https://"},
		"no_scheme":                 {in: "api.planetscale.com", wantErr: "https://"},
		"empty":                     {in: "", wantErr: "https://"},
		"not_a_url":                 {in: "https://api planetscale.com:x", wantErr: "not a URL"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got, err := planetscale.ParseBaseURL(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseBaseURL(%q) = %v, want an error", tt.in, got)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseBaseURL(%q) error = %q, want it to mention %q", tt.in, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("ParseBaseURL(%q) error = %q, contains the password", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBaseURL(%q) error = %v", tt.in, err)
			}
			if got, want := got.String(), tt.want; got != want {
				t.Errorf("ParseBaseURL(%q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestNewClient_baseURL(t *testing.T) {
	t.Parallel()

	c, err := planetscale.NewClient()
	if err != nil {
		t.Fatalf("NewClient() error = %v", err)
	}
	if got, want := c.BaseURL(), planetscale.DefaultBaseURL; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
	c, err = planetscale.NewClient(planetscale.WithBaseURL("http://127.0.0.1:8080/proxy/"))
	if err != nil {
		t.Fatalf("NewClient() error = %v", err)
	}
	if got, want := c.BaseURL(), "http://127.0.0.1:8080/proxy"; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
}

func TestNewClient_invalidOptions(t *testing.T) {
	t.Parallel()

	valid := fastPolicy()
	tests := []struct {
		name string
		opts []planetscale.Option
	}{
		{name: "plain_http", opts: []planetscale.Option{planetscale.WithBaseURL("http://api.planetscale.com")}},
		{name: "no_credentials", opts: []planetscale.Option{planetscale.WithCredentials(planetscale.Credentials{})}},
		{name: "nil_transport", opts: []planetscale.Option{planetscale.WithHTTPTransport(nil)}},
		{name: "zero_max_pages", opts: []planetscale.Option{planetscale.WithMaxPages(0)}},
		{name: "zero_base_delay", opts: []planetscale.Option{planetscale.WithRetryPolicy(func() planetscale.RetryPolicy {
			p := valid
			p.BaseDelay = 0
			return p
		}())}},
		{name: "max_delay_below_base", opts: []planetscale.Option{planetscale.WithRetryPolicy(func() planetscale.RetryPolicy {
			p := valid
			p.MaxDelay = p.BaseDelay / 2
			return p
		}())}},
		{name: "jitter_over_100", opts: []planetscale.Option{planetscale.WithRetryPolicy(func() planetscale.RetryPolicy {
			p := valid
			p.JitterPercent = 101
			return p
		}())}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, err := planetscale.NewClient(tt.opts...)
			if err == nil {
				t.Fatalf("NewClient() = %v, want an error", c)
			}
			if c != nil {
				t.Errorf("NewClient() = %v with error %v, want nil", c, err)
			}
			if !strings.HasPrefix(err.Error(), "planetscale client: ") {
				t.Errorf("NewClient() error = %q, want it to start with %q", err, "planetscale client: ")
			}
		})
	}
}

func TestPath(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, want string
		segments   []string
	}{
		{name: "none", want: "/v1"},
		{name: "plain", segments: []string{"organizations", "acme"}, want: "/v1/organizations/acme"},
		{name: "space", segments: []string{"organizations", "my org"}, want: "/v1/organizations/my%20org"},
		{name: "slash", segments: []string{"organizations", "a/b"}, want: "/v1/organizations/a%2Fb"},
		{name: "query_and_fragment_characters", segments: []string{"x?y#z%"}, want: "/v1/x%3Fy%23z%25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got, want := planetscale.Path(tt.segments...), tt.want; got != want {
				t.Errorf("Path(%q) = %q, want %q", tt.segments, got, want)
			}
		})
	}
}

// TestClient_pathPrefix calls through a proxy that serves the API under
// /proxy: the request must go to /proxy/v1/..., each segment escaped.
func TestClient_pathPrefix(t *testing.T) {
	t.Parallel()

	sb := sandbox.New(
		sandbox.WithDatabase(sandbox.Database{Organization: "my org", Name: "a/b"}),
		sandbox.WithToken(sandbox.Token{ID: testID, Secret: testSecret, Grants: map[string][]string{"my org/a/b": {"read_database"}}}),
	)
	proxy := http.StripPrefix("/proxy", sb)
	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { proxy.ServeHTTP(w, r) })

	c := newClient(t, url+"/proxy/")
	if _, err := c.GetDatabase(testContext(t), "my org", "a/b"); err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if got, want := rec.count(), 1; got != want {
		t.Fatalf("proxy got %d requests, want %d", got, want)
	}
	if got, want := rec.get(0).URL.EscapedPath(), "/proxy/v1/organizations/my%20org/databases/a%2Fb"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

// TestNewClient_optionsInAnyOrder gives the transport before and after the
// credentials, and credentials twice: every order authenticates, with the
// last credentials.
func TestNewClient_optionsInAnyOrder(t *testing.T) {
	t.Parallel()

	other := planetscale.Credentials{ID: "other1234567", Secret: "pscale_tkn_otherSecret"}
	tests := []struct {
		name string
		// opts gets the transport option to place.
		opts       func(transport planetscale.Option) []planetscale.Option
		wantHeader string
	}{
		{name: "transport_first", wantHeader: testID + ":" + testSecret, opts: func(tr planetscale.Option) []planetscale.Option {
			return []planetscale.Option{tr, planetscale.WithCredentials(testCreds)}
		}},
		{name: "transport_last", wantHeader: testID + ":" + testSecret, opts: func(tr planetscale.Option) []planetscale.Option {
			return []planetscale.Option{planetscale.WithCredentials(testCreds), tr}
		}},
		{name: "credentials_twice", wantHeader: other.ID + ":" + other.Secret, opts: func(tr planetscale.Option) []planetscale.Option {
			return []planetscale.Option{planetscale.WithCredentials(testCreds), tr, planetscale.WithCredentials(other)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				writeJSON(w, http.StatusOK, map[string]any{"name": testDB})
			})
			var viaTransport atomic.Int32
			tr := planetscale.WithHTTPTransport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
				viaTransport.Add(1)
				return http.DefaultTransport.RoundTrip(r)
			}))
			c, err := planetscale.NewClient(append(tt.opts(tr), planetscale.WithBaseURL(url))...)
			if err != nil {
				t.Fatalf("NewClient() error = %v", err)
			}
			if _, err := c.GetDatabase(testContext(t), testOrg, testDB); err != nil {
				t.Fatalf("GetDatabase() error = %v", err)
			}
			if got, want := rec.get(0).Header.Get("Authorization"), tt.wantHeader; got != want {
				t.Errorf("Authorization = %q, want %q", got, want)
			}
			if got := viaTransport.Load(); got != 1 {
				t.Errorf("the given transport carried %d requests, want 1", got)
			}
		})
	}
}

func TestClient_requestHeaders(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, map[string]any{"name": testDB})
	})
	c := newClient(t, url, planetscale.WithUserAgent("deploy-request-gate/test"))
	if _, err := c.GetDatabase(testContext(t), testOrg, testDB); err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	r := rec.get(0)
	if got, want := r.Method, http.MethodGet; got != want {
		t.Errorf("method = %q, want %q", got, want)
	}
	if got, want := r.Header.Get("Accept"), "application/json"; got != want {
		t.Errorf("Accept = %q, want %q", got, want)
	}
	if got, want := r.Header.Get("User-Agent"), "deploy-request-gate/test"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
	if got, want := r.URL.EscapedPath(), "/v1/organizations/acme/databases/shop"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

// TestClient_concurrent lists from several goroutines with one client; run
// with -race it checks that the client is safe for concurrent use.
func TestClient_concurrent(t *testing.T) {
	t.Parallel()

	drs := openDRs(30, 30)
	_, url := newSandbox(t, drs, sandbox.WithMaxPerPage(7))
	c := newClient(t, url)
	ctx := testContext(t)

	var wg sync.WaitGroup
	errs := make([]error, 8)
	got := make([][]planetscale.DeployRequest, 8)
	for i := range errs {
		wg.Go(func() {
			got[i], errs[i] = c.ListDeployRequests(ctx, testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: ListDeployRequests() error = %v", i, err)
			continue
		}
		if got, want := numbers(got[i]), sandboxNumbers(drs); !equalInts(got, want) {
			t.Errorf("goroutine %d: numbers = %v, want %v", i, got, want)
		}
	}
}
