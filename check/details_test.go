package check

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

// detailLister lists drs and reads details from ops, recording which
// numbers it was asked for; a number in fail gets errs.
type detailLister struct {
	drs  []DeployRequest
	ops  map[int][]Operation
	fail map[int]error
	mu   sync.Mutex
	read []int
}

func (l *detailLister) OpenDeployRequests(context.Context, string, string, ListOptions) ([]DeployRequest, error) {
	return l.drs, nil
}

func (l *detailLister) ApprovalRequired(context.Context, string, string) (bool, error) {
	return true, nil
}

func (l *detailLister) Details(_ context.Context, _, _ string, numbers []int) ([]Details, error) {
	l.mu.Lock()
	l.read = append(l.read, numbers...)
	l.mu.Unlock()
	out := make([]Details, len(numbers))
	for i, n := range numbers {
		out[i] = Details{Number: n, Deployment: &CardDeployment{Deployable: true}, Operations: l.ops[n], Reviews: []Review{}}
		if err := l.fail[n]; err != nil {
			out[i] = Details{Number: n, DeploymentErr: err, OperationsErr: err, ReviewsErr: err}
		}
	}
	return out, nil
}

func orderDR(n int, branch, state string, approved bool, ops ...Operation) DeployRequest {
	dr := DeployRequest{Number: n, Branch: branch, IntoBranch: "main", State: "open", DeploymentState: state, Approved: approved}
	if len(ops) > 0 {
		dr.Deployment = &Deployment{Operations: ops}
	}
	return dr
}

var (
	additive = Operation{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE orders ADD COLUMN x int"}
	dropping = Operation{Table: "coupons", Name: "ALTER", DDL: "ALTER TABLE coupons DROP COLUMN y", CanDropData: true}
)

// grantErr is a read refused for want of a grant.
type grantErr struct{}

func (grantErr) Error() string { return "404 Not Found" }
func (grantErr) Grant() string { return "read_deploy_request" }

func TestCheck_ReadsOnlyWhatIsNeeded(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		orderDR(1, "a", "ready", true, additive),    // ops in the list: decided without a read; blocks → card
		orderDR(2, "b", "ready", true),              // ops not in the list: read
		orderDR(3, "c", "no_changes", false),        // nothing to read
		orderDR(4, "d", "ready", true, dropping),    // passes: no read, no card
		orderDR(5, "e", "complete", true, additive), // applied, additive: passes, no read
	}
	l := &detailLister{drs: drs, ops: map[int][]Operation{2: {dropping}}}
	v, err := Check(context.Background(), l, Config{FailOn: FailOnDeployOrder, Cards: true})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(l.read)
	if want := []int{1, 2}; !slices.Equal(l.read, want) {
		t.Errorf("read the details of %v, want %v", l.read, want)
	}
	rules := map[int]OrderRule{}
	for _, e := range v.Matched {
		rules[e.DeployRequest.Number] = e.Order.Rule
		if (e.Card != nil) != e.Blocking {
			t.Errorf("#%d: card %v, blocking %v: want a card exactly for blocking requests", e.DeployRequest.Number, e.Card != nil, e.Blocking)
		}
	}
	want := map[int]OrderRule{1: OrderAdditiveUndeployed, 2: OrderDropsApproved, 3: OrderNoChanges, 4: OrderDropsApproved, 5: OrderAdditiveDeployed}
	for n, r := range want {
		if rules[n] != r {
			t.Errorf("#%d: rule %s, want %s", n, rules[n], r)
		}
	}

	// Without deploy-order and without cards, nothing is read.
	l = &detailLister{drs: drs}
	if _, err := Check(context.Background(), l, Config{FailOn: FailOnUnapproved}); err != nil || len(l.read) > 0 {
		t.Errorf("unapproved without cards read %v (err %v), want nothing", l.read, err)
	}
	// With branch set, every matched request gets a card.
	l = &detailLister{drs: drs[:1]}
	v, err = Check(context.Background(), l, Config{FailOn: FailNever, Cards: true, Filter: Filter{Branch: "a"}})
	if err != nil || len(v.Matched) != 1 || v.Matched[0].Card == nil {
		t.Errorf("branch set: %+v, %v; want a card for the passing request", v.Matched, err)
	}
}

func TestCheck_UnreadableOperations(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{orderDR(7, "a", "ready", true)}
	l := &detailLister{drs: drs, fail: map[int]error{7: grantErr{}}}
	// Under deploy-order the gate cannot decide.
	_, err := Check(context.Background(), l, Config{FailOn: FailOnDeployOrder, Database: "shop"})
	var ops *OperationsError
	if !errors.As(err, &ops) || !slices.Equal(ops.Numbers, []int{7}) {
		t.Fatalf("err = %v, want an OperationsError for #7", err)
	}
	p := Explain(err, Config{FailOn: FailOnDeployOrder, Database: "shop"})
	if p.Code != "operations-unreadable" || !strings.Contains(p.Fix, "read_deploy_request") {
		t.Errorf("Explain = %+v, want operations-unreadable naming the grant", p)
	}
	// Under unapproved the verdict stands; the card says what it could not read.
	v, err := Check(context.Background(), l, Config{FailOn: FailOnUnapproved, Cards: true, Filter: Filter{Branch: "a"}})
	if err != nil || !v.Passed() {
		t.Fatalf("unapproved: %v, passed %v; want a pass", err, v.Passed())
	}
	c := v.Matched[0].Card
	if c == nil || len(c.Unread) != 3 || c.Unread[1].What != "operations" || c.Unread[1].Grant != "read_deploy_request" {
		t.Errorf("card = %+v, want the three reads unread, naming the grant", c)
	}
}

// TestDecideOrderWith: a front end that reads only what decides the order
// (sync) asks for the operations of the matched undeployed requests whose
// list items lack them, and decides with what it read; what it could not
// read is an OperationsError, never a pass or a block.
func TestDecideOrderWith(t *testing.T) {
	t.Parallel()
	drs := []DeployRequest{
		orderDR(1, "x", "ready", true),            // approved, no ops in the list: read → drops-data-approved
		orderDR(2, "x", "ready", false, additive), // ops in the list: no read
		orderDR(3, "x", "complete", true),         // applied: no read, passes
		orderDR(4, "x", "no_changes", false),      // no change: no read
		orderDR(5, "x", "pending", true),          // not deployed, no ops: read
		orderDR(6, "other", "ready", false),       // another branch: not matched
		orderDR(7, "x", "ready", true),            // read fails
	}
	v := Evaluate(drs, Filter{Branch: "x"}, FailOnDeployOrder)
	if got, want := v.OperationsToDecide(), []int{1, 5, 7}; !slices.Equal(got, want) {
		t.Fatalf("OperationsToDecide = %v, want %v", got, want)
	}
	read := map[int]Details{
		1: {Number: 1, Operations: []Operation{dropping}},
		5: {Number: 5, Operations: []Operation{}},
		7: {Number: 7, OperationsErr: grantErr{}},
	}
	err := v.DecideOrderWith(read)
	var ops *OperationsError
	if !errors.As(err, &ops) || !slices.Equal(ops.Numbers, []int{7}) || !errors.Is(err, grantErr{}) {
		t.Fatalf("err = %v, want an OperationsError for #7 with its read error", err)
	}
	want := map[int]OrderRule{1: OrderDropsApproved, 2: OrderAdditiveUndeployed, 3: OrderDeployedUnread, 4: OrderNoChanges, 5: OrderComputing, 7: OrderUnreadable}
	for _, e := range v.Matched {
		if e.Order == nil || e.Order.Rule != want[e.DeployRequest.Number] {
			t.Errorf("#%d: order %+v, want rule %s", e.DeployRequest.Number, e.Order, want[e.DeployRequest.Number])
		}
	}

	// A request nothing was read for stays undecided.
	v = Evaluate(drs[:1], Filter{}, FailOnDeployOrder)
	if err := v.DecideOrderWith(nil); !errors.As(err, &ops) || !slices.Equal(ops.Numbers, []int{1}) || !errors.Is(err, errNoDetails) {
		t.Errorf("nothing read: err = %v, want an OperationsError for #1", err)
	}
	// Everything read: decided, no error.
	v = Evaluate(drs[:1], Filter{}, FailOnDeployOrder)
	if err := v.DecideOrderWith(read); err != nil || !v.Passed() {
		t.Errorf("all read: err %v, passed %v; want a pass", err, v.Passed())
	}
}
