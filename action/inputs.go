package action

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/sethvargo/go-githubactions"
)

// InputError is a problem with the action's inputs; each problem says what
// is wrong and how to fix it.
type InputError struct{ Problems []string }

func (e *InputError) Error() string {
	if len(e.Problems) == 1 {
		return "bad input: " + e.Problems[0]
	}
	return "bad input:\n- " + strings.Join(e.Problems, "\n- ")
}

// token is the service token as the inputs or the environment gave it.
type token struct {
	value, from string
	id, idFrom  string
	// secrets are every value to keep out of the log: the service token's
	// forms and the GitHub token.
	secrets []string
}

// readToken reads the service token inputs, falling back to the variables
// the pscale CLI reads, and the GitHub token.
func readToken(a *githubactions.Action) token {
	var t token
	t.value, t.from = inputOrEnv(a, "service-token", check.EnvServiceToken)
	t.id, t.idFrom = inputOrEnv(a, "service-token-id", check.EnvServiceTokenID)
	t.secrets = planetscale.Secrets(t.value, t.id)
	if gh := strings.TrimSpace(a.GetInput("github-token")); gh != "" && !strings.ContainsAny(gh, "\r\n") {
		t.secrets = append(t.secrets, gh)
	}
	return t
}

// inputs are the action's validated inputs.
type inputs struct {
	cfg check.Config
	// creds are the PlanetScale token's, for the client; cfg.OAuth says
	// which kind the gate explains problems for.
	creds  planetscale.Credentials
	github githubInputs
	// databases are the database input's names, each once, in the order
	// given; cfg.Database is the first. Several make a run over several
	// databases (see databases.go).
	databases []string
}

// LoadConfig reads and validates the inputs, and returns the gate's
// configuration and the token's credentials. Inside a runner
// (GITHUB_ACTIONS=true) it first masks every secret value with
// ::add-mask::, so nothing printed afterwards can show the token. All
// problems are reported together in an *InputError.
func LoadConfig(a *githubactions.Action) (*check.Config, planetscale.Credentials, error) {
	t := readToken(a)
	maskSecrets(a, t.secrets)
	in, err := loadInputs(a, t, MinWaitInterval)
	if err != nil {
		return nil, planetscale.Credentials{}, err
	}
	return &in.cfg, in.creds, nil
}

// maskSecrets announces each secret with ::add-mask::, inside a runner only:
// elsewhere the command would print the secret itself.
func maskSecrets(a *githubactions.Action, secrets []string) {
	if a.Getenv("GITHUB_ACTIONS") != "true" {
		return
	}
	for _, s := range secrets {
		a.AddMask(s)
	}
}

// loadInputs validates the inputs. All problems are reported together in
// an *InputError. The token was read (and its secrets masked) before.
func loadInputs(a *githubactions.Action, t token, minInterval time.Duration) (inputs, error) {
	var problems []string
	databases := check.Databases(a.GetInput("database"))
	cfg := check.Config{
		Organization: a.GetInput("organization"),
		Filter:       check.Filter{Branch: a.GetInput("branch"), IntoBranch: a.GetInput("into-branch")},
	}
	if len(databases) > 0 {
		cfg.Database = databases[0]
	}
	if cfg.Organization == "" {
		problems = append(problems, `input "organization" is required: set it under "with:" to your PlanetScale organization (the first part of app.planetscale.com/<organization>/<database>)`)
	}
	if cfg.Database == "" {
		problems = append(problems, `input "database" is required: set it under "with:" to the database name (the second part of app.planetscale.com/<organization>/<database>)`)
	}
	names := []struct{ name, value string }{{"organization", cfg.Organization}}
	for _, db := range databases {
		names = append(names, struct{ name, value string }{"database", db})
	}
	if len(databases) > maxDatabases {
		problems = append(problems, fmt.Sprintf(`input "database" lists %d databases, more than %d: split them over several steps`, len(databases), maxDatabases))
	}
	for _, in := range names {
		if in.value != "" && check.ValidateName(in.value) != nil {
			problems = append(problems, fmt.Sprintf(`input %q is %q: give the bare name as PlanetScale shows it (no slashes, spaces, "?", "#" or braces)`, in.name, in.value))
		}
	}

	creds, err := planetscale.ParseCredentials(t.value, t.id)
	var credErr *planetscale.CredentialError
	switch {
	case errors.Is(err, planetscale.ErrNoCredentials):
		problems = append(problems, `no service token: set input "service-token" to ${{ secrets.PLANETSCALE_SERVICE_TOKEN }} holding ID:TOKEN (or the token, with "service-token-id"), or set the env variables `+check.EnvServiceTokenID+" and "+check.EnvServiceToken)
	case errors.As(err, &credErr):
		problems = append(problems, fmt.Sprintf("%s (read from %s): %s", credErr.Problem, joinSources(t.from, t.idFrom), credErr.Fix))
	case err != nil:
		problems = append(problems, err.Error())
	}
	cfg.OAuth = creds.OAuth

	if cfg.FailOn, err = check.ParsePolicy(a.GetInput("fail-on")); err != nil {
		problems = append(problems, `input "fail-on": `+err.Error())
	}
	cfg.APIURL = a.GetInput("api-url")
	if cfg.APIURL == "" {
		cfg.APIURL = planetscale.DefaultBaseURL
	}
	if _, err := planetscale.ParseBaseURL(cfg.APIURL); err != nil {
		problems = append(problems, `input "api-url": `+err.Error())
	}
	if cfg.Timeout, err = check.ParseTimeout(a.GetInput("timeout")); err != nil {
		problems = append(problems, `input "timeout": `+err.Error())
	}
	gh := loadGitHubInputs(a, minInterval, &problems)
	gh.checkStatusContext(len(databases), &problems)
	if len(problems) > 0 {
		return inputs{}, &InputError{Problems: problems}
	}
	return inputs{cfg: cfg, creds: creds, github: gh, databases: databases}, nil
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

// settingName words a setting the way a workflow author knows it.
func settingName(s check.Setting) string {
	if s == check.SettingRerun {
		return "re-run the job"
	}
	return "the `" + string(s) + "` input"
}

// maxDatabases bounds the database input: each database is one listing
// (and, in wait mode, one per check) within the one rate budget.
const maxDatabases = 20
