package main

import (
	"fmt"
	"os"
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
