//go:build ignore

// Action-inputs checks that one step of a workflow sets every input the
// action declares, so CI's run of the action from the checkout keeps covering
// each input as inputs are added:
//
//	go run .ci/action-inputs.go -workflow .github/workflows/ci.yml -step pass
//
// It reads the two files by indentation (two spaces a level, as they are
// written), not with a YAML parser: the module has none and this needs none.
// actionlint reports inputs the action does not declare; this reports the
// declared ones the step leaves out.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

var keyRE = regexp.MustCompile(`^( *)(?:- )?([A-Za-z0-9_.-]+):`)

func main() {
	action := flag.String("action", "action.yml", "the action metadata")
	workflow := flag.String("workflow", ".github/workflows/ci.yml", "the workflow")
	step := flag.String("step", "", "the id of the step that must set every input")
	flag.Parse()
	if err := run(*action, *workflow, *step); err != nil {
		fmt.Fprintln(os.Stderr, "action-inputs:", err)
		os.Exit(1)
	}
}

func run(action, workflow, step string) error {
	actionLines, err := readLines(action)
	if err != nil {
		return err
	}
	workflowLines, err := readLines(workflow)
	if err != nil {
		return err
	}
	inputs := childKeys(actionLines, 0, "inputs")
	if len(inputs) == 0 {
		return fmt.Errorf("%s declares no inputs", action)
	}
	with, err := stepWith(workflowLines, step)
	if err != nil {
		return fmt.Errorf("%s: %w", workflow, err)
	}
	var missing []string
	for name := range inputs {
		if !with[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("%s: step %q does not set these inputs of %s: %s", workflow, step, action, strings.Join(missing, ", "))
	}
	fmt.Printf("step %q of %s sets all %d inputs of %s\n", step, workflow, len(inputs), action)
	return nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		lines = append(lines, s.Text())
	}
	return lines, s.Err()
}

// childKeys returns the keys one level under the first key named parent
// found at the given indentation.
func childKeys(lines []string, indent int, parent string) map[string]bool {
	for i, l := range lines {
		m := keyRE.FindStringSubmatch(l)
		if m == nil || len(m[1]) != indent || m[2] != parent || strings.HasPrefix(strings.TrimSpace(l), "- ") {
			continue
		}
		return keysBelow(lines[i+1:], indent)
	}
	return nil
}

// keysBelow returns the keys of the block that starts the lines and is
// indented deeper than indent, at the block's own first level.
func keysBelow(lines []string, indent int) map[string]bool {
	keys := map[string]bool{}
	level := -1
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if n <= indent {
			break
		}
		if level < 0 {
			level = n
		}
		if m := keyRE.FindStringSubmatch(l); m != nil && len(m[1]) == level && !strings.HasPrefix(t, "- ") {
			keys[m[2]] = true
		}
	}
	return keys
}

// stepWith returns the keys under with: of the step whose id is step.
func stepWith(lines []string, step string) (map[string]bool, error) {
	idRE := regexp.MustCompile(`^( *)(- )?id: *['"]?` + regexp.QuoteMeta(step) + `['"]? *$`)
	for i, l := range lines {
		m := idRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		keyIndent := len(m[1]) + len(m[2])
		if keyIndent < 2 {
			return nil, fmt.Errorf("id %q is not inside a list of steps", step)
		}
		// The step starts at the nearest "- " at keyIndent-2 above (or here).
		start := i
		for ; start > 0 && !strings.HasPrefix(lines[start], strings.Repeat(" ", keyIndent-2)+"- "); start-- {
		}
		step := stepLines(lines[start:], keyIndent)
		with := childKeys(step, keyIndent, "with")
		if with == nil {
			return nil, fmt.Errorf("step %q has no \"with\" key", m[0])
		}
		return with, nil
	}
	return nil, fmt.Errorf("no step with id %q", step)
}

// stepLines returns the lines of the step that starts lines[0], with its
// first line's "- " made into spaces so every key sits at keyIndent.
func stepLines(lines []string, keyIndent int) []string {
	out := []string{strings.Replace(lines[0], "- ", "  ", 1)}
	for _, l := range lines[1:] {
		t := strings.TrimSpace(l)
		n := len(l) - len(strings.TrimLeft(l, " "))
		if t != "" && n < keyIndent {
			break
		}
		out = append(out, l)
	}
	return out
}
