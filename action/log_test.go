package action

import (
	"strings"
	"testing"
)

// TestRun_OutsideARunner: no workflow command at all, so no ::add-mask::
// that would print the secret itself, and errors as plain lines.
func TestRun_OutsideARunner(t *testing.T) {
	t.Parallel()
	in := gateInputs("http://127.0.0.1:1")
	in["GITHUB_ACTIONS"] = ""
	in["INPUT_TIMEOUT"] = "1s"
	r := mustRun(t, in, ResultError)
	for _, l := range lines(r.log) {
		if strings.HasPrefix(l, "::") {
			t.Errorf("workflow command outside a runner: %q", l)
		}
	}
	if !strings.Contains(r.log, "Error: Deploy request gate could not decide: Could not reach the PlanetScale API") {
		t.Errorf("error not printed as a plain line:\n%s", r.log)
	}
}

func TestPlainCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line string
		debug      bool
		want       string
	}{
		{"plain_line", "Listing open deploy requests\n", false, "Listing open deploy requests\n"},
		{"error_with_title", "::error title=Deploy request gate could not decide::Bad.%0AError: x%25 done\n", false, "Error: Deploy request gate could not decide: Bad.\nError: x% done\n"},
		{"warning", "::warning::careful\n", false, "Warning: careful\n"},
		{"notice_title_escaped", "::notice title=a%3A b%2C c::ok\n", false, "Notice: a: b, c: ok\n"},
		{"debug_hidden", "::debug::details\n", false, ""},
		{"debug_shown", "::debug::details\n", true, "debug: details\n"},
		{"mask_dropped", "::add-mask::secret\n", false, ""},
		{"other_command_dropped", "::stop-commands::token\n", false, ""},
		{"not_a_command", ":: just colons\n", false, ":: just colons\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := plainCommand(tt.line, tt.debug); got != tt.want {
				t.Errorf("plainCommand(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}
