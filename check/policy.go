package check

import (
	"fmt"
	"slices"
	"strings"
)

// Policy is what makes the gate fail (the fail-on setting).
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
	// FailOnDeployOrder gates on the order PlanetScale recommends: an
	// additive change blocks until deployed (schema first), a change that
	// can drop data blocks until approved (code first). See DeployOrder.
	FailOnDeployOrder Policy = "deploy-order"
)

// Policies lists the valid policies.
var Policies = []Policy{FailOnUnapproved, FailOnUndeployed, FailOnDeployOrder, FailNever}

// ParsePolicy reads a fail-on value; empty means FailOnUnapproved.
func ParsePolicy(s string) (Policy, error) {
	p := Policy(strings.ToLower(strings.TrimSpace(s)))
	if p == "" {
		return FailOnUnapproved, nil
	}
	if !slices.Contains(Policies, p) {
		return "", fmt.Errorf("%q is not a policy: use unapproved, undeployed, deploy-order or never", s)
	}
	return p, nil
}
