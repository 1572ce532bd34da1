package check

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/sethvargo/go-githubactions"
)

// The environment variables the pscale CLI reads, used when the inputs are empty.
const (
	EnvServiceToken   = "PLANETSCALE_SERVICE_TOKEN"
	EnvServiceTokenID = "PLANETSCALE_SERVICE_TOKEN_ID"
)

// DefaultTimeout is the timeout input's default.
const DefaultTimeout = 2 * time.Minute

// Config is the gate's validated input.
type Config struct {
	Organization string
	Database     string
	Filter       Filter
	FailOn       Policy
	// APIURL is the validated API base URL.
	APIURL string
	// Timeout is one deadline for the whole run, retries included.
	Timeout     time.Duration
	Credentials planetscale.Credentials
}

// InputError is a problem with the action's inputs; its text says what is
// wrong and how to fix it.
type InputError struct{ Problems []string }

func (e *InputError) Error() string {
	if len(e.Problems) == 1 {
		return "bad input: " + e.Problems[0]
	}
	return "bad input:\n- " + strings.Join(e.Problems, "\n- ")
}

// LoadConfig reads and validates the inputs. Before anything else it masks
// every secret value with ::add-mask::, so nothing printed afterwards can
// show the token. All problems are reported together in an *InputError.
func LoadConfig(a *githubactions.Action) (*Config, error) {
	token, tokenFrom := inputOrEnv(a, "service-token", EnvServiceToken)
	id, idFrom := inputOrEnv(a, "service-token-id", EnvServiceTokenID)
	for _, s := range planetscale.Secrets(token, id) {
		a.AddMask(s)
	}

	var problems []string
	cfg := &Config{
		Organization: a.GetInput("organization"),
		Database:     a.GetInput("database"),
		Filter:       Filter{Branch: a.GetInput("branch"), IntoBranch: a.GetInput("into-branch")},
	}
	if cfg.Organization == "" {
		problems = append(problems, `input "organization" is required: set it under "with:" to your PlanetScale organization (the first part of app.planetscale.com/<organization>/<database>)`)
	}
	if cfg.Database == "" {
		problems = append(problems, `input "database" is required: set it under "with:" to the database name (the second part of app.planetscale.com/<organization>/<database>)`)
	}
	for _, in := range []struct{ name, value string }{{"organization", cfg.Organization}, {"database", cfg.Database}} {
		if in.value == "." || in.value == ".." || strings.ContainsAny(in.value, "/\\ \t\r\n?#") {
			problems = append(problems, fmt.Sprintf(`input %q is %q: give the bare name as PlanetScale shows it (no slashes, spaces, "?" or "#")`, in.name, in.value))
		}
	}

	creds, err := planetscale.ParseCredentials(token, id)
	var credErr *planetscale.CredentialError
	switch {
	case errors.Is(err, planetscale.ErrNoCredentials):
		problems = append(problems, `no service token: set input "service-token" to ${{ secrets.PLANETSCALE_SERVICE_TOKEN }} holding ID:TOKEN (or the token, with "service-token-id"), or set the env variables `+EnvServiceTokenID+" and "+EnvServiceToken)
	case errors.As(err, &credErr):
		problems = append(problems, fmt.Sprintf("%s (read from %s): %s", credErr.Problem, joinSources(tokenFrom, idFrom), credErr.Fix))
	case err != nil:
		problems = append(problems, err.Error())
	}
	cfg.Credentials = creds

	if cfg.FailOn, err = ParsePolicy(a.GetInput("fail-on")); err != nil {
		problems = append(problems, `input "fail-on": `+err.Error())
	}

	cfg.APIURL = a.GetInput("api-url")
	if cfg.APIURL == "" {
		cfg.APIURL = planetscale.DefaultBaseURL
	}
	if _, err := planetscale.ParseBaseURL(cfg.APIURL); err != nil {
		problems = append(problems, `input "api-url": `+err.Error())
	}

	if cfg.Timeout, err = parseTimeout(a.GetInput("timeout")); err != nil {
		problems = append(problems, `input "timeout": `+err.Error())
	}

	if len(problems) > 0 {
		return nil, &InputError{Problems: problems}
	}
	return cfg, nil
}

// inputOrEnv returns the input, or the env variable when the input is empty,
// and names where the value came from.
func inputOrEnv(a *githubactions.Action, input, env string) (value, from string) {
	if v := a.GetInput(input); v != "" {
		return v, fmt.Sprintf("input %q", input)
	}
	if v := a.Getenv(env); strings.TrimSpace(v) != "" {
		return v, "env " + env
	}
	return "", ""
}

func joinSources(sources ...string) string {
	var out []string
	for _, s := range sources {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " and ")
}

// parseTimeout reads a Go duration ("2m", "90s") or whole seconds ("120").
func parseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.Atoi(s)
		if nerr != nil {
			return 0, fmt.Errorf("%q is not a duration: use a value like 2m, 90s or 120", s)
		}
		if n < 1 || n > int(6*time.Hour/time.Second) {
			// Checked before multiplying, which could overflow into range.
			return 0, fmt.Errorf("%q is out of range: use between 1s and 6h", s)
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second || d > 6*time.Hour {
		return 0, fmt.Errorf("%q is out of range: use between 1s and 6h", s)
	}
	return d, nil
}
