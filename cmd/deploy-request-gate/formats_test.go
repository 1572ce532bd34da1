package main

import (
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// TestCLI_CheckJUnit runs check --format junit through the built binary
// against branch names meant to break XML or a terminal, and validates
// what it printed against the JUnit schema.
func TestCLI_CheckJUnit(t *testing.T) {
	t.Parallel()
	hostile := []string{"x]]><evil/>&amp;", "<script>&\"'", "esc\x1b[2Jnul\x00", "bidi\u202eexe.txt", "nonchar\uFFFE", "ok-branch"}
	var drs []sandbox.DeployRequest
	for i, b := range hostile {
		drs = append(drs, dr(10+i, b, "ready", i%2 == 1))
	}
	_, url := newAPI(t, true, drs)
	r := runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), "check", testDatabase, "--format", "junit")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (three requests block)\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	suites := testkit.CheckJUnit(t, []byte(r.stdout))
	if len(suites) != 1 || suites[0].Tests != len(hostile) || suites[0].Failures != 3 || suites[0].Errors != 0 {
		t.Fatalf("want one suite of %d cases, 3 failing: %+v", len(hostile), suites)
	}
	for _, c := range suites[0].Cases {
		if strings.HasPrefix(c.Name, "#10 ") && (c.Failure == nil || c.Failure.Type != "needs-approval" ||
			!strings.Contains(c.Failure.Text, "https://app.planetscale.com/acme/shop/deploy-requests/10")) {
			t.Errorf("case %q: want a needs-approval failure linking #10, got %+v", c.Name, c.Failure)
		}
	}
	if !strings.Contains(r.stdout, `name="#10 x]]&gt;&lt;evil/&gt;&amp;amp; → main"`) {
		t.Errorf("the hostile name is not escaped as expected:\n%s", r.stdout)
	}
}

// TestCLI_CheckJUnitCouldNotDecide: a run that cannot decide prints one
// test case in error and exits 2, so the CI shows it as broken.
func TestCLI_CheckJUnitCouldNotDecide(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, nil, sandbox.WithToken(noGrantToken))
	r := runCommand(t, commandEnv(url, combinedToken(noGrantToken)), "check", testDatabase, "--format", "junit")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	s := testkit.CheckJUnit(t, []byte(r.stdout))[0]
	if s.Tests != 1 || s.Errors != 1 || s.Cases[0].Error == nil || s.Cases[0].Error.Type != "could-not-decide" ||
		!strings.Contains(s.Cases[0].Error.Text, "read_deploy_request") {
		t.Errorf("want one could-not-decide error naming the grant, got %+v", s)
	}
}

// TestCLI_CheckFormatMarkdown: --format markdown prints the job summary's
// Markdown on stdout, as the action writes it.
func TestCLI_CheckFormatMarkdown(t *testing.T) {
	t.Parallel()
	_, url := newAPI(t, true, []sandbox.DeployRequest{dr(4, "drop_column|<b>", "ready", false), dr(5, "ok", "ready", true)})
	for _, tt := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"check", testDatabase, "--format", "markdown"}, 1, []string{"## ❌ 1 deploy request needs approval\n",
			"| ❌ needs approval | [#4](https://app.planetscale.com/acme/shop/deploy-requests/4) | drop\\_column\\|&lt;b&gt; → main |"}},
		{[]string{"check", testDatabase, "--format", "markdown", "--branch", "ok"}, 0, []string{"## ✅ No deploy request blocks this change\n"}},
	} {
		r := runCommand(t, commandEnv(url, tokenID+":"+tokenSecret), tt.args...)
		if r.code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, r.code, tt.code, r.stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%v: stdout lacks %q:\n%s", tt.args, want, r.stdout)
			}
		}
	}
}

// TestCLI_FormatAndFlagSuggestions: a mistyped --format value or flag is
// refused with the closest right one.
func TestCLI_FormatAndFlagSuggestions(t *testing.T) {
	t.Parallel()
	env := commandEnv("http://127.0.0.1:1", tokenID+":"+tokenSecret)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", testDatabase, "--format", "jnuit"}, `--format "jnuit": use table, json, junit or markdown (did you mean junit?)`},
		{[]string{"databases", "--format", "junit"}, `--format "junit": use table or json`},
		{[]string{"check", testDatabase, "--into-brnch", "main"}, "unknown flag: --into-brnch (did you mean --into-branch?)"},
		{[]string{"databases", "-fromat=json"}, "(did you mean --format?)"},
	} {
		r := runCommand(t, env, tt.args...)
		if r.code != 2 || !strings.Contains(strings.Join(strings.Fields(r.stderr), " "), tt.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestCLI_DemoUnknownScenario: the list of scenarios an unknown one gets
// names every scenario demo plays, pull-request included.
func TestCLI_DemoUnknownScenario(t *testing.T) {
	t.Parallel()
	r := runCommand(t, nil, "demo", "--scenario", "bogus")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown scenario "bogus": choose one of unapproved, approved, rate-limited, not-found, bad-token, no-approval-required, review, hostile-card, pull-request (or a fault scenario:`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	r = runCommand(t, nil, "demo", "--scenario", "pull-reqest")
	if r.code != 2 || !strings.Contains(r.stderr, "(did you mean pull-request?)") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}
