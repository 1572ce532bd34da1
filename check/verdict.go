package check

import (
	"slices"
	"strings"
)

// Filter selects deploy requests; empty fields match all.
type Filter struct {
	// Branch keeps requests from this branch.
	Branch string
	// IntoBranch keeps requests into this branch.
	IntoBranch string
}

func (f Filter) match(dr DeployRequest) bool {
	return (f.Branch == "" || dr.Branch == f.Branch) && (f.IntoBranch == "" || dr.IntoBranch == f.IntoBranch)
}

// Entry is one matched deploy request and what the gate makes of it.
type Entry struct {
	DeployRequest DeployRequest
	Stage         Stage
	// KnownState is false when deployment_state is not one the API documents.
	KnownState bool
	// Blocking is true when the request fails the policy.
	Blocking bool
	// NeedsApproval is true when the request is not deployed and not
	// approved: it would block under FailOnUnapproved, whatever the policy.
	NeedsApproval bool
	// Operations are the request's operations when OperationsKnown: from
	// its list item when that carried some, else from the detail reads
	// (see DetailReader).
	Operations      []Operation
	OperationsKnown bool
	// Order is how FailOnDeployOrder judged the request; nil under
	// another policy.
	Order *OrderDecision
	// Card is the request's review card, when the gate read its details
	// (see Config.Cards); nil otherwise.
	Card *Card
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
	// Listed is how many open deploy requests the API listed, before the filter.
	Listed int
	// ApprovalRequired is the database's require_approval_for_deploy
	// setting, or nil when it could not be read (see SettingsErr).
	ApprovalRequired *bool
	// SettingsErr says why the database settings could not be read.
	SettingsErr error
}

// Passed reports whether no request fails the policy.
func (v Verdict) Passed() bool { return len(v.Blocking()) == 0 }

// Blocking returns the requests that fail the policy, by number.
func (v Verdict) Blocking() []Entry {
	return v.Where(func(e Entry) bool { return e.Blocking })
}

// BlockingFirst returns the matched requests, the blocking ones first,
// each part by number.
func (v Verdict) BlockingFirst() []Entry {
	return append(v.Blocking(), v.Where(func(e Entry) bool { return !e.Blocking })...)
}

// Where returns the matched requests for which keep is true, by number.
func (v Verdict) Where(keep func(Entry) bool) []Entry {
	return where(v.Matched, keep)
}

// where returns the elements of s for which keep is true, in order.
func where[T any](s []T, keep func(T) bool) []T {
	var out []T
	for _, x := range s {
		if keep(x) {
			out = append(out, x)
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
// filter), and sorts by number. When one number comes twice, the stricter
// reading wins: open if either copy is open, approved only if both are,
// and not deployed if either copy is not. It has no side effects.
func Evaluate(drs []DeployRequest, f Filter, p Policy) Verdict {
	v := Verdict{Policy: p, Listed: len(drs)}
	byNumber := make(map[int]int, len(drs)) // number → index in kept
	var kept []DeployRequest
	for _, dr := range drs {
		if !f.match(dr) {
			continue
		}
		if i, ok := byNumber[dr.Number]; ok {
			kept[i] = stricter(kept[i], dr)
			continue
		}
		byNumber[dr.Number] = len(kept)
		kept = append(kept, dr)
	}
	for _, dr := range kept {
		if isClosed(dr) {
			continue
		}
		stage, known := StageOf(dr.DeploymentState)
		e := Entry{DeployRequest: dr, Stage: stage, KnownState: known}
		e.NeedsApproval = stage == StageNotDeployed && !dr.Approved
		if dr.Deployment != nil && len(dr.Deployment.Operations) > 0 {
			e.Operations, e.OperationsKnown = dr.Deployment.Operations, true
		}
		switch p {
		case FailNever:
		case FailOnUndeployed, FailOnDeployOrder:
			// Under deploy-order, until decideOrder has the operations:
			// blocks while not deployed.
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

func isClosed(dr DeployRequest) bool { return strings.EqualFold(dr.State, "closed") }

// stricter merges two copies of one deploy request into the reading that
// blocks the most.
func stricter(a, b DeployRequest) DeployRequest {
	out := a
	if isClosed(a) && !isClosed(b) {
		out = b
	}
	out.Approved = a.Approved && b.Approved
	if stage, _ := StageOf(b.DeploymentState); stage == StageNotDeployed {
		out.DeploymentState = b.DeploymentState
	}
	if stage, _ := StageOf(a.DeploymentState); stage == StageNotDeployed {
		out.DeploymentState = a.DeploymentState
	}
	return out
}
