package check

import (
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Policy{
		"":              FailOnUnapproved,
		"   ":           FailOnUnapproved,
		"unapproved":    FailOnUnapproved,
		"undeployed":    FailOnUndeployed,
		"never":         FailNever,
		"deploy-order":  FailOnDeployOrder,
		"NEVER":         FailNever,
		" Undeployed\n": FailOnUndeployed,
	} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// An unknown value is an error that names it and every valid one.
	for _, in := range []string{"always", "un approved", "unapproved,never", "false"} {
		got, err := ParsePolicy(in)
		if err == nil {
			t.Errorf("ParsePolicy(%q) = %q, want an error", in, got)
			continue
		}
		if got != "" {
			t.Errorf("ParsePolicy(%q) = %q with an error, want \"\"", in, got)
		}
		for _, s := range []string{in, "unapproved", "undeployed", "never"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("ParsePolicy(%q) error %q does not mention %q", in, err, s)
			}
		}
	}
}
