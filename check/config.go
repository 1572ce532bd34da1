package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The environment variables the pscale CLI reads; every front end falls
// back to them.
const (
	EnvServiceToken   = "PLANETSCALE_SERVICE_TOKEN"
	EnvServiceTokenID = "PLANETSCALE_SERVICE_TOKEN_ID"
	EnvOrganization   = "PLANETSCALE_ORG"
	EnvAPIURL         = "PLANETSCALE_API_URL"
)

// DefaultAPIURL is the PlanetScale API's address, the api-url setting's
// default (the client's own default is the same).
const DefaultAPIURL = "https://api.planetscale.com"

// DefaultTimeout is the default deadline of one check.
const DefaultTimeout = 2 * time.Minute

// DefaultWaitInterval is the default time between checks while waiting.
const DefaultWaitInterval = 30 * time.Second

// The bounds of a timeout.
const (
	MinTimeout = time.Second
	MaxTimeout = 6 * time.Hour
)

// Config is the gate's validated configuration, whichever front end read it.
type Config struct {
	Organization string
	Database     string
	Filter       Filter
	FailOn       Policy
	// APIURL is the validated API base URL.
	APIURL string
	// Timeout is one deadline for a check, retries included.
	Timeout time.Duration
	// OAuth is true when the token is an OAuth access token rather than a
	// service token: Explain then names the scope it needs instead of a
	// grant. The token itself stays with the front end and its client.
	OAuth bool
	// Cards asks Check for the review card of each matched request that
	// blocks, and of every matched request when Filter.Branch is set (see
	// DetailReader). Front ends that show no card leave it false.
	Cards bool
}

// SplitList reads a list setting (databases, repositories, hosts):
// entries separated by commas or line breaks, each trimmed, blanks
// dropped, in the order given, repeats kept.
func SplitList(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Databases reads a list of database names as SplitList does, each name
// once, in the order first given.
func Databases(raw string) []string {
	var out []string
	for _, f := range SplitList(raw) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// ValidateName checks an organization or database name: the bare name as
// PlanetScale shows it, with no slashes, spaces, "?", "#" or braces (which
// the gate's messages keep for their own placeholders).
func ValidateName(value string) error {
	if value == "." || value == ".." || strings.ContainsAny(value, "/\\ \t\r\n?#{}") {
		return fmt.Errorf("%q is not a bare name: give the name as PlanetScale shows it (no slashes, spaces, \"?\", \"#\" or braces)", value)
	}
	return nil
}

// ParseDuration reads a Go duration ("2m", "90s") or whole seconds ("120")
// between lo and hi; empty gives def.
func ParseDuration(s string, def, lo, hi time.Duration) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	outOfRange := fmt.Errorf("%q is out of range: use between %s and %s", s, shortDuration(lo), shortDuration(hi))
	d, err := time.ParseDuration(s)
	if err != nil {
		n, nerr := strconv.ParseInt(s, 10, 64)
		if nerr != nil {
			return 0, fmt.Errorf("%q is not a duration: use a value like 2m, 90s or 120", s)
		}
		if n < int64(lo/time.Second) || n > int64(hi/time.Second) {
			// Checked before multiplying, which could overflow into range.
			return 0, outOfRange
		}
		d = time.Duration(n) * time.Second
	}
	if d < lo || d > hi {
		return 0, outOfRange
	}
	return d, nil
}

// ParseTimeout reads a timeout between MinTimeout and MaxTimeout; empty
// gives DefaultTimeout.
func ParseTimeout(s string) (time.Duration, error) {
	return ParseDuration(s, DefaultTimeout, MinTimeout, MaxTimeout)
}

// shortDuration writes 6h0m0s as 6h and 1m0s as 1m.
func shortDuration(d time.Duration) string {
	switch {
	case d > 0 && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
