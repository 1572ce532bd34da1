package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/report"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// TestDeployRequest_cutsLongStatement: a statement of 100 KB is cut in the
// terminal's card as in the Markdown card, with the same last line; the
// Markdown is cut too.
func TestDeployRequest_cutsLongStatement(t *testing.T) {
	t.Parallel()
	url, token := startScenario(t, "hostile-card")
	env := map[string]string{"PLANETSCALE_API_URL": url, "PLANETSCALE_SERVICE_TOKEN": token}
	cut := fmt.Sprintf("-- … %d more characters: the deploy request's page on PlanetScale shows the whole statement",
		sandbox.HostileStatementSize-report.MaxStatement)
	for _, format := range []string{"table", "markdown"} {
		r := runCLI(t, env, "deploy-request", "shop", "4", "--org", "acme", "--format", format)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", format, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, cut) {
			t.Errorf("%s: no line %q:\n%.600s", format, cut, r.stdout)
		}
		if len(r.stdout) > report.MaxStatement+2000 {
			t.Errorf("%s: %d bytes: the statement is not cut", format, len(r.stdout))
		}
	}
}

// TestCardText_redactsBeforeTheCut: a secret the cut would split is
// removed before the statement is cut, so no part of it is shown.
func TestCardText_redactsBeforeTheCut(t *testing.T) {
	t.Parallel()
	ddl := "ALTER TABLE t COMMENT '" + strings.Repeat("x", report.MaxStatement-len("ALTER TABLE t COMMENT '")-15) + tokenSecret + "'"
	c := check.Card{Number: 1, Branch: "b", IntoBranch: "main", DeploymentState: "ready", OperationsRead: true,
		Operations: []check.Operation{{Table: "t", Name: "ALTER", DDL: ddl}}}
	out := cardText(c, check.FailOnUnapproved, "open", sanitize.NewRedactor(tokenSecret))
	if strings.Contains(out, tokenSecret[:15]) || !strings.Contains(out, "x***'") {
		t.Errorf("the card shows part of the secret, or not its mask:\n%s", out[len(out)-300:])
	}
}

// TestDeployRequest_insideARunner: in a workflow (GITHUB_ACTIONS=true) no
// table name, DDL line, lint text, reviewer or pause reason of the hostile
// scenario becomes a workflow command the runner carries out, in any
// format (runCLI checks every line).
func TestDeployRequest_insideARunner(t *testing.T) {
	t.Parallel()
	url, token := startScenario(t, "hostile-card")
	env := map[string]string{"PLANETSCALE_API_URL": url, "PLANETSCALE_SERVICE_TOKEN": token, "GITHUB_ACTIONS": "true"}
	for n := 1; n <= 5; n++ {
		for _, format := range []string{"table", "markdown", "json"} {
			if r := runCLI(t, env, "deploy-request", "shop", fmt.Sprint(n), "--org", "acme", "--format", format); r.code != ExitOK {
				t.Errorf("#%d %s: exit %d\n%s", n, format, r.code, r.stderr)
			}
		}
	}
	for _, format := range []string{"table", "json", "markdown", "junit"} {
		runCLI(t, env, "check", "--database", "shop", "--org", "acme", "--fail-on", "deploy-order", "--format", format)
	}
}
