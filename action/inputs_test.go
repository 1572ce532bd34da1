package action

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

const (
	testTokenID  = "tok8id4x2abc"
	testSecret   = "pscale_tkn_T3stS3cretValueNeverPrint"
	otherTokenID = "other9id7def"
	otherSecret  = "pscale_tkn_OtherS3cretValueNeverPrint"
)

// loadConfig reads the config from vars as the action does; buf holds what
// it wrote.
func loadConfig(vars map[string]string) (*check.Config, *bytes.Buffer, error) {
	cfg, _, buf, err := loadConfigCreds(vars)
	return cfg, buf, err
}

// loadConfigCreds is loadConfig with the token's credentials.
func loadConfigCreds(vars map[string]string) (*check.Config, planetscale.Credentials, *bytes.Buffer, error) {
	a, buf := newTestAction(vars)
	cfg, creds, err := LoadConfig(a)
	return cfg, creds, buf, err
}

func TestLoadConfig_Valid(t *testing.T) {
	t.Parallel()
	base := map[string]string{"INPUT_ORGANIZATION": "acme", "INPUT_DATABASE": "shop"}
	tests := []struct {
		name      string
		vars      map[string]string
		wantCreds planetscale.Credentials
	}{
		{"combined_input", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"combined_input_trailing_newline", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret + "\n"},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"combined_env", map[string]string{check.EnvServiceToken: testTokenID + ":" + testSecret + "\r\n"},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"split_inputs", map[string]string{"INPUT_SERVICE-TOKEN": testSecret, "INPUT_SERVICE-TOKEN-ID": testTokenID},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"split_token_input_id_env", map[string]string{"INPUT_SERVICE-TOKEN": testSecret, check.EnvServiceTokenID: testTokenID},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"split_env", map[string]string{check.EnvServiceToken: testSecret + "\n", check.EnvServiceTokenID: " " + testTokenID + "\n"},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"combined_input_with_matching_id", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, "INPUT_SERVICE-TOKEN-ID": testTokenID},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"token_input_wins_over_env", map[string]string{
			"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, check.EnvServiceToken: otherTokenID + ":" + otherSecret},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"id_input_wins_over_env", map[string]string{
			"INPUT_SERVICE-TOKEN": testSecret, "INPUT_SERVICE-TOKEN-ID": testTokenID, check.EnvServiceTokenID: otherTokenID},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"blank_env_ignored", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, check.EnvServiceTokenID: "  \n"},
			planetscale.Credentials{ID: testTokenID, Secret: testSecret}},
		{"oauth_token", map[string]string{"INPUT_SERVICE-TOKEN": "pscale_oauth_AbCdEf123"},
			planetscale.Credentials{Secret: "pscale_oauth_AbCdEf123", OAuth: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{}
			for k, v := range base {
				vars[k] = v
			}
			for k, v := range tt.vars {
				vars[k] = v
			}
			cfg, creds, buf, err := loadConfigCreds(vars)
			if err != nil {
				t.Fatalf("LoadConfig error = %v, want none", err)
			}
			if creds != tt.wantCreds {
				t.Errorf("LoadConfig credentials = %+v, want %+v", creds, tt.wantCreds)
			}
			// The defaults, no filter, and the token wherever it came from.
			want := check.Config{
				Organization: "acme", Database: "shop", FailOn: check.FailOnUnapproved,
				APIURL: planetscale.DefaultBaseURL, Timeout: check.DefaultTimeout, OAuth: tt.wantCreds.OAuth,
			}
			if *cfg != want {
				t.Errorf("LoadConfig = %+v, want %+v", *cfg, want)
			}
			// Every line LoadConfig writes is a mask, and the secret is masked.
			out := buf.String()
			for _, l := range lines(out) {
				if !strings.HasPrefix(l, "::add-mask::") {
					t.Errorf("LoadConfig wrote %q, want only ::add-mask:: lines", l)
				}
			}
			for _, want := range []string{"::add-mask::" + tt.wantCreds.Secret, "::add-mask::" + tt.wantCreds.AuthorizationHeader()} {
				if !slices.Contains(lines(out), want) {
					t.Errorf("log lacks %q; got:\n%s", want, out)
				}
			}
		})
	}
}

func TestLoadConfig_AllInputs(t *testing.T) {
	t.Parallel()
	cfg, creds, _, err := loadConfigCreds(map[string]string{
		"INPUT_ORGANIZATION":  "  acme\n",
		"INPUT_DATABASE":      "shop",
		"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret,
		"INPUT_BRANCH":        "add-index",
		"INPUT_INTO-BRANCH":   "main",
		"INPUT_FAIL-ON":       "Undeployed",
		"INPUT_API-URL":       "https://proxy.example.com/planetscale/",
		"INPUT_TIMEOUT":       " 90s ",
	})
	if err != nil {
		t.Fatalf("LoadConfig error = %v, want none", err)
	}
	want := check.Config{
		Organization: "acme",
		Database:     "shop",
		Filter:       check.Filter{Branch: "add-index", IntoBranch: "main"},
		FailOn:       check.FailOnUndeployed,
		APIURL:       "https://proxy.example.com/planetscale/",
		Timeout:      90 * time.Second,
	}
	if *cfg != want {
		t.Errorf("LoadConfig = %+v, want %+v", *cfg, want)
	}
	if wantCreds := (planetscale.Credentials{ID: testTokenID, Secret: testSecret}); creds != wantCreds {
		t.Errorf("LoadConfig credentials = %+v, want %+v", creds, wantCreds)
	}
}

func TestLoadConfig_APIURL(t *testing.T) {
	t.Parallel()
	load := func(url string) (*check.Config, error) {
		cfg, _, err := loadConfig(map[string]string{
			"INPUT_ORGANIZATION": "acme", "INPUT_DATABASE": "shop",
			"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, "INPUT_API-URL": url,
		})
		return cfg, err
	}
	accepted := map[string]string{
		"https":               "https://api.planetscale.com",
		"https_proxy_path":    "https://proxy.internal.example/planetscale",
		"http_loopback_ip":    "http://127.0.0.1:8080",
		"http_loopback_range": "http://127.8.9.10:8080",
		"http_localhost":      "http://localhost:3000",
		"http_ipv6_loopback":  "http://[::1]:3000",
	}
	for name, url := range accepted {
		if cfg, err := load(url); err != nil {
			t.Errorf("%s: LoadConfig error = %v, want none", name, err)
		} else if cfg.APIURL != url {
			t.Errorf("%s: APIURL = %q, want %q", name, cfg.APIURL, url)
		}
	}
	refused := map[string]string{
		"http_remote":              "http://api.planetscale.com",
		"http_private_ip":          "http://10.0.0.5:8080",
		"http_localhost_lookalike": "http://localhost.evil.example",
		"no_scheme":                "api.planetscale.com",
		"ftp":                      "ftp://api.planetscale.com",
		"user_info":                "https://user:pw@api.planetscale.com",
		"query":                    "https://api.planetscale.com?x=1",
	}
	for name, url := range refused {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := load(url)
			var inErr *InputError
			if !errors.As(err, &inErr) {
				t.Fatalf("LoadConfig error = %v, want an *InputError", err)
			}
			if len(inErr.Problems) != 1 || !strings.HasPrefix(inErr.Problems[0], `input "api-url": `) {
				t.Errorf("Problems = %q, want one about input \"api-url\"", inErr.Problems)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("error %q repeats the URL's password", err)
			}
		})
	}
}

// TestLoadConfigReportsAllProblems: one *InputError lists every problem.
func TestLoadConfig_ReportsAllProblems(t *testing.T) {
	t.Parallel()
	cfg, buf, err := loadConfig(map[string]string{
		"INPUT_FAIL-ON": "sometimes",
		"INPUT_API-URL": "http://api.example.com",
		"INPUT_TIMEOUT": "forever",
	})
	if cfg != nil {
		t.Errorf("LoadConfig config = %+v, want nil", cfg)
	}
	var inErr *InputError
	if !errors.As(err, &inErr) {
		t.Fatalf("LoadConfig error = %v, want an *InputError", err)
	}
	wantParts := []string{
		`input "organization" is required`,
		`input "database" is required`,
		`no service token`,
		`input "fail-on": "sometimes" is not a policy`,
		`input "api-url": API URL "http://api.example.com" uses plain http`,
		`input "timeout": "forever" is not a duration`,
	}
	if len(inErr.Problems) != len(wantParts) {
		t.Fatalf("got %d problems, want %d:\n%s", len(inErr.Problems), len(wantParts), err)
	}
	for i, want := range wantParts {
		if !strings.Contains(inErr.Problems[i], want) {
			t.Errorf("problem %d = %q, want it to contain %q", i, inErr.Problems[i], want)
		}
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "bad input:\n- ") || strings.Count(msg, "\n- ") != len(wantParts) {
		t.Errorf("Error() = %q, want a bulleted list of %d problems", msg, len(wantParts))
	}
	// The no-token problem says where a token can come from.
	for _, want := range []string{`"service-token"`, check.EnvServiceToken, check.EnvServiceTokenID, "ID:TOKEN"} {
		if !strings.Contains(inErr.Problems[2], want) {
			t.Errorf("no-token problem %q does not mention %q", inErr.Problems[2], want)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("LoadConfig with no token wrote %q, want nothing", buf.String())
	}
}

func TestInputError_SingleProblem(t *testing.T) {
	t.Parallel()
	err := &InputError{Problems: []string{"x is wrong"}}
	if got, want := err.Error(), "bad input: x is wrong"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestLoadConfigCredentialMistakes: each usual mistake is explained with
// where the value came from and how to fix it, never quoting the secret,
// and every secret part is masked before anything else.
func TestLoadConfig_CredentialMistakes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		// secret is the value that must be masked and never shown.
		secret   string
		wantFrom string
		wantText []string
	}{
		{"bearer_prefix_input", map[string]string{"INPUT_SERVICE-TOKEN": "Bearer " + testSecret}, testSecret,
			`input "service-token"`, []string{`starts with "Bearer "`, `remove "Bearer "`}},
		{"bearer_prefix_env", map[string]string{check.EnvServiceToken: "bearer " + testTokenID + ":" + testSecret}, testSecret,
			"env " + check.EnvServiceToken, []string{`starts with "Bearer "`, `remove "Bearer "`}},
		{"swapped_input", map[string]string{"INPUT_SERVICE-TOKEN": testSecret + ":" + testTokenID}, testSecret,
			`input "service-token"`, []string{"swapped", "swap them"}},
		{"swapped_env", map[string]string{check.EnvServiceToken: testSecret + ":" + testTokenID}, testSecret,
			"env " + check.EnvServiceToken, []string{"swapped", "swap them"}},
		{"swapped_split", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID, "INPUT_SERVICE-TOKEN-ID": testSecret}, testSecret,
			`input "service-token" and input "service-token-id"`, []string{"swapped"}},
		{"secret_without_id_input", map[string]string{"INPUT_SERVICE-TOKEN": testSecret}, testSecret,
			`input "service-token"`, []string{"without its ID", "ID:TOKEN", check.EnvServiceTokenID}},
		{"secret_without_id_env", map[string]string{check.EnvServiceToken: testSecret + "\n"}, testSecret,
			"env " + check.EnvServiceToken, []string{"without its ID", "ID:TOKEN"}},
		{"id_without_secret_input", map[string]string{"INPUT_SERVICE-TOKEN-ID": testTokenID}, testTokenID,
			`input "service-token-id"`, []string{"token itself is empty"}},
		{"id_without_secret_env", map[string]string{check.EnvServiceTokenID: testTokenID}, testTokenID,
			"env " + check.EnvServiceTokenID, []string{"token itself is empty"}},
		{"different_ids", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, check.EnvServiceTokenID: otherTokenID}, testSecret,
			`input "service-token" and env ` + check.EnvServiceTokenID, []string{"different service token ID"}},
		{"not_id_token_form", map[string]string{"INPUT_SERVICE-TOKEN": "s3cr3tWithoutColonOrPrefix"}, "s3cr3tWithoutColonOrPrefix",
			`input "service-token"`, []string{"not in ID:TOKEN form"}},
		{"oauth_with_id", map[string]string{"INPUT_SERVICE-TOKEN": "pscale_oauth_S3cretOAuth", "INPUT_SERVICE-TOKEN-ID": testTokenID}, "pscale_oauth_S3cretOAuth",
			`input "service-token" and input "service-token-id"`, []string{"OAuth", "needs no ID"}},
		{"space_inside_secret", map[string]string{"INPUT_SERVICE-TOKEN": testTokenID + ":pscale_tkn_two words"}, "pscale_tkn_two words",
			`input "service-token"`, []string{"white space"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Organization is missing too: masking must not wait for a valid config.
			tt.vars["INPUT_DATABASE"] = "shop"
			_, buf, err := loadConfig(tt.vars)
			var inErr *InputError
			if !errors.As(err, &inErr) {
				t.Fatalf("LoadConfig error = %v, want an *InputError", err)
			}
			if len(inErr.Problems) != 2 {
				t.Fatalf("got problems %q, want 2 (organization, credentials)", inErr.Problems)
			}
			msg := inErr.Problems[1]
			if want := "(read from " + tt.wantFrom + ")"; !strings.Contains(msg, want) {
				t.Errorf("problem %q does not say %q", msg, want)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(msg, want) {
					t.Errorf("problem %q does not contain %q", msg, want)
				}
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q contains the secret", err)
			}
			log := lines(buf.String())
			if len(log) == 0 {
				t.Fatalf("nothing written, want ::add-mask:: lines")
			}
			for _, l := range log {
				if !strings.HasPrefix(l, "::add-mask::") {
					t.Errorf("LoadConfig wrote %q, want only ::add-mask:: lines", l)
				}
				if strings.Contains(l, "%0A") || strings.Contains(l, "%0D") {
					t.Errorf("mask %q holds a line break; the runner would not mask the value", l)
				}
			}
			if !slices.Contains(log, "::add-mask::"+tt.secret) {
				t.Errorf("secret not masked; log:\n%s", buf)
			}
		})
	}
}

// TestLoadConfigMultiLineToken: a token pasted over several lines is
// refused, and each mask fits one ::add-mask:: command.
func TestLoadConfig_MultiLineToken(t *testing.T) {
	t.Parallel()
	_, buf, err := loadConfig(map[string]string{
		"INPUT_ORGANIZATION": "acme", "INPUT_DATABASE": "shop",
		"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret + "\nsecond-line",
	})
	var inErr *InputError
	if !errors.As(err, &inErr) || !strings.Contains(err.Error(), "white space") {
		t.Fatalf("LoadConfig error = %v, want an *InputError about white space", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("error %q contains the secret", err)
	}
	log := lines(buf.String())
	for _, l := range log {
		if !strings.HasPrefix(l, "::add-mask::") || strings.Contains(l, "%0A") || strings.Contains(l, "%0D") {
			t.Errorf("line %q is not a one-line mask", l)
		}
	}
	for _, want := range []string{testTokenID + ":" + testSecret, "second-line"} {
		if !slices.Contains(log, "::add-mask::"+want) {
			t.Errorf("%q not masked; log:\n%s", want, buf)
		}
	}
}

// TestLoadInputs_Lists: the database and repositories inputs are lists
// split the same way (commas, newlines, CRLF, blanks dropped, trimmed);
// databases repeat exactly to be dropped, repositories in any case, and
// an entry that is not owner/name is named each time it is given.
func TestLoadInputs_Lists(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, database, repositories string
		wantDBs, wantRepos           []string
		wantProblems                 []string
	}{
		{name: "one", database: "shop", wantDBs: []string{"shop"}},
		{name: "commas_and_blanks", database: " shop, ,billing,,", wantDBs: []string{"shop", "billing"}},
		{name: "newlines_crlf", database: "shop\r\nbilling\n\nledger\n", wantDBs: []string{"shop", "billing", "ledger"}},
		{name: "repeats_dropped_in_order", database: "billing\nshop, billing", wantDBs: []string{"billing", "shop"}},
		{name: "database_case_kept", database: "shop,Shop", wantDBs: []string{"shop", "Shop"}},
		{name: "repositories", database: "shop", repositories: " acme/app ,\r\nacme/web\n\n, ACME/App",
			wantDBs: []string{"shop"}, wantRepos: []string{"acme/app", "acme/web"}},
		{name: "bad_repository_named_each_time", database: "shop", repositories: "app, acme/web\napp",
			wantProblems: []string{`input "repositories": "app" is not owner/name`, `input "repositories": "app" is not owner/name`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"INPUT_ORGANIZATION": "acme", "INPUT_DATABASE": tc.database,
				"INPUT_SERVICE-TOKEN": testTokenID + ":" + testSecret, "INPUT_GITHUB-TOKEN": "ghs_x", "INPUT_MODE": "sync",
				"INPUT_REPOSITORIES": tc.repositories}
			a, _ := newTestAction(vars)
			in, err := loadInputs(a, readToken(a), MinWaitInterval)
			var ie *InputError
			if errors.As(err, &ie) {
				var got []string
				for _, p := range ie.Problems {
					got = append(got, p[:min(len(p), len(`input "repositories": "app" is not owner/name`))])
				}
				if !slices.Equal(got, tc.wantProblems) {
					t.Fatalf("problems = %q, want %q", ie.Problems, tc.wantProblems)
				}
				return
			}
			if err != nil || tc.wantProblems != nil {
				t.Fatalf("err = %v, want problems %q", err, tc.wantProblems)
			}
			if !slices.Equal(in.databases, tc.wantDBs) || !slices.Equal(in.github.repositories, tc.wantRepos) {
				t.Errorf("databases %q, repositories %q; want %q and %q", in.databases, in.github.repositories, tc.wantDBs, tc.wantRepos)
			}
		})
	}
}
