package planetscale

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

const (
	// serviceTokenPrefix starts every service token secret.
	serviceTokenPrefix = "pscale_tkn_"
	// oauthTokenPrefix starts every OAuth access token.
	oauthTokenPrefix = "pscale_oauth_"
)

// Credentials authenticate requests to the PlanetScale API: either a service
// token (ID and secret) or an OAuth access token.
type Credentials struct {
	// ID is the service token's ID (empty for an OAuth token).
	ID string
	// Secret is the service token's secret, or the OAuth access token.
	Secret string
	// OAuth is true when Secret is an OAuth access token, sent as Bearer.
	OAuth bool
}

// AuthorizationHeader returns the value of the Authorization header:
// "<ID>:<TOKEN>" for a service token (no scheme) and "Bearer <TOKEN>" for an
// OAuth access token.
func (c Credentials) AuthorizationHeader() string {
	if c.OAuth {
		return "Bearer " + c.Secret
	}
	return c.ID + ":" + c.Secret
}

// CredentialError says what is wrong with a supplied token and how to fix it.
type CredentialError struct {
	// Problem describes what is wrong, without quoting any secret.
	Problem string
	// Fix says what to change.
	Fix string
}

func (e *CredentialError) Error() string { return e.Problem + ": " + e.Fix }

// ErrNoCredentials means neither a token nor a token ID was supplied.
var ErrNoCredentials = errors.New("no PlanetScale service token given")

// ParseCredentials reads a token the way users paste it. token is either
// "ID:TOKEN" (the combined form) or, when id is not empty, only the TOKEN
// (the split form the pscale CLI reads). Surrounding white space and trailing
// newlines are trimmed. A token starting with "pscale_oauth_" is an OAuth
// access token. The usual mistakes (a "Bearer " prefix, ID and secret swapped,
// a secret without its ID) come back as a *CredentialError saying how to fix
// them; errors never contain the secret.
func ParseCredentials(token, id string) (Credentials, error) {
	token, id = strings.TrimSpace(token), strings.TrimSpace(id)
	if token == "" && id == "" {
		return Credentials{}, ErrNoCredentials
	}
	if token == "" {
		return Credentials{}, &CredentialError{
			Problem: "a service token ID is set but the token itself is empty",
			Fix:     "also pass the token secret (it starts with " + serviceTokenPrefix + "), or the combined ID:TOKEN value",
		}
	}
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "bearer") {
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, oauthTokenPrefix) {
			token = rest // an OAuth token pasted with its scheme: accepted below
		} else {
			return Credentials{}, &CredentialError{
				Problem: `the service token starts with "Bearer "`,
				Fix:     `PlanetScale service tokens are sent without a scheme: remove "Bearer " and pass ID:TOKEN`,
			}
		}
	}
	if strings.HasPrefix(token, oauthTokenPrefix) {
		if id != "" {
			return Credentials{}, &CredentialError{
				Problem: "an OAuth access token (" + oauthTokenPrefix + "…) was given together with a service token ID",
				Fix:     "an OAuth token needs no ID: unset the service token ID, or use a service token instead",
			}
		}
		if token == oauthTokenPrefix || !tokenChars(token, "") {
			return Credentials{}, &CredentialError{
				Problem: "the OAuth access token is cut short or contains white space or a character tokens never have",
				Fix:     "copy the access token again, with nothing around it",
			}
		}
		return Credentials{Secret: token, OAuth: true}, nil
	}
	if id != "" {
		if tokenID, secret, ok := strings.Cut(token, ":"); ok {
			// The combined value was given together with the ID: fine when they agree.
			if strings.TrimSpace(tokenID) != id {
				return Credentials{}, &CredentialError{
					Problem: "the token holds ID:TOKEN but a different service token ID is also set",
					Fix:     "give either ID:TOKEN alone or the token with its ID, not both with different IDs",
				}
			}
			token = strings.TrimSpace(secret)
		}
		return checkPair(id, token)
	}
	tokenID, secret, ok := strings.Cut(token, ":")
	if !ok {
		if strings.HasPrefix(token, serviceTokenPrefix) {
			return Credentials{}, &CredentialError{
				Problem: "the service token secret was given without its ID",
				Fix:     "pass ID:TOKEN in one value, or set the service token ID separately (PLANETSCALE_SERVICE_TOKEN_ID)",
			}
		}
		return Credentials{}, &CredentialError{
			Problem: "the service token is not in ID:TOKEN form",
			Fix:     "pass the token ID and secret joined by a colon, or the secret with the service token ID set separately",
		}
	}
	return checkPair(strings.TrimSpace(tokenID), strings.TrimSpace(secret))
}

// checkPair validates a split service token.
func checkPair(id, secret string) (Credentials, error) {
	switch {
	case strings.HasPrefix(id, serviceTokenPrefix) && !strings.HasPrefix(secret, serviceTokenPrefix):
		return Credentials{}, &CredentialError{
			Problem: "the service token ID and secret are swapped (the secret is the part that starts with " + serviceTokenPrefix + ")",
			Fix:     "swap them: the ID comes first (ID:TOKEN), or in the service token ID setting",
		}
	case id == "":
		return Credentials{}, &CredentialError{
			Problem: "the service token ID is empty",
			Fix:     "pass ID:TOKEN, with the ID shown on the service token's page in PlanetScale",
		}
	case secret == "":
		return Credentials{}, &CredentialError{
			Problem: "the service token secret is empty",
			Fix:     "pass ID:TOKEN, or the token secret with the service token ID set separately",
		}
	case !tokenChars(id, ":") || !tokenChars(secret, ":"):
		return Credentials{}, &CredentialError{
			Problem: "the service token ID or secret contains white space, an extra colon or a character tokens never have",
			Fix:     "copy the ID and the secret again from PlanetScale, with nothing around them",
		}
	}
	return Credentials{ID: id, Secret: secret}, nil
}

// Secrets returns every value that must be masked in logs: the trimmed values,
// each word of them, each part of a combined token and the header built from
// them. None contains a line break, so each fits one ::add-mask:: command.
func Secrets(token, id string) []string {
	candidates := []string{strings.TrimSpace(token), strings.TrimSpace(id)}
	for _, v := range []string{token, id} {
		candidates = append(candidates, strings.Fields(v)...) // a value pasted over several lines
	}
	bare := strings.TrimSpace(token)
	if scheme, rest, ok := strings.Cut(bare, " "); ok && strings.EqualFold(scheme, "bearer") {
		bare = strings.TrimSpace(rest)
		candidates = append(candidates, bare)
	}
	if a, b, ok := strings.Cut(bare, ":"); ok {
		candidates = append(candidates, strings.TrimSpace(a), strings.TrimSpace(b))
	}
	var parsed []string // what is sent: masked even if it reads "bearer"
	if c, err := ParseCredentials(token, id); err == nil {
		parsed = []string{c.Secret, c.AuthorizationHeader()}
		candidates = append(candidates, parsed...)
	}
	seen := make(map[string]bool, len(candidates))
	out := candidates[:0]
	for _, s := range candidates {
		// A value with a line break cannot be one ::add-mask:: command; its
		// words are in the list already.
		// Masking a value with no letter or digit (a lone ":") would only blank
		// out punctuation all over the log.
		if s == "" || seen[s] || (strings.EqualFold(s, "bearer") && !slices.Contains(parsed, s)) || strings.ContainsAny(s, "\r\n") || !hasAlphanumeric(s) {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// errOtherHost marks a request the client refused to authenticate because
// it went to another address than the API's; it is never retried.
var errOtherHost = errors.New("not the API's address")

// authTransport adds the Authorization header to every request it sends,
// without changing the caller's request. It sends the credentials only to
// the API's own scheme and host: a request anywhere else fails instead.
type authTransport struct {
	header       string
	scheme, host string
	base         http.RoundTripper
}

func (t *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != t.scheme || r.URL.Host != t.host {
		return nil, fmt.Errorf("refusing to send the PlanetScale credentials to %s://%s: %w",
			sanitize.Line(r.URL.Scheme), sanitize.Line(r.URL.Host), errOtherHost)
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", t.header)
	return t.base.RoundTrip(r)
}

// validate reports whether c can authenticate requests.
func (c Credentials) validate() error {
	if c.Secret == "" || (!c.OAuth && c.ID == "") {
		return fmt.Errorf("incomplete credentials: %w", ErrNoCredentials)
	}
	return nil
}

// tokenChars reports whether s holds only printable ASCII other than a
// space and the characters in not, as every token does (so the header built
// from it is one valid line).
func tokenChars(s, not string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || strings.IndexByte(not, s[i]) >= 0 {
			return false
		}
	}
	return true
}

func hasAlphanumeric(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
