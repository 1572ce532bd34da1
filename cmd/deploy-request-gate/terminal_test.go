package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// needTool returns the path of a program the test needs, and skips the
// test without it (outside CI; in CI it fails).
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// runInTerminal runs the built binary with args under a pseudo-terminal
// (script from util-linux allocates it), with stdout sent to a file, so
// what the terminal shows is stderr alone. It returns the exit status,
// what the terminal showed and what went to stdout.
func runInTerminal(t *testing.T, env []string, args ...string) (code int, terminal, stdout string) {
	t.Helper()
	script := needTool(t, "script")
	dir := t.TempDir()
	out := filepath.Join(dir, "stdout")
	line := shellQuote(gateBinary)
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	cmd := exec.Command(script, "-qec", line+" >"+shellQuote(out), "/dev/null")
	cmd.Env = append([]string{"SHELL=/bin/sh", "TERM=xterm", "PATH=" + os.Getenv("PATH")}, env...)
	cmd.Dir = dir
	shown, err := cmd.Output()
	if cmd.ProcessState == nil {
		t.Fatalf("run %v under script: %v", args, err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(shown), string(b)
}

// TestTerminal_NoArguments: with no arguments outside a runner, the binary
// prints the usage and a hint, at a terminal and in a pipe alike; in a
// runner, or with the action's inputs set by hand, it is the action.
func TestTerminal_NoArguments(t *testing.T) {
	t.Parallel()
	code, shown, _ := runInTerminal(t, nil)
	if code != 2 || !strings.Contains(shown, "Usage:") || !strings.Contains(shown, "no command given. Try 'deploy-request-gate demo', or 'deploy-request-gate help'") {
		t.Errorf("at a terminal: exit %d, want 2 and the usage with a hint:\n%s", code, shown)
	}
	if strings.Contains(shown, "GITHUB_OUTPUT") || strings.Contains(shown, "INPUT_") && !strings.Contains(shown, "INPUT_* variables") {
		t.Errorf("at a terminal the action's input errors show:\n%s", shown)
	}
	r := runCommand(t, nil)
	if r.code != 2 || !strings.Contains(r.stderr, "no command given") || r.stdout != "" {
		t.Errorf("in a pipe: exit %d, want 2 and the hint on stderr\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, env := range [][]string{{"GITHUB_ACTIONS=true"}, {"INPUT_ORGANIZATION=acme"}} {
		r := runCommand(t, env)
		if r.code != 2 || strings.Contains(r.stdout+r.stderr, "no command given") || !strings.Contains(r.stdout+r.stderr, "input") {
			t.Errorf("%v: want the action's input errors, got exit %d\nstdout:\n%s\nstderr:\n%s", env, r.code, r.stdout, r.stderr)
		}
	}
}

// TestTerminal_Progress: check shows a progress line on stderr when it is
// a terminal, erased before the verdict, and nothing extra in a pipe.
func TestTerminal_Progress(t *testing.T) {
	t.Parallel()
	var drs []sandbox.DeployRequest
	for n := 1; n <= 9; n++ {
		drs = append(drs, dr(n, "feature", "ready", true))
	}
	api, url := newAPI(t, true, drs, sandbox.WithMaxPerPage(2))
	api.FailPageOnce(2, sandbox.Unavailable)
	env := commandEnv(url, tokenID+":"+tokenSecret)
	code, shown, stdout := runInTerminal(t, env, "check", testDatabase)
	if code != 0 || !strings.Contains(stdout, "No deploy request blocks") {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nterminal:\n%s", code, stdout, shown)
	}
	for _, want := range []string{"\r\x1b[KPlanetScale API: 1 answered", ", 1 retried", "attempt 1 failed"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the terminal lacks %q:\n%q", want, shown)
		}
	}
	if !strings.HasSuffix(shown, "\r\x1b[K") {
		t.Errorf("the progress line is not erased at the end:\n%q", shown)
	}
	if strings.Contains(stdout, "\x1b") || strings.Contains(stdout, "answered") {
		t.Errorf("stdout, a file, holds the progress line:\n%q", stdout)
	}

	api2, url2 := newAPI(t, true, drs, sandbox.WithMaxPerPage(2))
	api2.FailPageOnce(2, sandbox.Unavailable)
	r := runCommand(t, commandEnv(url2, tokenID+":"+tokenSecret), "check", testDatabase)
	if r.code != 0 || strings.Contains(r.stderr, "API: 1 answered") || strings.Contains(r.stderr+r.stdout, "\x1b") || !strings.Contains(r.stderr, "attempt 1 failed") {
		t.Errorf("in a pipe: exit %d; want the retry line and no progress line\nstderr:\n%q", r.code, r.stderr)
	}
}

func TestCLI_VersionFlags(t *testing.T) {
	t.Parallel()
	want := runCommand(t, nil, "version")
	for _, flag := range []string{"-v", "--version"} {
		r := runCommand(t, nil, flag)
		if r.code != 0 || r.stdout != want.stdout || !strings.HasPrefix(r.stdout, "deploy-request-gate ") {
			t.Errorf("%s: exit %d, stdout %q, want %q", flag, r.code, r.stdout, want.stdout)
		}
	}
}

// TestCLI_Completion loads each shell's completion script into that shell
// and asks it to complete.
func TestCLI_Completion(t *testing.T) {
	t.Parallel()
	t.Run("bash", func(t *testing.T) {
		t.Parallel()
		bash := needTool(t, "bash")
		script := runCommand(t, nil, "completion", "bash")
		for _, tt := range []struct {
			words []string
			want  string
		}{
			{[]string{"deploy-request-gate", "ch"}, "check"},
			{[]string{"deploy-request-gate", "check", "--fo"}, "--format"},
			{[]string{"deploy-request-gate", "check", "--format", ""}, "table json junit markdown"},
			{[]string{"deploy-request-gate", "databases", "--format", ""}, "table json"},
			{[]string{"deploy-request-gate", "--org", "acme", "check", "--fail-on", "un"}, "unapproved undeployed"},
			{[]string{"deploy-request-gate", "demo", "--scenario", "pull"}, "pull-request"},
			{[]string{"deploy-request-gate", "completion", "f"}, "fish"},
		} {
			prog := script.stdout + "\nCOMP_WORDS=("
			for _, w := range tt.words {
				prog += shellQuote(w) + " "
			}
			prog += ")\nCOMP_CWORD=" + strconv.Itoa(len(tt.words)-1) + "\n_deploy_request_gate\necho \"${COMPREPLY[*]}\"\n"
			out, err := exec.Command(bash, "--norc", "-c", prog).CombinedOutput()
			if got := strings.TrimSpace(string(out)); err != nil || got != tt.want {
				t.Errorf("complete %q: got %q (%v), want %q", tt.words, got, err, tt.want)
			}
		}
	})
	t.Run("fish", func(t *testing.T) {
		t.Parallel()
		fish := needTool(t, "fish")
		file := filepath.Join(t.TempDir(), "drg.fish")
		if err := os.WriteFile(file, []byte(runCommand(t, nil, "completion", "fish").stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		for line, want := range map[string]string{
			"deploy-request-gate ch":                 "check",
			"deploy-request-gate check --format ":    "json junit markdown table",
			"deploy-request-gate overview --format ": "json table",
			"deploy-request-gate check --fail-on ":   "deploy-order never unapproved undeployed",
		} {
			out, err := exec.Command(fish, "--no-config", "-c", "source "+file+"; complete -C "+shellQuote(line)).CombinedOutput()
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				value, _, _ := strings.Cut(l, "\t")
				got = append(got, value)
			}
			if err != nil || strings.Join(got, " ") != want {
				t.Errorf("complete %q: got %q (%v), want %q", line, out, err, want)
			}
		}
	})
	t.Run("zsh", func(t *testing.T) {
		t.Parallel()
		zsh := needTool(t, "zsh")
		file := filepath.Join(t.TempDir(), "_deploy-request-gate")
		script := runCommand(t, nil, "completion", "zsh").stdout
		if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(zsh, "-n", file).CombinedOutput(); err != nil {
			t.Errorf("zsh -n: %v\n%s", err, out)
		}
		// Loaded in an interactive zsh with compinit, it registers itself.
		out, err := exec.Command(zsh, "-f", "-c", "autoload -U compinit && compinit -u && source "+file+" && print -r -- ${_comps[deploy-request-gate]}").CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "_deploy_request_gate" {
			t.Errorf("zsh did not register the completion: %q (%v)", out, err)
		}
	})
	r := runCommand(t, nil, "completion", "tcsh")
	if r.code != 2 || !strings.Contains(r.stderr, "name the shell: bash, zsh or fish") {
		t.Errorf("completion tcsh: exit %d\n%s", r.code, r.stderr)
	}
}
