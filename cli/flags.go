package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// commonFlags are the flags every command that calls the API takes. Each
// falls back to the variable the pscale CLI reads; a flag wins over its
// variable.
type commonFlags struct {
	org, database  string
	format         string
	apiURL         string
	timeout        string
	token, tokenID string
}

// register adds the flags for a command of scope sc whose output may take
// formats (table and json when none are given).
func (f *commonFlags) register(fs *flag.FlagSet, sc scope, formats ...string) {
	if sc >= organization {
		fs.StringVar(&f.org, "org", "", "the PlanetScale `ORGANIZATION` (default $"+check.EnvOrganization+")")
	}
	switch sc {
	case database:
		fs.StringVar(&f.database, "database", "", "the `DATABASE` (or give it as the first word after the command)")
	case optionalDatabase:
		fs.StringVar(&f.database, "database", "", "also check this `DATABASE` (or give it as the first word after the command)")
	}
	fs.StringVar(&f.format, "format", "table", "output `FORMAT`: "+formatUsage(formats))
	fs.StringVar(&f.apiURL, "api-url", "", "the API's `URL` (default $"+check.EnvAPIURL+", else "+planetscale.DefaultBaseURL+")")
	fs.StringVar(&f.timeout, "timeout", "2m", "give up after this `DURATION`, retries included (2m, 90s or 120)")
	fs.StringVar(&f.token, "service-token", "", "the service `TOKEN`: ID:TOKEN, or the token alone with --service-token-id (default $"+check.EnvServiceToken+")")
	fs.StringVar(&f.tokenID, "service-token-id", "", "the service token's `ID`, when --service-token is the token alone (default $"+check.EnvServiceTokenID+")")
}

// commonFlagNames are the flags register adds, for the help text.
var commonFlagNames = map[string]bool{
	"format": true, "api-url": true, "timeout": true, "service-token": true, "service-token-id": true,
}

// resolve reads the common flags and their variables into the session and
// checks them. It returns what to fix, nothing when they are fine. A token
// problem is left in s.credErr for the doctor.
func (s *session) resolve(f *commonFlags, words []string) []string {
	getenv := s.env.getenv
	var problems []string
	// The flags win over the variables; a token given by flag keeps the ID
	// that came with it.
	token, tokenFrom := f.token, "--service-token"
	if token == "" {
		token, tokenFrom = getenv(check.EnvServiceToken), check.EnvServiceToken
	}
	id, idFrom := f.tokenID, "--service-token-id"
	if id == "" && !(f.token != "" && strings.Contains(f.token, ":")) {
		id, idFrom = getenv(check.EnvServiceTokenID), check.EnvServiceTokenID
	}
	secrets := planetscale.Secrets(token, id)
	for _, v := range []string{f.token, getenv(check.EnvServiceToken)} {
		secrets = append(secrets, planetscale.Secrets(v, "")...)
	}
	creds, err := planetscale.ParseCredentials(token, id)
	s.tokenFrom = sources(token, tokenFrom, id, idFrom)
	s.creds, s.credErr = creds, err
	s.setRedactor(secrets)

	if s.cmd.scope >= organization {
		s.cfg.Organization = firstSet(f.org, getenv(check.EnvOrganization))
	}
	s.cfg.Database = strings.TrimSpace(f.database)
	if len(words) > 0 {
		if s.cfg.Database != "" && s.cfg.Database != words[0] {
			problems = append(problems, fmt.Sprintf("the database is given twice, as %q and as --database %q: give it once", words[0], s.cfg.Database))
		}
		s.cfg.Database = words[0]
	}
	switch sc := s.cmd.scope; {
	case sc >= organization && s.cfg.Organization == "":
		problems = append(problems, "no organization: pass --org ORGANIZATION or set "+check.EnvOrganization+
			" (the first part of app.planetscale.com/<organization>/<database>; 'deploy-request-gate organizations' lists them)")
	case sc == database && s.cfg.Database == "":
		problems = append(problems, "no database: pass --database DATABASE, or the name as the first word after the command"+
			" ('deploy-request-gate databases --org "+s.cfg.Organization+"' lists them)")
	}
	names := []struct{ flag, value string }{{"--org", s.cfg.Organization}}
	if s.cfg.Database != "" {
		dbs := check.Databases(s.cfg.Database)
		switch {
		case len(dbs) == 0:
			problems = append(problems, fmt.Sprintf("--database %q names no database: give a name such as shop", s.cfg.Database))
		case len(dbs) > 1 && s.cmd.name != "check":
			problems = append(problems, fmt.Sprintf("--database %q names %d databases: %s takes one (only check takes several)", s.cfg.Database, len(dbs), s.cmd.name))
		}
		for _, db := range dbs {
			names = append(names, struct{ flag, value string }{"--database", db})
		}
		s.cfg.Database = strings.Join(dbs, ",")
	}
	for _, n := range names {
		if err := check.ValidateName(n.value); n.value != "" && err != nil {
			problems = append(problems, n.flag+": "+err.Error())
		}
	}
	if formats := s.cmd.formatNames(); slices.Contains(formats, f.format) {
		s.format = f.format
	} else {
		problems = append(problems, fmt.Sprintf("--format %q: use %s%s", f.format, orList(formats), didYouMeanWord(f.format, formats)))
	}
	s.cfg.APIURL = firstSet(f.apiURL, getenv(check.EnvAPIURL), planetscale.DefaultBaseURL)
	if _, err := planetscale.ParseBaseURL(s.cfg.APIURL); err != nil {
		from := "--api-url"
		if strings.TrimSpace(f.apiURL) == "" {
			from = check.EnvAPIURL
		}
		problems = append(problems, from+": "+err.Error())
	}
	if s.cfg.Timeout, err = check.ParseTimeout(f.timeout); err != nil {
		problems = append(problems, "--timeout: "+err.Error())
	}
	if !s.cmd.diagnoses {
		if msg := credentialProblem(s.credErr, s.tokenFrom); msg != "" {
			problems = append(problems, msg)
		}
	}
	s.cfg.OAuth = creds.OAuth
	return problems
}

// noTokenFix says how to give the token.
const noTokenFix = "set " + check.EnvServiceToken + " to ID:TOKEN (or to the token, with " + check.EnvServiceTokenID +
	" holding the ID), or pass --service-token ID:TOKEN. Create one in PlanetScale under Settings → Service tokens."

// credentialProblem words a token error, "" for none.
func credentialProblem(err error, from string) string {
	var credErr *planetscale.CredentialError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, planetscale.ErrNoCredentials):
		return "no service token: " + noTokenFix
	case errors.As(err, &credErr):
		return fmt.Sprintf("the service token (from %s): %s: %s", from, credErr.Problem, credErr.Fix)
	}
	return "the service token: " + err.Error()
}

// sources names where the token came from: "PLANETSCALE_SERVICE_TOKEN",
// "--service-token and PLANETSCALE_SERVICE_TOKEN_ID".
func sources(token, tokenFrom, id, idFrom string) string {
	var out []string
	if strings.TrimSpace(token) != "" {
		out = append(out, tokenFrom)
	}
	if strings.TrimSpace(id) != "" {
		out = append(out, idFrom)
	}
	return strings.Join(out, " and ")
}

// firstSet returns the first value that is not blank.
func firstSet(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// flagName words a setting as the command line names it, for
// check.Problem.Words.
func flagName(s check.Setting) string {
	switch s {
	case check.SettingRerun:
		return "run it again"
	case check.SettingOrganization:
		return "--org (or " + check.EnvOrganization + ")"
	case check.SettingServiceToken:
		return "--service-token (or " + check.EnvServiceToken + ")"
	case check.SettingAPIURL:
		return "--api-url (or " + check.EnvAPIURL + ")"
	}
	return "--" + string(s)
}

// markdownFlagName words a setting for the Markdown report: as code.
func markdownFlagName(s check.Setting) string {
	if s == check.SettingRerun {
		return flagName(s)
	}
	return "`--" + string(s) + "`"
}

// formatDescriptions says what each output format is for, in the order
// help lists them.
var formatDescriptions = []struct{ name, about string }{
	{"table", "for people"},
	{"json", "the API's objects, for scripts"},
	{"junit", "JUnit XML, a test case per deploy request, for GitLab, Jenkins, CircleCI"},
	{"markdown", "the job summary, for a Buildkite annotation or a GitLab merge request note"},
}

// formatUsage describes formats for --format's help.
func formatUsage(formats []string) string {
	if len(formats) == 0 {
		formats = defaultFormats
	}
	var parts []string
	for _, d := range formatDescriptions {
		if slices.Contains(formats, d.name) {
			parts = append(parts, d.name+" ("+d.about+")")
		}
	}
	return orList(parts)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
