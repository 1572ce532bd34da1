package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestOverview_boundedConcurrency checks that overview reads several
// databases at once, never more than maxInFlight: the first maxInFlight
// reads are held until they are all in flight, and the most in flight is
// counted.
func TestOverview_boundedConcurrency(t *testing.T) {
	t.Parallel()
	const databases = 10
	token := sandbox.Token{ID: tokenID, Secret: tokenSecret, Grants: map[string][]string{}}
	var opts []sandbox.Option
	for i := range databases {
		name := fmt.Sprintf("db%02d", i)
		token.Grants["many/"+name] = []string{"read_database", "read_branch", "read_deploy_request"}
		opts = append(opts, sandbox.WithDatabase(sandbox.Database{Organization: "many", Name: name, RequireApproval: true,
			DeployRequests: []sandbox.DeployRequest{{Number: i + 1, Branch: "b", IntoBranch: "main", State: "open", DeploymentState: "ready"}}}))
	}
	api := sandbox.New(append(opts, sandbox.WithToken(token))...)

	var inFlight, peak, arrived atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		perDatabase := strings.HasSuffix(r.URL.Path, "/branches") || strings.HasSuffix(r.URL.Path, "/deploy-requests")
		if !perDatabase {
			api.ServeHTTP(w, r)
			return
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if arrived.Add(1) >= maxInFlight {
			once.Do(func() { close(release) })
		}
		select {
		case <-release:
		case <-time.After(10 * time.Second):
			t.Errorf("only %d reads arrived while the first waited: the databases are not read concurrently", arrived.Load())
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	r := runCLI(t, map[string]string{"PLANETSCALE_API_URL": srv.URL, "PLANETSCALE_SERVICE_TOKEN": combined(token)}, "overview", "--org", "many")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := peak.Load(); got > maxInFlight {
		t.Errorf("%d reads were in flight at once, want at most %d", got, maxInFlight)
	}
	for i := range databases {
		if !strings.Contains(r.stdout, fmt.Sprintf("db%02d ", i)) {
			t.Errorf("database db%02d is missing:\n%s", i, r.stdout)
		}
	}
	// The databases keep the API's order, however the reads interleaved.
	if strings.Index(r.stdout, "db00 ") > strings.Index(r.stdout, "db09 ") {
		t.Errorf("databases out of order:\n%s", r.stdout)
	}
}

// TestOverview_failedRead checks that a database whose reads fail for
// another reason than access still leaves the rest shown, and that the run
// exits 2: the overview is incomplete.
func TestOverview_failedRead(t *testing.T) {
	t.Parallel()
	a := startAPI(t, fullToken)
	a.server.OnRequest(func(_ int, r *http.Request) {
		if strings.Contains(r.URL.Path, "/blog/branches") {
			a.server.InjectFaults(sandbox.Fault{Status: http.StatusBadRequest, Body: `{"code":"bad_request","message":"Invalid branch query"}`})
		}
	})
	r := runCLI(t, envFor(a, combined(fullToken)), "overview", "--org", "acme")
	if r.code != ExitError {
		t.Errorf("exit %d, want %d", r.code, ExitError)
	}
	for _, want := range []string{"shop ", "✗ blog: could not read its branches", "400 Bad Request", "! analytics: the token cannot read"} {
		if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
			t.Errorf("overview lacks %q:\n%s", want, r.stdout)
		}
	}
}
