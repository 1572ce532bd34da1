package check

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDeployOrder_rules(t *testing.T) {
	t.Parallel()
	addColumn := Operation{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE `orders` ADD COLUMN `note` varchar(255)"}
	addIndex := Operation{Table: "customers", Name: "ALTER", DDL: "ALTER TABLE `customers` ADD INDEX `idx_email` (`email`)"}
	dropColumn := Operation{Table: "coupons", Name: "ALTER", DDL: "ALTER TABLE `coupons` DROP COLUMN `legacy_code`", CanDropData: true}
	dropTable := Operation{Table: "audit_old", Name: "DROP", DDL: "DROP TABLE `audit_old`", CanDropData: true}
	merged := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		facts   OrderFacts
		rule    OrderRule
		outcome OrderOutcome
		drops   []string
	}{
		{"additive_undeployed_unapproved", OrderFacts{Operations: []Operation{addColumn, addIndex}, OperationsRead: true},
			OrderAdditiveUndeployed, OrderBlock, nil},
		{"additive_undeployed_approved_still_blocks", OrderFacts{Approved: true, Operations: []Operation{addColumn}, OperationsRead: true},
			OrderAdditiveUndeployed, OrderBlock, nil},
		{"additive_applied", OrderFacts{Stage: StageApplied, Operations: []Operation{addColumn}, OperationsRead: true},
			OrderAdditiveDeployed, OrderPass, nil},
		{"dropping_unapproved", OrderFacts{Operations: []Operation{addColumn, dropTable, dropColumn}, OperationsRead: true},
			OrderDropsUnapproved, OrderBlock, []string{"audit_old", "coupons"}},
		{"dropping_approved_undeployed", OrderFacts{Approved: true, Operations: []Operation{dropColumn}, OperationsRead: true},
			OrderDropsApproved, OrderPass, []string{"coupons"}},
		{"dropping_applied_before_merge", OrderFacts{Stage: StageApplied, Approved: true, Operations: []Operation{dropColumn}, OperationsRead: true,
			DeployedAt: merged.Add(-time.Hour)}, OrderDropsDeployedFirst, OrderWarn, []string{"coupons"}},
		{"dropping_applied_before_merged_code", OrderFacts{Stage: StageApplied, Operations: []Operation{dropColumn}, OperationsRead: true,
			DeployedAt: merged.Add(-time.Hour), MergedAt: merged}, OrderDropsDeployedFirst, OrderWarn, []string{"coupons"}},
		{"dropping_applied_after_merge", OrderFacts{Stage: StageApplied, Operations: []Operation{dropColumn}, OperationsRead: true,
			DeployedAt: merged.Add(time.Hour), MergedAt: merged}, OrderDropsDeployedAfter, OrderPass, []string{"coupons"}},
		{"pending", OrderFacts{Pending: true, Approved: true, OperationsRead: true}, OrderComputing, OrderBlock, nil},
		{"pending_with_operations", OrderFacts{Pending: true, Operations: []Operation{dropColumn}, OperationsRead: true, Approved: true},
			OrderComputing, OrderBlock, []string{"coupons"}},
		{"empty_while_ready", OrderFacts{Approved: true, OperationsRead: true}, OrderComputing, OrderBlock, nil},
		{"no_changes", OrderFacts{Stage: StageNoChanges, OperationsRead: true}, OrderNoChanges, OrderPass, nil},
		{"no_changes_unread", OrderFacts{Stage: StageNoChanges}, OrderNoChanges, OrderPass, nil},
		{"operations_unreadable", OrderFacts{Approved: true, Operations: []Operation{dropColumn}}, OrderUnreadable, OrderUndecided, nil},
		{"operations_unreadable_pending", OrderFacts{Pending: true}, OrderUnreadable, OrderUndecided, nil},
		{"applied_unread", OrderFacts{Stage: StageApplied}, OrderDeployedUnread, OrderPass, nil},
		// A reverted change's schema is gone: it counts as not deployed.
		{"additive_reverted_blocks", OrderFacts{Stage: StageApplied, Reverted: true, Approved: true, Operations: []Operation{addColumn}, OperationsRead: true},
			OrderAdditiveUndeployed, OrderBlock, nil},
		{"dropping_reverted_approved", OrderFacts{Stage: StageApplied, Reverted: true, Approved: true, Operations: []Operation{dropColumn}, OperationsRead: true},
			OrderDropsApproved, OrderPass, []string{"coupons"}},
		{"dropping_reverted_unapproved", OrderFacts{Stage: StageApplied, Reverted: true, Operations: []Operation{dropColumn}, OperationsRead: true},
			OrderDropsUnapproved, OrderBlock, []string{"coupons"}},
		{"reverted_unread", OrderFacts{Stage: StageApplied, Reverted: true, Approved: true}, OrderUnreadable, OrderUndecided, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := DeployOrder(tt.facts)
			if d.Rule != tt.rule || d.Outcome != tt.outcome {
				t.Fatalf("DeployOrder = %s (%s), want %s (%s)", d.Rule, d.Outcome, tt.rule, tt.outcome)
			}
			if !slices.Equal(d.DropTables, tt.drops) {
				t.Errorf("DropTables = %q, want %q", d.DropTables, tt.drops)
			}
			if d.Blocks() != (tt.outcome == OrderBlock) {
				t.Errorf("Blocks() = %t for outcome %s", d.Blocks(), d.Outcome)
			}
			if d.Why == "" || !strings.HasSuffix(d.Why, ".") {
				t.Errorf("Why = %q, want one sentence", d.Why)
			}
		})
	}
}

func TestDeployOrder_everyRuleWorded(t *testing.T) {
	t.Parallel()
	seen := map[string]OrderRule{}
	for rule, w := range orderWords {
		if other, dup := seen[w.why]; dup {
			t.Errorf("rules %s and %s share their wording", rule, other)
		}
		seen[w.why] = rule
	}
	if len(orderWords) != 10 {
		t.Errorf("%d rules worded, want 10", len(orderWords))
	}
}

func TestDropTables_sortedOnce(t *testing.T) {
	t.Parallel()
	got := DropTables([]Operation{{Table: "b", CanDropData: true}, {Table: "a", CanDropData: true}, {Table: "b", CanDropData: true}, {Table: "c"}})
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("DropTables = %q, want %q", got, want)
	}
}

// TestReverted names the deployment states whose change is, or is being,
// reverted, and no other.
func TestReverted(t *testing.T) {
	t.Parallel()
	for _, st := range DeploymentStates {
		want := st.Name == "complete_revert" || st.Name == "in_progress_revert" || st.Name == "in_progress_revert_vschema"
		if got := Reverted(st.Name); got != want {
			t.Errorf("Reverted(%q) = %v, want %v", st.Name, got, want)
		}
	}
}
