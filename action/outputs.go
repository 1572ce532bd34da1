package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
	"github.com/sethvargo/go-githubactions"
)

// Output is one step output.
type Output struct{ Name, Value string }

// MaxDeployRequestsOutput caps the deploy-requests output well under the
// 1 MB GitHub allows one output. When the list is longer, blocking requests
// are kept first and the rest is left out.
const MaxDeployRequestsOutput = 256 << 10

// deployRequestOutput is one item of the deploy-requests output; its JSON
// keys come in the order action.yml lists them.
type deployRequestOutput struct {
	Number     int    `json:"number"`
	Branch     string `json:"branch"`
	IntoBranch string `json:"into_branch"`
	readiness
	HTMLURL   string `json:"html_url"`
	CreatedAt string `json:"created_at"`
	Blocking  bool   `json:"blocking"`
	// CanDropData is true when an operation can drop data; Operations
	// counts them, null when the gate did not read them (see dropsData).
	CanDropData bool `json:"can_drop_data"`
	Operations  *int `json:"operations"`
}

// readiness is where a deploy request stands, as the API said it.
type readiness struct {
	Approved        bool   `json:"approved"`
	State           string `json:"state"`
	DeploymentState string `json:"deployment_state"`
	Deployable      bool   `json:"deployable"`
}

// Outputs returns the step outputs for a verdict, in a fixed order. Every
// value is one line. redact removes known secrets from API text.
func Outputs(v check.Verdict, redact func(string) string) []Output {
	result := "pass"
	if !v.Passed() {
		result = "fail"
	}
	return []Output{
		{"result", result},
		{"total", strconv.Itoa(len(v.Matched))},
		{"approved-count", strconv.Itoa(v.Approved)},
		{"unapproved-count", strconv.Itoa(v.Unapproved)},
		{"blocking", strings.Join(numberItems("", v.Blocking()), ",")},
		{"deploy-requests", deployRequestsJSON(v, redact, MaxDeployRequestsOutput)},
		{"drops-data", dropsData(v)},
	}
}

// numberItems is each entry's deploy request number, in order, after
// prefix (such as "shop#"): the items of the blocking and drops-data
// outputs.
func numberItems(prefix string, entries []check.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = prefix + strconv.Itoa(e.DeployRequest.Number)
	}
	return out
}

// deployRequestsJSON is the matched requests as a one-line JSON array by
// number, at most limit bytes: blocking requests first, then the others,
// as packJSON keeps them.
func deployRequestsJSON(v check.Verdict, redact func(string) string, limit int) string {
	return packJSON(v.Matched, func(e check.Entry) bool { return e.Blocking },
		func(e check.Entry) any { return newDeployRequestOutput(e, redact) }, limit)
}

// packJSON is items as a one-line JSON array of at most limit bytes,
// escaped as sanitize.JSON does (safe to echo in a later step), in their
// order: the blocking items are kept first, then the others, each
// marshalled with item and kept if it still fits (one too long for what
// is left is left out; a shorter one after it may still be kept).
func packJSON[T any](items []T, blocking func(T) bool, item func(T) any, limit int) string {
	keep := make([][]byte, len(items))
	size := 2 // the brackets
	for _, first := range []bool{true, false} {
		for i, it := range items {
			if blocking(it) != first {
				continue
			}
			b, _ := json.Marshal(item(it)) // strings, ints and bools: cannot fail
			b = []byte(sanitize.JSON(string(b)))
			if size+len(b)+1 > limit {
				continue
			}
			size += len(b) + 1
			keep[i] = b
		}
	}
	parts := make([]string, 0, len(items))
	for _, b := range keep {
		if b != nil {
			parts = append(parts, string(b))
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// newDeployRequestOutput is e as an item of the deploy-requests output.
func newDeployRequestOutput(e check.Entry, redact func(string) string) deployRequestOutput {
	dr := e.DeployRequest
	created := ""
	if !dr.CreatedAt.IsZero() {
		created = dr.CreatedAt.UTC().Format(time.RFC3339)
	}
	return deployRequestOutput{
		Number: dr.Number, Branch: redact(dr.Branch), IntoBranch: redact(dr.IntoBranch),
		readiness: readiness{Approved: dr.Approved, State: redact(dr.State),
			DeploymentState: redact(dr.DeploymentState), Deployable: dr.Deployable()},
		HTMLURL: redact(dr.HTMLURL), CreatedAt: created, Blocking: e.Blocking,
		CanDropData: dropsDataIn(e), Operations: operationCount(e),
	}
}

// writeOutputs sets the step outputs. Outside a runner (no GITHUB_OUTPUT)
// it prints them instead.
func writeOutputs(a *githubactions.Action, outputs []Output) error {
	if a.Getenv("GITHUB_OUTPUT") == "" {
		a.Infof("GITHUB_OUTPUT is not set (not running in GitHub Actions?); outputs:")
		for _, o := range outputs {
			a.Infof("  %s=%s", o.Name, o.Value)
		}
		return nil
	}
	return fileCommand("write the step outputs (GITHUB_OUTPUT)", func() {
		for _, o := range outputs {
			a.SetOutput(o.Name, o.Value)
		}
	})
}

// writeSummary appends Markdown to the job summary, when there is one.
func writeSummary(a *githubactions.Action, markdown string) error {
	if a.Getenv("GITHUB_STEP_SUMMARY") == "" {
		a.Debugf("GITHUB_STEP_SUMMARY is not set; no job summary written")
		return nil
	}
	return fileCommand("write the job summary (GITHUB_STEP_SUMMARY)", func() { a.AddStepSummary(markdown) })
}

// fileCommand runs fn, turning the panic go-githubactions raises when a file
// command cannot be written into an error.
func fileCommand(what string, fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			perr, ok := p.(error)
			if !ok {
				perr = fmt.Errorf("%v", p)
			}
			err = fmt.Errorf("could not %s: %w", what, perr)
			if errors.Is(perr, fs.ErrPermission) {
				err = fmt.Errorf("%w; the container must run as root (no USER line in the Dockerfile) to write the runner's files", err)
			}
		}
	}()
	fn()
	return nil
}
