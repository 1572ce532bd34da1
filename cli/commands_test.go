package cli

import (
	"slices"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// noDeployRequestGrant may read shop and its branches, not its deploy
// requests.
var noDeployRequestGrant = sandbox.Token{ID: tokenID, Secret: tokenSecret, Grants: map[string][]string{
	"acme/shop": {"read_database", "read_branch"},
}}

// TestCommands_golden runs each command against the sandbox as a user
// would, in table and JSON form, and compares what it prints with
// testdata/<name>.golden (go test ./cli -update rewrites them).
func TestCommands_golden(t *testing.T) {
	t.Parallel()
	wrongToken := tokenID + ":" + wrongSecret
	tests := []struct {
		name  string
		args  []string
		token *sandbox.Token // the token the API knows; fullToken when nil
		opts  []sandbox.Option
		env   map[string]string // on top of the API's address and the token
		want  int
	}{
		{name: "organizations", args: []string{"organizations"}, env: map[string]string{"PLANETSCALE_ORG": "acme"}},
		{name: "organizations_json", args: []string{"organizations", "--format", "json"}},
		{name: "databases", args: []string{"databases", "--org", "acme"}},
		{name: "databases_json", args: []string{"databases", "--org", "acme", "--format", "json"}},
		{name: "database", args: []string{"database", "shop", "--org", "acme"}},
		{name: "database_json", args: []string{"database", "--org", "acme", "--database", "shop", "--format", "json"}},
		{name: "branches", args: []string{"branches", "shop", "--org", "acme"}},
		{name: "branches_json", args: []string{"branches", "shop", "--org", "acme", "--format", "json"}},
		{name: "deploy_requests", args: []string{"deploy-requests", "shop", "--org", "acme"}},
		{name: "deploy_requests_json", args: []string{"deploy-requests", "shop", "--org", "acme", "--format", "json"}},
		{name: "deploy_requests_all_into_main", args: []string{"deploy-requests", "shop", "--org", "acme", "--state", "all", "--into-branch", "main"}},
		{name: "deploy_requests_closed", args: []string{"deploy-requests", "shop", "--org", "acme", "--state", "closed"}},
		{name: "deploy_requests_missing_grant", args: []string{"deploy-requests", "analytics", "--org", "acme"}, want: ExitError},
		{name: "check_blocks", args: []string{"check", "shop", "--org", "acme"}, want: ExitFail},
		{name: "check_json", args: []string{"check", "shop", "--org", "acme", "--format", "json"}, want: ExitFail},
		{name: "check_passes_for_branch", args: []string{"check", "shop", "--org", "acme", "--branch", "invoice-pdf"}},
		{name: "check_fail_on_undeployed", args: []string{"check", "shop", "--org", "acme", "--fail-on", "undeployed", "--into-branch", "main"}, want: ExitFail},
		{name: "check_fail_on_never", args: []string{"check", "shop", "--org", "acme", "--fail-on", "never"}},
		{name: "check_approval_not_required", args: []string{"check", "blog", "--org", "acme"}, want: ExitFail},
		{name: "check_missing_grant", args: []string{"check", "analytics", "--org", "acme"}, want: ExitError},
		{name: "check_wrong_token_404", args: []string{"check", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": wrongToken},
			opts: []sandbox.Option{sandbox.WithUnknownTokenNotFound()}, want: ExitError},
		{name: "doctor", args: []string{"doctor", "shop", "--org", "acme"}},
		{name: "doctor_json", args: []string{"doctor", "shop", "--org", "acme", "--format", "json"}},
		{name: "doctor_without_database", args: []string{"doctor", "--org", "acme"}},
		{name: "doctor_missing_grant", args: []string{"doctor", "shop", "--org", "acme"}, token: &noDeployRequestGrant, want: ExitFail},
		{name: "doctor_misspelled_database", args: []string{"doctor", "shpo", "--org", "acme"}, want: ExitFail},
		{name: "doctor_misspelled_organization", args: []string{"doctor", "shop", "--org", "acmee"}, want: ExitFail},
		{name: "doctor_wrong_token_401", args: []string{"doctor", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": wrongToken}, want: ExitFail},
		{name: "doctor_wrong_token_404", args: []string{"doctor", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": wrongToken},
			opts: []sandbox.Option{sandbox.WithUnknownTokenNotFound()}, want: ExitFail},
		{name: "doctor_no_token", args: []string{"doctor", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": ""}, want: ExitFail},
		{name: "doctor_secret_without_id", args: []string{"doctor", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": tokenSecret}, want: ExitFail},
		{name: "overview", args: []string{"overview", "--org", "acme"}},
		{name: "overview_json", args: []string{"overview", "--org", "acme", "--format", "json"}},
		{name: "overview_from_env_org", args: []string{"overview"}, env: map[string]string{"PLANETSCALE_ORG": "acme"}},
		{name: "missing_org", args: []string{"databases"}, want: ExitError},
		{name: "no_token", args: []string{"deploy-requests", "shop", "--org", "acme"}, env: map[string]string{"PLANETSCALE_SERVICE_TOKEN": ""}, want: ExitError},
		{name: "unknown_command", args: []string{"deploy-reqests", "shop"}, want: ExitError},
		{name: "unknown_flag", args: []string{"branches", "shop", "--org", "acme", "--verbose"}, want: ExitError},
		{name: "help", args: []string{"help"}},
		{name: "help_check", args: []string{"help", "check"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := fullToken
			if tt.token != nil {
				token = *tt.token
			}
			a := startAPI(t, token, tt.opts...)
			env := envFor(a, combined(fullToken))
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, slices.Clone(tt.args)...)
			if r.code != tt.want {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
			testkit.Golden(t, tt.name+".golden", r.transcript(a.url, tt.args))
		})
	}
}

// TestCommands_demoScenarios runs the gate on the demo's scenarios, whose
// lists span several pages and whose API fails once on the way.
func TestCommands_demoScenarios(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		scenario string
		args     []string
		want     int
	}{
		{"unapproved", []string{"check", "shop", "--org", "acme"}, ExitFail},
		{"approved", []string{"check", "shop", "--org", "acme", "--into-branch", "staging"}, ExitOK},
		{"no-approval-required", []string{"doctor", "shop", "--org", "acme"}, ExitOK},
		{"not-found", []string{"check", "shop", "--org", "acme"}, ExitError},
		{"bad-token", []string{"check", "shop", "--org", "acme"}, ExitError},
		{"approved", []string{"overview", "--org", "acme"}, ExitOK},
	} {
		name := "scenario_" + tt.scenario + "_" + tt.args[0]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url, token := startScenario(t, tt.scenario)
			r := runCLI(t, map[string]string{"PLANETSCALE_API_URL": url, "PLANETSCALE_SERVICE_TOKEN": token}, tt.args...)
			if r.code != tt.want {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
			testkit.Golden(t, name+".golden", r.transcript(url, tt.args))
		})
	}
}
