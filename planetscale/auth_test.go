package planetscale_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// The values the credential tests parse; all made up.
const (
	credID     = "abc123def456"
	credSecret = "pscale_tkn_S3cretValue42"
	credOAuth  = "pscale_oauth_S3cretAccess42"
)

func TestParseCredentials(t *testing.T) {
	t.Parallel()

	const id, secret, oauth = credID, credSecret, credOAuth

	tests := []struct {
		name  string
		token string
		id    string
		// want and wantHeader are checked when no error is expected.
		want       planetscale.Credentials
		wantHeader string
		// wantErr is a sentinel the error must match; wantProblem, when set,
		// means a *CredentialError whose text holds it.
		wantErr     error
		wantProblem string
	}{
		{
			name:       "combined",
			token:      id + ":" + secret,
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:       "split",
			token:      secret,
			id:         id,
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:       "combined_trailing_newline",
			token:      id + ":" + secret + "\n",
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:       "combined_crlf_and_spaces",
			token:      "  " + id + ":" + secret + "\r\n",
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:       "split_both_padded",
			token:      "\t" + secret + "\n",
			id:         " " + id + "\n",
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:       "combined_with_same_id",
			token:      id + ":" + secret,
			id:         id,
			want:       planetscale.Credentials{ID: id, Secret: secret},
			wantHeader: id + ":" + secret,
		},
		{
			name:        "combined_with_different_id",
			token:       id + ":" + secret,
			id:          "zzz999yyy888",
			wantProblem: "different service token ID",
		},
		{
			name:       "oauth_bare",
			token:      oauth,
			want:       planetscale.Credentials{Secret: oauth, OAuth: true},
			wantHeader: "Bearer " + oauth,
		},
		{
			name:       "oauth_with_bearer",
			token:      "Bearer " + oauth + "\n",
			want:       planetscale.Credentials{Secret: oauth, OAuth: true},
			wantHeader: "Bearer " + oauth,
		},
		{
			name:       "oauth_with_lower_case_bearer",
			token:      "bearer  " + oauth,
			want:       planetscale.Credentials{Secret: oauth, OAuth: true},
			wantHeader: "Bearer " + oauth,
		},
		{
			name:        "oauth_with_id",
			token:       oauth,
			id:          id,
			wantProblem: "OAuth",
		},
		{
			name:        "bearer_service_token_combined",
			token:       "Bearer " + id + ":" + secret,
			wantProblem: `"Bearer "`,
		},
		{
			name:        "bearer_service_token_split",
			token:       "Bearer " + secret,
			id:          id,
			wantProblem: `"Bearer "`,
		},
		{
			name:        "swapped_combined",
			token:       secret + ":" + id,
			wantProblem: "swapped",
		},
		{
			name:        "swapped_split",
			token:       id,
			id:          secret,
			wantProblem: "swapped",
		},
		{
			name:        "secret_without_id",
			token:       secret + "\n",
			wantProblem: "without its ID",
		},
		{
			name:        "not_id_token_form",
			token:       "justsomething",
			wantProblem: "not in ID:TOKEN form",
		},
		{
			name:        "empty_id_combined",
			token:       ":" + secret,
			wantProblem: "ID is empty",
		},
		{
			name:        "empty_secret_combined",
			token:       id + ":",
			wantProblem: "secret is empty",
		},
		{
			name:        "empty_secret_combined_with_id",
			token:       id + ": ",
			id:          id,
			wantProblem: "secret is empty",
		},
		{
			name:        "id_without_secret",
			token:       " \n",
			id:          id,
			wantProblem: "token itself is empty",
		},
		{
			name:        "extra_colon",
			token:       id + ":" + secret + ":" + secret,
			wantProblem: "extra colon",
		},
		{
			name:        "white_space_inside",
			token:       "abc 123:" + secret,
			wantProblem: "white space",
		},
		{
			name:    "nothing",
			wantErr: planetscale.ErrNoCredentials,
		},
		{
			name:    "only_white_space",
			token:   " \n",
			id:      "\t",
			wantErr: planetscale.ErrNoCredentials,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := planetscale.ParseCredentials(tt.token, tt.id)
			if tt.wantErr == nil && tt.wantProblem == "" {
				if err != nil {
					t.Fatalf("ParseCredentials() error = %v, want nil", err)
				}
				if got != tt.want {
					t.Errorf("ParseCredentials() = %+v, want %+v", got, tt.want)
				}
				if got, want := got.AuthorizationHeader(), tt.wantHeader; got != want {
					t.Errorf("AuthorizationHeader() = %q, want %q", got, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseCredentials() = %+v, want an error", got)
			}
			if got != (planetscale.Credentials{}) {
				t.Errorf("ParseCredentials() = %+v with an error, want zero Credentials", got)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseCredentials() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantProblem != "" {
				var credErr *planetscale.CredentialError
				if !errors.As(err, &credErr) {
					t.Fatalf("ParseCredentials() error = %T %v, want *CredentialError", err, err)
				}
				if credErr.Problem == "" || credErr.Fix == "" {
					t.Errorf("CredentialError = %+v, want both Problem and Fix", credErr)
				}
				if !strings.Contains(err.Error(), tt.wantProblem) {
					t.Errorf("ParseCredentials() error = %q, want it to mention %q", err, tt.wantProblem)
				}
			}
			for _, s := range []string{secret, oauth} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("ParseCredentials() error = %q, contains the secret %q", err, s)
				}
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	t.Parallel()

	const id, secret, oauth = credID, credSecret, credOAuth

	// want must all be among the values.
	tests := []struct {
		name, token, id string
		want            []string
	}{
		{
			name:  "combined_trailing_newline",
			token: id + ":" + secret + "\n",
			want:  []string{id + ":" + secret, id, secret},
		},
		{
			name:  "split",
			token: secret + "\n",
			id:    " " + id + "\n",
			want:  []string{secret, id, id + ":" + secret},
		},
		{
			name:  "combined_crlf",
			token: id + ":" + secret + "\r\n",
			want:  []string{id + ":" + secret, id, secret},
		},
		{
			name:  "combined_over_two_lines",
			token: id + ":\n" + secret + "\n",
			want:  []string{secret, id + ":" + secret},
		},
		{
			name:  "oauth_with_bearer",
			token: "Bearer " + oauth,
			want:  []string{"Bearer " + oauth, oauth},
		},
		{
			name:  "oauth_with_upper_case_bearer",
			token: "BEARER " + oauth + "\n",
			want:  []string{oauth, "Bearer " + oauth},
		},
		{
			name:  "invalid_bearer_service_token",
			token: "Bearer " + id + ":" + secret,
			want:  []string{secret, id + ":" + secret},
		},
		{
			name:  "invalid_swapped",
			token: secret + ":" + id,
			want:  []string{secret, secret + ":" + id},
		},
		{
			name:  "invalid_secret_without_id",
			token: secret,
			want:  []string{secret},
		},
		{
			name: "nothing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := planetscale.Secrets(tt.token, tt.id)
			seen := map[string]bool{}
			for _, s := range got {
				if s == "" {
					t.Errorf("Secrets() holds an empty value: %q", got)
				}
				if strings.ContainsAny(s, "\r\n") {
					t.Errorf("Secrets() value %q contains a line break", s)
				}
				if strings.EqualFold(s, "bearer") {
					t.Errorf("Secrets() value %q is the scheme alone", s)
				}
				if got, want := s, strings.TrimSpace(s); got != want {
					t.Errorf("Secrets() value %q is not trimmed", got)
				}
				if seen[s] {
					t.Errorf("Secrets() holds %q twice", s)
				}
				seen[s] = true
			}
			for _, w := range tt.want {
				if !seen[w] {
					t.Errorf("Secrets() = %q, want it to hold %q", got, w)
				}
			}
			if len(tt.want) == 0 && len(got) != 0 {
				t.Errorf("Secrets() = %q, want none", got)
			}
		})
	}
}

// TestClient_authorizationHeader checks the header as the server receives it.
func TestClient_authorizationHeader(t *testing.T) {
	t.Parallel()

	tests := []struct{ name, token, id, want string }{
		{name: "combined_with_newline", token: testID + ":" + testSecret + "\n", want: testID + ":" + testSecret},
		{name: "split", token: testSecret, id: testID, want: testID + ":" + testSecret},
		{name: "oauth", token: "Bearer " + testOAuth + "\n", want: "Bearer " + testOAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				writeJSON(w, http.StatusOK, map[string]any{"name": testDB})
			})
			creds, err := planetscale.ParseCredentials(tt.token, tt.id)
			if err != nil {
				t.Fatalf("ParseCredentials() error = %v", err)
			}
			c, err := planetscale.NewClient(planetscale.WithBaseURL(url), planetscale.WithCredentials(creds))
			if err != nil {
				t.Fatalf("NewClient() error = %v", err)
			}
			if _, err := c.GetDatabase(testContext(t), testOrg, testDB); err != nil {
				t.Fatalf("GetDatabase() error = %v", err)
			}
			if got, want := rec.count(), 1; got != want {
				t.Fatalf("server got %d requests, want %d", got, want)
			}
			if got := rec.get(0).Header.Values("Authorization"); len(got) != 1 || got[0] != tt.want {
				t.Errorf("Authorization headers = %q, want one: %q", got, tt.want)
			}
		})
	}
}

// TestClient_sandboxAcceptsHeader checks both token kinds against the
// sandbox, which accepts only the exact documented header.
func TestClient_sandboxAcceptsHeader(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		token sandbox.Token
		creds planetscale.Credentials
	}{
		{name: "service_token", token: testToken, creds: testCreds},
		{
			name:  "oauth",
			token: sandbox.Token{Secret: testOAuth, OAuth: true, Grants: testToken.Grants},
			creds: planetscale.Credentials{Secret: testOAuth, OAuth: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			// Only this token is known, so only its exact header is accepted.
			sb := sandbox.New(
				sandbox.WithDatabase(sandbox.Database{Organization: testOrg, Name: testDB, DeployRequests: openDRs(3, 3)}),
				sandbox.WithToken(tt.token),
			)
			srv := httptest.NewServer(sb)
			t.Cleanup(srv.Close)
			c, err := planetscale.NewClient(planetscale.WithBaseURL(srv.URL), planetscale.WithCredentials(tt.creds))
			if err != nil {
				t.Fatalf("NewClient() error = %v", err)
			}
			drs, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{State: "open"})
			if err != nil {
				t.Fatalf("ListDeployRequests() error = %v", err)
			}
			if got, want := len(drs), 3; got != want {
				t.Errorf("len(ListDeployRequests()) = %d, want %d", got, want)
			}
			for _, r := range sb.Requests() {
				if !r.Authorized {
					t.Errorf("sandbox request %s was not authorized", r.Path)
				}
			}
		})
	}
}

func TestClient_unauthorizedHidesSecret(t *testing.T) {
	t.Parallel()

	sb, url := newSandbox(t, openDRs(3, 3))
	wrong := planetscale.Credentials{ID: testID, Secret: "pscale_tkn_revokedSecretValue9"}
	c := newClient(t, url, planetscale.WithCredentials(wrong))
	_, err := c.ListDeployRequests(testContext(t), testOrg, testDB, planetscale.ListDeployRequestsOptions{})
	if !errors.Is(err, planetscale.ErrUnauthorized) {
		t.Fatalf("ListDeployRequests() error = %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), wrong.Secret) {
		t.Errorf("error %q contains the secret", err)
	}
	if got, want := len(sb.Requests()), 1; got != want {
		t.Errorf("sandbox got %d requests, want %d (401 is not retried)", got, want)
	}
}

// TestWithCredentials_last checks that the last WithCredentials wins, as
// with every other option.
func TestWithCredentials_last(t *testing.T) {
	t.Parallel()

	rec, url := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, http.StatusOK, map[string]any{"name": testDB})
	})
	c, err := planetscale.NewClient(
		planetscale.WithBaseURL(url),
		planetscale.WithCredentials(planetscale.Credentials{ID: "first1234567", Secret: "pscale_tkn_first"}),
		planetscale.WithCredentials(testCreds),
	)
	if err != nil {
		t.Fatalf("NewClient() error = %v", err)
	}
	if _, err := c.GetDatabase(testContext(t), testOrg, testDB); err != nil {
		t.Fatalf("GetDatabase() error = %v", err)
	}
	if got, want := rec.get(0).Header.Values("Authorization"), testID+":"+testSecret; len(got) != 1 || got[0] != want {
		t.Errorf("Authorization = %q, want only %q", got, want)
	}
}

func TestWithCredentials_incomplete(t *testing.T) {
	t.Parallel()

	for _, creds := range []planetscale.Credentials{
		{},
		{ID: testID},
		{Secret: testSecret},
		{ID: testID, OAuth: true},
	} {
		_, err := planetscale.NewClient(planetscale.WithCredentials(creds))
		if !errors.Is(err, planetscale.ErrNoCredentials) {
			t.Errorf("NewClient(WithCredentials(%+v)) error = %v, want ErrNoCredentials", creds, err)
		}
	}
}
