package check

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Setting names, in neutral terms, a setting a problem asks to change. Each
// front end words it its own way: the action says "the `timeout` input",
// the command line "--timeout".
type Setting string

// The settings.
const (
	SettingOrganization   Setting = "organization"
	SettingDatabase       Setting = "database"
	SettingServiceToken   Setting = "service-token"
	SettingServiceTokenID Setting = "service-token-id"
	SettingBranch         Setting = "branch"
	SettingIntoBranch     Setting = "into-branch"
	SettingFailOn         Setting = "fail-on"
	SettingAPIURL         Setting = "api-url"
	SettingTimeout        Setting = "timeout"
	// SettingRerun is not a setting but the front end's way to try again:
	// "Re-run the job" in the action, "Run it again" on the command line.
	SettingRerun Setting = "rerun"
)

// settings are the placeholders Words fills in; any other text in braces
// (outside text, such as a branch name) is left as it is.
var settings = []Setting{SettingOrganization, SettingDatabase, SettingServiceToken, SettingServiceTokenID,
	SettingBranch, SettingIntoBranch, SettingFailOn, SettingAPIURL, SettingTimeout, SettingRerun}

// Problem explains why the gate could not decide and how to fix it.
type Problem struct {
	// Code is a stable identifier, the anchor of the problem in
	// docs/troubleshooting.md.
	Code string
	// Why says what went wrong and Fix what to do; either may name
	// settings as {timeout}, {api-url} and so on (see Words).
	Why, Fix string
	// Settings lists the settings Fix asks to change.
	Settings []Setting
	// Err is the error itself.
	Err error
}

// Words returns Why and Fix as one paragraph, with every {setting}
// reference replaced by name(setting).
func (p Problem) Words(name func(Setting) string) string {
	text := strings.TrimSpace(p.Why + " " + p.Fix)
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(text[:open])
		setting := Setting(text[open+1 : open+end])
		if !slices.Contains(settings, setting) { // not a placeholder the gate wrote
			b.WriteString(text[open : open+end+1])
			text = text[open+end+1:]
			continue
		}
		word := name(setting)
		if sofar := b.String(); sofar == "" || strings.HasSuffix(sofar, ". ") {
			word = capitalize(word)
		}
		b.WriteString(word)
		text = text[open+end+1:]
	}
	b.WriteString(text)
	return b.String()
}

// capitalize upper-cases the first letter of a sentence's first word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// troubleshoot builds a Problem; settings are taken from the {references}
// in fix.
func troubleshoot(code string, err error, why, fix string) Problem {
	p := Problem{Code: code, Why: why, Fix: fix, Err: err}
	for rest := fix; ; {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			break
		}
		if s := Setting(rest[open+1 : end]); s != SettingRerun {
			p.Settings = append(p.Settings, s)
		}
		rest = rest[end+1:]
	}
	return p
}

// TroubleshootingURL is the address of the troubleshooting guide; a
// problem's Code is its anchor there.
const TroubleshootingURL = "https://github.com/deploy-request-gate/deploy-request-gate/blob/main/docs/troubleshooting.md"

// Help returns the address of the problem's troubleshooting entry.
func (p Problem) Help() string { return TroubleshootingURL + "#" + p.Code }

// Explain turns an error from Check into a Problem that says what went
// wrong and how to fix it. It branches on the error's Cause, AnswerError
// and WaitError, never on a client's types or texts. It never includes the
// token: the client's errors do not carry it.
func Explain(err error, cfg Config) Problem {
	p := explain(err, cfg)
	if cfg.OAuth && authProblem(err) {
		p.Fix += " With an OAuth token (pscale_oauth_…), the token needs the `read_deploy_requests` scope on the organization or database instead of a service token grant."
	}
	return p
}

func explain(err error, cfg Config) Problem {
	var gaveUp WaitError
	org, db := cfg.Organization, cfg.Database
	answer, code, status := apiAnswer(err)
	var ops *OperationsError
	switch {
	case errors.As(err, &ops):
		return operationsProblem(err, ops, code, db)
	case errors.Is(err, ErrNoAnswer):
		return troubleshoot("no-answer", err,
			fmt.Sprintf("No answer from the PlanetScale API at %s within the timeout (%s).", cfg.APIURL, cfg.Timeout),
			"{rerun}, or raise {timeout}.")
	case errors.As(err, &gaveUp) && gaveUp.AskedWait() > 0:
		return troubleshoot("rate-limited", err,
			fmt.Sprintf("The PlanetScale API asked the gate to wait %s (Retry-After) before trying again, longer than the time left within the timeout (%s).",
				FormatWait(gaveUp.AskedWait()), cfg.Timeout),
			"{rerun} later, run fewer jobs with the same token at once, or raise {timeout} so the gate can wait longer.")
	case errors.Is(err, ErrListChanged):
		return troubleshoot("list-changed", err,
			"The list of deploy requests changed while the gate read it (consecutive reads disagreed, or a later page was refused after an earlier one was read), so the gate cannot show that it saw every open request.",
			"{rerun} once deploy requests are no longer being opened, closed or approved; if it keeps happening, report it.")
	case errors.Is(err, ErrMalformedItem):
		return troubleshoot("malformed-item", err,
			"The PlanetScale API sent a deploy request the gate cannot read safely (a field missing, null, of the wrong type, repeated or spelt in another case), so it stopped rather than guess.",
			"Check {api-url} (the default is "+DefaultAPIURL+"); if it is PlanetScale itself, report the error below.")
	case code == 401:
		return troubleshoot("unauthorized", err,
			"PlanetScale rejected the service token (401 Unauthorized): it is wrong, expired or was deleted.",
			"Create a service token under Settings → Service tokens in PlanetScale and store ID:TOKEN in the secret you pass as {service-token}.")
	case code == 403:
		return troubleshoot("forbidden", err,
			fmt.Sprintf("PlanetScale refused the request (403 Forbidden): the service token may not read deploy requests of %q.", db),
			fmt.Sprintf("Grant it `read_deploy_request` on database %q (Settings → Service tokens → the token → Database access).", db))
	case code == 404:
		return troubleshoot("not-found", err,
			fmt.Sprintf("Organization %q or database %q not found, or the service token lacks `read_deploy_request` on %q (PlanetScale answers 404 for a missing grant, and also for a revoked or mistyped token).", org, db, db),
			fmt.Sprintf("Check both names against the database's address, app.planetscale.com/%s/%s, check the token in {service-token}, and grant the token `read_deploy_request` on %q.", org, db, db))
	case code == 429:
		return troubleshoot("rate-limited", err,
			"The PlanetScale API kept answering 429 Too Many Requests: its rate limit (600 requests a minute) was reached.",
			"{rerun} later, run fewer jobs with the same token at once, or raise {timeout} so the gate can wait longer.")
	case code >= 500:
		return troubleshoot("server-error", err,
			fmt.Sprintf("The PlanetScale API kept failing (%s).", status),
			"PlanetScale may be having trouble: {rerun} later (status: https://www.planetscalestatus.com).")
	case answer != nil:
		return troubleshoot("rejected", err,
			fmt.Sprintf("PlanetScale rejected the request (%s).", status),
			"Check {branch} and {into-branch}.")
	case errors.Is(err, ErrUntrustedCertificate):
		return troubleshoot("untrusted-certificate", err,
			fmt.Sprintf("The server at %s presented a TLS certificate that is not trusted, so the gate did not send the token there and did not retry.", cfg.APIURL),
			"Check {api-url}. Behind a proxy that inspects TLS, add its CA certificate to the system's trusted certificates (or point SSL_CERT_FILE at it).")
	case errors.Is(err, ErrUnreachable):
		return troubleshoot("unreachable", err,
			fmt.Sprintf("Could not reach the PlanetScale API at %s%s.", cfg.APIURL, unreachableBecause(err)),
			"Check {api-url} and the runner's network (DNS, proxy, firewall), then {rerun}.")
	case errors.Is(err, ErrCutOff):
		return troubleshoot("cut-off", err,
			fmt.Sprintf("The answers of the PlanetScale API at %s kept being cut off before their end, so the gate could not read the list.", cfg.APIURL),
			"This is usually the network or a proxy in between: {rerun}; if it keeps happening, check the proxy or {api-url}.")
	case errors.Is(err, ErrPaging):
		return troubleshoot("paging", err,
			"The PlanetScale API's pages did not add up, so the gate stopped rather than miss a deploy request.",
			"{rerun}; if it happens again, report it.")
	case errors.Is(err, ErrUnexpectedAnswer):
		return troubleshoot("unexpected-answer", err,
			fmt.Sprintf("The API at %s did not answer like the PlanetScale API.", cfg.APIURL),
			fmt.Sprintf("Check {api-url} (the default is %s).", DefaultAPIURL))
	}
	return troubleshoot("could-not-list", err, "The gate could not list the deploy requests.", "")
}

// apiAnswer returns the API's answer in err, if any, with its status code
// and text.
func apiAnswer(err error) (answer AnswerError, code int, status string) {
	if errors.As(err, &answer) {
		code, status = answer.AnswerStatus()
	}
	return answer, code, status
}

// unreachableBecause words why the API was out of reach, when err says.
func unreachableBecause(err error) string {
	for _, why := range []struct {
		cause Cause
		words string
	}{
		{ErrHostNotFound, ": its host name did not resolve"},
		{ErrConnectionRefused, ": nothing accepted the connection there"},
		{ErrConnectionReset, ": the connection was closed before an answer, often by a proxy or firewall"},
	} {
		if errors.Is(err, why.cause) {
			return why.words
		}
	}
	return ""
}

// authProblem reports whether err is an answer about access (401 to 404).
func authProblem(err error) bool {
	_, code, _ := apiAnswer(err)
	return !errors.Is(err, ErrListChanged) && code >= 401 && code <= 404
}

// operationsProblem explains why fail-on: deploy-order could not decide.
func operationsProblem(err error, ops *OperationsError, code int, db string) Problem {
	why := fmt.Sprintf("With {fail-on} set to deploy-order, the operations of each deploy request decide the verdict, and those of deploy request %s could not be read, so the gate cannot decide.", NumberList(ops.Numbers))
	fix := "{rerun}; if it keeps failing, report the error below, or set {fail-on} to another policy until PlanetScale answers."
	var g GrantError
	if code == 404 || errors.As(err, &g) && g.Grant() != "" {
		why = strings.Replace(why, "could not be read", "could not be read (404: the request is gone, or the service token lacks `read_deploy_request`)", 1)
		fix = fmt.Sprintf("Grant the service token `read_deploy_request` on database %q (Settings → Service tokens → the token → Database access), then {rerun}.", db)
	}
	return troubleshoot("operations-unreadable", err, why, fix)
}
