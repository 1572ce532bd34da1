package check

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// TestREADME_DeploymentStateTable keeps the README's table of the 20
// deployment states in step with DeploymentStates: same order, stage and
// meaning, and the blocking columns the verdict actually gives.
func TestREADME_DeploymentStateTable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, found := strings.Cut(string(raw), "\n| `deployment_state` |")
	if !found {
		t.Fatal("README has no table headed | `deployment_state` |")
	}
	var rows []string
	for _, line := range strings.Split(table, "\n")[2:] { // after the header's rest and the separator
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, line)
	}
	if got, want := len(rows), len(DeploymentStates); got != want {
		t.Fatalf("README has %d deployment-state rows, want %d", got, want)
	}
	blocks := func(p Policy, state string) string {
		unapproved := evaluateOne(p, state, false)
		approvedBlocks := evaluateOne(p, state, true)
		switch {
		case unapproved && approvedBlocks:
			return "yes"
		case unapproved:
			return "if not approved"
		}
		return "no"
	}
	for i, s := range DeploymentStates {
		want := fmt.Sprintf("| `%s` | %s | %s | %s | %s |", s.Name, s.Stage, s.Meaning,
			blocks(FailOnUnapproved, s.Name), blocks(FailOnUndeployed, s.Name))
		if rows[i] != want {
			t.Errorf("README row %d:\n got %s\nwant %s", i+1, rows[i], want)
		}
	}
}

func evaluateOne(p Policy, state string, approved bool) bool {
	v := Evaluate([]planetscale.DeployRequest{testkit.DR(1, state, approved)}, Filter{}, p)
	return !v.Passed()
}
