package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestCheck_wait checks wait mode: each round that still blocks is told on
// stderr with the next check's time, and the gate passes once the requests
// are approved.
func TestCheck_wait(t *testing.T) {
	t.Parallel()
	// One page a list, so each check reads the list once: the second
	// check's read finds the requests approved.
	a := startAPI(t, fullToken, sandbox.WithMaxPerPage(100))
	var lists atomic.Int32
	a.server.OnRequest(func(_ int, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/shop/deploy-requests") && lists.Add(1) == 2 {
			_ = a.server.UpdateDeployRequests("acme", "shop", func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
				for i := range drs {
					drs[i].Approved = true
				}
				return drs
			})
		}
	})
	r := runCLI(t, envFor(a, combined(fullToken)), "check", "shop", "--org", "acme", "--wait-timeout", "1m", "--wait-interval", "1s")
	if r.code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	stderr := strings.Join(strings.Fields(r.stderr), " ")
	for _, want := range []string{"Waiting up to 1m0s for the gate to pass, checking every 1s.", "Check 1: 2 deploy requests still block: #5, #7. Next check at "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "Check 2:") {
		t.Errorf("a second round was told though the gate passed:\n%s", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "✓ No deploy request blocks this change") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestCheck_markdown checks --markdown: the job summary's Markdown, worded
// for the command line, written whether the gate passes, blocks or cannot
// decide.
func TestCheck_markdown(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		database string
		want     int
		wantMD   []string
	}{
		"blocks":                {"shop", ExitFail, []string{"## ❌ 2 deploy requests need approval", "with `--fail-on` unapproved", "[#7](https://app.planetscale.com/acme/shop/deploy-requests/7)"}},
		"approval_not_required": {"blog", ExitFail, []string{"does not require approval", "`--fail-on` undeployed"}},
		"cannot_decide":         {"analytics", ExitError, []string{"## ⚠️ Could not check deploy requests", "read\\_deploy\\_request", "fails closed"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := startAPI(t, fullToken)
			file := filepath.Join(t.TempDir(), "gate.md")
			r := runCLI(t, envFor(a, combined(fullToken)), "check", tt.database, "--org", "acme", "--markdown", file)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
			md, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.wantMD {
				if !strings.Contains(string(md), w) {
					t.Errorf("Markdown lacks %q:\n%s", w, md)
				}
			}
			if strings.Contains(string(md), "input") {
				t.Errorf("Markdown speaks of the action's inputs:\n%s", md)
			}
		})
	}
}

// TestCheck_markdownUnwritable checks that a summary that cannot be written
// is an error, not a silent pass.
func TestCheck_markdownUnwritable(t *testing.T) {
	t.Parallel()
	a := startAPI(t, fullToken)
	file := filepath.Join(t.TempDir(), "missing-dir", "gate.md")
	r := runCLI(t, envFor(a, combined(fullToken)), "check", "shop", "--org", "acme", "--branch", "invoice-pdf", "--markdown", file)
	if r.code != ExitError || !strings.Contains(r.stderr, "write the Markdown summary") {
		t.Errorf("exit %d, want %d\n%s", r.code, ExitError, r.stderr)
	}
}

// TestCommands_hostileText checks that text from the API can neither show
// the token nor drive the terminal, in tables, JSON and errors.
func TestCommands_hostileText(t *testing.T) {
	t.Parallel()
	hostile := "leak-" + tokenSecret + "-\x1b]0;pwned\x07\x1b[2J\u202e"
	a := startAPI(t, fullToken)
	if err := a.server.SetDeployRequests("acme", "shop", []sandbox.DeployRequest{
		{Number: 9, Branch: hostile, IntoBranch: "main", State: "open", DeploymentState: "ready"},
	}); err != nil {
		t.Fatal(err)
	}
	env := envFor(a, combined(fullToken))
	for _, args := range [][]string{
		{"deploy-requests", "shop", "--org", "acme"},
		{"deploy-requests", "shop", "--org", "acme", "--format", "json"},
		{"check", "shop", "--org", "acme"},
		{"check", "shop", "--org", "acme", "--format", "json"},
		{"overview", "--org", "acme"},
		{"branches", "shop", "--org", "acme", "--format", "json"},
	} {
		r := runCLI(t, env, args...) // fails the test on a secret in any output
		for _, c := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(r.stdout+r.stderr, c) {
				t.Errorf("%q: output holds control character %q:\n%s", args, c, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "leak-***") {
			t.Errorf("%q: the branch is not shown with the secret masked:\n%s", args, r.stdout)
		}
	}
	// An error body that echoes the token.
	a.server.InjectFaults(sandbox.Fault{Status: http.StatusBadRequest,
		Body: `{"code":"bad_request","message":"token ` + combined(fullToken) + ` \u001b[31m is odd"}`})
	r := runCLI(t, env, "databases", "--org", "acme")
	if r.code != ExitError || !strings.Contains(r.stderr, "400 Bad Request") || strings.Contains(r.stderr, "\x1b") {
		t.Errorf("exit %d, stderr:\n%q", r.code, r.stderr)
	}
}

// TestCommands_notFoundOnLaterPage checks that a 404 on page 2, after page
// 1 of the same list was read, is not taken for a missing grant: the list
// or the access to it changed while it was read.
func TestCommands_notFoundOnLaterPage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"deploy-requests", "shop", "--org", "acme"}, {"check", "shop", "--org", "acme"}} {
		a := startAPI(t, fullToken)
		a.server.FailPageOnce(2, sandbox.Fault{Status: http.StatusNotFound, Body: `{"code":"not_found","message":"Not Found"}`})
		r := runCLI(t, envFor(a, combined(fullToken)), args...)
		if r.code != ExitError {
			t.Errorf("%q: exit %d, want %d", args, r.code, ExitError)
		}
		if !strings.Contains(r.stderr, "page 2") || strings.Contains(r.stderr, "add-access") || strings.Contains(r.stderr, "lacks read_deploy_request") {
			t.Errorf("%q: a 404 on page 2 is explained as a missing grant:\n%s", args, r.stderr)
		}
	}
}

// TestDatabaseLists: --database takes a list only in check, where a
// repeated name or a trailing comma leaves one database (checked as one,
// not as the name "shop,"); a list that names none is bad input.
func TestDatabaseLists(t *testing.T) {
	t.Parallel()
	url, token := startScenario(t, "unapproved")
	env := map[string]string{"PLANETSCALE_API_URL": url, "PLANETSCALE_SERVICE_TOKEN": token, "PLANETSCALE_ORG": "acme"}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", "--database", "shop,", "--format", "json"}, ExitFail, `"database": "shop"`},
		{[]string{"check", "shop,shop", "--format", "json"}, ExitFail, `"database": "shop"`},
		{[]string{"check", "--database", " , "}, ExitError, "names no database"},
		{[]string{"deploy-requests", "--database", "shop,blog"}, ExitError, "deploy-requests takes one (only check takes several)"},
	} {
		r := runCLI(t, env, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.want) {
			t.Errorf("%q: exit %d, want %d and %q in:\n%s%s", tc.args, r.code, tc.code, tc.want, r.stdout, r.stderr)
		}
	}
}
