package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// Policy is the fail-on input: what makes the gate fail.
type Policy string

// The policies.
const (
	// FailOnUnapproved fails while a matching open request that is not yet
	// deployed lacks approval.
	FailOnUnapproved Policy = "unapproved"
	// FailOnUndeployed fails while a matching open request is not yet
	// deployed, approved or not.
	FailOnUndeployed Policy = "undeployed"
	// FailNever reports only; the gate always passes.
	FailNever Policy = "never"
)

// Policies lists the valid policies.
var Policies = []Policy{FailOnUnapproved, FailOnUndeployed, FailNever}

// ParsePolicy reads a fail-on value; empty means FailOnUnapproved.
func ParsePolicy(s string) (Policy, error) {
	p := Policy(strings.ToLower(strings.TrimSpace(s)))
	if p == "" {
		return FailOnUnapproved, nil
	}
	if !slices.Contains(Policies, p) {
		return "", fmt.Errorf("%q is not a policy: use unapproved, undeployed or never", s)
	}
	return p, nil
}

// Filter selects deploy requests; empty fields match all.
type Filter struct {
	// Branch keeps requests from this branch.
	Branch string
	// IntoBranch keeps requests into this branch.
	IntoBranch string
}

func (f Filter) match(dr planetscale.DeployRequest) bool {
	return (f.Branch == "" || dr.Branch == f.Branch) && (f.IntoBranch == "" || dr.IntoBranch == f.IntoBranch)
}

// Entry is one matched deploy request and what the gate makes of it.
type Entry struct {
	DeployRequest planetscale.DeployRequest
	Stage         Stage
	// KnownState is false when deployment_state is not one the API documents.
	KnownState bool
	// Blocking is true when the request fails the policy.
	Blocking bool
	// NeedsApproval is true when the request is not deployed and not
	// approved: it would block under FailOnUnapproved, whatever the policy.
	NeedsApproval bool
}

// Verdict is the gate's decision.
type Verdict struct {
	Policy Policy
	// Matched holds the open requests that matched the filter, by number.
	Matched []Entry
	// Approved counts the matched requests that are approved.
	Approved int
	// Unapproved counts the matched requests that are not deployed and not approved.
	Unapproved int
}

// Passed reports whether no request fails the policy.
func (v Verdict) Passed() bool { return len(v.Blocking()) == 0 }

// Blocking returns the requests that fail the policy, by number.
func (v Verdict) Blocking() []Entry {
	var out []Entry
	for _, e := range v.Matched {
		if e.Blocking {
			out = append(out, e)
		}
	}
	return out
}

// UnknownStates returns the deployment_state values the gate did not know,
// sorted and without repeats.
func (v Verdict) UnknownStates() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range v.Matched {
		if s := e.DeployRequest.DeploymentState; !e.KnownState && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// Evaluate decides which deploy requests block under policy p. It keeps the
// requests that are not closed (any state but "closed" counts as open, so a
// state it does not know cannot hide a request) and that match f (the API
// filters too; checking again guards against a server that ignores a
// filter), counts a number seen twice once, and sorts by number. It has no
// side effects.
func Evaluate(drs []planetscale.DeployRequest, f Filter, p Policy) Verdict {
	v := Verdict{Policy: p}
	seen := make(map[int]bool, len(drs))
	for _, dr := range drs {
		if strings.EqualFold(dr.State, "closed") || !f.match(dr) || seen[dr.Number] {
			continue
		}
		seen[dr.Number] = true
		stage, known := StageOf(dr.DeploymentState)
		e := Entry{DeployRequest: dr, Stage: stage, KnownState: known}
		e.NeedsApproval = stage == StageNotDeployed && !dr.Approved
		switch p {
		case FailNever:
		case FailOnUndeployed:
			e.Blocking = stage == StageNotDeployed
		default: // FailOnUnapproved, and any policy not known: fail closed
			e.Blocking = e.NeedsApproval
		}
		if dr.Approved {
			v.Approved++
		}
		if e.NeedsApproval {
			v.Unapproved++
		}
		v.Matched = append(v.Matched, e)
	}
	slices.SortFunc(v.Matched, func(a, b Entry) int { return a.DeployRequest.Number - b.DeployRequest.Number })
	return v
}
