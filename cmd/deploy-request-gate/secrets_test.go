package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// authHeader is what the e2e token sends as Authorization.
const authHeader = tokenID + ":" + tokenSecret

// echoed is the e2e token as a careless API echoes it: Markdown-escaped,
// raw between control characters, and percent-encoded (short enough that
// an error message quotes all of it).
var echoed = strings.ReplaceAll(tokenSecret, "_", `\_`) + " \r" + authHeader + "\n " + url.QueryEscape(authHeader)

// hygienePath is one way through the gate, which the secret test runs inside
// a runner, inside a runner with debug logging, outside a runner, and as
// the check command (table and JSON).
type hygienePath struct {
	name string
	// exit is the exit status of every form of the run.
	exit int
	// serve starts the API; nil means an API the gate must not call (the
	// inputs are bad).
	serve func(t *testing.T) faultAPI
	// inputs change baseInputs (a "" value removes the input); env is
	// the rest of the environment.
	inputs map[string]string
	env    []string
	// redacted means the run must show the mask "***": the secret reached
	// the gate from the API and was removed.
	redacted bool
}

func hygienePaths() []hygienePath {
	echo401 := serveHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+r.Header.Get("Authorization")+`"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(jsonMessage("unauthorized", "seen "+echoed))
	})
	echo500 := serveHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("upstream refused " + r.Header.Get("Authorization") + " (" + echoed + ")"))
	})
	echoLocation := serveHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://evil.example/cb?auth="+url.QueryEscape(r.Header.Get("Authorization"))+"&raw="+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusFound)
	})
	echoRetryAfter := serveSandbox(openList(3, 2), func(s *sandbox.Server) {
		s.OnRequest(func(n int, r *http.Request) {
			if n == 1 {
				s.InjectFaults(sandbox.RateLimitedFor(r.Header.Get("Authorization")))
			}
		})
	})
	tokenInData := serveSandbox(openList(3, 2), nil, editItems(func(item map[string]any) any {
		if isNumber(item, 2) {
			item["branch"] = "leak-" + tokenSecret
			item["deployment_state"] = tokenSecret // unknown: warned about in the summary
			item["html_url"] = "https://app.planetscale.com/acme/shop/deploy-requests/2?t=" + url.QueryEscape(authHeader)
			item["notes"] = echoed
		}
		return item
	}))
	// Outside text is cut short in places (an error quotes 200 characters,
	// a field value 64, a summary an unknown state 64): a secret straddling
	// the cut must be removed before the cut, or its first part shows.
	pad := func(n int) string { return strings.Repeat("x", n) + " " }
	cutError := serveAnswer(http.StatusUnauthorized, "application/json", string(jsonMessage("unauthorized", pad(170)+tokenSecret)))
	cutHTML := serveAnswer(http.StatusOK, "text/html", "<html><body>"+pad(170)+tokenSecret+"</body></html>")
	cutField := serveSandbox(openList(3, 2), nil, setField(2, "number", pad(30)+tokenSecret))
	cutState := serveSandbox(openList(3, 2), nil, setField(2, "deployment_state", pad(30)+tokenSecret))
	return []hygienePath{
		{name: "pass", exit: 0, serve: serveSandbox(openList(3), nil)},
		{name: "fail", exit: 1, serve: serveSandbox(openList(3, 2), nil)},
		{name: "token_in_deploy_request_fields", exit: 1, serve: tokenInData, redacted: true},
		{name: "echo_in_401_body_and_header", exit: 2, serve: echo401, redacted: true},
		{name: "echo_in_500_body_and_header", exit: 2, serve: echo500, inputs: map[string]string{"timeout": "2s"}, redacted: true},
		{name: "echo_in_redirect_location", exit: 2, serve: echoLocation, redacted: true},
		{name: "echo_in_retry_after", exit: 1, serve: echoRetryAfter},
		{name: "echoes_token_scenario", exit: 2, serve: echoesTokenWithE2EToken, redacted: true},
		{name: "secret_cut_in_error_message", exit: 2, serve: cutError},
		{name: "secret_cut_in_html_page", exit: 2, serve: cutHTML},
		{name: "secret_cut_in_field_value", exit: 2, serve: cutField},
		{name: "secret_cut_in_unknown_state", exit: 1, serve: cutState, redacted: true},
		{name: "token_as_organization", exit: 2, serve: serveSandbox(openList(3), nil),
			inputs: map[string]string{"organization": tokenSecret}, redacted: true},
		{name: "bad_input_token_in_inputs", exit: 2,
			inputs: map[string]string{"organization": "", "fail-on": "sometimes", "timeout": "soon"}},
		{name: "bad_input_token_in_env", exit: 2,
			inputs: map[string]string{"service-token": "", "database": ""}, env: []string{"PLANETSCALE_SERVICE_TOKEN=" + authHeader}},
		{name: "bad_input_swapped", exit: 2, inputs: map[string]string{"service-token": tokenSecret + ":" + tokenID}},
		{name: "bad_input_bearer", exit: 2, inputs: map[string]string{"service-token": "Bearer " + authHeader}},
		{name: "bad_input_token_with_space", exit: 2, inputs: map[string]string{"service-token": tokenID + ": " + tokenSecret + " x"}},
		{name: "bad_input_secret_without_id", exit: 2, inputs: map[string]string{"service-token": ""},
			env: []string{"PLANETSCALE_SERVICE_TOKEN=" + tokenSecret}},
	}
}

// echoesTokenWithE2EToken plays the echoes-token scenario (500, 500, then
// 401, each echoing the Authorization header) for the e2e token.
func echoesTokenWithE2EToken(t *testing.T) faultAPI {
	return serveSandbox(openList(3, 2), func(s *sandbox.Server) {
		s.OnRequest(func(n int, r *http.Request) {
			f := sandbox.Fault{Status: http.StatusInternalServerError, Body: string(jsonMessage("internal", "upstream refused Authorization: "+r.Header.Get("Authorization")))}
			if n > 2 {
				f = sandbox.Fault{Status: http.StatusUnauthorized, Body: string(jsonMessage("unauthorized", "token "+r.Header.Get("Authorization")+" is not valid"))}
			}
			s.InjectFaults(f)
		})
	})(t)
}

// TestGate_SecretHygiene drives every path (pass, fail, an API echoing the
// token in bodies, headers and data, bad inputs holding it, and every row
// of the fault matrix), inside a runner, with debug logging, outside a
// runner and as the check command, and checks that neither the token nor
// its secret (nor half of it) shows in stdout, stderr, the outputs or the
// summary outside ::add-mask::, in any escaped form, and that outside a
// runner no workflow command is printed at all.
func TestGate_SecretHygiene(t *testing.T) {
	t.Parallel()
	for _, p := range hygienePaths() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			serve := p.serve
			if serve == nil {
				serve = serveHandler(func(w http.ResponseWriter, r *http.Request) {
					t.Errorf("the gate called the API (%s) despite bad inputs", r.URL.Path)
				})
			}
			inputs := baseInputs(serve(t).url)
			for k, v := range p.inputs {
				inputs[k] = v
			}
			runs := map[string]gateRun{
				"runner":         runGate(t, inputs, p.env...),
				"runner_debug":   runGate(t, inputs, append([]string{"RUNNER_DEBUG=1"}, p.env...)...),
				"outside_runner": runOutsideRunner(t, inputs, p.env),
				"check_command":  runCheckCommand(t, inputs, p.env),
				"check_json":     runCheckCommand(t, inputs, p.env, "--format", "json"),
			}
			for mode, run := range runs {
				t.Logf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", mode, run.exitCode, run.stdout, run.stderr) // shown with -v
				if run.exitCode != p.exit {
					t.Errorf("%s: exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", mode, run.exitCode, p.exit, run.stdout, run.stderr)
				}
				checkHygiene(t, mode, run, nil)
				if shown := run.stdout + run.stderr + run.summary; p.redacted && !strings.Contains(shown, "***") && !strings.Contains(shown, `\*\*\*`) {
					t.Errorf("%s: no secret was removed: the API's echo never reached the gate (the path proves nothing)\n%s%s", mode, run.stdout, run.stderr)
				}
			}
			for _, mode := range []string{"outside_runner", "check_command", "check_json"} {
				for _, line := range testkit.Lines(runs[mode].stdout + runs[mode].stderr) {
					if strings.HasPrefix(strings.TrimSpace(line), "::") {
						t.Errorf("%s: a workflow command outside a runner: %q", mode, line)
					}
				}
			}
			if !strings.Contains(runs["runner"].stdout, "::add-mask::"+tokenSecret+"\n") {
				t.Errorf("the runner was not asked to mask the secret:\n%s", runs["runner"].stdout)
			}
		})
	}
	for _, fc := range faultCases() {
		t.Run("fault_"+fc.name, func(t *testing.T) {
			t.Parallel()
			api := fc.start(t)
			run := runGate(t, api.gateInputs(), "RUNNER_DEBUG=1")
			if run.exitCode != fc.exit {
				t.Errorf("exit code = %d, want %d\n%s", run.exitCode, fc.exit, run.stdout)
			}
			checkHygiene(t, "runner_debug", run, api.secrets)
		})
	}
}

// checkHygiene fails when a secret shows outside ::add-mask::, escaped or
// not, or when outside text forged a workflow command.
func checkHygiene(t *testing.T, mode string, run gateRun, extra []string) {
	t.Helper()
	texts := map[string]string{"stderr": run.stderr, "GITHUB_OUTPUT": run.outputsRaw, "summary": run.summary}
	for _, leak := range testkit.SecretLeaks(withHalves(append(slices.Clone(secrets), extra...)), run.stdout, texts) {
		t.Errorf("%s: %s", mode, leak)
	}
	checkOutsideText(t, run)
}

// withHalves adds the first and the last half of each secret (at least 16
// characters): a secret cut short before it was redacted shows one of them.
func withHalves(secrets []string) []string {
	out := slices.Clone(secrets)
	for _, s := range secrets {
		if n := max(len(s)/2, 16); n < len(s) {
			out = append(out, s[:n], s[len(s)-n:])
		}
	}
	return out
}

// runOutsideRunner runs the action as in another CI or a terminal: the
// inputs as INPUT_* variables, and no GITHUB_* variable at all.
func runOutsideRunner(t *testing.T, inputs map[string]string, env []string) gateRun {
	t.Helper()
	vars := []string{"HOME=" + t.TempDir()}
	for k, v := range inputs {
		vars = append(vars, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	return runBinary(t, nil, append(vars, env...), "")
}

// runCheckCommand runs "deploy-request-gate check" with the inputs as its
// flags, outside a runner, writing the Markdown summary too.
func runCheckCommand(t *testing.T, inputs map[string]string, env []string, flags ...string) gateRun {
	t.Helper()
	md := filepath.Join(t.TempDir(), "gate.md")
	args := append([]string{"check", "--markdown", md}, flags...)
	if db := inputs["database"]; db != "" {
		args = append(args, db)
	}
	for input, flag := range map[string]string{"organization": "--org", "api-url": "--api-url", "timeout": "--timeout",
		"fail-on": "--fail-on", "service-token": "--service-token", "service-token-id": "--service-token-id",
		"branch": "--branch", "into-branch": "--into-branch"} {
		if v := inputs[input]; v != "" {
			args = append(args, flag, v)
		}
	}
	return runBinary(t, args, append([]string{"HOME=" + t.TempDir()}, env...), md)
}

// runBinary runs the binary with args and exactly env (see runCommand);
// markdown, if not empty, is a file read as the summary.
func runBinary(t *testing.T, args, env []string, markdown string) gateRun {
	t.Helper()
	r := runCommand(t, env, args...)
	run := gateRun{exitCode: r.code, stdout: r.stdout, stderr: r.stderr}
	if markdown != "" {
		if b, err := os.ReadFile(markdown); err == nil {
			run.summary = string(b)
		}
	}
	return run
}

// jsonMessage is the API's error body for code and message, JSON-escaped.
func jsonMessage(code, message string) []byte {
	b, _ := json.Marshal(map[string]string{"code": code, "message": message})
	return b
}
