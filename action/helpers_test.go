package action

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/runnersim"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/sethvargo/go-githubactions"
)

// newTestAction returns an action that reads its environment from vars
// (inside a runner unless vars say otherwise) and writes its log, workflow
// commands included, to the returned buffer.
func newTestAction(vars map[string]string) (*githubactions.Action, *bytes.Buffer) {
	if _, ok := vars["GITHUB_ACTIONS"]; !ok {
		vars["GITHUB_ACTIONS"] = "true"
	}
	var buf bytes.Buffer
	a := githubactions.New(
		githubactions.WithGetenv(func(k string) string { return vars[k] }),
		githubactions.WithWriter(&buf),
	)
	return a, &buf
}

// runnerFiles points GITHUB_OUTPUT and GITHUB_STEP_SUMMARY at fresh files in
// a temporary directory, as the runner does, and returns their paths.
func runnerFiles(t *testing.T, vars map[string]string) (outputPath, summaryPath string) {
	t.Helper()
	dir := t.TempDir()
	outputPath = filepath.Join(dir, "output")
	summaryPath = filepath.Join(dir, "summary.md")
	for _, p := range []string{outputPath, summaryPath} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vars["GITHUB_OUTPUT"] = outputPath
	vars["GITHUB_STEP_SUMMARY"] = summaryPath
	return outputPath, summaryPath
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseRunnerOutputs parses a GITHUB_OUTPUT file the way the Actions runner
// does, in file order (a name written twice appears twice).
func parseRunnerOutputs(t *testing.T, content string) []Output {
	t.Helper()
	cmds, err := runnersim.ParseFileCommands(strings.NewReader(content))
	if err != nil {
		t.Fatalf("parse GITHUB_OUTPUT as the runner does: %v\n%s", err, content)
	}
	out := make([]Output, len(cmds))
	for i, c := range cmds {
		out[i] = Output(c)
	}
	return out
}

// outputMap returns the last value of each output, as the runner keeps it.
func outputMap(outputs []Output) map[string]string {
	m := make(map[string]string, len(outputs))
	for _, o := range outputs {
		m[o.Name] = o.Value
	}
	return m
}

func outputNames(outputs []Output) []string {
	names := make([]string, len(outputs))
	for i, o := range outputs {
		names[i] = o.Name
	}
	return names
}

var (
	lines           = testkit.Lines
	linesWithPrefix = testkit.LinesWithPrefix
	tableRows       = testkit.TableRows
	cells           = testkit.Cells
	unescapedPipes  = testkit.UnescapedPipes
	testNow         = testkit.Now
	dr              = testkit.DR
)

// assertNoSecret fails when secret, in any escaped form, appears in log
// outside ::add-mask:: lines, or anywhere in the other texts.
func assertNoSecret(t *testing.T, secret, log string, files map[string]string) {
	t.Helper()
	for _, leak := range testkit.SecretLeaks([]string{secret}, log, files) {
		t.Error(leak)
	}
}

// fastRetry keeps retried runs quick: millisecond waits, Retry-After capped.
var fastRetry = planetscale.RetryPolicy{
	BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond,
	MaxRetries: 2, JitterPercent: 1, AttemptTimeout: 5 * time.Second,
}

var testToken = sandbox.Token{
	ID:     testTokenID,
	Secret: testSecret,
	Grants: map[string][]string{"acme/shop": {"read_deploy_request", "read_database"}},
}

func sandboxDR(n int, state string, approved bool) sandbox.DeployRequest {
	return sandbox.DeployRequest{
		Number: n, Branch: fmt.Sprintf("feature-%d", n), IntoBranch: "main", Approved: approved,
		State: "open", DeploymentState: state, Deployable: state != "pending" && state != "error",
		CreatedAt: testNow.Add(-2 * time.Hour),
	}
}

func shopDB(drs ...sandbox.DeployRequest) sandbox.Database {
	return sandbox.Database{Organization: "acme", Name: "shop", RequireApproval: true, DeployRequests: drs}
}

// startSandbox serves a fake PlanetScale API for one test.
func startSandbox(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	srv := sandbox.New(opts...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// startShop serves acme/shop holding drs, readable with the test token.
func startShop(t *testing.T, drs ...sandbox.DeployRequest) (*sandbox.Server, string) {
	t.Helper()
	return startSandbox(t, sandbox.WithDatabase(shopDB(drs...)), sandbox.WithToken(testToken))
}

// gateInputs are the inputs of a run against apiURL with the test token.
func gateInputs(apiURL string) map[string]string {
	return map[string]string{
		"INPUT_ORGANIZATION":  "acme",
		"INPUT_DATABASE":      "shop",
		"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret,
		"INPUT_API-URL":       apiURL,
		"INPUT_FAIL-ON":       "unapproved",
		"INPUT_TIMEOUT":       "2m",
	}
}

type runResult struct {
	result  Result
	log     string
	outputs []Output
	summary string
}

// runGate runs the gate in-process as the runner would, with GITHUB_OUTPUT
// and GITHUB_STEP_SUMMARY files unless the inputs already name them, and
// checks what every run must do: masks first, no secret anywhere.
func runGate(t *testing.T, vars map[string]string) runResult {
	t.Helper()
	outPath, summaryPath := vars["GITHUB_OUTPUT"], vars["GITHUB_STEP_SUMMARY"]
	if _, ok := vars["GITHUB_OUTPUT"]; !ok {
		outPath, summaryPath = runnerFiles(t, vars)
	}
	if _, ok := vars["GITHUB_ACTIONS"]; !ok {
		vars["GITHUB_ACTIONS"] = "true"
	}
	var buf bytes.Buffer
	res := Run(t.Context(), Options{
		Getenv: func(k string) string { return vars[k] }, Stdout: &buf,
		RetryPolicy: &fastRetry, Now: func() time.Time { return testNow }, UserAgent: "test", MinWaitInterval: time.Millisecond,
	})
	r := runResult{result: res, log: buf.String()}
	files := map[string]string{}
	if outPath != "" {
		if b, err := os.ReadFile(outPath); err == nil {
			files["GITHUB_OUTPUT"] = string(b)
			r.outputs = parseRunnerOutputs(t, string(b))
		}
	}
	if summaryPath != "" {
		if b, err := os.ReadFile(summaryPath); err == nil {
			r.summary = string(b)
			files["GITHUB_STEP_SUMMARY"] = r.summary
		}
	}
	assertMasksFirst(t, r.log)
	for _, secret := range []string{testSecret, otherSecret} {
		assertNoSecret(t, secret, r.log, files)
	}
	return r
}

// mustRun runs the gate as runGate does and stops the test unless it ends
// with want.
func mustRun(t *testing.T, vars map[string]string, want Result) runResult {
	t.Helper()
	r := runGate(t, vars)
	if r.result != want {
		t.Fatalf("result = %v, want %v; log:\n%s", r.result, want, r.log)
	}
	return r
}

// assertMasksFirst checks that the ::add-mask:: lines come before any other
// line, and that the test secret is masked whenever the inputs hold it.
func assertMasksFirst(t *testing.T, log string) {
	t.Helper()
	other := false
	for i, l := range lines(log) {
		isMask := strings.HasPrefix(l, "::add-mask::")
		if isMask && other {
			t.Errorf("log line %d %q masks a value after other output", i+1, l)
		}
		if !isMask {
			other = true
		}
	}
}

func annotations(log, kind string) []string {
	return linesWithPrefix(log, "::"+kind+" ")
}
