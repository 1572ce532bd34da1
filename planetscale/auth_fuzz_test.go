package planetscale_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// FuzzParseCredentials checks ParseCredentials on any pair of values: it
// never panics; a refusal is typed and quotes none of the input (no run of
// four characters of it that holds a digit, which no fixed message has);
// accepted credentials make a valid header that parses back to themselves,
// and that Secrets masks (when it has a letter or digit to mask). Its seeds are in testdata/fuzz/FuzzParseCredentials.
func FuzzParseCredentials(f *testing.F) {
	f.Fuzz(func(t *testing.T, token, id string) {
		creds, err := planetscale.ParseCredentials(token, id)
		if err != nil {
			checkRefusal(t, err, token, id)
			return
		}
		header := creds.AuthorizationHeader()
		if !validHeaderValue(header) {
			t.Fatalf("ParseCredentials(%q, %q) header %q is not a valid one-line header value", token, id, header)
		}
		switch {
		case creds.OAuth && (creds.ID != "" || header != "Bearer "+creds.Secret):
			t.Fatalf("ParseCredentials(%q, %q) = %+v, header %q: want an OAuth token without ID, sent as Bearer", token, id, creds, header)
		case !creds.OAuth && (creds.ID == "" || creds.Secret == "" || strings.Contains(creds.ID+creds.Secret, ":") || header != creds.ID+":"+creds.Secret):
			t.Fatalf("ParseCredentials(%q, %q) = %+v, header %q: want ID:SECRET, both parts set", token, id, creds, header)
		}
		again, err := planetscale.ParseCredentials(header, "")
		if err != nil || again != creds {
			t.Fatalf("ParseCredentials(header %q) = %+v, %v; want %+v back", header, again, err, creds)
		}
		// Secrets leaves out values without a letter or digit, which would
		// only blank out punctuation all over a log.
		secrets := planetscale.Secrets(token, id)
		if strings.IndexFunc(creds.Secret, isAlphanumeric) >= 0 && (!slices.Contains(secrets, creds.Secret) || !slices.Contains(secrets, header)) {
			t.Fatalf("Secrets(%q, %q) = %q, want the secret and the header among them", token, id, secrets)
		}
	})
}

// checkRefusal checks that err is a typed refusal that quotes none of token or id.
func checkRefusal(t *testing.T, err error, token, id string) {
	t.Helper()
	var credErr *planetscale.CredentialError
	if !errors.Is(err, planetscale.ErrNoCredentials) && !errors.As(err, &credErr) {
		t.Fatalf("ParseCredentials(%q, %q) error = %T %v, want ErrNoCredentials or a *CredentialError", token, id, err, err)
	}
	msg := err.Error()
	for _, in := range []string{token, id} {
		r := []rune(in)
		for i := 0; i+4 <= len(r); i++ {
			w := string(r[i : i+4])
			if strings.IndexFunc(w, unicode.IsDigit) >= 0 && strings.Contains(msg, w) {
				t.Fatalf("ParseCredentials(%q, %q) error = %q, quotes %q of the input", token, id, msg, w)
			}
		}
	}
}

func isAlphanumeric(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// validHeaderValue reports whether v can be sent as a header value on one
// line: printable ASCII, no space at either end.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return v != "" && strings.TrimSpace(v) == v
}
