package check

import (
	"slices"
	"strings"
	"testing"
)

func TestStage_String(t *testing.T) {
	t.Parallel()
	for stage, want := range map[Stage]string{StageNotDeployed: "not deployed", StageApplied: "applied", StageNoChanges: "no changes"} {
		if got := stage.String(); got != want {
			t.Errorf("Stage(%d).String() = %q, want %q", int(stage), got, want)
		}
	}
}

func TestStageOf(t *testing.T) {
	t.Parallel()
	// A state is known only as the API spells it.
	for state, want := range map[string]struct {
		stage Stage
		known bool
	}{
		"ready":      {StageNotDeployed, true},
		"complete":   {StageApplied, true},
		"no_changes": {StageNoChanges, true},
		"":           {StageNotDeployed, false},
		"COMPLETE":   {StageNotDeployed, false},
		"complete ":  {StageNotDeployed, false},
		"deployed":   {StageNotDeployed, false},
	} {
		if stage, known := StageOf(state); stage != want.stage || known != want.known {
			t.Errorf("StageOf(%q) = %v, %t; want %v, %t", state, stage, known, want.stage, want.known)
		}
	}
}

// TestDeploymentStatesDocumented pins the list to the 20 values the API
// documents for deployment_state, in the API's order.
func TestDeploymentStates_Documented(t *testing.T) {
	t.Parallel()
	want := []string{
		"pending", "ready", "no_changes", "queued", "submitting", "in_progress", "pending_cutover",
		"in_progress_vschema", "in_progress_cancel", "in_progress_cutover", "complete", "complete_cancel",
		"complete_error", "complete_pending_revert", "in_progress_revert", "in_progress_revert_vschema",
		"complete_revert", "complete_revert_error", "cancelled", "error",
	}
	var got []string
	for _, s := range DeploymentStates {
		got = append(got, s.Name)
		if strings.TrimSpace(s.Meaning) == "" {
			t.Errorf("state %q has no meaning", s.Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("DeploymentStates names =\n%q\nwant\n%q", got, want)
	}
}
