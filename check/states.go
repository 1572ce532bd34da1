package check

// Stage is what a deploy request's deployment_state says about its schema
// change.
type Stage int

const (
	// StageNotDeployed: the change is not applied yet. It is waiting,
	// being checked, deploying, or its deploy failed or was cancelled, so it
	// may still be deployed. Such a request is what the gate guards.
	StageNotDeployed Stage = iota
	// StageApplied: the change is applied to the target branch (or was
	// applied and reverted); nothing is left to approve.
	StageApplied
	// StageNoChanges: the branch has no schema change to deploy.
	StageNoChanges
)

func (s Stage) String() string {
	switch s {
	case StageApplied:
		return "applied"
	case StageNoChanges:
		return "no changes"
	}
	return "not deployed"
}

// DeploymentState describes one value of deployment_state.
type DeploymentState struct {
	Name  string
	Stage Stage
	// Meaning says in a few words what PlanetScale is doing.
	Meaning string
}

// DeploymentStates lists all 20 values of deployment_state the API
// documents, in its order, with how the gate treats each. A value not listed
// here is treated as StageNotDeployed, so an unknown state never lets an
// unapproved request through.
var DeploymentStates = []DeploymentState{
	{"pending", StageNotDeployed, "PlanetScale is still computing the schema diff and checks"},
	{"ready", StageNotDeployed, "checked and deployable, waiting to be deployed"},
	{"no_changes", StageNoChanges, "the branch has no schema change against its target"},
	{"queued", StageNotDeployed, "in the deploy queue"},
	{"submitting", StageNotDeployed, "being submitted for deployment"},
	{"in_progress", StageNotDeployed, "deploying"},
	{"pending_cutover", StageNotDeployed, "deployed to shadow tables, waiting for the cutover"},
	{"in_progress_vschema", StageNotDeployed, "applying VSchema changes"},
	{"in_progress_cancel", StageNotDeployed, "the deployment is being cancelled"},
	{"in_progress_cutover", StageNotDeployed, "cutting over"},
	{"complete", StageApplied, "deployed"},
	{"complete_cancel", StageNotDeployed, "the deployment was cancelled before the schema was applied"},
	{"complete_error", StageNotDeployed, "the deployment failed; the schema was not applied"},
	{"complete_pending_revert", StageApplied, "deployed; the revert window is still open"},
	{"in_progress_revert", StageApplied, "an applied change is being reverted"},
	{"in_progress_revert_vschema", StageApplied, "an applied change's VSchema is being reverted"},
	{"complete_revert", StageApplied, "an applied change was reverted"},
	{"complete_revert_error", StageApplied, "reverting an applied change failed; the change stays applied"},
	{"cancelled", StageNotDeployed, "the deploy request's deployment was cancelled"},
	{"error", StageNotDeployed, "checks failed (lint errors, say); it cannot be deployed until fixed"},
}

var stageByState = func() map[string]Stage {
	m := make(map[string]Stage, len(DeploymentStates))
	for _, s := range DeploymentStates {
		m[s.Name] = s.Stage
	}
	return m
}()

// StageOf returns the stage of a deployment_state value; known is false for
// a value the API does not document, which is treated as not deployed.
func StageOf(deploymentState string) (stage Stage, known bool) {
	stage, known = stageByState[deploymentState]
	return stage, known
}
