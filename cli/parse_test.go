package cli

import (
	"flag"
	"strings"
	"testing"
)

// TestMain_flagsAnywhere checks that flags may stand before the command,
// between the words and after them, as pscale users expect.
func TestMain_flagsAnywhere(t *testing.T) {
	t.Parallel()
	a := startAPI(t, fullToken)
	env := envFor(a, combined(fullToken))
	want := runCLI(t, env, "deploy-requests", "--org", "acme", "--database", "shop")
	if want.code != ExitOK || !strings.Contains(want.stdout, "#7") {
		t.Fatalf("deploy-requests: exit %d\n%s%s", want.code, want.stdout, want.stderr)
	}
	for _, args := range [][]string{
		{"deploy-requests", "shop", "--org", "acme"},
		{"deploy-requests", "--org", "acme", "shop"},
		{"--org", "acme", "deploy-requests", "shop"},
		{"--org=acme", "deploy-requests", "--format=table", "shop"},
		{"deploy-requests", "--org", "acme", "--", "shop"},
		{"-org", "acme", "deploy-requests", "-database", "shop"},
	} {
		got := runCLI(t, env, args...)
		if got.code != want.code || got.stdout != want.stdout {
			t.Errorf("%q: exit %d, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s", args, got.code, got.stdout, want.code, want.stdout, got.stderr)
		}
	}
}

// TestMain_flagsWinOverEnv checks that a flag wins over the variable
// pscale reads for the same setting.
func TestMain_flagsWinOverEnv(t *testing.T) {
	t.Parallel()
	a := startAPI(t, fullToken)
	env := map[string]string{
		"PLANETSCALE_ORG":              "nope",
		"PLANETSCALE_API_URL":          "http://127.0.0.1:1",
		"PLANETSCALE_SERVICE_TOKEN":    tokenID + ":" + wrongSecret,
		"PLANETSCALE_SERVICE_TOKEN_ID": "other-id",
	}
	r := runCLI(t, env, "database", "shop", "--org", "acme", "--api-url", a.url, "--service-token", combined(fullToken))
	if r.code != ExitOK || !strings.Contains(r.stdout, "Name:") {
		t.Errorf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestMain_splitToken checks the token given as the secret alone, with its
// ID in PLANETSCALE_SERVICE_TOKEN_ID (or --service-token-id).
func TestMain_splitToken(t *testing.T) {
	t.Parallel()
	a := startAPI(t, fullToken)
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"env", map[string]string{"PLANETSCALE_SERVICE_TOKEN": tokenSecret, "PLANETSCALE_SERVICE_TOKEN_ID": tokenID}, nil},
		{"flags", nil, []string{"--service-token", tokenSecret, "--service-token-id", tokenID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"PLANETSCALE_API_URL": a.url}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, append([]string{"organizations"}, tt.args...)...)
			if r.code != ExitOK || !strings.Contains(r.stdout, "acme") {
				t.Errorf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestMain_usageErrors checks that a command line that does not parse, or
// lacks a setting, exits 2 with a message that names the fix.
func TestMain_usageErrors(t *testing.T) {
	t.Parallel()
	token := combined(fullToken)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // in stderr
	}{
		{"no_command", nil, []string{"--org", "acme"}, []string{"no command given", "Commands: organizations"}},
		{"unknown_command", nil, []string{"frobnicate"}, []string{`unknown command "frobnicate"`, "Usage: deploy-request-gate COMMAND"}},
		{"misspelled_command", nil, []string{"overveiw"}, []string{"did you mean overview?"}},
		{"unknown_flag", nil, []string{"databases", "--frob"}, []string{"unknown flag: --frob", "Usage: deploy-request-gate databases", "help databases"}},
		{"unknown_flag_before_command", nil, []string{"--frob", "databases"}, []string{"unknown flag: --frob"}},
		{"flag_without_value", nil, []string{"databases", "--org"}, []string{"flag needs an argument: --org"}},
		{"extra_word", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"databases", "extra", "--org", "acme"}, []string{`unexpected argument "extra"`}},
		{"missing_org", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"databases"}, []string{"--org", "PLANETSCALE_ORG"}},
		{"missing_database", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"check", "--org", "acme"}, []string{"no database", "--database"}},
		{"database_twice", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"check", "shop", "--org", "acme", "--database", "blog"}, []string{"given twice"}},
		{"no_token", nil, []string{"organizations"}, []string{"PLANETSCALE_SERVICE_TOKEN", "--service-token"}},
		{"token_id_only", map[string]string{"PLANETSCALE_SERVICE_TOKEN_ID": tokenID}, []string{"organizations"}, []string{"token itself is empty"}},
		{"bad_name", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"databases", "--org", "acme/shop"}, []string{"--org", "not a bare name"}},
		{"bad_format", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"organizations", "--format", "yaml"}, []string{`--format "yaml": use table or json`}},
		{"bad_timeout", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"organizations", "--timeout", "forever"}, []string{"--timeout", "not a duration"}},
		{"bad_api_url", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"organizations", "--api-url", "http://example.com"}, []string{"--api-url", "plain http"}},
		{"bad_state", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"deploy-requests", "shop", "--org", "acme", "--state", "merged"}, []string{`--state "merged"`}},
		{"bad_policy", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"check", "shop", "--org", "acme", "--fail-on", "sometimes"}, []string{"--fail-on", "not a policy"}},
		{"bad_wait", map[string]string{"PLANETSCALE_SERVICE_TOKEN": token}, []string{"check", "shop", "--org", "acme", "--wait-timeout", "7h"}, []string{"--wait-timeout", "out of range"}},
		{"help_unknown", nil, []string{"help", "frob"}, []string{`unknown command "frob"`}},
		{"demo_extra_word", nil, []string{"demo", "extra"}, []string{`unexpected argument "extra"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, tt.env, tt.args...)
			if r.code != ExitError {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, ExitError, r.stderr)
			}
			stderr := strings.Join(strings.Fields(r.stderr), " ") // as one line, however wrapped
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty, got:\n%s", r.stdout)
			}
		})
	}
}

// TestMain_help checks --help, -h and help COMMAND at every level: exit 0,
// the usage on stdout, and for each command every flag it takes.
func TestMain_help(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		r := runCLI(t, nil, args...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "Commands:") || r.stderr != "" {
			t.Errorf("%q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	for _, c := range commands() {
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}, {c.name, "-h"}, {"--org", "acme", c.name, "-help"}} {
			r := runCLI(t, nil, args...)
			if r.code != ExitOK || !strings.HasPrefix(r.stdout, "Usage: deploy-request-gate "+c.name) {
				t.Errorf("%q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
				continue
			}
			c.allFlags().VisitAll(func(f *flag.Flag) {
				if !strings.Contains(r.stdout, "--"+f.Name+" ") && !strings.Contains(r.stdout, "--"+f.Name+"\n") {
					t.Errorf("%q: help does not list --%s:\n%s", args, f.Name, r.stdout)
				}
			})
			for _, section := range []string{"Examples:", "Exit status:"} {
				if c.name != "version" && !strings.Contains(r.stdout, section) {
					t.Errorf("%q: help has no %q section", args, section)
				}
			}
		}
	}
}

// TestMain_version checks version and version --verbose.
func TestMain_version(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "version")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "deploy-request-gate ") {
		t.Errorf("version: exit %d: %q", r.code, r.stdout)
	}
	r = runCLI(t, nil, "--version")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "deploy-request-gate ") {
		t.Errorf("--version: exit %d: %q", r.code, r.stdout)
	}
	r = runCLI(t, nil, "version", "--verbose")
	for _, w := range []string{"version:", "commit:", "go:", "platform:"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("version --verbose lacks %q:\n%s", w, r.stdout)
		}
	}
}

// TestMain_noArgumentsIsNoCommand: the command line without a command asks
// for one (main runs the GitHub Action instead, before the command line),
// and the demo says so when main gave it no action to play.
func TestMain_noArgumentsIsNoCommand(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil)
	if r.code != ExitError || !strings.Contains(r.stderr, "no command given") || r.stdout != "" {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %q; want 2 and \"no command given\"", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "demo")
	if r.code != ExitError || !strings.Contains(r.stderr, "the demo plays the GitHub Action, which main did not hand to the command line") {
		t.Errorf("demo without an action: exit %d, stdout %q, stderr %q; want 2 and why", r.code, r.stdout, r.stderr)
	}
}
