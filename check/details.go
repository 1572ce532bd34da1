package check

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DetailReader is what a Lister may also be to read what the review card
// and FailOnDeployOrder need beyond the list: each deploy request's
// deployment, operations and reviews. Package planetscale's Client is one.
// A Lister that is not has no cards, and under FailOnDeployOrder decides
// only the requests whose list items carried their operations.
type DetailReader interface {
	// Details reads the details of the deploy requests numbered numbers,
	// within the reader's one rate budget and concurrency, and returns one
	// Details per number, in their order. A part it could not read has its
	// error in the Details; only ctx ending fails the whole read.
	Details(ctx context.Context, org, database string, numbers []int) ([]Details, error)
}

// Details is what a DetailReader read of one deploy request. Each part is
// read on its own: a failure leaves the others.
type Details struct {
	Number int
	// Deployment is nil when DeploymentErr is set.
	Deployment    *CardDeployment
	DeploymentErr error
	// Operations are nil when OperationsErr is set; empty while
	// PlanetScale still computes the change.
	Operations    []Operation
	OperationsErr error
	// Reviews are nil when ReviewsErr is set.
	Reviews    []Review
	ReviewsErr error
}

// GrantError is an error that names the access a token may lack, as a
// DetailReader's errors do when the API answered 404 (PlanetScale's answer
// to a missing grant). Grant returns "" when the error is another.
type GrantError interface {
	error
	Grant() string
}

// OperationsError is Check's error under FailOnDeployOrder when the
// operations of some matched requests could not be read: they decide the
// verdict, so the gate cannot decide (it fails closed). Explain words it
// as the "operations-unreadable" problem.
type OperationsError struct {
	// Numbers are the requests whose operations could not be read.
	Numbers []int
	// Err is the first of their errors.
	Err error
}

func (e *OperationsError) Error() string {
	return fmt.Sprintf("fail-on deploy-order cannot decide: could not read the operations of deploy request %s: %v", NumberList(e.Numbers), e.Err)
}

// NumberList words deploy request numbers as "#3, #7".
func NumberList(numbers []int) string {
	nums := make([]string, len(numbers))
	for i, n := range numbers {
		nums[i] = "#" + strconv.Itoa(n)
	}
	return strings.Join(nums, ", ")
}

func (e *OperationsError) Unwrap() error { return e.Err }

// errNoDetails is the reason a part was not read when the Lister is not a
// DetailReader.
var errNoDetails = errors.New("this reader cannot read a deploy request's details")

// readDetails reads what the policy and the cards need, and nothing more:
// under FailOnDeployOrder the operations of each matched request with a
// schema change whose list item did not carry them; with cfg.Cards the
// details of each matched request that blocks, or of every matched request
// when cfg.Filter.Branch is set. It then decides the deploy order and
// builds the cards. Under FailOnDeployOrder, operations that could not be
// read make it return an *OperationsError; under another policy a failed
// read only shows on the card.
func readDetails(ctx context.Context, l Lister, cfg Config, v *Verdict) error {
	reader, _ := l.(DetailReader)
	read := map[int]Details{}
	fetch := func(numbers []int) {
		var todo []int
		for _, n := range numbers {
			if _, ok := read[n]; !ok {
				todo = append(todo, n)
			}
		}
		if len(todo) == 0 {
			return
		}
		var ds []Details
		err := errNoDetails
		if reader != nil {
			ds, err = reader.Details(ctx, cfg.Organization, cfg.Database, todo)
		}
		if err != nil {
			for _, n := range todo {
				read[n] = Details{Number: n, DeploymentErr: err, OperationsErr: err, ReviewsErr: err}
			}
			return
		}
		for _, d := range ds {
			read[d.Number] = d
		}
		for _, n := range todo {
			if _, ok := read[n]; !ok { // a reader that left one out: nothing was read
				err := fmt.Errorf("deploy request #%d: %w", n, errNoDetails)
				read[n] = Details{Number: n, DeploymentErr: err, OperationsErr: err, ReviewsErr: err}
			}
		}
	}
	var orderErr error
	if v.Policy == FailOnDeployOrder {
		var need []int
		for _, e := range v.Matched {
			if e.Stage != StageNoChanges && !e.OperationsKnown {
				need = append(need, e.DeployRequest.Number)
			}
		}
		fetch(need)
		orderErr = v.DecideOrderWith(read)
	}
	if cfg.Cards {
		var want []int
		for _, e := range v.Matched {
			if e.Blocking || cfg.Filter.Branch != "" {
				want = append(want, e.DeployRequest.Number)
			}
		}
		fetch(want)
		useOperations(v, read)
		for i := range v.Matched {
			e := &v.Matched[i]
			if d, ok := read[e.DeployRequest.Number]; ok && (e.Blocking || cfg.Filter.Branch != "") {
				c := cardOf(*e, d)
				e.Card = &c
			}
		}
	}
	return orderErr
}

// useOperations takes the operations the details read, where the list
// item carried none.
func useOperations(v *Verdict, read map[int]Details) {
	for i := range v.Matched {
		e := &v.Matched[i]
		if d, ok := read[e.DeployRequest.Number]; ok {
			e.takeOperations(d)
		}
	}
}

// takeOperations takes the operations d read, where the list item carried
// none.
func (e *Entry) takeOperations(d Details) {
	if !e.OperationsKnown && d.OperationsErr == nil {
		e.Operations, e.OperationsKnown = d.Operations, true
	}
}

// decideOrder judges e under FailOnDeployOrder by the operations it knows,
// setting Order and Blocking (an undecided request blocks too).
func (e *Entry) decideOrder() OrderDecision {
	d := DeployOrder(orderFacts(*e))
	e.Order = &d
	e.Blocking = d.Outcome == OrderBlock || d.Outcome == OrderUndecided
	return d
}

// OperationsToDecide returns the numbers of the matched requests whose
// operations FailOnDeployOrder needs to decide them and their list items
// did not carry: each with a schema change not applied yet, or applied
// and reverted (an applied one passes whatever its operations say). A front end that reads only
// what decides the order (sync) reads their Details, then calls
// DecideOrderWith.
func (v Verdict) OperationsToDecide() []int {
	var need []int
	for _, e := range v.Matched {
		if (e.Stage == StageNotDeployed || Reverted(e.DeployRequest.DeploymentState)) && !e.OperationsKnown {
			need = append(need, e.DeployRequest.Number)
		}
	}
	return need
}

// DecideOrderWith decides the deploy order as decideOrder does, after
// taking, for each matched request whose list item did not carry its
// operations, those details (by number) read without error. It returns an
// *OperationsError naming the requests it still cannot decide, with the
// first of their read errors (errNoDetails when none was read), or nil
// when it decides them all: the caller fails closed on it, as Check does.
func (v *Verdict) DecideOrderWith(details map[int]Details) error {
	useOperations(v, details)
	unreadable := v.decideOrder()
	if len(unreadable) == 0 {
		return nil
	}
	var first error
	for _, n := range unreadable {
		if first == nil {
			first = details[n].OperationsErr
		}
	}
	if first == nil {
		first = errNoDetails
	}
	return &OperationsError{Numbers: unreadable, Err: first}
}

// orderFacts are what DeployOrder judges an entry by. The gate checks code
// that has not merged yet, so MergedAt stays zero: a change that can drop
// data and is applied already was applied before this code merged.
func orderFacts(e Entry) OrderFacts {
	f := OrderFacts{
		Stage: e.Stage, Pending: e.DeployRequest.DeploymentState == "pending", Approved: e.DeployRequest.Approved,
		Operations: e.Operations, OperationsRead: e.OperationsKnown, Reverted: Reverted(e.DeployRequest.DeploymentState),
	}
	if e.DeployRequest.DeployedAt != nil {
		f.DeployedAt = *e.DeployRequest.DeployedAt
	}
	return f
}

// cardOf builds the review card of an entry from its details.
func cardOf(e Entry, d Details) Card {
	dr := e.DeployRequest
	c := Card{
		Number: dr.Number, Branch: dr.Branch, IntoBranch: dr.IntoBranch, URL: dr.HTMLURL,
		DeploymentState: dr.DeploymentState, Approved: dr.Approved, Blocking: e.Blocking, Order: e.Order,
		Deployment: d.Deployment, Operations: e.Operations, OperationsRead: e.OperationsKnown,
		Reviews: d.Reviews, ReviewsRead: d.ReviewsErr == nil,
	}
	if d.DeploymentErr != nil {
		c.Deployment = nil
		c.Unread = append(c.Unread, unread("deployment", d.DeploymentErr))
	}
	if !e.OperationsKnown && d.OperationsErr != nil {
		c.Unread = append(c.Unread, unread("operations", d.OperationsErr))
	}
	if d.ReviewsErr != nil {
		c.Unread = append(c.Unread, unread("reviews", d.ReviewsErr))
	}
	return c
}

func unread(what string, err error) Unread {
	u := Unread{What: what, Why: err.Error()}
	var g GrantError
	if errors.As(err, &g) {
		u.Grant = g.Grant()
	}
	return u
}

// CardFor builds the review card of one deploy request from its details,
// judged under policy p as Check would judge it (a closed request is judged
// as if open, so that its card still says what it does): for a front end
// that shows one request, such as the command line's deploy-request.
func CardFor(dr DeployRequest, d Details, p Policy) Card {
	open := dr
	open.State = "open"
	v := Evaluate([]DeployRequest{open}, Filter{}, p)
	e := v.Matched[0]
	e.DeployRequest = dr
	e.takeOperations(d)
	if p == FailOnDeployOrder {
		e.decideOrder()
	}
	return cardOf(e, d)
}

// decideOrder judges each matched request under FailOnDeployOrder by the
// operations it knows (Entry.Operations), setting Order and Blocking, and
// returns the numbers of those it cannot decide (operations not known):
// they block, and a caller that can must fail closed. DecideOrderWith
// calls it after taking the operations that were read.
func (v *Verdict) decideOrder() (undecided []int) {
	for i := range v.Matched {
		e := &v.Matched[i]
		if d := e.decideOrder(); d.Outcome == OrderUndecided {
			undecided = append(undecided, e.DeployRequest.Number)
		}
	}
	return undecided
}
