package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/sethvargo/go-githubactions"
)

// runDemo starts a sandbox API on loopback, runs the real gate against it
// with the environment a runner gives a container action, and prints what a
// workflow run would show. It exits 0 whatever the gate decides.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "unapproved", "sandbox scenario: "+strings.Join(sandbox.ScenarioNames(), ", "))
	failOn := fs.String("fail-on", "unapproved", "the fail-on input: unapproved, undeployed or never")
	branch := fs.String("branch", "", "the branch input")
	intoBranch := fs.String("into-branch", "", "the into-branch input")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: deploy-request-gate demo [flags]\n\nRuns the real gate against the built-in sandbox PlanetScale API (no account, no network).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "demo: unexpected argument %q\n", fs.Arg(0))
		return exitError
	}
	sc, err := sandbox.NewScenario(*scenario, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitError
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	apiURL, err := sc.Server.Listen(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitError
	}
	dir, err := os.MkdirTemp("", "deploy-request-gate-demo-")
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitError
	}
	defer os.RemoveAll(dir)

	inputs := []struct{ name, value, shown string }{
		{"organization", sandbox.DemoOrganization, ""},
		{"database", sandbox.DemoDatabase, ""},
		{"service-token", sc.ServiceToken, "*** (a sandbox token, ID:TOKEN)"},
		{"service-token-id", "", ""},
		{"branch", *branch, ""},
		{"into-branch", *intoBranch, ""},
		{"fail-on", *failOn, ""},
		{"api-url", apiURL, ""},
		{"timeout", "1m", ""},
	}
	env := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
		"GITHUB_EVENT_PATH":   filepath.Join(dir, "event.json"),
		"GITHUB_EVENT_NAME":   "pull_request",
	}
	if err := os.WriteFile(env["GITHUB_EVENT_PATH"], []byte(`{"pull_request":{"number":42}}`), 0o600); err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitError
	}

	fmt.Fprintf(stdout, "deploy-request-gate demo, scenario %q: %s\n", sc.Name, sc.Description)
	fmt.Fprintf(stdout, "Sandbox PlanetScale API at %s (no account, no network). The real gate runs with these inputs:\n", apiURL)
	for _, in := range inputs {
		env["INPUT_"+strings.ToUpper(in.name)] = in.value
		if in.value == "" {
			continue
		}
		shown := in.value
		if in.shown != "" {
			shown = in.shown
		}
		fmt.Fprintf(stdout, "  %s: %s\n", in.name, shown)
	}

	section(stdout, "Step log (as the runner shows it: ::add-mask:: values print as ***)")
	log := newMaskingWriter(stdout)
	a := githubactions.New(githubactions.WithWriter(log), githubactions.WithGetenv(func(k string) string { return env[k] }))
	result := check.Run(ctx, a, check.Options{UserAgent: userAgent() + " (demo)"})
	log.Flush()
	code := exitCode(result)

	section(stdout, "Step outputs (GITHUB_OUTPUT)")
	outputs, err := readFileCommands(env["GITHUB_OUTPUT"])
	if err != nil {
		fmt.Fprintf(stdout, "could not read the outputs: %v\n", err)
	}
	for _, o := range outputs {
		fmt.Fprintf(stdout, "%s=%s\n", o.Name, o.Value)
	}
	section(stdout, "Job summary (GITHUB_STEP_SUMMARY, Markdown)")
	summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	stdout.Write(summary)

	verdict := map[int]string{
		exitPass:  "the step passes: the pull request check goes green",
		exitFail:  "the step fails: the pull request check stays red while deploy requests block",
		exitError: "the step fails closed: the gate could not decide",
	}[code]
	section(stdout, fmt.Sprintf("Exit status %d: %s", code, verdict))
	var others []string
	for _, n := range sandbox.ScenarioNames() {
		if n != sc.Name {
			others = append(others, n)
		}
	}
	fmt.Fprintf(stdout, "Other scenarios: --scenario %s. Policies: --fail-on unapproved|undeployed|never.\n", strings.Join(others, "|"))
	return exitPass
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n── %s %s\n", title, strings.Repeat("─", max(3, 72-len([]rune(title)))))
}

// maskingWriter shows workflow commands the way the runner's log does: it
// replaces every value announced with ::add-mask:: by ***.
type maskingWriter struct {
	mu    sync.Mutex
	out   io.Writer
	buf   bytes.Buffer
	masks []string
}

func newMaskingWriter(out io.Writer) *maskingWriter { return &maskingWriter{out: out} }

func (w *maskingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line) // an incomplete line waits for its end
			return len(p), nil
		}
		w.writeLine(strings.TrimSuffix(line, "\n"))
	}
}

// Flush writes a last line that had no line break.
func (w *maskingWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.writeLine(w.buf.String())
		w.buf.Reset()
	}
}

func (w *maskingWriter) writeLine(line string) {
	if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
		w.masks = append(w.masks, v)
		fmt.Fprintln(w.out, "::add-mask::***")
		return
	}
	for _, m := range w.masks {
		if m != "" {
			line = strings.ReplaceAll(line, m, "***")
		}
	}
	fmt.Fprintln(w.out, line)
}

// fileCommand is one name and value of a runner file such as GITHUB_OUTPUT.
type fileCommand struct{ Name, Value string }

// readFileCommands parses a GITHUB_OUTPUT-style file the way the runner
// does: "name=value" lines and "name<<DELIMITER" blocks ending at a line
// that is exactly the delimiter.
func readFileCommands(path string) ([]fileCommand, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseFileCommands(f)
}

func parseFileCommands(r io.Reader) ([]fileCommand, error) {
	var out []fileCommand
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
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
				return out, fmt.Errorf("value of %q has no closing delimiter %q", name, delim)
			}
			out = append(out, fileCommand{name, strings.Join(value, "\n")})
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return out, fmt.Errorf("malformed line %q", line)
		}
		out = append(out, fileCommand{name, value})
	}
	return out, sc.Err()
}
