// Package check is the gate itself: the configuration, the policy, the
// filter, the table of deployment stages, the pure verdict (Evaluate), one
// "list and decide" step (Check) over a small Lister interface, and
// explanations of what went wrong (Explain) as structures that each front end
// words in its own terms.
//
// It knows no outside system: the PlanetScale client, the GitHub Action, the
// command line and the Markdown report all stand on it, never the other way.
package check
