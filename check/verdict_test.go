package check

import (
	"fmt"
	"slices"
	"testing"
)

// decision is what Evaluate decided about one deploy request.
type decision struct {
	Blocking, NeedsApproval bool
	Stage                   Stage
	KnownState              bool
}

// decide evaluates dr alone under p: the verdict and its one decision.
func decide(t *testing.T, dr DeployRequest, p Policy) (Verdict, decision) {
	t.Helper()
	v := Evaluate([]DeployRequest{dr}, Filter{}, p)
	if len(v.Matched) != 1 {
		t.Fatalf("got %d matched, want 1", len(v.Matched))
	}
	e := v.Matched[0]
	return v, decision{e.Blocking, e.NeedsApproval, e.Stage, e.KnownState}
}

// openDR is open deploy request #n in state, approved or not.
func openDR(n int, state string, approved bool) DeployRequest {
	return DeployRequest{Number: n, State: "open", DeploymentState: state, Approved: approved}
}

// closedDR is closed deploy request #n in state.
func closedDR(n int, state string) DeployRequest {
	return DeployRequest{Number: n, State: "closed", DeploymentState: state}
}

// TestEvaluateEveryState decides every documented deployment_state, approved
// and not, under each policy. The expectations are written out here rather
// than derived from StageOf, so a wrong entry in DeploymentStates fails.
func TestEvaluate_EveryState(t *testing.T) {
	t.Parallel()
	type row struct {
		state    string
		approved bool
		stage    Stage
		// needsApproval is the same under every policy.
		needsApproval bool
		// Blocking under fail-on unapproved, undeployed and never.
		onUnapproved, onUndeployed, onNever bool
	}
	const (
		nd = StageNotDeployed
		ap = StageApplied
		nc = StageNoChanges
	)
	rows := []row{
		{"pending", false, nd, true, true, true, false},
		{"pending", true, nd, false, false, true, false},
		{"ready", false, nd, true, true, true, false},
		{"ready", true, nd, false, false, true, false},
		{"no_changes", false, nc, false, false, false, false},
		{"no_changes", true, nc, false, false, false, false},
		{"queued", false, nd, true, true, true, false},
		{"queued", true, nd, false, false, true, false},
		{"submitting", false, nd, true, true, true, false},
		{"submitting", true, nd, false, false, true, false},
		{"in_progress", false, nd, true, true, true, false},
		{"in_progress", true, nd, false, false, true, false},
		{"pending_cutover", false, nd, true, true, true, false},
		{"pending_cutover", true, nd, false, false, true, false},
		{"in_progress_vschema", false, nd, true, true, true, false},
		{"in_progress_vschema", true, nd, false, false, true, false},
		{"in_progress_cancel", false, nd, true, true, true, false},
		{"in_progress_cancel", true, nd, false, false, true, false},
		{"in_progress_cutover", false, nd, true, true, true, false},
		{"in_progress_cutover", true, nd, false, false, true, false},
		{"complete", false, ap, false, false, false, false},
		{"complete", true, ap, false, false, false, false},
		{"complete_cancel", false, nd, true, true, true, false},
		{"complete_cancel", true, nd, false, false, true, false},
		{"complete_error", false, nd, true, true, true, false},
		{"complete_error", true, nd, false, false, true, false},
		{"complete_pending_revert", false, ap, false, false, false, false},
		{"complete_pending_revert", true, ap, false, false, false, false},
		{"in_progress_revert", false, ap, false, false, false, false},
		{"in_progress_revert", true, ap, false, false, false, false},
		{"in_progress_revert_vschema", false, ap, false, false, false, false},
		{"in_progress_revert_vschema", true, ap, false, false, false, false},
		{"complete_revert", false, ap, false, false, false, false},
		{"complete_revert", true, ap, false, false, false, false},
		{"complete_revert_error", false, ap, false, false, false, false},
		{"complete_revert_error", true, ap, false, false, false, false},
		{"cancelled", false, nd, true, true, true, false},
		{"cancelled", true, nd, false, false, true, false},
		{"error", false, nd, true, true, true, false},
		{"error", true, nd, false, false, true, false},
	}
	if got, want := len(rows), 2*len(DeploymentStates); got != want {
		t.Fatalf("table has %d rows, want %d (every state, approved and not)", got, want)
	}
	for _, r := range rows {
		for _, pol := range []struct {
			policy Policy
			want   bool
		}{
			{FailOnUnapproved, r.onUnapproved},
			{FailOnUndeployed, r.onUndeployed},
			{FailNever, r.onNever},
		} {
			name := fmt.Sprintf("%s/approved_%t/%s", r.state, r.approved, pol.policy)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				v, got := decide(t, openDR(7, r.state, r.approved), pol.policy)
				if want := (decision{pol.want, r.needsApproval, r.stage, true}); got != want {
					t.Errorf("entry = %+v, want %+v", got, want)
				}
				if got, want := v.Passed(), !pol.want; got != want {
					t.Errorf("Passed() = %t, want %t", got, want)
				}
				wantUnapproved := 0
				if r.needsApproval {
					wantUnapproved = 1
				}
				if v.Unapproved != wantUnapproved {
					t.Errorf("Unapproved = %d, want %d", v.Unapproved, wantUnapproved)
				}
				if got := v.UnknownStates(); len(got) != 0 {
					t.Errorf("UnknownStates() = %q, want none", got)
				}
			})
		}
	}
}

// TestEvaluateUnknownState: a deployment_state the API does not document
// (or none) counts as not deployed, so it blocks when unapproved.
func TestEvaluate_UnknownState(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		state        string
		approved     bool
		policy       Policy
		wantBlocking bool
	}{
		"future_state_unapproved":                 {"rolling_out", false, FailOnUnapproved, true},
		"future_state_approved":                   {"rolling_out", true, FailOnUnapproved, false},
		"future_state_approved_undeployed_policy": {"rolling_out", true, FailOnUndeployed, true},
		"empty_state_unapproved":                  {"", false, FailOnUnapproved, true},
		"empty_state_never":                       {"", false, FailNever, false},
		"upper_case_complete":                     {"COMPLETE", false, FailOnUnapproved, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v, got := decide(t, openDR(1, tt.state, tt.approved), tt.policy)
			if want := (decision{tt.wantBlocking, !tt.approved, StageNotDeployed, false}); got != want {
				t.Errorf("entry = %+v, want %+v", got, want)
			}
			if got, want := v.UnknownStates(), []string{tt.state}; !slices.Equal(got, want) {
				t.Errorf("UnknownStates() = %q, want %q", got, want)
			}
		})
	}
}

func TestUnknownStates_SortedAndUnique(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		openDR(1, "zeta", false), openDR(2, "ready", false), openDR(3, "alpha", false),
		openDR(4, "zeta", false), openDR(5, "", false), closedDR(6, "closed_only"),
	}
	got := Evaluate(drs, Filter{}, FailOnUnapproved).UnknownStates()
	want := []string{"", "alpha", "zeta"}
	if !slices.Equal(got, want) {
		t.Errorf("UnknownStates() = %q, want %q", got, want)
	}
}

func numbersOf(entries []Entry) []int {
	out := make([]int, len(entries))
	for i, e := range entries {
		out[i] = e.DeployRequest.Number
	}
	return out
}

func TestEvaluate_Selection(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		{Number: 9, Branch: "feat", IntoBranch: "main", State: "open", DeploymentState: "ready"},
		{Number: 3, Branch: "feat", IntoBranch: "staging", State: "open", DeploymentState: "ready", Approved: true},
		{Number: 5, Branch: "other", IntoBranch: "main", State: "open", DeploymentState: "complete"},
		{Number: 1, Branch: "feat", IntoBranch: "main", State: "closed", DeploymentState: "ready"},
		{Number: 9, Branch: "feat", IntoBranch: "main", State: "open", DeploymentState: "ready", Approved: true}, // a repeat from a shifted page
		{Number: 2, Branch: "Feat", IntoBranch: "main", State: "open", DeploymentState: "ready"},
	}
	tests := []struct {
		name            string
		filter          Filter
		wantNumbers     []int
		wantBlocking    []int
		wantApproved    int
		wantUnapproved  int
		wantPassedValue bool
	}{
		{"no_filter", Filter{}, []int{2, 3, 5, 9}, []int{2, 9}, 1, 2, false},
		{"branch", Filter{Branch: "feat"}, []int{3, 9}, []int{9}, 1, 1, false},
		{"branch_is_case_sensitive", Filter{Branch: "Feat"}, []int{2}, []int{2}, 0, 1, false},
		{"into_branch", Filter{IntoBranch: "main"}, []int{2, 5, 9}, []int{2, 9}, 0, 2, false},
		{"both", Filter{Branch: "feat", IntoBranch: "staging"}, []int{3}, nil, 1, 0, true},
		{"no_match", Filter{Branch: "nope"}, nil, nil, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := Evaluate(slices.Clone(drs), tt.filter, FailOnUnapproved)
			if got := numbersOf(v.Matched); !slices.Equal(got, tt.wantNumbers) {
				t.Errorf("Matched = %v, want %v", got, tt.wantNumbers)
			}
			if got := numbersOf(v.Blocking()); !slices.Equal(got, tt.wantBlocking) {
				t.Errorf("Blocking() = %v, want %v", got, tt.wantBlocking)
			}
			if v.Approved != tt.wantApproved {
				t.Errorf("Approved = %d, want %d", v.Approved, tt.wantApproved)
			}
			if v.Unapproved != tt.wantUnapproved {
				t.Errorf("Unapproved = %d, want %d", v.Unapproved, tt.wantUnapproved)
			}
			if v.Passed() != tt.wantPassedValue {
				t.Errorf("Passed() = %t, want %t", v.Passed(), tt.wantPassedValue)
			}
			if v.Policy != FailOnUnapproved {
				t.Errorf("Policy = %q, want %q", v.Policy, FailOnUnapproved)
			}
		})
	}
}

// TestEvaluate_DuplicateStricterWins: a number seen twice is counted once,
// and the stricter reading wins: approved only when every copy is, not
// deployed when any copy is not.
func TestEvaluate_DuplicateStricterWins(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		drs            []DeployRequest
		wantBlocking   bool
		wantState      string
		wantApprovedN  int
		wantUnapproved int
	}{
		"approved_then_unapproved": {[]DeployRequest{
			{Number: 4, Branch: "first", State: "open", DeploymentState: "ready", Approved: true},
			{Number: 4, Branch: "second", State: "open", DeploymentState: "ready"},
		}, true, "ready", 0, 1},
		"unapproved_then_approved": {[]DeployRequest{
			{Number: 4, Branch: "first", State: "open", DeploymentState: "ready"},
			{Number: 4, Branch: "second", State: "open", DeploymentState: "ready", Approved: true},
			{Number: 4, Branch: "third", State: "open", DeploymentState: "ready"},
		}, true, "ready", 0, 1},
		"applied_then_not_deployed": {[]DeployRequest{
			openDR(4, "complete", false), openDR(4, "ready", false),
		}, true, "ready", 0, 1},
		"identical_approved": {[]DeployRequest{
			openDR(4, "ready", true), openDR(4, "ready", true),
		}, false, "ready", 1, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := Evaluate(tt.drs, Filter{}, FailOnUnapproved)
			if len(v.Matched) != 1 {
				t.Fatalf("got %d matched, want 1", len(v.Matched))
			}
			if got := v.Matched[0]; got.Blocking != tt.wantBlocking || got.DeployRequest.DeploymentState != tt.wantState {
				t.Errorf("blocking, state = %v, %q; want %v, %q", got.Blocking, got.DeployRequest.DeploymentState, tt.wantBlocking, tt.wantState)
			}
			if v.Approved != tt.wantApprovedN || v.Unapproved != tt.wantUnapproved {
				t.Errorf("Approved, Unapproved = %d, %d; want %d, %d", v.Approved, v.Unapproved, tt.wantApprovedN, tt.wantUnapproved)
			}
		})
	}
}

// TestEvaluateClosedDuplicateDoesNotHideOpen: a closed copy of a number must
// not stop its open copy from counting.
func TestEvaluate_ClosedDuplicateDoesNotHideOpen(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		closedDR(4, "complete"), openDR(4, "ready", false),
	}
	v := Evaluate(drs, Filter{}, FailOnUnapproved)
	if got, want := numbersOf(v.Blocking()), []int{4}; !slices.Equal(got, want) {
		t.Errorf("Blocking() = %v, want %v", got, want)
	}
}

func TestEvaluate_SortsManyByNumber(t *testing.T) {
	t.Parallel()
	var drs []DeployRequest
	for i := range 500 {
		n := (i*7919)%500 + 1 // a permutation of 1..500
		drs = append(drs, openDR(n, "ready", n%3 == 0))
	}
	v := Evaluate(drs, Filter{}, FailOnUnapproved)
	if len(v.Matched) != 500 {
		t.Fatalf("got %d matched, want 500", len(v.Matched))
	}
	for i, e := range v.Matched {
		if e.DeployRequest.Number != i+1 {
			t.Fatalf("Matched[%d] is #%d, want #%d", i, e.DeployRequest.Number, i+1)
		}
	}
	if got, want := v.Approved, 166; got != want {
		t.Errorf("Approved = %d, want %d", got, want)
	}
	if got, want := v.Unapproved, 334; got != want {
		t.Errorf("Unapproved = %d, want %d", got, want)
	}
}

// TestEvaluateCounts: approved counts every approved match, applied ones
// included; unapproved counts only those not deployed and not approved.
func TestEvaluate_Counts(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		openDR(1, "complete", true), openDR(2, "complete", false),
		openDR(3, "ready", true), openDR(4, "ready", false),
		openDR(5, "no_changes", false), openDR(6, "error", false),
	}
	for _, p := range Policies {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			v := Evaluate(drs, Filter{}, p)
			if v.Approved != 2 {
				t.Errorf("Approved = %d, want 2", v.Approved)
			}
			if v.Unapproved != 2 {
				t.Errorf("Unapproved = %d, want 2", v.Unapproved)
			}
			if got, want := len(v.Matched), 6; got != want {
				t.Errorf("len(Matched) = %d, want %d", got, want)
			}
		})
	}
}

// TestEvaluateInvalidPolicyFailsClosed: a policy value Evaluate does not
// know behaves like unapproved.
func TestEvaluate_InvalidPolicyFailsClosed(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		openDR(1, "ready", false), openDR(2, "ready", true), openDR(3, "complete", false),
	}
	for _, p := range []Policy{"", "bogus", "NEVER", "Never"} {
		t.Run(fmt.Sprintf("policy_%q", string(p)), func(t *testing.T) {
			t.Parallel()
			v := Evaluate(drs, Filter{}, p)
			if got, want := numbersOf(v.Blocking()), []int{1}; !slices.Equal(got, want) {
				t.Errorf("Blocking() = %v, want %v", got, want)
			}
			if v.Passed() {
				t.Errorf("Passed() = true, want false")
			}
		})
	}
}

func TestEvaluate_Empty(t *testing.T) {
	t.Parallel()
	for _, drs := range [][]DeployRequest{nil, {}} {
		v := Evaluate(drs, Filter{}, FailOnUndeployed)
		if !v.Passed() || len(v.Matched) != 0 || v.Approved != 0 || v.Unapproved != 0 {
			t.Errorf("Evaluate(%v) = %+v, want an empty passing verdict", drs, v)
		}
	}
}

// TestEvaluateDoesNotModifyInput: Evaluate is pure.
func TestEvaluate_DoesNotModifyInput(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		openDR(3, "ready", false), openDR(1, "ready", false), closedDR(2, "ready"),
	}
	before := slices.Clone(drs)
	Evaluate(drs, Filter{}, FailOnUnapproved)
	for i := range drs {
		if drs[i].Number != before[i].Number || drs[i].State != before[i].State {
			t.Fatalf("input changed: got %+v, want %+v", drs, before)
		}
	}
}
