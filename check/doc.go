// Package check is the gate: it reads the action's inputs, lists a
// database's open deploy requests through package planetscale, decides which
// of them block under the chosen policy, and reports the verdict as step
// outputs, a job summary and annotations.
//
// The decision (Evaluate) is pure; the report (RenderMarkdown) is plain
// Markdown that a pull request comment can reuse.
package check
