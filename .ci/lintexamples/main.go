// Lint-examples checks every GitHub Actions YAML example in Markdown files
// with actionlint, so a README example cannot name an input that does not
// exist or carry a broken expression:
//
//	go run ./.ci/lintexamples -actionlint PATH README.md docs/*.md
//
// Each ```yaml (or ```yml) fenced block is dedented and then:
//   - a workflow (top-level keys such as on, permissions, jobs) is linted as
//     it is, with `on: push` or a one-step job appended when the example shows
//     only the other part;
//   - a list of steps is wrapped into a job of a minimal workflow;
//   - a job's body (runs-on, steps, ...) or a map of jobs is wrapped likewise;
//   - anything else (GitLab CI, Dependabot, action metadata) is skipped, and
//     counted in the summary.
//
// `uses: <owner>/deploy-request-gate@<ref>` becomes `uses: ./`, so actionlint
// checks the example's inputs and outputs against this repository's
// action.yml. A block right after the line <!-- actionlint-skip --> is
// skipped on purpose (counted). Findings are reported at their line in the
// Markdown file; the exit status is 1 when there is any.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	actionlint := flag.String("actionlint", "actionlint", "the actionlint binary")
	action := flag.String("action", "action.yml", "this repository's action metadata, which `uses: ./` resolves to")
	flag.Parse()
	if err := run(*actionlint, *action, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "lint-examples:", err)
		os.Exit(1)
	}
}

func run(actionlint, action string, files []string) error {
	var blocks []block
	for _, f := range files {
		b, err := readBlocks(f)
		if err != nil {
			return err
		}
		blocks = append(blocks, b...)
	}
	var examples []example
	counts := map[string]int{}
	var skipped []string
	for _, b := range blocks {
		ex, reason := classify(b)
		if reason != "" {
			counts["skipped"]++
			skipped = append(skipped, fmt.Sprintf("%s:%d: %s", b.file, b.line, reason))
			continue
		}
		counts[ex.kind]++
		examples = append(examples, ex)
	}
	fmt.Printf("%d YAML examples in %s: %s\n", len(blocks), strings.Join(files, ", "), summary(counts))
	for _, s := range skipped {
		fmt.Println("  skipped", s)
	}
	if len(examples) == 0 {
		return nil
	}
	findings, err := lint(actionlint, action, examples)
	if err != nil {
		return err
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	if len(findings) > 0 {
		return fmt.Errorf("%d findings in the examples", len(findings))
	}
	return nil
}

func summary(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// finding is one actionlint error as its JSON format reports it.
type finding struct {
	Message  string `json:"message"`
	Filepath string `json:"filepath"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Kind     string `json:"kind"`
}

// lint writes the examples into a throwaway project whose action.yml is this
// repository's (actionlint resolves `uses: ./` against a project root, a
// directory with .git), runs actionlint once over all of them and maps each
// finding back to its Markdown line.
func lint(actionlint, action string, examples []example) ([]string, error) {
	actionPath, err := filepath.Abs(action)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lint-examples-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	workflows := filepath.Join(dir, ".github", "workflows")
	for _, d := range []string{filepath.Join(dir, ".git"), workflows} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	// action.yml, and the Dockerfile its runs.image names on main.
	for _, name := range []string{filepath.Base(actionPath), "Dockerfile"} {
		src := filepath.Join(filepath.Dir(actionPath), name)
		if _, err := os.Stat(src); err != nil {
			continue
		}
		if err := os.Symlink(src, filepath.Join(dir, name)); err != nil {
			return nil, err
		}
	}
	byPath := map[string]example{}
	args := []string{"-format", "{{json .}}"}
	for i, ex := range examples {
		name := fmt.Sprintf("example-%03d.yml", i+1)
		if err := os.WriteFile(filepath.Join(workflows, name), []byte(ex.text), 0o644); err != nil {
			return nil, err
		}
		rel := filepath.Join(".github", "workflows", name)
		byPath[rel] = ex
		args = append(args, rel)
	}
	cmd := exec.Command(actionlint, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("actionlint: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	var found []finding
	if out := bytes.TrimSpace(stdout.Bytes()); len(out) > 0 {
		if err := json.Unmarshal(out, &found); err != nil {
			return nil, fmt.Errorf("read actionlint's findings: %v\n%s", err, out)
		}
	}
	if err == nil && len(found) > 0 || err != nil && len(found) == 0 {
		return nil, fmt.Errorf("actionlint exited with %v and %d findings\n%s", err, len(found), stderr.String())
	}
	var out []string
	for _, f := range found {
		ex, ok := byPath[filepath.Clean(f.Filepath)]
		if !ok {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s [%s]", f.Filepath, f.Line, f.Column, f.Message, f.Kind))
			continue
		}
		line := ex.line + f.Line - 1 - ex.header
		where := ""
		if f.Line <= ex.header || line >= ex.line+len(ex.lines) {
			line, where = ex.line, " (in the lines added around the example)"
		}
		out = append(out, fmt.Sprintf("%s:%d: %s [%s]%s", ex.file, line, f.Message, f.Kind, where))
	}
	return out, nil
}
