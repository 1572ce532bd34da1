package main

import (
	"strings"
	"testing"
)

// TestCLI_NoTokenInUsageErrors gives the token where it does not belong —
// as a stray argument, as a misspelt flag's value, as another flag's value,
// as an unknown command — with the token in the environment and without:
// no message shows it or its secret part, in any form.
func TestCLI_NoTokenInUsageErrors(t *testing.T) {
	t.Parallel()
	combined := tokenID + ":" + tokenSecret
	secretTail := strings.TrimPrefix(tokenSecret, "pscale_tkn_")
	envWith := []string{"PLANETSCALE_SERVICE_TOKEN=" + combined, "PLANETSCALE_ORG=" + testOrg}
	envWithout := []string{"PLANETSCALE_ORG=" + testOrg}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"stray_argument", envWithout, []string{"check", "shop", combined}},
		{"stray_argument_token_in_env", envWith, []string{"check", "shop", combined}},
		{"stray_secret_alone", envWith, []string{"check", "shop", tokenSecret}},
		{"stray_secret_alone_not_in_env", envWithout, []string{"check", "shop", "extra", tokenSecret}},
		{"misspelt_flag_value", envWithout, []string{"check", "shop", "--service-tokn", combined}},
		{"flag_value_then_stray", envWithout, []string{"check", "shop", "--service-token=" + combined, "extra", combined}},
		{"token_as_timeout", envWithout, []string{"check", "shop", "--timeout", combined}},
		{"token_as_format", envWithout, []string{"check", "shop", "--format", combined}},
		{"token_as_api_url", envWithout, []string{"check", "shop", "--api-url", combined}},
		{"split_secret_after_unknown_flag", envWithout, []string{"check", "shop", "--service-token-id", tokenID, "--bogus", tokenSecret}},
		{"token_as_command", envWith, []string{combined}},
		{"token_as_help_topic", envWithout, []string{"help", combined}},
		{"help_with_token_flag", envWithout, []string{"check", "--service-token", combined, "--help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCommand(t, tc.env, tc.args...) // fails on the raw forms
			out := r.stdout + r.stderr
			for _, leak := range []string{secretTail, strings.ReplaceAll(tokenSecret, "_", `\_`), strings.ReplaceAll(combined, ":", "%3A")} {
				if strings.Contains(out, leak) {
					t.Errorf("%v shows the token as %q:\n%s", tc.args, leak, out)
				}
			}
			if tc.name != "help_with_token_flag" && (r.code != 2 || r.stderr == "") {
				t.Errorf("%v: exit %d, stderr %q; want a usage error, exit 2", tc.args, r.code, r.stderr)
			}
		})
	}
}
