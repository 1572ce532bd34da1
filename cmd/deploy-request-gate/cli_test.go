package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// noGrantToken may read the database acme/shop but not its deploy requests.
var noGrantToken = sandbox.Token{ID: "e2eNoGrant01", Secret: "pscale_tkn_e2eNoGrantSecret0123456789", Grants: map[string][]string{
	testOrg + "/" + testDatabase: {"read_database"},
}}

// cliRun is what one run of a command of the built binary printed.
type cliRun struct {
	code           int
	stdout, stderr string
}

// runCommand runs the built binary with args and env as its whole
// environment, as a CI job or a terminal would, and fails the test when
// any output shows a secret.
func runCommand(t *testing.T, env []string, args ...string) cliRun {
	t.Helper()
	cmd := exec.Command(gateBinary, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if cmd.ProcessState == nil { // it never ran
		t.Fatalf("run %v: %v", args, err)
	}
	r := cliRun{code: cmd.ProcessState.ExitCode(), stdout: string(stdout), stderr: stderr.String()}
	for _, s := range append(secrets, noGrantToken.Secret) {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("%v shows a secret:\nstdout:\n%s\nstderr:\n%s", args, r.stdout, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "goroutine ") {
		t.Errorf("%v printed a stack trace:\n%s%s", args, r.stdout, r.stderr)
	}
	return r
}

// commandEnv is the environment pscale users set: the API, the token and
// the organization.
func commandEnv(apiURL, token string) []string {
	return []string{"PLANETSCALE_API_URL=" + apiURL, "PLANETSCALE_SERVICE_TOKEN=" + token, "PLANETSCALE_ORG=" + testOrg}
}

func TestCLI_CheckExitStatus(t *testing.T) {
	t.Parallel()
	token := tokenID + ":" + tokenSecret
	tests := []struct {
		name       string
		drs        []sandbox.DeployRequest
		token      string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"pass", []sandbox.DeployRequest{dr(3, "add-index", "ready", true)}, token, 0, "✓ No deploy request blocks this change", ""},
		{"blocks", []sandbox.DeployRequest{dr(3, "add-index", "ready", true), dr(4, "drop-column", "ready", false)}, token, 1,
			"✗ 1 deploy request needs approval", ""},
		{"missing_grant", nil, combinedToken(noGrantToken), 2, "", "pscale service-token add-access <TOKEN-ID> read_deploy_request --database shop --org acme"},
		{"bad_token", nil, tokenID + ":pscale_tkn_wrong", 2, "", "401 Unauthorized"},
		{"no_token", nil, "", 2, "", "PLANETSCALE_SERVICE_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := newAPI(t, true, tt.drs, sandbox.WithToken(noGrantToken))
			r := runCommand(t, commandEnv(url, tt.token), "check", testDatabase)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, tt.wantStdout) {
				t.Errorf("stdout does not start with %q:\n%s", tt.wantStdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, r.stderr)
			}
		})
	}
}

func TestCLI_CheckMarkdown(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(4, "drop-column", "ready", false)})
	file := filepath.Join(t.TempDir(), "gate.md")
	r := runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), "check", "--database", testDatabase, "--into-branch", "main", "--markdown", file)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	md, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## ❌ 1 deploy request needs approval", "into **main** of **acme/shop** with `--fail-on` unapproved",
		"[#4](https://app.planetscale.com/acme/shop/deploy-requests/4)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestCLI_DeployRequestsJSON checks that --format json prints one JSON
// array holding every page of the list.
func TestCLI_DeployRequestsJSON(t *testing.T) {
	t.Parallel()
	var drs []sandbox.DeployRequest
	for n := 1; n <= 30; n++ {
		drs = append(drs, dr(n, fmt.Sprintf("feature-%d", n), "ready", n%7 != 0))
	}
	_, url := newAPI(t, true, drs, sandbox.WithMaxPerPage(7))
	r := runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), "deploy-requests", testDatabase, "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var got []struct {
		Number   int  `json:"number"`
		Approved bool `json:"approved"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not one JSON array: %v\n%s", err, r.stdout)
	}
	seen := map[int]bool{}
	for _, d := range got {
		seen[d.Number] = true
	}
	if len(got) != 30 || len(seen) != 30 {
		t.Errorf("got %d deploy requests (%d distinct) over 5 pages of 7, want 30", len(got), len(seen))
	}
}

func TestCLI_DoctorMissingGrant(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, nil, sandbox.WithToken(noGrantToken))
	r := runCommand(t, commandEnv(url, combinedToken(noGrantToken)), "doctor", "--database", testDatabase)
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"✓ Database shop exists", "✗ The token cannot list the deploy requests of acme/shop",
		"Fix: pscale service-token add-access <TOKEN-ID> read_deploy_request --database shop --org acme"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestCLI_Usage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`},
		{[]string{"databases", "--frob"}, nil, "unknown flag: --frob"},
		{[]string{"databases"}, []string{"PLANETSCALE_SERVICE_TOKEN=" + tokenID + ":" + tokenSecret}, "PLANETSCALE_ORG"},
	} {
		r := runCommand(t, tt.env, tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	r := runCommand(t, nil, "check", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--wait-timeout") {
		t.Errorf("check --help: exit %d\n%s", r.code, r.stdout)
	}
}

func combinedToken(t sandbox.Token) string { return t.ID + ":" + t.Secret }
