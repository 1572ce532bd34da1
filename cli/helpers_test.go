package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// testNow is the clock every in-process run sees; the fixture's times are
// set from it, so ages are the same on every run.
var testNow = testkit.Now

const (
	tokenID     = "tk7q2w1z9x3c"
	tokenSecret = "pscale_tkn_cliTestSecretValue0123456789"
	// wrongSecret is a mistyped or revoked secret of tokenID.
	wrongSecret = "pscale_tkn_cliTestRevokedValue987654321"
	// sandboxURL stands for the sandbox's address in golden files.
	sandboxURL = "http://sandbox.test"
)

// secrets are what no output may show.
var secrets = []string{tokenSecret, tokenID + ":" + tokenSecret, wrongSecret, sandbox.DemoToken.Secret}

// fullToken reads what the gate and the commands need in acme, except the
// branches and deploy requests of analytics.
var fullToken = sandbox.Token{ID: tokenID, Secret: tokenSecret, Grants: map[string][]string{
	"acme":           {"read_organization"},
	"acme/shop":      {"read_deploy_request", "read_database", "read_branch"},
	"acme/blog":      {"read_deploy_request", "read_database", "read_branch"},
	"acme/analytics": {"read_database"},
}}

// fixtureOptions serve acme with three databases, two items a page so
// every list has several pages.
func fixtureOptions() []sandbox.Option {
	ago := func(h int) time.Time { return testNow.Add(-time.Duration(h) * time.Hour) }
	shop := sandbox.Database{Organization: "acme", Name: "shop", RequireApproval: true, DeployRequests: []sandbox.DeployRequest{
		{Number: 7, Branch: "add-orders-index", IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true, CreatedAt: ago(3)},
		{Number: 6, Branch: "customer-loyalty-points-with-a-rather-long-branch-name", IntoBranch: "main", Approved: true, State: "open", DeploymentState: "ready", Deployable: true, CreatedAt: ago(30)},
		{Number: 5, Branch: "drop-legacy-coupons", IntoBranch: "staging", State: "open", DeploymentState: "error", CreatedAt: ago(80)},
		{Number: 4, Branch: "invoice-pdf", IntoBranch: "main", State: "open", DeploymentState: "complete_pending_revert", Deployable: true, CreatedAt: ago(100)},
		{Number: 3, Branch: "tax-rates", IntoBranch: "main", Approved: true, State: "closed", DeploymentState: "complete", Deployable: true, CreatedAt: ago(400)},
	}}
	blog := sandbox.Database{Organization: "acme", Name: "blog", Region: "aws-eu-west-1", DeployRequests: []sandbox.DeployRequest{
		{Number: 2, Branch: "comments-index", IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true, CreatedAt: ago(5)},
	}}
	analytics := sandbox.Database{Organization: "acme", Name: "analytics", Region: "gcp-us-central1", RequireApproval: true, DeployRequests: []sandbox.DeployRequest{
		{Number: 1, Branch: "events-partition", IntoBranch: "main", State: "open", DeploymentState: "pending", CreatedAt: ago(1)},
	}}
	return []sandbox.Option{
		sandbox.WithOrganization(sandbox.Organization{Name: "acme", CreatedAt: ago(24 * 400)}),
		sandbox.WithDatabase(shop), sandbox.WithDatabase(blog), sandbox.WithDatabase(analytics),
		sandbox.WithMaxPerPage(2),
	}
}

// api is a sandbox API served for one test.
type api struct {
	server *sandbox.Server
	url    string
}

// startAPI serves the fixture with token (and more options) for the test.
func startAPI(t *testing.T, token sandbox.Token, opts ...sandbox.Option) api {
	t.Helper()
	s := sandbox.New(append(append(fixtureOptions(), sandbox.WithToken(token)), opts...)...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return api{server: s, url: srv.URL}
}

// startScenario serves one of the demo's scenarios, built at testNow, and
// returns its address and token.
func startScenario(t *testing.T, name string) (url, token string) {
	t.Helper()
	sc, err := sandbox.NewScenario(name, testNow)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sc.Server)
	t.Cleanup(srv.Close)
	return srv.URL, sc.ServiceToken
}

// result is what one in-process run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs Main in-process with env as the whole environment and the
// fixed clock, and fails the test if any output shows a secret.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, Env{
		Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return testNow },
	})
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	for _, leak := range testkit.SecretLeaks(secrets, "", map[string]string{"stdout": r.stdout, "stderr": r.stderr}) {
		t.Errorf("%v: %s", args, leak)
	}
	// No command writes a workflow command, and outside text never becomes
	// one (the demo, which frames the action's own, is tested on the
	// built binary).
	if !slices.Contains(args, "demo") {
		for name, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			for _, line := range testkit.RunnerCommands(text) {
				t.Errorf("%v: the runner carries out this %s line as a workflow command: %q", args, name, line)
			}
		}
	}
	if strings.Contains(r.stdout+r.stderr, "goroutine ") || strings.Contains(r.stdout+r.stderr, "panic") {
		t.Errorf("%v: a stack trace was printed:\n%s%s", args, r.stdout, r.stderr)
	}
	return r
}

// envFor is the environment that points the commands at a with token.
func envFor(a api, token string) map[string]string {
	return map[string]string{"PLANETSCALE_API_URL": a.url, "PLANETSCALE_SERVICE_TOKEN": token}
}

// combined is a token in ID:TOKEN form.
func combined(t sandbox.Token) string { return t.ID + ":" + t.Secret }

var retryWait = regexp.MustCompile(`retrying in [0-9.]+m?s`)

// transcript is a run as a golden file holds it: the command line, the
// exit status and both streams, with the sandbox's address and the retry
// waits (which vary) replaced.
func (r result) transcript(apiURL string, args []string) string {
	norm := func(s string) string {
		if apiURL != "" {
			s = strings.ReplaceAll(s, apiURL, sandboxURL)
		}
		return retryWait.ReplaceAllString(s, "retrying in …")
	}
	return "$ deploy-request-gate " + strings.Join(args, " ") + "\n" +
		"exit status " + strconv.Itoa(r.code) + "\n" +
		"--- stdout\n" + norm(r.stdout) + "--- stderr\n" + norm(r.stderr)
}
