// Package check is the gate itself: the configuration, the policy, the
// filter, the table of deployment stages, the pure verdict (Evaluate), one
// "list and decide" step (Check) and waiting for approval (Wait), and
// explanations of what went wrong (Explain) as structures that each front
// end words in its own terms.
//
// It knows no outside system and imports only the standard library. It
// defines what it reads and what it explains, and the clients implement it:
//
//   - DeployRequest is a deploy request as the gate sees it;
//   - Lister is what Check reads through: the open deploy requests of a
//     database (OpenDeployRequests, with ListOptions: the Filter, and a
//     FirstPage hook that starts the settings read beside a paged list),
//     and whether it requires approval (ApprovalRequired);
//   - DetailReader is what a Lister may also be, to read what the review
//     card (Card, built when Config.Cards is set) and FailOnDeployOrder
//     (DeployOrder, a pure rule per request) need: each deploy request's
//     deployment, operations and reviews (Details), only for the requests
//     that need them (details.go); GrantError names a missing grant, and
//     OperationsError is the gate failing closed when deploy-order cannot
//     read the operations;
//   - the Cause values (ErrNoAnswer, ErrListChanged, …) are what a
//     Lister's errors match with errors.Is, and AnswerError (an API status)
//     and WaitError (a Retry-After too long to wait) what they match with
//     errors.As; Explain branches on these alone.
//
// Package planetscale's Client is the Lister the front ends use (its
// adapter is planetscale/gate.go), and its errors and httpretry's match
// the causes. The GitHub Action (package action), the command line (package
// cli) and the Markdown report (package report) stand on check, never the
// other way.
package check
