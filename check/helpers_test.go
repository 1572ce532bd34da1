package check

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"
)

// newTestAction returns an action that reads its environment from vars and
// writes its log (workflow commands included) to the returned buffer.
func newTestAction(vars map[string]string) (*githubactions.Action, *bytes.Buffer) {
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
// does: "name=value" lines and "name<<DELIMITER" blocks that end at a line
// equal to DELIMITER. It returns the outputs in file order (a name written
// twice appears twice) and fails on a block that never ends or a line with
// no name.
func parseRunnerOutputs(t *testing.T, content string) []Output {
	t.Helper()
	var out []Output
	sc := bufio.NewScanner(strings.NewReader(content))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		heredoc := strings.Index(line, "<<")
		equals := strings.Index(line, "=")
		if heredoc >= 0 && (equals < 0 || heredoc < equals) {
			name, delim := line[:heredoc], line[heredoc+2:]
			if name == "" || delim == "" {
				t.Fatalf("GITHUB_OUTPUT: bad heredoc line %q", line)
			}
			var value []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				value = append(value, sc.Text())
			}
			if !closed {
				t.Fatalf("GITHUB_OUTPUT: block %q never ends with %q", name, delim)
			}
			out = append(out, Output{name, strings.Join(value, "\n")})
			continue
		}
		if equals <= 0 {
			t.Fatalf("GITHUB_OUTPUT: line %q is neither name=value nor name<<DELIMITER", line)
		}
		out = append(out, Output{line[:equals], line[equals+1:]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
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

// lines splits a log into lines without the trailing empty one.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// linesWithPrefix returns the lines of s that start with prefix.
func linesWithPrefix(s, prefix string) []string {
	var out []string
	for _, l := range lines(s) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// assertNoSecret fails when secret appears in log outside ::add-mask::
// lines, or anywhere in the other texts.
func assertNoSecret(t *testing.T, secret, log string, files map[string]string) {
	t.Helper()
	for i, l := range lines(log) {
		if strings.HasPrefix(l, "::add-mask::") {
			continue
		}
		if strings.Contains(l, secret) {
			t.Errorf("log line %d shows the secret: %q", i+1, l)
		}
	}
	for name, content := range files {
		if strings.Contains(content, secret) {
			t.Errorf("%s shows the secret:\n%s", name, content)
		}
	}
}

// unescapedPipes counts the "|" in a Markdown line that are not escaped by
// an odd number of backslashes: the cell separators GitHub sees.
func unescapedPipes(line string) int {
	n, backslashes := 0, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			backslashes++
			continue
		case '|':
			if backslashes%2 == 0 {
				n++
			}
		}
		backslashes = 0
	}
	return n
}

func TestUnescapedPipes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want int
	}{
		{"| a | b |", 3},
		{`| a\|b |`, 2},
		{`| a\\|b |`, 3},
		{`| a\\\|b |`, 2},
		{"no pipes", 0},
	}
	for _, tt := range tests {
		if got := unescapedPipes(tt.line); got != tt.want {
			t.Errorf("unescapedPipes(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}

func TestParseRunnerOutputs(t *testing.T) {
	t.Parallel()
	content := "a=1\nb<<EOF\nline 1\nline 2\nEOF\nc<<X\n\nX\nd=x=y\n"
	got := parseRunnerOutputs(t, content)
	want := []Output{{"a", "1"}, {"b", "line 1\nline 2"}, {"c", ""}, {"d", "x=y"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseRunnerOutputs = %q, want %q", got, want)
	}
}
