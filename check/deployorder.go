package check

import (
	"slices"
	"time"
)

// Operation is one operation of a deploy request's schema change, as the
// deploy-order policy and the review card see it. Its text comes from the
// API: a front end sanitizes and escapes it before showing it.
type Operation struct {
	// Table is the table the operation changes.
	Table string
	// Name is the API's operation_name, such as "ALTER" or "CREATE".
	Name string
	// DDL is the operation's statement.
	DDL string
	// CanDropData is true when the operation can drop data: a dropped
	// column or table, a narrowed type.
	CanDropData bool
	// TableRecentlyUsed is true when the table was queried recently.
	TableRecentlyUsed bool
}

// Review is one review of a deploy request: a comment or an approval.
type Review struct {
	// Approved is true for an approval (state "approved"), false for a
	// comment.
	Approved bool
	// By is the reviewer's display name.
	By string
	// At is when the review was made.
	At time.Time
}

// OrderRule names the rule of fail-on: deploy-order that decided a deploy
// request. Its value is stable: outputs and tests may name it.
type OrderRule string

// The rules of fail-on: deploy-order. PlanetScale's guidance: a change that
// only adds schema (a table, a column, an index) is deployed before the code
// that uses it merges; a change that can drop data is deployed after the
// code that stopped using it merges.
const (
	// OrderNoChanges: the request has no schema change; it passes.
	OrderNoChanges OrderRule = "no-changes"
	// OrderAdditiveUndeployed: no operation can drop data and the change is
	// not deployed; it blocks, approved or not (schema first).
	OrderAdditiveUndeployed OrderRule = "additive-undeployed"
	// OrderAdditiveDeployed: no operation can drop data and the change is
	// applied; it passes.
	OrderAdditiveDeployed OrderRule = "additive-deployed"
	// OrderDropsUnapproved: an operation can drop data and the request is
	// not approved; it blocks.
	OrderDropsUnapproved OrderRule = "drops-data-unapproved"
	// OrderDropsApproved: an operation can drop data, the request is
	// approved and not deployed; it passes (code first, deploy after).
	OrderDropsApproved OrderRule = "drops-data-approved"
	// OrderDropsDeployedFirst: an operation can drop data and the change
	// was applied before this code merged; it passes with a warning.
	OrderDropsDeployedFirst OrderRule = "drops-data-deployed-first"
	// OrderDropsDeployedAfter: an operation can drop data and the change
	// was applied after the code merged, as it should; it passes.
	OrderDropsDeployedAfter OrderRule = "drops-data-deployed-after"
	// OrderDeployedUnread: the change is applied but its operations could
	// not be read; it passes (nothing is left to hold back), without telling
	// whether it came in the right order.
	OrderDeployedUnread OrderRule = "deployed-operations-unread"
	// OrderComputing: PlanetScale has not computed the operations yet
	// (deployment_state pending, or no operations while not no_changes); it
	// blocks.
	OrderComputing OrderRule = "computing"
	// OrderUnreadable: the operations could not be read, so the order
	// cannot be decided; the gate fails closed.
	OrderUnreadable OrderRule = "operations-unreadable"
)

// OrderOutcome is what a rule does to the gate.
type OrderOutcome int

const (
	// OrderPass: the request does not hold the gate.
	OrderPass OrderOutcome = iota
	// OrderWarn: it passes, with a warning.
	OrderWarn
	// OrderBlock: it holds the gate.
	OrderBlock
	// OrderUndecided: the gate cannot decide (fail closed, exit status 2).
	OrderUndecided
)

func (o OrderOutcome) String() string {
	switch o {
	case OrderWarn:
		return "warn"
	case OrderBlock:
		return "block"
	case OrderUndecided:
		return "undecided"
	}
	return "pass"
}

// OrderFacts are what DeployOrder decides by, for one matched open deploy
// request.
type OrderFacts struct {
	// Stage is what its deployment_state says (see StageOf).
	Stage Stage
	// Pending is true while deployment_state is "pending": PlanetScale is
	// still computing the change.
	Pending bool
	// Approved is true once the request is approved.
	Approved bool
	// Operations are its operations; nil or empty when there are none.
	Operations []Operation
	// OperationsRead is false when the operations could not be read (a
	// refused or failing read); Operations then mean nothing.
	OperationsRead bool
	// DeployedAt is when the change was applied (deployed_at); zero when
	// not known.
	DeployedAt time.Time
	// Reverted is true when the applied change was (or is being) reverted
	// (deployment_state complete_revert, in_progress_revert or
	// in_progress_revert_vschema): its schema is not there any more, so
	// it counts as not deployed here.
	Reverted bool
	// MergedAt is when the code under check merged; zero while it has not
	// (a pull request's check), so that an applied change that can drop
	// data was applied before its code.
	MergedAt time.Time
}

// OrderDecision is how fail-on: deploy-order judged one deploy request.
type OrderDecision struct {
	Rule    OrderRule
	Outcome OrderOutcome
	// Why says in one sentence which rule applied and what to do, in no
	// front end's words and without outside text.
	Why string
	// DropTables lists, sorted and once each, the tables of the operations
	// that can drop data (outside text: sanitize and escape it to show it).
	DropTables []string
}

// Blocks reports whether the decision holds the gate.
func (d OrderDecision) Blocks() bool { return d.Outcome == OrderBlock }

// orderWords is each rule's outcome and wording.
var orderWords = map[OrderRule]struct {
	outcome OrderOutcome
	why     string
}{
	OrderNoChanges:          {OrderPass, "It has no schema change to deploy."},
	OrderAdditiveUndeployed: {OrderBlock, "No operation can drop data, so it goes schema first: deploy it before the code that uses it merges."},
	OrderAdditiveDeployed:   {OrderPass, "No operation can drop data and it is deployed: schema first, as it should be."},
	OrderDropsUnapproved:    {OrderBlock, "An operation can drop data, so it goes code first: approve it, merge the code that stopped using the data, then deploy it."},
	OrderDropsApproved:      {OrderPass, "An operation can drop data and it is approved: merge this code first, then deploy it."},
	OrderDropsDeployedFirst: {OrderWarn, "An operation can drop data and it was deployed before this code merged: the code that stopped using the data should have shipped first."},
	OrderDropsDeployedAfter: {OrderPass, "An operation can drop data and it was deployed after the code merged: code first, as it should be."},
	OrderDeployedUnread:     {OrderPass, "It is deployed; its operations could not be read, so whether it came in the right order is not known."},
	OrderComputing:          {OrderBlock, "PlanetScale is still computing the change (no operations yet): wait for it, then check again."},
	OrderUnreadable:         {OrderUndecided, "Its operations could not be read, so the deploy order cannot be decided."},
}

// DeployOrder judges one matched open deploy request under fail-on:
// deploy-order. It is pure: the facts come in, the rule goes out.
//
//   - no schema change: it passes;
//   - applied (and not reverted: a reverted change counts as not
//     deployed, its schema is gone): it passes; when an operation can drop data and the change
//     was applied before the code merged, with a warning;
//   - operations unreadable: the gate cannot decide;
//   - pending, or no operations: PlanetScale is still computing; it blocks;
//   - some operation can drop data: it blocks until approved, then passes
//     while undeployed (code first);
//   - otherwise (additive): it blocks until deployed, approved or not
//     (schema first).
func DeployOrder(f OrderFacts) OrderDecision {
	drops := DropTables(f.Operations)
	if !f.OperationsRead {
		drops = nil
	}
	applied := f.Stage == StageApplied && !f.Reverted
	rule := OrderAdditiveUndeployed
	switch {
	case f.Stage == StageNoChanges:
		rule = OrderNoChanges
	case applied && !f.OperationsRead:
		rule = OrderDeployedUnread
	case applied && len(drops) == 0:
		rule = OrderAdditiveDeployed
	case applied && (f.MergedAt.IsZero() || f.DeployedAt.IsZero() || f.DeployedAt.Before(f.MergedAt)):
		rule = OrderDropsDeployedFirst
	case applied:
		rule = OrderDropsDeployedAfter
	case !f.OperationsRead:
		rule = OrderUnreadable
	case f.Pending || len(f.Operations) == 0:
		rule = OrderComputing
	case len(drops) > 0 && f.Approved:
		rule = OrderDropsApproved
	case len(drops) > 0:
		rule = OrderDropsUnapproved
	}
	w := orderWords[rule]
	return OrderDecision{Rule: rule, Outcome: w.outcome, Why: w.why, DropTables: drops}
}

// DropTables returns the tables of the operations that can drop data,
// sorted, each once.
func DropTables(ops []Operation) []string {
	var tables []string
	for _, op := range ops {
		if op.CanDropData {
			tables = append(tables, op.Table)
		}
	}
	slices.Sort(tables)
	return slices.Compact(tables)
}

// Reverted reports whether a deployment_state says an applied change was,
// or is being, reverted: the schema change is not there any more.
func Reverted(deploymentState string) bool {
	switch deploymentState {
	case "complete_revert", "in_progress_revert", "in_progress_revert_vschema":
		return true
	}
	return false
}
