// Package report renders the gate's verdict, or why it could not decide, as
// GitHub Markdown (the job summary, the pull request comment, the command
// line's --markdown file and --format markdown, and the review card of a
// deploy request: card.go, its DDL in fences nothing inside can close,
// data-loss warnings, lint errors, approvals, what could not be read, fitted
// into GitHub's size limits blocking cards first by Cards) and as JUnit
// XML for other CIs' test reports (--format junit). Everything it did not
// write itself (API text, branch names, inputs) is first cleared of known
// secrets, then of control and bidirectional characters by the one sanitizer
// (sanitize.Strip: Markdown is no runner's log, so text keeps the forms
// sanitize.Line defuses; JUnit, which a log may show, uses Line), then
// escaped. It uses no front end's
// wording: the caller names settings.
package report
