package action

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/runnersim"
	"github.com/sethvargo/go-githubactions"
)

// newTestAction returns an action that reads its environment from vars
// (inside a runner unless vars say otherwise) and writes its log, workflow
// commands included, to the returned buffer.
func newTestAction(vars map[string]string) (*githubactions.Action, *bytes.Buffer) {
	if _, ok := vars["GITHUB_ACTIONS"]; !ok {
		vars["GITHUB_ACTIONS"] = "true"
	}
	var buf bytes.Buffer
	a := githubactions.New(
		githubactions.WithGetenv(func(k string) string { return vars[k] }),
		githubactions.WithWriter(&buf),
	)
	return a, &buf
}

// runnerFiles points GITHUB_OUTPUT and GITHUB_STEP_SUMMARY at fresh files in
// a temporary directory, as the runner does, and returns their paths.
func runnerFiles(t *testing.T, vars map[string]string) (outputPath, summaryPath string) {
	t.Helper()
	dir := t.TempDir()
	outputPath = filepath.Join(dir, "output")
	summaryPath = filepath.Join(dir, "summary.md")
	for _, p := range []string{outputPath, summaryPath} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vars["GITHUB_OUTPUT"] = outputPath
	vars["GITHUB_STEP_SUMMARY"] = summaryPath
	return outputPath, summaryPath
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseRunnerOutputs parses a GITHUB_OUTPUT file the way the Actions runner
// does, in file order (a name written twice appears twice).
func parseRunnerOutputs(t *testing.T, content string) []Output {
	t.Helper()
	cmds, err := runnersim.ParseFileCommands(strings.NewReader(content))
	if err != nil {
		t.Fatalf("parse GITHUB_OUTPUT as the runner does: %v\n%s", err, content)
	}
	out := make([]Output, len(cmds))
	for i, c := range cmds {
		out[i] = Output(c)
	}
	return out
}

// outputMap returns the last value of each output, as the runner keeps it.
func outputMap(outputs []Output) map[string]string {
	m := make(map[string]string, len(outputs))
	for _, o := range outputs {
		m[o.Name] = o.Value
	}
	return m
}

func outputNames(outputs []Output) []string {
	names := make([]string, len(outputs))
	for i, o := range outputs {
		names[i] = o.Name
	}
	return names
}

var (
	lines           = testkit.Lines
	linesWithPrefix = testkit.LinesWithPrefix
	tableRows       = testkit.TableRows
	cells           = testkit.Cells
	unescapedPipes  = testkit.UnescapedPipes
	testNow         = testkit.Now
	dr              = testkit.DR
)

// assertNoSecret fails when secret, in any escaped form, appears in log
// outside ::add-mask:: lines, or anywhere in the other texts.
func assertNoSecret(t *testing.T, secret, log string, files map[string]string) {
	t.Helper()
	for _, leak := range testkit.SecretLeaks([]string{secret}, log, files) {
		t.Error(leak)
	}
}
