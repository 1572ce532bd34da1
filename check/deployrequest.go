package check

import "time"

// DeployRequest is a deploy request as the gate sees it: a branch's schema
// change into another branch, waiting for approval and deployment. A Lister
// fills it from whatever it reads; Number, Branch, IntoBranch, Approved,
// State and DeploymentState are what the verdict judges by, the rest is
// what the front ends show. Its JSON names are PlanetScale's, so a front end
// that prints it as JSON (check --format json) names each field as the API
// does.
type DeployRequest struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	// Branch is the branch with the schema change.
	Branch string `json:"branch"`
	// IntoBranch is the branch the change is deployed into.
	IntoBranch string `json:"into_branch"`
	// Approved is true once someone approved the request.
	Approved bool `json:"approved"`
	// State is "open" or "closed"; any other value counts as open.
	State string `json:"state"`
	// DeploymentState is one of DeploymentStates, such as "ready"; a value
	// not listed there counts as not deployed.
	DeploymentState string `json:"deployment_state"`
	// Deployment is nil when the source left it out.
	Deployment *Deployment `json:"deployment"`
	Notes      string      `json:"notes"`
	// HTMLURL is the request's page, for people.
	HTMLURL    string     `json:"html_url"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ClosedAt   *time.Time `json:"closed_at"`
	DeployedAt *time.Time `json:"deployed_at"`
}

// Deployment is a deploy request's deployment.
type Deployment struct {
	State       string `json:"state"`
	Deployable  bool   `json:"deployable"`
	AutoCutover bool   `json:"auto_cutover"`
	// Operations are the deploy operations the list item carried, if any
	// (the list may leave them out: see Entry.OperationsKnown). Not part of
	// the JSON the front ends print.
	Operations []Operation `json:"-"`
}

// Deployable reports whether the source says the request can be deployed.
func (d DeployRequest) Deployable() bool {
	return d.Deployment != nil && d.Deployment.Deployable
}
