//go:build ignore

// Lint-examples checks every GitHub Actions YAML example in Markdown files
// with actionlint, so a README example cannot name an input that does not
// exist or carry a broken expression:
//
//	go run .ci/lint-examples.go -actionlint PATH README.md docs/*.md
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
	"regexp"
	"sort"
	"strings"
)

// skipMarker, on the line before a fence, leaves that block out on purpose.
const skipMarker = "<!-- actionlint-skip -->"

// block is one fenced YAML block of a Markdown file.
type block struct {
	file  string
	line  int // line number of the block's first content line
	lines []string
	skip  bool // preceded by skipMarker
}

// example is a block made into a workflow file.
type example struct {
	block
	kind   string
	header int // lines added before the block's own lines
	text   string
}

var (
	fenceRE = regexp.MustCompile("^( {0,12})(```+|~~~+)\\s*([A-Za-z0-9_+-]*)")
	keyRE   = regexp.MustCompile(`^(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.-]+))\s*:(\s|$)`)
	// usesRE finds this action referred to by owner/name@ref.
	usesRE = regexp.MustCompile(`^(\s*(?:-\s+)?uses:\s*)['"]?[A-Za-z0-9_.-]+/deploy-request-gate@[^\s'"#]+['"]?`)
)

var (
	workflowKeys = set("name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs")
	jobKeys      = set("name", "runs-on", "steps", "permissions", "needs", "if", "env", "timeout-minutes", "strategy",
		"container", "services", "outputs", "environment", "concurrency", "continue-on-error", "defaults", "uses", "with", "secrets")
)

const (
	wrapJobs     = "on: push\njobs:\n"
	wrapJobBody  = wrapJobs + "  example:\n"
	wrapSteps    = wrapJobBody + "    runs-on: ubuntu-latest\n    steps:\n"
	trivialJobs  = "jobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n"
	trivialEvent = "on: push\n"
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

// readBlocks returns the YAML fenced blocks of a Markdown file.
func readBlocks(file string) ([]block, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	var out []block
	prev := "" // the last non-blank line outside a block
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			if strings.TrimSpace(lines[i]) != "" {
				prev = strings.TrimSpace(lines[i])
			}
			continue
		}
		indent, fence, lang := len(m[1]), m[2], strings.ToLower(m[3])
		start := i + 1
		end := start
		for ; end < len(lines); end++ {
			t := strings.TrimSpace(lines[end])
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				break
			}
		}
		if end == len(lines) {
			return nil, fmt.Errorf("%s:%d: fenced block is not closed", file, i+1)
		}
		if lang == "yaml" || lang == "yml" {
			body := make([]string, 0, end-start)
			for _, l := range lines[start:end] {
				body = append(body, trimIndent(l, indent))
			}
			out = append(out, block{file: file, line: start + 1, lines: body, skip: prev == skipMarker})
		}
		prev = ""
		i = end
	}
	return out, nil
}

// trimIndent removes up to n leading spaces (a fence indented in a list).
func trimIndent(s string, n int) string {
	for n > 0 && strings.HasPrefix(s, " ") {
		s, n = s[1:], n-1
	}
	return s
}

// classify makes a block into a workflow, or says why it is skipped.
func classify(b block) (example, string) {
	if b.skip {
		return example{}, "marked " + skipMarker
	}
	lines := dedent(b.lines)
	for i, l := range lines {
		if m := usesRE.FindStringSubmatchIndex(l); m != nil {
			lines[i] = l[:m[3]] + "./" + l[m[1]:]
		}
	}
	text := strings.Join(lines, "\n") + "\n"
	first := firstSignificant(lines)
	ex := example{block: b}
	switch {
	case first == "":
		return example{}, "empty"
	case strings.HasPrefix(first, "- "):
		if !strings.Contains(text, "uses:") && !strings.Contains(text, "run:") {
			return example{}, "a YAML list that is not steps"
		}
		ex.kind, ex.header, ex.text = "wrapped steps", countLines(wrapSteps), wrapSteps+indent(lines, 6)
		return ex, ""
	}
	top := topKeys(lines)
	switch {
	case len(top) == 0:
		return example{}, "no top-level keys"
	case subset(top, workflowKeys):
		ex.kind, ex.text = "workflows", text
		if !top["on"] {
			ex.text += trivialEvent
			ex.kind = "workflow fragments"
		}
		if !top["jobs"] {
			ex.text += trivialJobs
			ex.kind = "workflow fragments"
		}
		return ex, ""
	case subset(top, jobKeys) && (top["runs-on"] || top["steps"] || top["uses"]):
		ex.kind, ex.header, ex.text = "wrapped jobs", countLines(wrapJobBody), wrapJobBody+indent(lines, 4)
		return ex, ""
	case allJobs(lines):
		ex.kind, ex.header, ex.text = "wrapped jobs", countLines(wrapJobs), wrapJobs+indent(lines, 2)
		return ex, ""
	}
	return example{}, "not GitHub Actions YAML (top-level keys: " + strings.Join(sortedKeys(top), ", ") + ")"
}

func dedent(lines []string) []string {
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if min < 0 || n < min {
			min = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= min && min > 0 {
			l = l[min:]
		}
		out[i] = l
	}
	return out
}

func firstSignificant(lines []string) string {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") && t != "---" {
			return l
		}
	}
	return ""
}

// topKeys returns the keys of the top-level mapping.
func topKeys(lines []string) map[string]bool {
	keys := map[string]bool{}
	for _, l := range lines {
		if m := keyRE.FindStringSubmatch(l); m != nil {
			keys[m[1]+m[2]+m[3]] = true
		}
	}
	return keys
}

// allJobs reports whether every top-level key holds a job: a map whose
// direct children include runs-on, steps or uses.
func allJobs(lines []string) bool {
	jobs, found := 0, 0
	seen := false
	for _, l := range lines {
		if keyRE.MatchString(l) {
			jobs++
			seen = false
			continue
		}
		if !seen && strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") {
			if k := keyRE.FindStringSubmatch(l[2:]); k != nil && (k[3] == "runs-on" || k[3] == "steps" || k[3] == "uses") {
				found++
				seen = true
			}
		}
	}
	return jobs > 0 && jobs == found
}

func indent(lines []string, n int) string {
	pad := strings.Repeat(" ", n)
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(pad)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

func countLines(s string) int { return strings.Count(s, "\n") }

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
