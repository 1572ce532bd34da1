package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// session is one run of a command: its settings, streams and client.
type session struct {
	env            Env
	cmd            *command
	stdout, stderr *printer
	// redactor removes, from every message and output, the secrets of
	// argSecrets (every token the arguments or the environment hold), and
	// once resolve has read the token, each of its forms, both parts
	// (see setRedactor): one redactor, so a message never gets the
	// smaller set.
	redactor   *sanitize.Redactor
	argSecrets []string
	// number is a numbered command's NUMBER word, as given.
	number string
	// cfg holds the organization, database, API URL, timeout and
	// credentials, validated.
	cfg    check.Config
	format string
	creds  planetscale.Credentials
	// credErr is what is wrong with the token, if anything; tokenFrom
	// names where it came from.
	credErr   error
	tokenFrom string
	// progress is the progress line on a terminal's stderr, nil when
	// stderr is not a terminal.
	progress *progress
}

// setRedactor makes both streams remove every form of the secrets, both
// parts of the token among them, and of what the command line held.
func (s *session) setRedactor(secrets []string) {
	s.redactor = sanitize.NewRedactor(append(secrets, s.argSecrets...)...)
	s.stdout.redactor, s.stderr.redactor = s.redactor, s.redactor
}

// table starts a table whose cells are cleaned of the session's secrets.
func (s *session) table(header ...string) *table {
	t := newTable(header...)
	t.redactor = s.redactor
	return t
}

// orFail returns ExitOK for no error, else words err as the command's on
// stderr and returns ExitError.
func (s *session) orFail(err error) int {
	if err != nil {
		s.stderr.printf("%s: %v\n", s.cmd.name, err)
		return ExitError
	}
	return ExitOK
}

// json reports whether the output is JSON.
func (s *session) json() bool { return s.format == "json" }

// width is the terminal width tables fit: $COLUMNS when it is a sensible
// number, else 80.
func (s *session) width() int {
	if n, err := strconv.Atoi(s.env.getenv("COLUMNS")); err == nil && n >= 40 && n <= 500 {
		return n
	}
	return defaultWidth
}

// now is the time ages are measured from.
func (s *session) now() time.Time { return s.env.now() }

// client returns a client for the API with the session's settings; retries
// are told on stderr.
func (s *session) client() (*planetscale.Client, error) {
	opts := []planetscale.Option{
		planetscale.WithBaseURL(s.cfg.APIURL),
		planetscale.WithPageConcurrency(planetscale.MaxPageConcurrency),
		planetscale.WithCredentials(s.creds),
		planetscale.WithUserAgent(userAgent(s.env)),
		planetscale.WithRetryNotify(func(e planetscale.RetryEvent) {
			if s.progress != nil {
				s.progress.retry()
			}
			s.stderr.printf("%s\n", wrap(fmt.Sprintf("PlanetScale API: attempt %d failed (%s); retrying in %s", e.Attempt, e.Err, e.Wait.Round(10*time.Millisecond)), s.width(), "  "))
		}),
	}
	if s.progress != nil {
		opts = append(opts, planetscale.WithHTTPTransport(s.progress.transport(http.DefaultTransport)))
	}
	c, err := planetscale.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("set up the PlanetScale client: %w", err)
	}
	return c, nil
}

// withClient runs fn with a client under the session's timeout, and turns
// an error into an explanation on stderr and ExitError.
func (s *session) withClient(ctx context.Context, r read, fn func(ctx context.Context, c *planetscale.Client) error) int {
	c, err := s.client()
	if err != nil {
		s.stderr.printf("deploy-request-gate %s: %s\n", s.cmd.name, err)
		return ExitError
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := fn(ctx, c); err != nil {
		return s.apiError(ctx, c, r, err)
	}
	return ExitOK
}

// read names what a command reads, for explaining a 404: the API answers
// 404 both for a name that does not exist and for a missing grant.
type read struct {
	// what is read, "the deploy requests of acme/shop".
	what string
	// grant is the service token access it needs on the database,
	// "read_deploy_request"; empty when a 404 cannot mean a missing grant.
	grant string
	// one, for a read of one object, says first that it may not exist
	// ("deploy request #42 does not exist").
	one string
}

// missingGrant reports whether err is PlanetScale's 404 for a name that
// does not exist or a grant that is missing; a 404 on a later page of a
// list whose first page was read is neither (the list changed mid-read).
func missingGrant(err error) bool {
	return errors.Is(err, planetscale.ErrNotFound) && !errors.Is(err, planetscale.ErrListChanged)
}

// apiError explains err on stderr and returns ExitError.
func (s *session) apiError(ctx context.Context, c *planetscale.Client, r read, err error) int {
	words, err := s.explain(ctx, c, s.cfg.Database, r, err)
	s.stderr.printf("%s\n", wrap(fmt.Sprintf("deploy-request-gate %s: %s\nError: %s", s.cmd.name, words, err), s.width(), ""))
	return ExitError
}

// explain says what went wrong reading r of database db (empty for the
// organization) and how to fix it, worded for the command line, and
// returns the error it explained. A 404 may mean a bad
// token: PlanetScale can answer 404 on a resource for a revoked or
// mistyped token, so the organization list, which answers 401 for those,
// tells the two apart; a real 404 names the grant to add.
func (s *session) explain(ctx context.Context, c *planetscale.Client, db string, r read, err error) (string, error) {
	cfg := withDatabase(s.cfg, db)
	var ops *check.OperationsError
	if !missingGrant(err) || r.grant == "" || errors.As(err, &ops) {
		// The list itself was read when fail-on deploy-order could not read
		// operations: check words that failure itself.
		return check.Explain(err, cfg).Words(flagName), err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
	defer cancel()
	if _, orgErr := c.ListOrganizations(ctx); errors.Is(orgErr, planetscale.ErrUnauthorized) {
		return fmt.Sprintf("PlanetScale answered 404 Not Found for %s, and 401 for the list of organizations, so the token itself is rejected, not a grant missing. %s",
			r.what, check.Explain(orgErr, cfg).Words(flagName)), orgErr
	}
	return s.notFound(r, db), err
}

// notFound explains a 404 on r of database db and names the grant to add.
func (s *session) notFound(r read, db string) string {
	org := s.cfg.Organization
	missing := "the organization or database does not exist"
	if r.one != "" {
		missing = r.one + ", the organization or database does not exist"
	}
	msg := fmt.Sprintf("PlanetScale answered 404 Not Found for %s: %s, or the service token lacks %s", r.what, missing, r.grant)
	if db != "" {
		msg += " on " + db
	}
	msg += " (PlanetScale answers 404 for a missing grant)."
	if fix := s.grantFix(r.grant, db); fix != "" {
		msg += "\nTo grant it:\n  " + fix
	}
	doctor := "deploy-request-gate doctor --org " + org
	if db != "" {
		doctor += " --database " + db
	}
	return msg + "\n'" + doctor + "' tells a wrong name from a missing grant."
}

// grantFix is the pscale command that grants the session's token the
// access (or accesses, space-separated) on database, or on the
// organization when database is empty, with <TOKEN-ID> standing for the
// token's ID (the part before the colon); "" without a grant to name.
func (s *session) grantFix(grant, database string) string {
	switch {
	case grant == "":
		return ""
	case s.creds.OAuth:
		return "give the OAuth token the matching scope (" + grant + "s) on the organization or database"
	}
	// The token's ID is never printed (either part of a token is kept out
	// of every message): the placeholder says where it is.
	fix := "pscale service-token add-access <TOKEN-ID> " + grant
	if database != "" {
		fix += " --database " + database
	}
	return fix + " --org " + s.cfg.Organization
}
