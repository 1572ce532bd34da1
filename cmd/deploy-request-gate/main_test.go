package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/runnersim"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// gateBinary is the binary built once by TestMain, as the Dockerfile builds
// it; emptyRootBinary is a copy of it alone in an empty directory.
var gateBinary, emptyRootBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deploy-request-gate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gateBinary = filepath.Join(dir, "deploy-request-gate")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", gateBinary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the binary: %v\n%s", err, out)
		os.Exit(1)
	}
	emptyRootBinary = filepath.Join(dir, "root", "deploy-request-gate")
	if err := copyExecutable(gateBinary, emptyRootBinary); err != nil {
		fmt.Fprintf(os.Stderr, "copy the binary: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func copyExecutable(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755)
}

const (
	testOrg      = "acme"
	testDatabase = "shop"
	tokenID      = "e2e7tk9q2w1z"
	tokenSecret  = "pscale_tkn_e2eSecretValue0123456789abcdef"
)

// testToken may read deploy requests and the database of acme/shop.
var testToken = sandbox.Token{ID: tokenID, Secret: tokenSecret, Grants: map[string][]string{
	testOrg + "/" + testDatabase: {"read_deploy_request", "read_database"},
}}

// secrets are the values that must never be shown outside ::add-mask::.
var secrets = []string{tokenSecret, tokenID + ":" + tokenSecret}

// newAPI starts a sandbox API serving acme/shop with drs.
func newAPI(t *testing.T, requireApproval bool, drs []sandbox.DeployRequest, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	opts = append([]sandbox.Option{
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDatabase, RequireApproval: requireApproval, DeployRequests: drs}),
		sandbox.WithToken(testToken),
	}, opts...)
	api := sandbox.New(opts...)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv.URL
}

// gateRun is what one run of the binary left behind.
type gateRun struct {
	exitCode       int
	stdout, stderr string
	outputsRaw     string
	outputs        map[string]string
	summary        string
}

// runGate runs the built binary as the runner runs a container action: the
// inputs as INPUT_<NAME> (upper-cased, hyphens kept, every declared input
// present, defaults filled in), the file-command paths, the event payload,
// an empty working directory and nothing else in the environment.
func runGate(t *testing.T, inputs map[string]string, extraEnv ...string) gateRun {
	t.Helper()
	return startGate(t, inputs, extraEnv...).wait()
}

// gateProcess is a run of the built binary under way.
type gateProcess struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr *bytes.Buffer
	files          map[string]string
}

// startGate starts the built binary as runGate runs it; wait collects what
// it left behind.
func startGate(t *testing.T, inputs map[string]string, extraEnv ...string) *gateProcess {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(dir, "file_commands", "set_output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "file_commands", "step_summary"),
		"GITHUB_EVENT_PATH":   filepath.Join(dir, "workflow", "event.json"),
	}
	for _, p := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	event := `{"action":"synchronize","number":7,"pull_request":{"number":7,"head":{"sha":"0123456789abcdef0123456789abcdef01234567"}}}`
	if err := os.WriteFile(files["GITHUB_EVENT_PATH"], []byte(event), 0o644); err != nil {
		t.Fatal(err)
	}
	defaults := map[string]string{
		"organization": "", "database": "", "service-token": "", "service-token-id": "",
		"branch": "", "into-branch": "", "fail-on": "unapproved", "api-url": "https://api.planetscale.com", "timeout": "2m",
	}
	for k, v := range inputs {
		defaults[k] = v
	}
	env := []string{
		"GITHUB_ACTIONS=true", "CI=true", "GITHUB_EVENT_NAME=pull_request", "GITHUB_REPOSITORY=acme/shop-app",
		"GITHUB_WORKSPACE=" + dir, "HOME=/github/home",
	}
	for k, p := range files {
		env = append(env, k+"="+p)
	}
	for k, v := range defaults {
		env = append(env, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	env = append(env, extraEnv...)

	workdir := filepath.Join(dir, "workspace")
	if err := os.Mkdir(workdir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gateBinary)
	cmd.Env = env
	cmd.Dir = workdir
	p := &gateProcess{t: t, cmd: cmd, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, files: files}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the binary: %v", err)
	}
	return p
}

// wait waits for the binary to end and returns what it left behind.
func (p *gateProcess) wait() gateRun {
	t, files := p.t, p.files
	t.Helper()
	err := p.cmd.Wait()
	run := gateRun{stdout: p.stdout.String(), stderr: p.stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		run.exitCode = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("run the binary: %v", err)
	}
	raw, err := os.ReadFile(files["GITHUB_OUTPUT"])
	if err != nil {
		t.Fatal(err)
	}
	run.outputsRaw = string(raw)
	parsed, err := runnersim.ParseFileCommands(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse GITHUB_OUTPUT as the runner does: %v\n%s", err, raw)
	}
	run.outputs = map[string]string{}
	for _, o := range parsed {
		run.outputs[o.Name] = o.Value
	}
	summary, err := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	if err != nil {
		t.Fatal(err)
	}
	run.summary = string(summary)
	checkNoSecretLeaks(t, run)
	return run
}

// checkNoSecretLeaks fails the test when a secret shows anywhere but in an
// ::add-mask:: command, or when anything is printed before the masks.
func checkNoSecretLeaks(t *testing.T, run gateRun) {
	t.Helper()
	lines := strings.Split(run.stdout, "\n")
	masking := true
	for i, line := range lines {
		if strings.HasPrefix(line, "::add-mask::") {
			if !masking {
				t.Errorf("stdout line %d: ::add-mask:: after other output:\n%s", i+1, run.stdout)
			}
			continue
		}
		masking = false
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("stdout line %d shows a secret: %q", i+1, line)
			}
		}
	}
	for _, s := range secrets {
		for name, text := range map[string]string{"stderr": run.stderr, "GITHUB_OUTPUT": run.outputsRaw, "GITHUB_STEP_SUMMARY": run.summary} {
			if strings.Contains(text, s) {
				t.Errorf("%s shows a secret:\n%s", name, text)
			}
		}
	}
}

// annotations returns the workflow commands of kind (error, warning, notice) in stdout.
func annotations(stdout, kind string) []string {
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::"+kind+" ") || strings.HasPrefix(line, "::"+kind+"::") {
			out = append(out, line)
		}
	}
	return out
}

// requireExit stops the test unless run ended with exit status code.
func requireExit(t *testing.T, run gateRun, code int) {
	t.Helper()
	if run.exitCode != code {
		t.Fatalf("exit code = %d, want %d\n%s", run.exitCode, code, run.stdout)
	}
}

// wantOutputs checks that each output in want has its value.
func wantOutputs(t *testing.T, run gateRun, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := run.outputs[k]; got != v {
			t.Errorf("output %s = %q, want %q", k, got, v)
		}
	}
}

// waitUntil calls ready every interval until it reports true, and stops
// the test with never if that takes more than 30 seconds.
func waitUntil(t *testing.T, interval time.Duration, never string, ready func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			t.Fatal(never)
		}
		time.Sleep(interval)
	}
}

// requireUndecided checks a run that could not decide: exit status 2,
// result=error, the error summary and exactly one titled error annotation,
// which it returns.
func requireUndecided(t *testing.T, run gateRun) string {
	t.Helper()
	if got, want := run.exitCode, 2; got != want {
		t.Fatalf("exit code = %d, want %d\n%s", got, want, run.stdout)
	}
	if got := run.outputs["result"]; got != "error" {
		t.Errorf("result = %q, want error", got)
	}
	if !strings.Contains(run.summary, "## ⚠️ Could not check deploy requests") {
		t.Errorf("no error summary:\n%s", run.summary)
	}
	if strings.Contains(run.stdout+run.stderr, "goroutine ") {
		t.Errorf("a stack trace was printed:\n%s%s", run.stdout, run.stderr)
	}
	errs := annotations(run.stdout, "error")
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "::error title=Deploy request gate could not decide::") {
		t.Fatalf("want one error annotation titled 'Deploy request gate could not decide', got %q", errs)
	}
	return errs[0]
}

func baseInputs(apiURL string) map[string]string {
	return map[string]string{
		"organization":  testOrg,
		"database":      testDatabase,
		"service-token": tokenID + ":" + tokenSecret,
		"api-url":       apiURL,
		"timeout":       "30s",
	}
}

func dr(number int, branch, state string, approved bool) sandbox.DeployRequest {
	return sandbox.DeployRequest{
		Number: number, Branch: branch, IntoBranch: "main", Approved: approved, State: "open",
		DeploymentState: state, Deployable: state != "pending" && state != "error",
		CreatedAt: time.Now().Add(-time.Duration(number) * time.Hour),
	}
}

func TestGate_Pass(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{
		dr(3, "add-index", "ready", true),
		dr(4, "applied-already", "complete_pending_revert", false),
		{Number: 2, Branch: "old", IntoBranch: "main", State: "closed", DeploymentState: "complete"},
	})
	run := runGate(t, baseInputs(url))

	if got, want := run.exitCode, 0; got != want {
		t.Fatalf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", got, want, run.stdout, run.stderr)
	}
	want := map[string]string{"result": "pass", "total": "2", "approved-count": "1", "unapproved-count": "0", "blocking": ""}
	wantOutputs(t, run, want)
	var items []map[string]any
	if err := json.Unmarshal([]byte(run.outputs["deploy-requests"]), &items); err != nil {
		t.Fatalf("deploy-requests output is not JSON: %v", err)
	}
	if got, want := len(items), 2; got != want {
		t.Fatalf("deploy-requests has %d items, want %d", got, want)
	}
	for _, s := range secrets {
		if !strings.Contains(run.stdout, "::add-mask::"+s+"\n") {
			t.Errorf("stdout does not mask %q", s)
		}
	}
	if got := annotations(run.stdout, "notice"); len(got) != 1 || !strings.Contains(got[0], "title=Deploy request gate passed") {
		t.Errorf("notice annotations = %q, want one titled 'Deploy request gate passed'", got)
	}
	if got := annotations(run.stdout, "error"); len(got) != 0 {
		t.Errorf("error annotations on pass: %q", got)
	}
	for _, s := range []string{"## ✅ No deploy request blocks this change", "[#3](https://app.planetscale.com/acme/shop/deploy-requests/3)", "| ✅ applied |"} {
		if !strings.Contains(run.summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, run.summary)
		}
	}
}

func TestGate_FailOnUnapproved(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{
		dr(12, "add-orders-index", "ready", false),
		dr(9, "drop-coupons", "error", false),
		dr(10, "ok-one", "ready", true),
	})
	run := runGate(t, baseInputs(url))

	if got, want := run.exitCode, 1; got != want {
		t.Fatalf("exit code = %d, want %d\nstdout:\n%s", got, want, run.stdout)
	}
	want := map[string]string{"result": "fail", "total": "3", "approved-count": "1", "unapproved-count": "2", "blocking": "9,12"}
	wantOutputs(t, run, want)
	errs := annotations(run.stdout, "error")
	if got, want := len(errs), 2; got != want {
		t.Fatalf("error annotations = %d, want %d: %q", got, want, errs)
	}
	if !strings.HasPrefix(errs[0], "::error title=Deploy request #9 is not approved::") ||
		!strings.Contains(errs[1], "add-orders-index → main needs approval") ||
		!strings.Contains(errs[1], "https://app.planetscale.com/acme/shop/deploy-requests/12") {
		t.Errorf("error annotations = %q", errs)
	}
	if !strings.Contains(run.summary, "## ❌ 2 deploy requests need approval") ||
		!strings.Contains(run.summary, "| ❌ needs approval | [#9](https://app.planetscale.com/acme/shop/deploy-requests/9) | drop-coupons → main | no | error |") {
		t.Errorf("summary:\n%s", run.summary)
	}
}

func TestGate_FailOnUndeployedAndNever(t *testing.T) {
	t.Parallel()
	// #5 is approved but not deployed, #6 neither, #7 is applied.
	drs := []sandbox.DeployRequest{
		dr(5, "approved-waiting", "ready", true),
		dr(6, "unapproved", "pending", false),
		dr(7, "done", "complete", true),
	}
	_, url := newAPI(t, true, drs)
	for _, tc := range []struct {
		failOn                   string
		wantCode                 int
		wantResult, wantBlocking string
		wantErrors, wantWarnings int
	}{
		{"undeployed", 1, "fail", "5,6", 2, 0},
		{"never", 0, "pass", "", 0, 1},
	} {
		t.Run(tc.failOn, func(t *testing.T) {
			t.Parallel()
			in := baseInputs(url)
			in["fail-on"] = tc.failOn
			run := runGate(t, in)
			if got := run.exitCode; got != tc.wantCode {
				t.Errorf("exit code = %d, want %d\n%s", got, tc.wantCode, run.stdout)
			}
			if got := run.outputs["result"]; got != tc.wantResult {
				t.Errorf("result = %q, want %q", got, tc.wantResult)
			}
			if got := run.outputs["blocking"]; got != tc.wantBlocking {
				t.Errorf("blocking = %q, want %q", got, tc.wantBlocking)
			}
			if got := run.outputs["unapproved-count"]; got != "1" {
				t.Errorf("unapproved-count = %q, want 1", got)
			}
			if got := len(annotations(run.stdout, "error")); got != tc.wantErrors {
				t.Errorf("%d error annotations, want %d:\n%s", got, tc.wantErrors, run.stdout)
			}
			if got := len(annotations(run.stdout, "warning")); got != tc.wantWarnings {
				t.Errorf("%d warning annotations, want %d:\n%s", got, tc.wantWarnings, run.stdout)
			}
		})
	}
}

// TestGate_Paging puts the only unapproved request at position 26 of 250,
// past the first page of 25 that pscale and planetscale-go read, and has the
// server cap pages at 100.
func TestGate_Paging(t *testing.T) {
	t.Parallel()
	var drs, open []sandbox.DeployRequest
	for i := 0; i < 300; i++ {
		d := dr(1000-i, fmt.Sprintf("feature-%d", i), "ready", true)
		if i%6 == 5 {
			d.State = "closed" // the API's state=open filter drops these
		} else {
			open = append(open, d)
		}
		drs = append(drs, d)
	}
	open[25].Approved = false // position 26 of the open list
	for i := range drs {
		if drs[i].Number == open[25].Number {
			drs[i].Approved = false
		}
	}
	api, url := newAPI(t, true, drs)
	run := runGate(t, baseInputs(url))

	if got, want := run.exitCode, 1; got != want {
		t.Fatalf("exit code = %d, want %d\n%s", got, want, run.stdout)
	}
	if got, want := run.outputs["blocking"], fmt.Sprint(open[25].Number); got != want {
		t.Errorf("blocking = %q, want %q", got, want)
	}
	if got, want := run.outputs["total"], fmt.Sprint(len(open)); got != want {
		t.Errorf("total = %q, want %q", got, want)
	}
	// A list of more than one page counts only when two walks agree.
	pages := testkit.ListPages(t, api.Requests(), testOrg, testDatabase)
	if want := []string{"1", "2", "3", "1", "2", "3"}; !testkit.SameWalks(pages, want) {
		t.Errorf("pages requested = %v, want %v", pages, want)
	}
}

func TestGate_RetriesTransientFailures(t *testing.T) {
	t.Parallel()
	api, url := newAPI(t, true, []sandbox.DeployRequest{dr(1, "a", "ready", true)})
	api.InjectFaults(sandbox.Unavailable, sandbox.RateLimitedFor("1"), sandbox.InternalError)
	start := time.Now()
	run := runGate(t, baseInputs(url))

	if got, want := run.exitCode, 0; got != want {
		t.Fatalf("exit code = %d, want %d\n%s", got, want, run.stdout)
	}
	if got := strings.Count(run.stdout, "retrying in"); got != 3 {
		t.Errorf("%d retry lines, want 3:\n%s", got, run.stdout)
	}
	for _, s := range []string{"503 Service Unavailable", "429 Too Many Requests", "500 Internal Server Error"} {
		if !strings.Contains(run.stdout, s) {
			t.Errorf("log does not name %q:\n%s", s, run.stdout)
		}
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("finished in %s: Retry-After: 1 was not honoured", elapsed)
	}
}

func TestGate_Timeout(t *testing.T) {
	t.Parallel()
	api, url := newAPI(t, true, nil)
	api.InjectFaults(sandbox.Unavailable, sandbox.Fault{Delay: time.Minute})
	in := baseInputs(url)
	in["timeout"] = "2s"
	run := runGate(t, in)

	if msg := requireUndecided(t, run); !strings.Contains(msg, "503 Service Unavailable") {
		t.Errorf("error %q does not name the last real failure (503)", msg)
	}
	if strings.Contains(run.stdout, "context deadline exceeded") {
		t.Errorf("log says only 'context deadline exceeded':\n%s", run.stdout)
	}
}

func TestGate_APIErrorsAreExplained(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(1, "a", "ready", false)})
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		want   []string
	}{
		{"401_revoked_token", map[string]string{"service-token": tokenID + ":pscale_tkn_revokedRevokedRevoked0000"},
			[]string{"401 Unauthorized", "wrong, expired or was deleted"}},
		{"404_wrong_database", map[string]string{"database": "shop-typo"},
			[]string{`Organization "acme" or database "shop-typo" not found`, "read_deploy_request", "PlanetScale answers 404 for a missing grant"}},
		{"404_wrong_organization", map[string]string{"organization": "acme-typo"},
			[]string{`Organization "acme-typo" or database "shop" not found`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := baseInputs(url)
			for k, v := range tc.inputs {
				in[k] = v
			}
			msg := requireUndecided(t, runGate(t, in))
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestGate_MissingGrant: the token is valid but lacks read_deploy_request on
// the database; PlanetScale answers 404, which the gate must explain.
func TestGate_MissingGrant(t *testing.T) {
	t.Parallel()
	limited := testToken
	limited.Grants = map[string][]string{testOrg + "/" + testDatabase: {"read_branch"}}
	api := sandbox.New(
		sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDatabase,
			DeployRequests: []sandbox.DeployRequest{dr(1, "a", "ready", false)}}),
		sandbox.WithToken(limited))
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	if msg := requireUndecided(t, runGate(t, baseInputs(srv.URL))); !strings.Contains(msg, "lacks `read_deploy_request` on \"shop\"") {
		t.Errorf("404 not explained as a missing grant: %s", msg)
	}
}

func TestGate_BadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		inputs map[string]string
		env    []string
		want   []string
	}{
		{"nothing_set", map[string]string{}, nil,
			[]string{`input "organization" is required`, `input "database" is required`, "no service token"}},
		{"bearer_prefix", map[string]string{"organization": "acme", "database": "shop", "service-token": "Bearer " + tokenID + ":" + tokenSecret}, nil,
			[]string{`starts with "Bearer "`, `remove "Bearer "`}},
		{"swapped", map[string]string{"organization": "acme", "database": "shop", "service-token": tokenSecret + ":" + tokenID}, nil,
			[]string{"swapped"}},
		{"secret_without_id", map[string]string{"organization": "acme", "database": "shop", "service-token": tokenSecret + "\n"}, nil,
			[]string{"without its ID"}},
		{"plain_http", map[string]string{"organization": "acme", "database": "shop", "service-token": tokenID + ":" + tokenSecret, "api-url": "http://api.example.com"}, nil,
			[]string{"plain http"}},
		{"bad_policy_and_timeout", map[string]string{"organization": "acme", "database": "shop", "service-token": tokenID + ":" + tokenSecret, "fail-on": "sometimes", "timeout": "soon"}, nil,
			[]string{`input "fail-on"`, `input "timeout"`}},
		{"env_secret_without_env_id", map[string]string{"organization": "acme", "database": "shop"}, []string{"PLANETSCALE_SERVICE_TOKEN=" + tokenSecret},
			[]string{"without its ID", "env PLANETSCALE_SERVICE_TOKEN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := requireUndecided(t, runGate(t, tc.inputs, tc.env...))
			// The annotation's message is escaped: quotes stay, newlines become %0A.
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestGate_SplitTokenFromEnv uses the two variables the pscale CLI reads.
func TestGate_SplitTokenFromEnv(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(1, "a", "ready", true)})
	in := baseInputs(url)
	delete(in, "service-token")
	run := runGate(t, in, "PLANETSCALE_SERVICE_TOKEN_ID="+tokenID, "PLANETSCALE_SERVICE_TOKEN="+tokenSecret+"\n")
	if got, want := run.exitCode, 0; got != want {
		t.Fatalf("exit code = %d, want %d\n%s", got, want, run.stdout)
	}
	if !strings.HasPrefix(run.stdout, "::add-mask::") {
		t.Errorf("stdout does not start with ::add-mask:::\n%s", run.stdout)
	}
}

func TestGate_ApprovalNotRequiredNote(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, false, []sandbox.DeployRequest{dr(1, "a", "ready", false)})
	run := runGate(t, baseInputs(url))
	if !strings.Contains(run.summary, "does not require approval") {
		t.Errorf("summary lacks the approval note:\n%s", run.summary)
	}
}

// TestGate_HostileAPIText: branch names from the API cannot inject Markdown
// or HTML into the summary, nor break the table.
func TestGate_HostileAPIText(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{
		dr(1, `evil|<img src=x onerror=alert(1)>[click](javascript:alert(1))`, "ready", false),
	})
	run := runGate(t, baseInputs(url))
	if strings.Contains(run.summary, "<img") || strings.Contains(run.summary, "](javascript") {
		t.Errorf("summary carries raw HTML or a link from the API:\n%s", run.summary)
	}
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	for _, line := range strings.Split(run.summary, "\n") {
		if strings.HasPrefix(line, "|") && strings.Contains(line, "evil") { // the table row; the card heading names it too
			if got := len(unescapedPipe.FindAllString(line, -1)); got != 7 {
				t.Errorf("table row has %d cell separators, want 7: %s", got, line)
			}
		}
	}
}

// TestBinary_IsStatic checks what the Dockerfile relies on: a static binary
// that runs from an empty directory with an empty environment.
func TestBinary_IsStatic(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("ELF check runs on linux")
	}
	f, err := elf.Open(gateBinary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("binary has a dynamic loader (PT_INTERP): not static")
		}
	}
	// The copy in an empty root was made in TestMain, before any test ran
	// in parallel: a copy written here could be held open by another test's
	// fork, and exec would fail with "text file busy".
	root := filepath.Dir(emptyRootBinary)
	bin := emptyRootBinary
	cmd := exec.Command(bin, "version")
	cmd.Dir = root
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "deploy-request-gate ") {
		t.Fatalf("version from an empty root: %v: %s", err, out)
	}
	// With no runner files at all the gate still fails closed, cleanly.
	cmd = exec.Command(bin)
	cmd.Dir = root
	cmd.Env = []string{}
	out, err = cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || strings.Contains(string(out), "panic") {
		t.Fatalf("gate with an empty environment: %v\n%s", err, out)
	}
}

func TestDemo_Scenarios(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"unapproved":           {"Exit status 1", "result=fail", "blocking=105,114", "retrying in"},
		"approved":             {"Exit status 0", "result=pass", "::notice title=Deploy request gate passed"},
		"rate-limited":         {"Exit status 1", "429 Too Many Requests", "result=fail"},
		"not-found":            {"Exit status 2", "result=error", "lacks `read_deploy_request`"},
		"bad-token":            {"Exit status 2", "result=error", "401 Unauthorized"},
		"no-approval-required": {"Exit status 1", "result=fail", "does not require approval for deploy requests"},
	}
	if got := sandbox.ScenarioNames(); len(got) != len(want) {
		t.Fatalf("scenarios = %v; this test covers %d", got, len(want))
	}
	var mu sync.Mutex
	for name, wants := range want {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(gateBinary, "demo", "--scenario", name)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("demo exited with %v (it must exit 0):\n%s", err, out)
			}
			for _, w := range wants {
				if !strings.Contains(string(out), w) {
					t.Errorf("demo output lacks %q:\n%s", w, out)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, s := range []string{sandbox.DemoToken.Secret, "pscale_tkn_revokedSandboxSecret0002"} {
				if strings.Contains(string(out), s) {
					t.Errorf("demo output shows the sandbox secret")
				}
			}
		})
	}
}

func TestDemo_BadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"demo", "--scenario", "nope"}, {"demo", "extra"}, {"frobnicate"}} {
		out, err := exec.Command(gateBinary, args...).CombinedOutput()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
			t.Errorf("%v: err = %v, want exit 2\n%s", args, err, out)
		}
	}
}

// TestDemo_InsideARunner: a workflow that runs the demo (GITHUB_ACTIONS
// set, or in a container without it: stdout is no terminal) gets what it
// prints as text: framed by ::stop-commands:: and the line that ends it,
// nothing else is a command the runner carries out, even in the scenarios
// whose API text and statements forge commands.
func TestDemo_InsideARunner(t *testing.T) {
	t.Parallel()
	for _, scenario := range []string{"approved", "control-chars", "hostile-card", "pull-request"} {
		for _, env := range []string{"GITHUB_ACTIONS=true", "GITHUB_ACTIONS="} {
			t.Run(scenario+"/"+env, func(t *testing.T) {
				t.Parallel()
				cmd := exec.Command(gateBinary, "demo", "--scenario", scenario)
				cmd.Env = []string{env, "HOME=" + t.TempDir()}
				checkDemoFramed(t, cmd)
			})
		}
	}
}

// checkDemoFramed runs the demo and fails unless the runner would carry
// out nothing of what it prints but its stop-commands frame.
func checkDemoFramed(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, _ := cmd.CombinedOutput()
	commands := testkit.RunnerCommands(string(out))
	if len(commands) == 0 || len(commands)%2 != 0 {
		t.Fatalf("the runner carries out %q, want only stop-commands frames:\n%s", commands, out)
	}
	for i := 0; i < len(commands); i += 2 {
		token, ok := strings.CutPrefix(commands[i], "::stop-commands::")
		if !ok || len(token) < 20 || commands[i+1] != "::"+token+"::" {
			t.Errorf("commands %d and %d are %q and %q, want a stop-commands frame", i+1, i+2, commands[i], commands[i+1])
		}
	}
	if !strings.Contains(string(out), "::add-mask::***") {
		t.Errorf("the step log lost the action's own commands:\n%s", out)
	}
}
