// Package runnersim imitates what a GitHub Actions runner gives a container
// action and does with what it writes: the environment (INPUT_<NAME> with
// hyphens kept, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH), the
// parser the runner uses for file commands, and the log's masking of
// ::add-mask:: values. The demo and the tests share it: it is the one
// imitation of the runner in the tree.
package runnersim

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Runner is one step's environment, with its file commands in a directory
// of their own.
type Runner struct {
	// Dir holds the file commands and the event payload.
	Dir string
	env map[string]string
}

// New prepares a step in dir (which must exist): empty GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, the event payload in GITHUB_EVENT_PATH, and
// the variables a runner sets (GITHUB_ACTIONS=true, CI=true,
// GITHUB_EVENT_NAME).
func New(dir, eventName, eventJSON string) (*Runner, error) {
	r := &Runner{Dir: dir, env: map[string]string{
		"GITHUB_ACTIONS":      "true",
		"CI":                  "true",
		"GITHUB_EVENT_NAME":   eventName,
		"GITHUB_OUTPUT":       filepath.Join(dir, "file_commands", "set_output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "file_commands", "step_summary"),
		"GITHUB_EVENT_PATH":   filepath.Join(dir, "workflow", "event.json"),
	}}
	for _, name := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH"} {
		p := r.env[name]
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("runner files: %w", err)
		}
		content := ""
		if name == "GITHUB_EVENT_PATH" {
			content = eventJSON
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, fmt.Errorf("runner files: %w", err)
		}
	}
	return r, nil
}

// InputVar is the variable the runner sets for an input: INPUT_ and the
// name upper-cased, hyphens kept, spaces as underscores.
func InputVar(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

// SetInputs sets the inputs as INPUT_<NAME> variables.
func (r *Runner) SetInputs(inputs map[string]string) {
	for k, v := range inputs {
		r.env[InputVar(k)] = v
	}
}

// Set sets an environment variable.
func (r *Runner) Set(name, value string) { r.env[name] = value }

// Getenv reads the step's environment.
func (r *Runner) Getenv(name string) string { return r.env[name] }

// Environ returns the environment as NAME=value lines, sorted.
func (r *Runner) Environ() []string {
	keys := slices.Sorted(maps.Keys(r.env))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + r.env[k]
	}
	return out
}

// Outputs parses GITHUB_OUTPUT as the runner does.
func (r *Runner) Outputs() ([]FileCommand, error) {
	f, err := os.Open(r.env["GITHUB_OUTPUT"])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseFileCommands(f)
}

// Summary returns the job summary written so far.
func (r *Runner) Summary() (string, error) {
	b, err := os.ReadFile(r.env["GITHUB_STEP_SUMMARY"])
	return string(b), err
}
